/**
 * The port a `Transaction` commits through on a REST catalog: `load()` reads the table (none
 * when the server answers 404) and `commit()` sends the requirements and updates to
 * `POST .../tables/{table}`, taking the metadata the server answers with. The server applies
 * the updates to the table as it is then; a 409 is a `commit-conflict` (the transaction
 * reloads and retries), a 5xx or a lost connection `commit-state-unknown`. Never retried here.
 * A commit to a table that does not exist yet creates it when it carries `assert-create`.
 */
import type { CommitRequest, CommittedTable, TableCommitter } from "../../table/transaction/TableCommitter.js";
import type { TableIdentifier } from "../Catalog.js";
import { formatTableIdentifier } from "../identifiers.js";
import type { RestCatalog } from "./RestCatalog.js";

export class RestTableCommitter implements TableCommitter {
  private readonly catalog: RestCatalog;
  private readonly identifier: TableIdentifier;

  constructor(catalog: RestCatalog, identifier: TableIdentifier) {
    this.catalog = catalog;
    this.identifier = identifier;
  }

  async load(): Promise<CommittedTable | undefined> {
    const loaded = await this.catalog.loadTableIfExists(this.identifier);
    return loaded === undefined ? undefined : { metadata: loaded.metadata, metadataLocation: loaded.metadataLocation };
  }

  commit(request: CommitRequest): Promise<CommittedTable> {
    return this.catalog.commitTable(this.identifier, request);
  }

  toString(): string {
    return `REST committer for ${formatTableIdentifier(this.identifier)}`;
  }
}

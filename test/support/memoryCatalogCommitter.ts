/**
 * A table committer for tests that keeps the table in memory and commits the way a REST
 * catalog does: it checks the request's requirements against the table as it is now and
 * applies the request's updates to that table, ignoring the metadata the client prepared. So
 * only the requirements stand between a commit and a table another writer changed.
 */
import { applyUpdates } from "../../src/table/transaction/applyUpdates.js";
import { checkRequirements } from "../../src/table/transaction/requirements.js";
import type { CommitRequest, CommittedTable, TableCommitter } from "../../src/table/transaction/TableCommitter.js";

export class MemoryCatalogCommitter implements TableCommitter {
  readonly location: string;
  current: CommittedTable | undefined;
  /** Every request received, the refused ones included. */
  readonly requests: CommitRequest[] = [];
  private readonly clock: () => number;
  private version = 0;

  constructor(location: string, clock: () => number = Date.now) {
    this.location = location;
    this.clock = clock;
  }

  async load(): Promise<CommittedTable | undefined> {
    return this.current;
  }

  async commit(request: CommitRequest): Promise<CommittedTable> {
    this.requests.push(request);
    checkRequirements(this.current?.metadata, request.requirements);
    const metadata = applyUpdates(this.current?.metadata, request.updates, { nowMs: this.clock(), baseLocation: this.current?.metadataLocation });
    this.version++;
    this.current = { metadata, metadataLocation: `${this.location}/metadata/v${this.version}.metadata.json` };
    return this.current;
  }
}

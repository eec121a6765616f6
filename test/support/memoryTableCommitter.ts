/**
 * A TableCommitter for tests that keeps a table's metadata in memory, as a catalog would keep
 * its pointer: a commit must start from the current version and meet its requirements, and
 * the metadata goes through its JSON form on the way in, so what is committed is what a
 * reader of the metadata file would see.
 */
import { FloeError } from "../../src/core/errors/FloeError.js";
import { parseTableMetadata, serializeTableMetadata } from "../../src/table/spec/tableMetadata.js";
import { checkRequirements } from "../../src/table/transaction/requirements.js";
import type { CommitRequest, CommittedTable, TableCommitter } from "../../src/table/transaction/TableCommitter.js";

export class MemoryTableCommitter implements TableCommitter {
  current: CommittedTable | undefined;
  commits = 0;
  /** Every request that reached the committer, in order. */
  readonly requests: CommitRequest[] = [];

  constructor(readonly location = "memory://warehouse/db/table") {}

  async load(): Promise<CommittedTable | undefined> {
    return this.current;
  }

  async commit(request: CommitRequest): Promise<CommittedTable> {
    this.requests.push(request);
    if (request.base !== this.current?.metadataLocation) {
      throw new FloeError("commit-conflict", `the table moved from ${request.base ?? "nothing"} to ${this.current?.metadataLocation ?? "nothing"}`);
    }
    checkRequirements(this.current?.metadata, request.requirements);
    this.commits++;
    const metadataLocation = `${this.location}/metadata/v${this.commits}.metadata.json`;
    this.current = { metadata: parseTableMetadata(serializeTableMetadata(request.metadata), metadataLocation), metadataLocation };
    return this.current;
  }
}

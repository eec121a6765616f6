/**
 * The port through which a transaction commits: the table layer defines it, the catalog
 * layer implements it (a file-system table, a SQL catalog row, a REST catalog), so that
 * `table/` never depends on `catalog/`.
 */
import type { TableMetadata } from "../spec/tableMetadata.js";
import type { TableRequirement, TableUpdate } from "./updates.js";

/** A table's metadata and the file it was read from (or written to). */
export interface CommittedTable {
  metadata: TableMetadata;
  metadataLocation: string;
}

export interface CommitRequest {
  /** The metadata location the transaction started from; undefined when it creates the table. */
  base?: string;
  /** What must still hold of the current metadata for the commit to apply. */
  requirements: TableRequirement[];
  /** The changes, for committers that apply them themselves (a REST catalog). */
  updates: TableUpdate[];
  /** The new metadata: `updates` applied to the metadata at `base`. */
  metadata: TableMetadata;
}

export interface TableCommitter {
  /** The table's current metadata, or undefined when the table does not exist. */
  load(): Promise<CommittedTable | undefined>;
  /**
   * Makes `request.metadata` the table's current metadata, atomically, if the table is still
   * at `request.base` (and meets the requirements). Throws a `commit-conflict` FloeError when
   * it is not (another commit won: the transaction may reload and retry), and a
   * `commit-state-unknown` one when it cannot tell whether the swap happened.
   */
  commit(request: CommitRequest): Promise<CommittedTable>;
}

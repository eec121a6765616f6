/**
 * What a write or row-level change needs to reach a table: the FileIO for its files, the
 * committer that swaps its metadata pointer, and optionally the state the caller last read.
 */
import type { FileIO } from "../../io/FileIO.js";
import type { CommittedTable, TableCommitter } from "../../table/transaction/TableCommitter.js";
import { notFound } from "../../core/errors/FloeError.js";

export interface TableTarget {
  io: FileIO;
  committer: TableCommitter;
  /** The table as last read; default: loaded from the committer when the change starts. */
  base?: CommittedTable;
  /** The branch written to; default `main`. */
  branch?: string;
  /** Epoch milliseconds for snapshot timestamps; default the system clock. */
  clock?: () => number;
  /** A name for messages; default the table location. */
  name?: string;
}

/** What a change did. */
export interface ChangeResult {
  /** The table after the change (the same as before when nothing changed). */
  table: CommittedTable;
  /** The snapshot the change committed; undefined when there was nothing to commit. */
  snapshotId?: bigint;
  insertedRows: bigint;
  deletedRows: bigint;
  updatedRows: bigint;
  /** Data files added, data files removed, delete files added. */
  addedDataFiles: number;
  removedDataFiles: number;
  addedDeleteFiles: number;
}

export async function loadTarget(target: TableTarget): Promise<CommittedTable> {
  const table = target.base ?? (await target.committer.load());
  if (table === undefined) throw notFound(`table ${target.name ?? "(unnamed)"} does not exist`);
  return table;
}

export function unchanged(table: CommittedTable): ChangeResult {
  return { table, insertedRows: 0n, deletedRows: 0n, updatedRows: 0n, addedDataFiles: 0, removedDataFiles: 0, addedDeleteFiles: 0 };
}

/**
 * The last step of every row-level change (delete, update, merge, overwrite by filter):
 * given the rows it removes — a temporary table of (local file, position) — and the rows it
 * adds, commit one snapshot.
 *
 * - A file all of whose live rows are removed is dropped whole, in either mode.
 * - Copy-on-write: every other touched file is rewritten without the removed rows, together
 *   with the added rows, and the commit swaps the old files for the new ones (overwrite).
 * - Merge-on-read: each other touched file gets a position delete file naming the removed
 *   rows (format v3: a deletion vector merged with the file's earlier deletes, which it
 *   replaces); the added rows go into new data files (row delta).
 *
 * The commit is validated against what was committed since the snapshot read: a concurrent
 * commit that added data the change's filter may match, added deletes for a file it
 * rewrites, or removed a file it touches makes it fail with a conflict and leaves the table
 * as that commit left it. Files written for a commit that certainly failed are removed.
 */
import { DataFileContent, type DataFile } from "../../table/manifest/dataFile.js";
import { OverwriteFilesAction } from "../../table/transaction/OverwriteFilesAction.js";
import { RowDeltaAction } from "../../table/transaction/RowDeltaAction.js";
import { Transaction } from "../../table/transaction/Transaction.js";
import type { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { quoteIdentifier, quoteString } from "../duckdb/duckdbTypes.js";
import { writeDataFiles } from "../write/DataFileWriter.js";
import { writeDeletionVectors } from "../write/DeletionVectorWriter.js";
import { writePositionDeletes } from "../write/PositionDeleteWriter.js";
import { removeWrittenFiles } from "./commitWritten.js";
import type { RowLevelMode } from "./rowLevelMode.js";
import { FILE_COLUMN, POS_COLUMN, type TargetScan } from "./scanTarget.js";
import { unchanged, type ChangeResult, type TableTarget } from "./TableTarget.js";

export interface RowChanges {
  /** A temporary table with columns `file` (the local path, as FILE_COLUMN has it) and `pos`. */
  removedTable: string;
  /** A query of the rows to add, with the table's columns by name; none when undefined. */
  addedSql?: string;
  mode: RowLevelMode;
  /** For the result: how many of the added rows replace removed ones. */
  updatedRows?: bigint;
}

export async function commitRowChanges(session: DuckDBSession, target: TableTarget, scan: TargetScan, changes: RowChanges): Promise<ChangeResult> {
  const { metadata } = scan;
  const removed = quoteIdentifier(changes.removedTable);
  const counts = await session.query(
    `SELECT r.file, count(*) AS removed, (SELECT count(*) FROM ${quoteIdentifier(scan.view)} AS v WHERE v.${FILE_COLUMN} = r.file) AS live FROM ${removed} AS r GROUP BY r.file`,
  );
  const whole: string[] = [];
  const partial: string[] = [];
  let deletedRows = 0n;
  /** Rows of partially touched files that a copy-on-write rewrite carries over. */
  let keptRows = 0n;
  for (const [file, removedCount, live] of counts.rows) {
    const r = BigInt(removedCount as bigint);
    const l = BigInt(live as bigint);
    deletedRows += r;
    if (r >= l) whole.push(String(file));
    else {
      partial.push(String(file));
      keptRows += l - r;
    }
  }
  const dataFileOf = (local: string): DataFile => scan.tasks.get(local)!.dataFile;

  const addedQueries: string[] = [];
  const columns = scan.schema.fields.map((f) => quoteIdentifier(f.name)).join(", ");
  if (changes.mode === "copy-on-write" && partial.length > 0) {
    addedQueries.push(
      `SELECT ${columns} FROM ${quoteIdentifier(scan.view)} AS v WHERE v.${FILE_COLUMN} IN (${partial.map(quoteString).join(", ")}) AND NOT EXISTS (SELECT 1 FROM ${removed} AS r WHERE r.file = v.${FILE_COLUMN} AND r.pos = v.${POS_COLUMN})`,
    );
  }
  if (changes.addedSql !== undefined) addedQueries.push(`SELECT ${columns} FROM (${changes.addedSql})`);
  if (whole.length === 0 && partial.length === 0 && changes.addedSql === undefined) return unchanged(scan.table);

  const written: DataFile[] = [];
  try {
    const dataFiles =
      addedQueries.length === 0
        ? []
        : await writeDataFiles(session, {
            sql: addedQueries.join("\nUNION ALL\n"),
            schema: scan.schema,
            spec: metadata.defaultSpec(),
            location: metadata.location,
            io: target.io,
            properties: metadata.properties,
            sortOrder: metadata.defaultSortOrder().fields.length > 0 ? metadata.defaultSortOrder() : undefined,
          });
    written.push(...dataFiles);
    let deleteFiles: DataFile[] = [];
    let superseded: DataFile[] = [];
    if (changes.mode === "merge-on-read") {
      // format v3 deletes rows with deletion vectors, v2 with position delete files
      if (metadata.formatVersion >= 3) {
        // every partly deleted file's positions in one pass over the removed rows
        const partialSet = new Set(partial);
        const grouped = await session.query(`SELECT file, list(pos ORDER BY pos) FROM ${removed} GROUP BY file`);
        const targets = grouped.rows
          .filter(([file]) => partialSet.has(String(file)))
          .map(([file, positions]) => ({
            dataFile: dataFileOf(String(file)),
            positions: (positions as (bigint | number)[]).map((p) => BigInt(p)),
            existingDeletes: scan.tasks.get(String(file))!.deletes,
          }));
        ({ deleteFiles, superseded } = await writeDeletionVectors(session, target.io, metadata, targets));
      } else {
        const deletedFrom = new Map(partial.map((local) => [local, dataFileOf(local)]));
        deleteFiles = await writePositionDeletes(session, target.io, metadata, { sql: `SELECT file, pos FROM ${removed}`, dataFiles: deletedFrom });
      }
    }
    written.push(...deleteFiles);
    if (dataFiles.length === 0 && deleteFiles.length === 0 && whole.length === 0 && partial.length === 0) return unchanged(scan.table);

    const options = { branch: target.branch, startingSnapshotId: scan.snapshotId, conflictDetectionFilter: scan.filter };
    let action: OverwriteFilesAction;
    if (changes.mode === "copy-on-write") {
      action = new OverwriteFilesAction(options);
      for (const local of [...whole, ...partial]) action.remove(dataFileOf(local));
    } else {
      const delta = new RowDeltaAction(options);
      for (const local of whole) delta.remove(dataFileOf(local));
      for (const file of deleteFiles) delta.addDeletes(file);
      for (const file of superseded) delta.remove(file);
      delta.validateDataFilesExist(partial.map((local) => dataFileOf(local).filePath));
      action = delta;
    }
    for (const file of dataFiles) action.add(file);
    // serializable: rows added meanwhile that the change's condition may match, and deletes
    // added meanwhile to the files it replaces, would be lost or doubled
    action.validateNoConflictingData().validateNoConflictingDeletes();

    const table = await new Transaction({ io: target.io, base: scan.table, clock: target.clock }).addAction(action).commit(target.committer);
    const snapshot = table.metadata.snapshotByRef(target.branch ?? "main");
    const updatedRows = changes.updatedRows ?? 0n;
    const addedRows = dataFiles.reduce((sum, f) => sum + f.recordCount, 0n) - (changes.mode === "copy-on-write" ? keptRows : 0n);
    return {
      table,
      snapshotId: snapshot?.snapshotId,
      insertedRows: addedRows - updatedRows,
      deletedRows: deletedRows - updatedRows,
      updatedRows,
      addedDataFiles: dataFiles.length,
      removedDataFiles: whole.length + (changes.mode === "copy-on-write" ? partial.length : 0),
      addedDeleteFiles: deleteFiles.filter((f) => f.content !== DataFileContent.DATA).length,
    };
  } catch (error) {
    await removeWrittenFiles(target, written, error);
    throw error;
  }
}

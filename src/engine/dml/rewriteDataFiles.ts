/**
 * Compaction: rewrites the data files of partitions that have several files or deletes
 * applied to them into as few target-sized files as the rows need, with the deletes applied
 * (merge-on-read tables come back to copy-on-write form), in one `replace` snapshot. The
 * rows do not change: concurrent appends commute with it; deletes committed meanwhile to a
 * rewritten file make it fail rather than be lost.
 */
import { DataFileContent, type DataFile } from "../../table/manifest/dataFile.js";
import { partitionKey } from "../../table/manifest/partitionKey.js";
import { RewriteFilesAction } from "../../table/transaction/RewriteFilesAction.js";
import { Transaction } from "../../table/transaction/Transaction.js";
import type { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { quoteIdentifier, quoteString } from "../duckdb/duckdbTypes.js";
import { dropScan, FILE_COLUMN, scanTarget } from "./scanTarget.js";
import { removeWrittenFiles } from "./commitWritten.js";
import type { TableTarget } from "./TableTarget.js";
import { writeTableFiles } from "./writeRows.js";
import type { CommittedTable } from "../../table/transaction/TableCommitter.js";

export interface RewriteResult {
  table: CommittedTable;
  snapshotId?: bigint;
  rewrittenDataFiles: number;
  addedDataFiles: number;
  rewrittenBytes: bigint;
  removedDeleteFiles: number;
}

export async function rewriteDataFiles(session: DuckDBSession, target: TableTarget): Promise<RewriteResult> {
  const scan = await scanTarget(session, target);
  try {
    const groups = new Map<string, { locals: string[]; files: DataFile[]; deletes: Map<string, DataFile> }>();
    for (const [local, task] of scan.tasks) {
      const key = partitionKey(task.dataFile.specId, task.dataFile.partition);
      const group = groups.get(key) ?? { locals: [], files: [], deletes: new Map<string, DataFile>() };
      group.locals.push(local);
      group.files.push(task.dataFile);
      for (const d of task.deletes) group.deletes.set(`${d.filePath}#${d.contentOffset ?? ""}`, d);
      groups.set(key, group);
    }
    // a partition with one file and no deletes, written with the current spec, is as compact as it gets
    const chosen = [...groups.values()].filter((g) => g.files.length > 1 || g.deletes.size > 0 || g.files[0].specId !== scan.metadata.defaultSpecId);
    const unchanged: RewriteResult = { table: scan.table, rewrittenDataFiles: 0, addedDataFiles: 0, rewrittenBytes: 0n, removedDeleteFiles: 0 };
    if (chosen.length === 0) return unchanged;

    const locals = chosen.flatMap((g) => g.locals);
    const columns = scan.schema.fields.map((f) => quoteIdentifier(f.name)).join(", ");
    const added = await writeTableFiles(
      session,
      target.io,
      scan.metadata,
      `SELECT ${columns} FROM ${quoteIdentifier(scan.view)} WHERE ${FILE_COLUMN} IN (${locals.map(quoteString).join(", ")})`,
    );
    const removedData = chosen.flatMap((g) => g.files);
    // deletes of the rewritten files go with them: the new files hold the rows they left
    const removedDeletes = [...new Map(chosen.flatMap((g) => [...g.deletes])).values()].filter(
      (d) => d.referencedDataFile === undefined || removedData.some((f) => f.filePath === d.referencedDataFile),
    );
    const stillNeeded = (d: DataFile) =>
      d.referencedDataFile === undefined &&
      [...scan.tasks.values()].some((t) => !removedData.includes(t.dataFile) && t.deletes.some((x) => x.filePath === d.filePath));
    const deletesToRemove = removedDeletes.filter((d) => !stillNeeded(d) && d.content !== DataFileContent.DATA);
    const action = new RewriteFilesAction({ branch: target.branch, startingSnapshotId: scan.snapshotId }).rewriteFiles([...removedData, ...deletesToRemove], added);
    try {
      const table = await new Transaction({ io: target.io, base: scan.table, clock: target.clock }).addAction(action).commit(target.committer);
      return {
        table,
        snapshotId: table.metadata.snapshotByRef(target.branch ?? "main")?.snapshotId,
        rewrittenDataFiles: removedData.length,
        addedDataFiles: added.length,
        rewrittenBytes: removedData.reduce((sum, f) => sum + f.fileSizeInBytes, 0n),
        removedDeleteFiles: deletesToRemove.length,
      };
    } catch (error) {
      await removeWrittenFiles(target, added, error);
      throw error;
    }
  } finally {
    await dropScan(session, scan);
  }
}

/**
 * Snapshot summaries (format/spec.md, "Snapshot Summary"): the counts of what a snapshot
 * added and the table totals after it.
 */
import { partitionKey } from "../manifest/partitionKey.js";
import { DataFileContent, type DataFile } from "../manifest/dataFile.js";
import type { Snapshot, SnapshotOperation } from "../spec/snapshot.js";

export const SUMMARY = {
  operation: "operation",
  addedDataFiles: "added-data-files",
  addedDeleteFiles: "added-delete-files",
  addedRecords: "added-records",
  addedFilesSize: "added-files-size",
  addedPositionDeletes: "added-position-deletes",
  addedEqualityDeletes: "added-equality-deletes",
  changedPartitionCount: "changed-partition-count",
  totalRecords: "total-records",
  totalFilesSize: "total-files-size",
  totalDataFiles: "total-data-files",
  totalDeleteFiles: "total-delete-files",
  totalPositionDeletes: "total-position-deletes",
  totalEqualityDeletes: "total-equality-deletes",
} as const;

/** The summary keys that carry table totals, and the added count each grows by. */
const TOTALS: [total: string, added: string][] = [
  [SUMMARY.totalRecords, SUMMARY.addedRecords],
  [SUMMARY.totalFilesSize, SUMMARY.addedFilesSize],
  [SUMMARY.totalDataFiles, SUMMARY.addedDataFiles],
  [SUMMARY.totalDeleteFiles, SUMMARY.addedDeleteFiles],
  [SUMMARY.totalPositionDeletes, SUMMARY.addedPositionDeletes],
  [SUMMARY.totalEqualityDeletes, SUMMARY.addedEqualityDeletes],
];

/** Summary keys a caller's snapshot properties may not replace. */
const RESERVED = new Set<string>([...Object.values(SUMMARY)]);

/**
 * The summary of a snapshot that adds `files` on top of `parent`: `added-*` counts, the number
 * of partitions touched, and totals carried over from the parent's summary. A total the parent
 * does not carry (a table written by a writer that left it out) stays unknown and is not written.
 */
export function addedFilesSummary(
  operation: SnapshotOperation,
  files: readonly DataFile[],
  parent: Snapshot | undefined,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const summary: Record<string, string> = {};
  for (const [key, value] of Object.entries(extra)) if (!RESERVED.has(key)) summary[key] = value;
  summary[SUMMARY.operation] = operation;

  let dataFiles = 0n;
  let deleteFiles = 0n;
  let records = 0n;
  let size = 0n;
  let positionDeletes = 0n;
  let equalityDeletes = 0n;
  const partitions = new Set<string>();
  for (const file of files) {
    size += file.fileSizeInBytes;
    partitions.add(partitionKey(file.specId, file.partition));
    if (file.content === DataFileContent.DATA) {
      dataFiles++;
      records += file.recordCount;
    } else {
      deleteFiles++;
      if (file.content === DataFileContent.POSITION_DELETES) positionDeletes += file.recordCount;
      else equalityDeletes += file.recordCount;
    }
  }
  const added: Record<string, bigint> = {
    [SUMMARY.addedDataFiles]: dataFiles,
    [SUMMARY.addedDeleteFiles]: deleteFiles,
    [SUMMARY.addedRecords]: records,
    [SUMMARY.addedFilesSize]: size,
    [SUMMARY.addedPositionDeletes]: positionDeletes,
    [SUMMARY.addedEqualityDeletes]: equalityDeletes,
  };
  for (const [key, value] of Object.entries(added)) {
    // files and records always; delete counts only when there are some, as Java writes them
    if (value > 0n || key === SUMMARY.addedDataFiles || key === SUMMARY.addedRecords || key === SUMMARY.addedFilesSize) {
      summary[key] = value.toString();
    }
  }
  summary[SUMMARY.changedPartitionCount] = String(partitions.size);

  for (const [totalKey, addedKey] of TOTALS) {
    const previous = parent === undefined ? 0n : parseCount(parent.summary[totalKey]);
    if (previous === undefined) continue;
    summary[totalKey] = (previous + added[addedKey]).toString();
  }
  return summary;
}

function parseCount(text: string | undefined): bigint | undefined {
  return text !== undefined && /^\d+$/.test(text.trim()) ? BigInt(text.trim()) : undefined;
}

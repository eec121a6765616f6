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
  addedDeletionVectors: "added-dvs",
  deletedDataFiles: "deleted-data-files",
  deletedRecords: "deleted-records",
  removedFilesSize: "removed-files-size",
  removedDeleteFiles: "removed-delete-files",
  removedPositionDeletes: "removed-position-deletes",
  removedEqualityDeletes: "removed-equality-deletes",
  removedDeletionVectors: "removed-dvs",
  changedPartitionCount: "changed-partition-count",
  totalRecords: "total-records",
  totalFilesSize: "total-files-size",
  totalDataFiles: "total-data-files",
  totalDeleteFiles: "total-delete-files",
  totalPositionDeletes: "total-position-deletes",
  totalEqualityDeletes: "total-equality-deletes",
} as const;

/** The summary keys that carry table totals, the added count each grows by and the removed count it shrinks by. */
const TOTALS: [total: string, added: string, removed: string][] = [
  [SUMMARY.totalRecords, SUMMARY.addedRecords, SUMMARY.deletedRecords],
  [SUMMARY.totalFilesSize, SUMMARY.addedFilesSize, SUMMARY.removedFilesSize],
  [SUMMARY.totalDataFiles, SUMMARY.addedDataFiles, SUMMARY.deletedDataFiles],
  [SUMMARY.totalDeleteFiles, SUMMARY.addedDeleteFiles, SUMMARY.removedDeleteFiles],
  [SUMMARY.totalPositionDeletes, SUMMARY.addedPositionDeletes, SUMMARY.removedPositionDeletes],
  [SUMMARY.totalEqualityDeletes, SUMMARY.addedEqualityDeletes, SUMMARY.removedEqualityDeletes],
];

/** Summary keys a caller's snapshot properties may not replace. */
const RESERVED = new Set<string>([...Object.values(SUMMARY)]);

interface FileCounts {
  dataFiles: bigint;
  deleteFiles: bigint;
  records: bigint;
  size: bigint;
  positionDeletes: bigint;
  equalityDeletes: bigint;
  deletionVectors: bigint;
}

function countFiles(files: readonly DataFile[], partitions: Set<string>): FileCounts {
  const counts: FileCounts = { dataFiles: 0n, deleteFiles: 0n, records: 0n, size: 0n, positionDeletes: 0n, equalityDeletes: 0n, deletionVectors: 0n };
  for (const file of files) {
    counts.size += file.fileSizeInBytes;
    partitions.add(partitionKey(file.specId, file.partition));
    if (file.content === DataFileContent.DATA) {
      counts.dataFiles++;
      counts.records += file.recordCount;
    } else {
      counts.deleteFiles++;
      if (file.content === DataFileContent.EQUALITY_DELETES) counts.equalityDeletes += file.recordCount;
      else {
        counts.positionDeletes += file.recordCount;
        if (file.fileFormat.toLowerCase() === "puffin") counts.deletionVectors++;
      }
    }
  }
  return counts;
}

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
  return changedFilesSummary(operation, files, [], parent, extra);
}

/**
 * The summary of a snapshot that adds `added` and removes `removed` (data and delete files
 * alike): the `added-*`, `deleted-*` and `removed-*` counts, the partitions touched by either,
 * and the totals of the parent moved by both.
 */
export function changedFilesSummary(
  operation: SnapshotOperation,
  added: readonly DataFile[],
  removed: readonly DataFile[],
  parent: Snapshot | undefined,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const summary: Record<string, string> = {};
  for (const [key, value] of Object.entries(extra)) if (!RESERVED.has(key)) summary[key] = value;
  summary[SUMMARY.operation] = operation;

  const partitions = new Set<string>();
  const a = countFiles(added, partitions);
  const r = countFiles(removed, partitions);
  const counts: Record<string, bigint> = {
    [SUMMARY.addedDataFiles]: a.dataFiles,
    [SUMMARY.addedDeleteFiles]: a.deleteFiles,
    [SUMMARY.addedRecords]: a.records,
    [SUMMARY.addedFilesSize]: a.size,
    [SUMMARY.addedPositionDeletes]: a.positionDeletes,
    [SUMMARY.addedEqualityDeletes]: a.equalityDeletes,
    [SUMMARY.addedDeletionVectors]: a.deletionVectors,
    [SUMMARY.deletedDataFiles]: r.dataFiles,
    [SUMMARY.deletedRecords]: r.records,
    [SUMMARY.removedFilesSize]: r.size,
    [SUMMARY.removedDeleteFiles]: r.deleteFiles,
    [SUMMARY.removedPositionDeletes]: r.positionDeletes,
    [SUMMARY.removedEqualityDeletes]: r.equalityDeletes,
    [SUMMARY.removedDeletionVectors]: r.deletionVectors,
  };
  // files, records and sizes added always; the other counts only when there are some, as Java writes them
  const always = new Set<string>([SUMMARY.addedDataFiles, SUMMARY.addedRecords, SUMMARY.addedFilesSize]);
  for (const [key, value] of Object.entries(counts)) if (value > 0n || always.has(key)) summary[key] = value.toString();
  summary[SUMMARY.changedPartitionCount] = String(partitions.size);

  for (const [totalKey, addedKey, removedKey] of TOTALS) {
    const previous = parent === undefined ? 0n : parseCount(parent.summary[totalKey]);
    if (previous === undefined) continue;
    const total = previous + counts[addedKey] - counts[removedKey];
    // a parent whose totals were wrong cannot make ours negative
    summary[totalKey] = (total < 0n ? 0n : total).toString();
  }
  return summary;
}

function parseCount(text: string | undefined): bigint | undefined {
  return text !== undefined && /^\d+$/.test(text.trim()) ? BigInt(text.trim()) : undefined;
}

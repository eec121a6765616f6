/**
 * The `partitions` metadata table: per partition, how many rows, files and deletes a
 * snapshot holds, and when the partition last changed.
 */
import type { FileIO } from "../../io/FileIO.js";
import { DataFileContent } from "../manifest/dataFile.js";
import type { SnapshotSelector } from "../scan/TableScan.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import { liveEntries } from "./liveFiles.js";
import { fieldTypes, isoTimestamp, partitionKey, partitionObject, unifiedPartitionFields, type InspectResult } from "./values.js";

const PARTITIONS_COLUMNS = [
  "partition",
  "spec_id",
  "record_count",
  "file_count",
  "total_data_file_size_in_bytes",
  "position_delete_record_count",
  "position_delete_file_count",
  "equality_delete_record_count",
  "equality_delete_file_count",
  "last_updated_at",
  "last_updated_snapshot_id",
];

interface PartitionStats {
  partition: Record<string, unknown>;
  specId: number;
  recordCount: bigint;
  fileCount: number;
  dataFileSize: bigint;
  positionDeleteRecords: bigint;
  positionDeleteFiles: number;
  equalityDeleteRecords: bigint;
  equalityDeleteFiles: number;
  lastUpdatedMs?: number;
  lastUpdatedSnapshotId?: bigint;
}

/**
 * One row per partition of the selected snapshot (default the current one), in the
 * order the partitions are first met. As in Spark, a partition is its value over every
 * partition field the table has had (fields a file's spec lacks are null), `spec_id` is
 * the spec of the last file counted, and `last_updated_*` name the newest snapshot
 * that added one of its live files. An unpartitioned table has one row, with partition `{}`.
 */
export async function partitions(metadata: TableMetadata, io: FileIO, selector: SnapshotSelector = {}): Promise<InspectResult> {
  const partitionFields = unifiedPartitionFields(metadata, fieldTypes(metadata));
  const stats = new Map<string, PartitionStats>();
  for (const entry of await liveEntries(metadata, io, selector)) {
    const file = entry.dataFile;
    const partition = partitionObject(partitionFields, file.partition);
    const key = partitionKey(partition);
    let s = stats.get(key);
    if (s === undefined) {
      s = {
        partition,
        specId: file.specId,
        recordCount: 0n,
        fileCount: 0,
        dataFileSize: 0n,
        positionDeleteRecords: 0n,
        positionDeleteFiles: 0,
        equalityDeleteRecords: 0n,
        equalityDeleteFiles: 0,
      };
      stats.set(key, s);
    }
    s.specId = file.specId;
    const snapshot = entry.snapshotId === undefined ? undefined : metadata.snapshotById(entry.snapshotId);
    if (snapshot !== undefined && (s.lastUpdatedMs === undefined || snapshot.timestampMs > s.lastUpdatedMs)) {
      s.lastUpdatedMs = snapshot.timestampMs;
      s.lastUpdatedSnapshotId = snapshot.snapshotId;
    }
    switch (file.content) {
      case DataFileContent.DATA:
        s.recordCount += file.recordCount;
        s.fileCount += 1;
        s.dataFileSize += file.fileSizeInBytes;
        break;
      case DataFileContent.POSITION_DELETES:
        s.positionDeleteRecords += file.recordCount;
        s.positionDeleteFiles += 1;
        break;
      case DataFileContent.EQUALITY_DELETES:
        s.equalityDeleteRecords += file.recordCount;
        s.equalityDeleteFiles += 1;
        break;
    }
  }
  const rows = [...stats.values()].map((s) => [
    s.partition,
    s.specId,
    s.recordCount,
    s.fileCount,
    s.dataFileSize,
    s.positionDeleteRecords,
    s.positionDeleteFiles,
    s.equalityDeleteRecords,
    s.equalityDeleteFiles,
    isoTimestamp(s.lastUpdatedMs),
    s.lastUpdatedSnapshotId ?? null,
  ]);
  return { columns: [...PARTITIONS_COLUMNS], rows };
}

/**
 * The `files` metadata table: the live data and delete files of a snapshot.
 */
import type { FileIO } from "../../io/FileIO.js";
import type { SnapshotSelector } from "../scan/TableScan.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import { liveEntries } from "./liveFiles.js";
import { boundText, fieldTypes, idMap, partitionObject, unifiedPartitionFields, type InspectResult } from "./values.js";

const FILES_COLUMNS = [
  "content",
  "file_path",
  "file_format",
  "spec_id",
  "partition",
  "record_count",
  "file_size_in_bytes",
  "column_sizes",
  "value_counts",
  "null_value_counts",
  "nan_value_counts",
  "lower_bounds",
  "upper_bounds",
  "sort_order_id",
  "equality_ids",
];

/**
 * One row per live file (added or existing) of the selected snapshot, default the
 * current one: `content` (0 data, 1 position deletes, 2 equality deletes), the path as
 * written, the format (`PARQUET`, ...), the spec id, the partition (an object over every
 * partition field the table has had, by name, with readable values), counts and sizes,
 * the column metrics as objects keyed by field id, with bounds decoded and written as
 * text, the sort order id and the equality field ids. A table without snapshots has no rows.
 */
export async function files(metadata: TableMetadata, io: FileIO, selector: SnapshotSelector = {}): Promise<InspectResult> {
  const types = fieldTypes(metadata);
  const partitionFields = unifiedPartitionFields(metadata, types);
  const bound = (bytes: Uint8Array, id: number) => boundText(types.get(id), bytes);
  const rows = (await liveEntries(metadata, io, selector)).map(({ dataFile: f }) => [
    f.content,
    f.filePath,
    f.fileFormat.toUpperCase(),
    f.specId,
    partitionObject(partitionFields, f.partition),
    f.recordCount,
    f.fileSizeInBytes,
    idMap(f.columnSizes),
    idMap(f.valueCounts),
    idMap(f.nullValueCounts),
    idMap(f.nanValueCounts),
    idMap(f.lowerBounds, bound),
    idMap(f.upperBounds, bound),
    f.sortOrderId ?? null,
    f.equalityIds ?? null,
  ]);
  return { columns: [...FILES_COLUMNS], rows };
}

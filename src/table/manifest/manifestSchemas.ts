/**
 * The Iceberg schemas of manifest lists (`manifest_file`) and manifests
 * (`manifest_entry` / `data_file`) per format version, with the spec's field ids.
 * Writers turn them into Avro with `icebergToAvroSchema`; readers use the union of
 * all versions to know the type of each field id.
 */
import type { FormatVersion } from "../spec/tableMetadata.js";
import type { IcebergType, NestedField, StructType } from "../spec/types.js";

const req = (id: number, name: string, type: IcebergType): NestedField => ({ id, name, required: true, type });
const opt = (id: number, name: string, type: IcebergType): NestedField => ({ id, name, required: false, type });
const INT: IcebergType = { type: "int" };
const LONG: IcebergType = { type: "long" };
const STRING: IcebergType = { type: "string" };
const BINARY: IcebergType = { type: "binary" };
const BOOLEAN: IcebergType = { type: "boolean" };
const intToLong = (keyId: number, valueId: number): IcebergType => ({ type: "map", keyId, key: INT, valueId, value: LONG, valueRequired: true });
const intToBinary = (keyId: number, valueId: number): IcebergType => ({ type: "map", keyId, key: INT, valueId, value: BINARY, valueRequired: true });

// --- manifest list ---------------------------------------------------------------------------

export const FIELD_SUMMARY_TYPE: StructType = {
  type: "struct",
  fields: [req(509, "contains_null", BOOLEAN), opt(518, "contains_nan", BOOLEAN), opt(510, "lower_bound", BINARY), opt(511, "upper_bound", BINARY)],
};

export const MANIFEST_FILE = {
  path: req(500, "manifest_path", STRING),
  length: req(501, "manifest_length", LONG),
  specId: req(502, "partition_spec_id", INT),
  content: req(517, "content", INT),
  sequenceNumber: req(515, "sequence_number", LONG),
  minSequenceNumber: req(516, "min_sequence_number", LONG),
  addedSnapshotId: req(503, "added_snapshot_id", LONG),
  addedFilesCount: req(504, "added_files_count", INT),
  existingFilesCount: req(505, "existing_files_count", INT),
  deletedFilesCount: req(506, "deleted_files_count", INT),
  addedRowsCount: req(512, "added_rows_count", LONG),
  existingRowsCount: req(513, "existing_rows_count", LONG),
  deletedRowsCount: req(514, "deleted_rows_count", LONG),
  partitions: opt(507, "partitions", { type: "list", elementId: 508, elementRequired: true, element: FIELD_SUMMARY_TYPE }),
  keyMetadata: opt(519, "key_metadata", BINARY),
  firstRowId: opt(520, "first_row_id", LONG),
} as const;

const optional = (f: NestedField): NestedField => ({ ...f, required: false });

/** The `manifest_file` struct of a manifest list, in the field order Java writes. */
export function manifestListType(formatVersion: FormatVersion): StructType {
  const m = MANIFEST_FILE;
  if (formatVersion === 1) {
    return {
      type: "struct",
      fields: [
        m.path,
        m.length,
        m.specId,
        m.addedSnapshotId,
        optional(m.addedFilesCount),
        optional(m.existingFilesCount),
        optional(m.deletedFilesCount),
        m.partitions,
        optional(m.addedRowsCount),
        optional(m.existingRowsCount),
        optional(m.deletedRowsCount),
        m.keyMetadata,
      ],
    };
  }
  const fields = [
    m.path,
    m.length,
    m.specId,
    m.content,
    m.sequenceNumber,
    m.minSequenceNumber,
    m.addedSnapshotId,
    m.addedFilesCount,
    m.existingFilesCount,
    m.deletedFilesCount,
    m.addedRowsCount,
    m.existingRowsCount,
    m.deletedRowsCount,
    m.partitions,
    m.keyMetadata,
  ];
  if (formatVersion >= 3) fields.push(m.firstRowId);
  return { type: "struct", fields };
}

/** Every manifest list field of every version, for reading any of them. */
export const MANIFEST_LIST_READ_TYPE: StructType = {
  type: "struct",
  fields: Object.values(MANIFEST_FILE).map(optional),
};

// --- manifest --------------------------------------------------------------------------------

export const DATA_FILE = {
  content: req(134, "content", INT),
  filePath: req(100, "file_path", STRING),
  fileFormat: req(101, "file_format", STRING),
  recordCount: req(103, "record_count", LONG),
  fileSizeInBytes: req(104, "file_size_in_bytes", LONG),
  blockSizeInBytes: req(105, "block_size_in_bytes", LONG),
  columnSizes: opt(108, "column_sizes", intToLong(117, 118)),
  valueCounts: opt(109, "value_counts", intToLong(119, 120)),
  nullValueCounts: opt(110, "null_value_counts", intToLong(121, 122)),
  nanValueCounts: opt(137, "nan_value_counts", intToLong(138, 139)),
  lowerBounds: opt(125, "lower_bounds", intToBinary(126, 127)),
  upperBounds: opt(128, "upper_bounds", intToBinary(129, 130)),
  keyMetadata: opt(131, "key_metadata", BINARY),
  splitOffsets: opt(132, "split_offsets", { type: "list", elementId: 133, elementRequired: true, element: LONG }),
  equalityIds: opt(135, "equality_ids", { type: "list", elementId: 136, elementRequired: true, element: INT }),
  sortOrderId: opt(140, "sort_order_id", INT),
  firstRowId: opt(142, "first_row_id", LONG),
  referencedDataFile: opt(143, "referenced_data_file", STRING),
  contentOffset: opt(144, "content_offset", LONG),
  contentSizeInBytes: opt(145, "content_size_in_bytes", LONG),
} as const;

export const PARTITION_FIELD_ID = 102;
export const DATA_FILE_FIELD_ID = 2;

const partitionField = (partitionType: StructType): NestedField => req(PARTITION_FIELD_ID, "partition", partitionType);

/** The `data_file` struct for a format version and a partition type (`PartitionSpec.partitionType`). */
export function dataFileType(formatVersion: FormatVersion, partitionType: StructType): StructType {
  const d = DATA_FILE;
  const stats = [d.columnSizes, d.valueCounts, d.nullValueCounts, d.nanValueCounts, d.lowerBounds, d.upperBounds, d.keyMetadata, d.splitOffsets];
  if (formatVersion === 1) {
    return {
      type: "struct",
      fields: [d.filePath, d.fileFormat, partitionField(partitionType), d.recordCount, d.fileSizeInBytes, d.blockSizeInBytes, ...stats, d.sortOrderId],
    };
  }
  const fields = [d.content, d.filePath, d.fileFormat, partitionField(partitionType), d.recordCount, d.fileSizeInBytes, ...stats, d.equalityIds, d.sortOrderId];
  if (formatVersion === 2) fields.push(d.referencedDataFile);
  else fields.push(d.firstRowId, d.referencedDataFile, d.contentOffset, d.contentSizeInBytes);
  return { type: "struct", fields };
}

export const MANIFEST_ENTRY = {
  status: req(0, "status", INT),
  snapshotId: opt(1, "snapshot_id", LONG),
  sequenceNumber: opt(3, "sequence_number", LONG),
  fileSequenceNumber: opt(4, "file_sequence_number", LONG),
} as const;

/** The `manifest_entry` struct for a format version and a partition type. */
export function manifestEntryType(formatVersion: FormatVersion, partitionType: StructType): StructType {
  const e = MANIFEST_ENTRY;
  const dataFile = req(DATA_FILE_FIELD_ID, "data_file", dataFileType(formatVersion, partitionType));
  if (formatVersion === 1) return { type: "struct", fields: [e.status, { ...e.snapshotId, required: true }, dataFile] };
  return { type: "struct", fields: [e.status, e.snapshotId, e.sequenceNumber, e.fileSequenceNumber, dataFile] };
}

/** Every manifest entry field of every version, for reading any of them. */
export function manifestEntryReadType(partitionType: StructType): StructType {
  const dataFile: StructType = {
    type: "struct",
    fields: [...Object.values(DATA_FILE).map(optional), opt(PARTITION_FIELD_ID, "partition", partitionType)],
  };
  return {
    type: "struct",
    fields: [...Object.values(MANIFEST_ENTRY).map(optional), opt(DATA_FILE_FIELD_ID, "data_file", dataFile)],
  };
}

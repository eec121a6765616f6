/**
 * Data and delete files as manifests track them, and the manifest entries around them.
 */

/** What a data file holds: rows, position deletes or equality deletes. */
export const DataFileContent = { DATA: 0, POSITION_DELETES: 1, EQUALITY_DELETES: 2 } as const;
export type DataFileContent = (typeof DataFileContent)[keyof typeof DataFileContent];

/** Status of a manifest entry. Deleted entries are informational; scans skip them. */
export const ManifestEntryStatus = { EXISTING: 0, ADDED: 1, DELETED: 2 } as const;
export type ManifestEntryStatus = (typeof ManifestEntryStatus)[keyof typeof ManifestEntryStatus];

/**
 * A partition tuple: each partition field's value keyed by its partition field id
 * (1000, 1001, ...), in the in-memory form of the field's result type (see
 * ../spec/types.ts: a `day` value is a number of days, a timestamp a bigint of µs,
 * a decimal the unscaled bigint, a uuid a string; `null` for a null value). Keyed by
 * id rather than position so that a tuple reads the same whichever spec it is
 * compared against; a tuple has a key for every field of its spec.
 */
export type PartitionData = Record<number, unknown>;

/** The `file_format` names; readers compare lowercase. */
export type FileFormat = "parquet" | "avro" | "orc" | "puffin";

export interface DataFile {
  content: DataFileContent;
  /** Full location with scheme, as written. */
  filePath: string;
  /** Lowercase on read (`parquet`, `avro`, `orc`, `puffin`); written uppercase as Java does. */
  fileFormat: FileFormat | string;
  /** Id of the partition spec of `partition`: the spec of the manifest the file is listed in. */
  specId: number;
  partition: PartitionData;
  recordCount: bigint;
  fileSizeInBytes: bigint;
  /** Field id → bytes on disk of the column. */
  columnSizes?: Map<number, bigint>;
  /** Field id → number of values, nulls and NaNs included. */
  valueCounts?: Map<number, bigint>;
  nullValueCounts?: Map<number, bigint>;
  nanValueCounts?: Map<number, bigint>;
  /** Field id → lower bound in the binary single-value form (decode with ../stats). */
  lowerBounds?: Map<number, Uint8Array>;
  upperBounds?: Map<number, Uint8Array>;
  keyMetadata?: Uint8Array;
  splitOffsets?: bigint[];
  /** Equality delete files: the field ids that make rows equal. */
  equalityIds?: number[];
  sortOrderId?: number;
  /** v3 row lineage: row id of the first row (inherited from the manifest when null). */
  firstRowId?: bigint;
  /** Deletes that all apply to one data file (required for deletion vectors). */
  referencedDataFile?: string;
  /** Deletion vectors: offset and length of the blob in the Puffin file. */
  contentOffset?: bigint;
  contentSizeInBytes?: bigint;
}

export interface ManifestEntry {
  status: ManifestEntryStatus;
  /**
   * Snapshot that added (or deleted) the file. After reading with the manifest's list
   * entry, always set; when writing, unset means "the writing snapshot".
   */
  snapshotId?: bigint;
  /**
   * Data sequence number. Readers apply inheritance: unset on an added entry takes the
   * manifest's sequence number, and v1 manifests have 0. Unset after reading only when
   * the manifest was read without its list entry. When writing, leave unset on added
   * entries to inherit the commit's sequence number.
   */
  sequenceNumber?: bigint;
  /** File sequence number: when the file was added; inherited like `sequenceNumber`. */
  fileSequenceNumber?: bigint;
  dataFile: DataFile;
}

/** True for entries a scan uses: added and existing files. */
export function isLiveEntry(entry: ManifestEntry): boolean {
  return entry.status !== ManifestEntryStatus.DELETED;
}

/**
 * Manifest list entries: one per manifest of a snapshot, with the counts and partition
 * summaries a planner uses to skip manifests.
 */

/** What a manifest tracks: data files or delete files. */
export const ManifestContent = { DATA: 0, DELETES: 1 } as const;
export type ManifestContent = (typeof ManifestContent)[keyof typeof ManifestContent];

/** A sequence number not assigned yet: the manifest list writer replaces it with the commit's. */
export const UNASSIGNED_SEQUENCE_NUMBER = -1n;

/** Summary of one partition field over all files of a manifest. */
export interface FieldSummary {
  containsNull: boolean;
  /** Unset when the writer did not say (v1 writers, non-float fields of some writers). */
  containsNan?: boolean;
  /** Lowest non-null, non-NaN value, in the binary single-value form of the partition field's type. */
  lowerBound?: Uint8Array;
  upperBound?: Uint8Array;
}

export interface ManifestFile {
  manifestPath: string;
  manifestLength: bigint;
  partitionSpecId: number;
  content: ManifestContent;
  /** When the manifest was added; 0 for v1 lists; UNASSIGNED_SEQUENCE_NUMBER before commit. */
  sequenceNumber: bigint;
  /** Lowest data sequence number of the live files in the manifest; 0 for v1 lists. */
  minSequenceNumber: bigint;
  addedSnapshotId: bigint;
  /** Counts are null when a v1 writer left them out ("assume non-zero"). */
  addedFilesCount: number | null;
  existingFilesCount: number | null;
  deletedFilesCount: number | null;
  addedRowsCount: bigint | null;
  existingRowsCount: bigint | null;
  deletedRowsCount: bigint | null;
  /** One summary per field of the manifest's partition spec, in spec order. */
  partitions?: FieldSummary[];
  keyMetadata?: Uint8Array;
  /** v3: first row id of the rows of added data files; null until assigned. */
  firstRowId?: bigint;
}

/** Whether the manifest may hold added files (`null` counts are taken as non-zero). */
export function hasAddedFiles(manifest: ManifestFile): boolean {
  return manifest.addedFilesCount === null || manifest.addedFilesCount > 0;
}

export function hasExistingFiles(manifest: ManifestFile): boolean {
  return manifest.existingFilesCount === null || manifest.existingFilesCount > 0;
}

export function hasDeletedFiles(manifest: ManifestFile): boolean {
  return manifest.deletedFilesCount === null || manifest.deletedFilesCount > 0;
}

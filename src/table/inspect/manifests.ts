/**
 * The `manifests` metadata table: the manifests of a snapshot's manifest list.
 */
import type { FileIO } from "../../io/FileIO.js";
import { ManifestContent, type FieldSummary, type ManifestFile } from "../manifest/manifestFile.js";
import type { SnapshotSelector } from "../scan/TableScan.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import { bytesToHex } from "../stats/bytes.js";
import { deserializeValue } from "../stats/singleValue.js";
import { isPrimitive, type IcebergType } from "../spec/types.js";
import { selectedManifests } from "./liveFiles.js";
import { fieldTypes, readablePartitionValue, resolvePartitionFields, type InspectResult, type ResolvedPartitionField } from "./values.js";

const MANIFESTS_COLUMNS = [
  "content",
  "path",
  "length",
  "partition_spec_id",
  "added_snapshot_id",
  "added_data_files_count",
  "existing_data_files_count",
  "deleted_data_files_count",
  "added_delete_files_count",
  "existing_delete_files_count",
  "deleted_delete_files_count",
  "partition_summaries",
];

/** One partition field's summary in a manifest, bounds as readable text. */
export interface PartitionSummaryRow {
  contains_null: boolean;
  contains_nan: boolean | null;
  lower_bound: string | null;
  upper_bound: string | null;
}

/**
 * One row per manifest of the selected snapshot (default the current one), in manifest
 * list order: `content` (0 data, 1 deletes), path, length, spec id, the snapshot that
 * added it, its added/existing/deleted file counts (the data counts of a data manifest,
 * the delete counts of a delete manifest, 0 for the other kind; null where a v1 writer
 * left them out), and one partition summary per field of its spec with the bounds as text.
 */
export async function manifests(metadata: TableMetadata, io: FileIO, selector: SnapshotSelector = {}): Promise<InspectResult> {
  const types = fieldTypes(metadata);
  const { manifests: list } = await selectedManifests(metadata, io, selector);
  const rows = list.map((m) => {
    const data = m.content === ManifestContent.DATA;
    const count = (value: number | null, forData: boolean) => (forData === data ? value : 0);
    const spec = metadata.specById(m.partitionSpecId);
    const fields = spec === undefined ? [] : resolvePartitionFields(spec, types);
    return [
      m.content,
      m.manifestPath,
      m.manifestLength,
      m.partitionSpecId,
      m.addedSnapshotId,
      count(m.addedFilesCount, true),
      count(m.existingFilesCount, true),
      count(m.deletedFilesCount, true),
      count(m.addedFilesCount, false),
      count(m.existingFilesCount, false),
      count(m.deletedFilesCount, false),
      partitionSummaries(m, fields),
    ];
  });
  return { columns: [...MANIFESTS_COLUMNS], rows };
}

function partitionSummaries(manifest: ManifestFile, fields: readonly ResolvedPartitionField[]): PartitionSummaryRow[] | null {
  if (manifest.partitions === undefined) return null;
  return manifest.partitions.map((summary: FieldSummary, i) => {
    const field = fields[i];
    const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? null : summaryBound(field, bytes));
    return {
      contains_null: summary.containsNull,
      contains_nan: summary.containsNan ?? null,
      lower_bound: text(summary.lowerBound),
      upper_bound: text(summary.upperBound),
    };
  });
}

/** A partition bound as its transform's readable value; hex when its type is not known or the bytes do not fit it. */
function summaryBound(field: ResolvedPartitionField | undefined, bytes: Uint8Array): string {
  const type: IcebergType | undefined = field?.type;
  if (field !== undefined && type !== undefined && isPrimitive(type) && type.type !== "unknown") {
    try {
      return String(readablePartitionValue(field.transform, type, deserializeValue(type, bytes)));
    } catch {
      // fall through to hex
    }
  }
  return bytesToHex(bytes);
}

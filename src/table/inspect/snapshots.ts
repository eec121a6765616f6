/**
 * The `snapshots` metadata table: every snapshot the metadata keeps.
 */
import type { TableMetadata } from "../spec/tableMetadata.js";
import { isoTimestamp, type InspectResult } from "./values.js";

/**
 * One row per snapshot, in the order the metadata lists them: `committed_at`, `snapshot_id`, `parent_id`,
 * `operation`, `manifest_list` (null for v1 snapshots that list their manifests inline)
 * and `summary` (the summary without `operation`, as an object).
 */
export function snapshots(metadata: TableMetadata): InspectResult {
  const rows = metadata.snapshots.map((snapshot) => {
    const { operation, ...summary } = snapshot.summary;
    return [
      isoTimestamp(snapshot.timestampMs),
      snapshot.snapshotId,
      snapshot.parentSnapshotId ?? null,
      operation ?? null,
      snapshot.manifestList ?? null,
      summary,
    ];
  });
  return { columns: ["committed_at", "snapshot_id", "parent_id", "operation", "manifest_list", "summary"], rows };
}

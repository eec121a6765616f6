/**
 * The `history` metadata table: when each snapshot became the current one.
 */
import type { TableMetadata } from "../spec/tableMetadata.js";
import { isoTimestamp, type InspectResult } from "./values.js";

/**
 * One row per snapshot log entry, oldest first: `made_current_at`, `snapshot_id`,
 * `parent_id` (null when the snapshot has expired or has no parent) and
 * `is_current_ancestor` (whether it is the current snapshot or one of its ancestors;
 * false for snapshots that a rollback left behind).
 */
export function history(metadata: TableMetadata): InspectResult {
  const ancestors = new Set(metadata.currentSnapshotId === undefined ? [] : metadata.ancestorsOf(metadata.currentSnapshotId).map((s) => s.snapshotId));
  const rows = metadata.snapshotLog.map((entry) => [
    isoTimestamp(entry.timestampMs),
    entry.snapshotId,
    metadata.snapshotById(entry.snapshotId)?.parentSnapshotId ?? null,
    ancestors.has(entry.snapshotId),
  ]);
  return { columns: ["made_current_at", "snapshot_id", "parent_id", "is_current_ancestor"], rows };
}

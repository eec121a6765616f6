/**
 * The `refs` metadata table: the table's branches and tags.
 */
import { MAIN_BRANCH } from "../spec/refs.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import type { InspectResult } from "./values.js";

/**
 * One row per branch or tag, `main` first and the others by name: `name`, `type`
 * (`BRANCH` or `TAG`), `snapshot_id` and the retention settings
 * `max_reference_age_in_ms`, `min_snapshots_to_keep`, `max_snapshot_age_in_ms` (null when unset).
 */
export function refs(metadata: TableMetadata): InspectResult {
  const names = [...metadata.refs.keys()].sort((a, b) => (a === MAIN_BRANCH ? -1 : b === MAIN_BRANCH ? 1 : a < b ? -1 : a > b ? 1 : 0));
  const rows = names.map((name) => {
    const ref = metadata.refs.get(name)!;
    return [name, ref.type.toUpperCase(), ref.snapshotId, ref.maxRefAgeMs ?? null, ref.minSnapshotsToKeep ?? null, ref.maxSnapshotAgeMs ?? null];
  });
  return { columns: ["name", "type", "snapshot_id", "max_reference_age_in_ms", "min_snapshots_to_keep", "max_snapshot_age_in_ms"], rows };
}

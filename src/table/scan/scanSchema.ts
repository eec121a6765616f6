import type { Schema } from "../spec/schema.js";
import type { Snapshot } from "../spec/snapshot.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import type { SnapshotSelector } from "./TableScan.js";

/**
 * The schema a read of `snapshot` uses, as Iceberg's reference implementation decides it:
 * a snapshot chosen by id, by time or by tag is read with the schema it was written with;
 * the current snapshot and a branch head with the table's current schema (a branch is
 * written with the table's schema, and reading it is reading the table).
 */
export function scanSchema(metadata: TableMetadata, snapshot: Snapshot | undefined, selector: SnapshotSelector): Schema {
  if (!snapshot) return metadata.currentSchema();
  const byTag = selector.ref !== undefined && metadata.ref(selector.ref)?.type === "tag";
  const pinned = selector.snapshotId !== undefined || selector.asOfTimestampMs !== undefined || byTag;
  return pinned ? metadata.schemaForSnapshot(snapshot) : metadata.currentSchema();
}

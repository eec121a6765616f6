/**
 * Snapshot references: branches and tags, with their retention settings.
 */
import type { JsonFields } from "./json.js";

export const MAIN_BRANCH = "main";

export type SnapshotRefType = "branch" | "tag";

export interface SnapshotRef {
  snapshotId: bigint;
  type: SnapshotRefType;
  /** Branches only: minimum number of snapshots to keep while expiring. */
  minSnapshotsToKeep?: number;
  /** Branches only: maximum age of snapshots to keep while expiring. */
  maxSnapshotAgeMs?: bigint;
  /** Maximum age of the reference itself (never applies to `main`). */
  maxRefAgeMs?: bigint;
}

export function parseSnapshotRefJson(obj: JsonFields): SnapshotRef {
  const type = obj.string("type");
  if (type !== "branch" && type !== "tag") throw obj.error("type", `must be "branch" or "tag", got ${JSON.stringify(type)}`);
  const ref: SnapshotRef = { snapshotId: obj.long("snapshot-id"), type };
  const minSnapshotsToKeep = obj.optInt("min-snapshots-to-keep");
  if (minSnapshotsToKeep !== undefined) ref.minSnapshotsToKeep = minSnapshotsToKeep;
  const maxSnapshotAgeMs = obj.optLong("max-snapshot-age-ms");
  if (maxSnapshotAgeMs !== undefined) ref.maxSnapshotAgeMs = maxSnapshotAgeMs;
  const maxRefAgeMs = obj.optLong("max-ref-age-ms");
  if (maxRefAgeMs !== undefined) ref.maxRefAgeMs = maxRefAgeMs;
  return ref;
}

export function snapshotRefToJson(ref: SnapshotRef): Record<string, unknown> {
  const out: Record<string, unknown> = { "snapshot-id": ref.snapshotId, type: ref.type };
  if (ref.minSnapshotsToKeep !== undefined) out["min-snapshots-to-keep"] = ref.minSnapshotsToKeep;
  if (ref.maxSnapshotAgeMs !== undefined) out["max-snapshot-age-ms"] = ref.maxSnapshotAgeMs;
  if (ref.maxRefAgeMs !== undefined) out["max-ref-age-ms"] = ref.maxRefAgeMs;
  return out;
}

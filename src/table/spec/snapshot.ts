/**
 * Snapshots: the state of a table at one commit.
 */
import type { JsonFields } from "./json.js";

/** The `operation` values of a snapshot summary. */
export type SnapshotOperation = "append" | "replace" | "overwrite" | "delete";

export interface Snapshot {
  snapshotId: bigint;
  parentSnapshotId?: bigint;
  /** 0 for v1 tables. */
  sequenceNumber: bigint;
  timestampMs: number;
  /** Location of the manifest list (always in v2+; v1 snapshots may list `manifests` instead). */
  manifestList?: string;
  /** v1 only: manifest locations listed inline instead of a manifest list. */
  manifests?: string[];
  /** String map with `operation` and the optional metrics; empty when a v1 snapshot has none. */
  summary: Record<string, string>;
  schemaId?: number;
  /** v3 row lineage: first row id assigned by this snapshot. */
  firstRowId?: bigint;
  /** v3 row lineage: upper bound of rows with ids assigned by this snapshot. */
  addedRows?: bigint;
  /** v3 encryption: id of the key that encrypts the manifest list key metadata. */
  keyId?: string;
}

export function snapshotOperation(snapshot: Snapshot): string | undefined {
  return snapshot.summary.operation;
}

export function parseSnapshotJson(obj: JsonFields, formatVersion: number): Snapshot {
  const snapshot: Snapshot = {
    snapshotId: obj.long("snapshot-id"),
    sequenceNumber: obj.optLong("sequence-number") ?? 0n,
    timestampMs: obj.millis("timestamp-ms"),
    summary: obj.optStringMap("summary") ?? {},
  };
  const parent = obj.optLong("parent-snapshot-id");
  if (parent !== undefined) snapshot.parentSnapshotId = parent;
  const manifestList = obj.optString("manifest-list");
  if (manifestList !== undefined) snapshot.manifestList = manifestList;
  const manifests = obj.optArray("manifests");
  if (manifests !== undefined && manifestList === undefined) {
    snapshot.manifests = manifests.map((m, i) => {
      if (typeof m !== "string") throw obj.error(`manifests[${i}]`, "must be a string");
      return m;
    });
  }
  if (manifestList === undefined && snapshot.manifests === undefined) {
    throw obj.error("manifest-list", "is required but is missing");
  }
  if (formatVersion >= 2 && manifestList === undefined) {
    throw obj.error("manifest-list", `is required in format version ${formatVersion} but is missing`);
  }
  const schemaId = obj.optInt("schema-id");
  if (schemaId !== undefined) snapshot.schemaId = schemaId;
  const firstRowId = obj.optLong("first-row-id");
  if (firstRowId !== undefined) snapshot.firstRowId = firstRowId;
  const addedRows = obj.optLong("added-rows");
  if (addedRows !== undefined) snapshot.addedRows = addedRows;
  const keyId = obj.optString("key-id");
  if (keyId !== undefined) snapshot.keyId = keyId;
  return snapshot;
}

export function snapshotToJson(snapshot: Snapshot, formatVersion: number): Record<string, unknown> {
  const out: Record<string, unknown> = { "snapshot-id": snapshot.snapshotId };
  if (snapshot.parentSnapshotId !== undefined) out["parent-snapshot-id"] = snapshot.parentSnapshotId;
  if (formatVersion >= 2) out["sequence-number"] = snapshot.sequenceNumber;
  out["timestamp-ms"] = snapshot.timestampMs;
  if (formatVersion >= 2 || Object.keys(snapshot.summary).length > 0) out.summary = { ...snapshot.summary };
  if (snapshot.manifestList !== undefined) out["manifest-list"] = snapshot.manifestList;
  else if (snapshot.manifests !== undefined) out.manifests = [...snapshot.manifests];
  if (snapshot.schemaId !== undefined) out["schema-id"] = snapshot.schemaId;
  if (formatVersion >= 3) {
    if (snapshot.firstRowId !== undefined) out["first-row-id"] = snapshot.firstRowId;
    if (snapshot.addedRows !== undefined) out["added-rows"] = snapshot.addedRows;
    if (snapshot.keyId !== undefined) out["key-id"] = snapshot.keyId;
  }
  return out;
}

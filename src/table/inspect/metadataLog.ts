/**
 * The `metadata_log_entries` metadata table: the metadata files the table has had.
 */
import type { TableMetadata } from "../spec/tableMetadata.js";
import { isoTimestamp, type InspectResult } from "./values.js";

/**
 * One row per earlier metadata file in the metadata log, oldest first, and one for the
 * current file when its location is given: `timestamp`, `file`, and the snapshot that
 * was current then (`latest_snapshot_id`, from the snapshot log) with its schema id and
 * sequence number (null when that snapshot has expired).
 */
export function metadataLog(metadata: TableMetadata, currentLocation?: string): InspectResult {
  const entries = metadata.metadataLog.map((e) => ({ file: e.metadataFile, timestampMs: e.timestampMs }));
  if (currentLocation !== undefined) entries.push({ file: currentLocation, timestampMs: metadata.lastUpdatedMs });
  const rows = entries.map(({ file, timestampMs }) => {
    const snapshotId = snapshotIdAsOf(metadata, timestampMs);
    const snapshot = snapshotId === undefined ? undefined : metadata.snapshotById(snapshotId);
    return [isoTimestamp(timestampMs), file, snapshotId ?? null, snapshot?.schemaId ?? null, snapshot === undefined ? null : snapshot.sequenceNumber];
  });
  return { columns: ["timestamp", "file", "latest_snapshot_id", "latest_schema_id", "latest_sequence_number"], rows };
}

/** The id of the snapshot that was current at `timestampMs` by the snapshot log, even if it has expired since. */
function snapshotIdAsOf(metadata: TableMetadata, timestampMs: number): bigint | undefined {
  let found: { snapshotId: bigint; timestampMs: number } | undefined;
  for (const entry of metadata.snapshotLog) {
    if (entry.timestampMs <= timestampMs && (found === undefined || entry.timestampMs >= found.timestampMs)) found = entry;
  }
  return found?.snapshotId;
}

/**
 * The metadata log after a commit: which earlier metadata files it no longer lists, for
 * catalogs that delete them when `write.metadata.delete-after-commit.enabled` is set (the
 * log itself is trimmed to `write.metadata.previous-versions-max` by `applyUpdates`).
 */
import type { MetadataLogEntry } from "../spec/tableMetadata.js";

/** When true, a commit deletes the metadata files that fell off the metadata log. */
export const METADATA_DELETE_AFTER_COMMIT_ENABLED = "write.metadata.delete-after-commit.enabled";
export const METADATA_DELETE_AFTER_COMMIT_ENABLED_DEFAULT = false;

/** Whether the table's properties ask for old metadata files to be deleted after each commit. */
export function deleteAfterCommitEnabled(properties: Readonly<Record<string, string>>): boolean {
  const text = properties[METADATA_DELETE_AFTER_COMMIT_ENABLED];
  // Iceberg reads booleans as "true" in any case, anything else as false
  return text === undefined ? METADATA_DELETE_AFTER_COMMIT_ENABLED_DEFAULT : text.trim().toLowerCase() === "true";
}

/**
 * The metadata files `previous` listed in its metadata log that `committed` no longer lists,
 * oldest first, without repeats. `committedLocation` (the file `committed` was written to) is
 * never among them, nor is any file `committed` still lists: those are what readers may load.
 */
export function metadataFilesDroppedFromLog(
  previous: { readonly metadataLog: readonly MetadataLogEntry[] },
  committed: { readonly metadataLog: readonly MetadataLogEntry[] },
  committedLocation?: string,
): string[] {
  const kept = new Set(committed.metadataLog.map((entry) => entry.metadataFile));
  if (committedLocation !== undefined) kept.add(committedLocation);
  const dropped: string[] = [];
  for (const { metadataFile } of previous.metadataLog) {
    if (kept.has(metadataFile)) continue;
    kept.add(metadataFile);
    dropped.push(metadataFile);
  }
  return dropped;
}

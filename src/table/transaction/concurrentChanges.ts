/**
 * What other writers committed to a branch after the snapshot a writer started from, and the
 * checks that decide whether the writer's change still holds on top of it. Appends commute
 * with everything; an overwrite, delete or rewrite does not commute with a concurrent commit
 * that added rows it should have seen, added deletes for files it replaces, or removed files
 * it removes or references.
 */
import { FloeError } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import { FieldIndex } from "../expr/FieldIndex.js";
import { bind } from "../expr/bind.js";
import { MetricsEvaluator } from "../expr/MetricsEvaluator.js";
import { PartitionEvaluator } from "../expr/PartitionEvaluator.js";
import type { UnboundExpression } from "../expr/Expression.js";
import { exprToString } from "../expr/format.js";
import { DataFileContent, ManifestEntryStatus, type DataFile } from "../manifest/dataFile.js";
import { readManifestEntries, readSnapshotManifests } from "../manifest/manifest.js";
import { partitionKey } from "../manifest/partitionKey.js";
import type { Snapshot } from "../spec/snapshot.js";
import type { TableMetadata } from "../spec/tableMetadata.js";

/** One snapshot another writer committed, and the files it added and removed. */
export interface CommittedChange {
  snapshot: Snapshot;
  addedDataFiles: DataFile[];
  addedDeleteFiles: DataFile[];
  removedDataFiles: DataFile[];
  removedDeleteFiles: DataFile[];
}

/**
 * The snapshots between `startingSnapshotId` (exclusive; null for "before the branch had
 * any") and `head` (inclusive), oldest first, with their file changes. Throws a
 * commit-conflict when `head` no longer descends from the starting snapshot (the branch was
 * rolled back or replaced meanwhile): nothing the writer computed can be trusted then.
 */
export async function changesSince(
  io: FileIO,
  metadata: TableMetadata,
  head: Snapshot | undefined,
  startingSnapshotId: bigint | null,
  branch: string,
): Promise<CommittedChange[]> {
  const snapshots: Snapshot[] = [];
  let current = head;
  while (current !== undefined && current.snapshotId !== startingSnapshotId) {
    snapshots.push(current);
    current = current.parentSnapshotId === undefined ? undefined : metadata.snapshotById(current.parentSnapshotId);
  }
  if (current === undefined && startingSnapshotId !== null) {
    throw new FloeError(
      "commit-conflict",
      `branch ${branch} no longer descends from snapshot ${startingSnapshotId}, which this change was computed from: a concurrent commit rolled it back or replaced it; the table is unchanged`,
      { context: { branch, startingSnapshotId: String(startingSnapshotId) } },
    );
  }
  snapshots.reverse();
  return Promise.all(snapshots.map((snapshot) => changeOf(io, snapshot)));
}

async function changeOf(io: FileIO, snapshot: Snapshot): Promise<CommittedChange> {
  const change: CommittedChange = { snapshot, addedDataFiles: [], addedDeleteFiles: [], removedDataFiles: [], removedDeleteFiles: [] };
  const manifests = (await readSnapshotManifests(io, snapshot)).filter((m) => m.addedSnapshotId === snapshot.snapshotId);
  for (const manifest of manifests) {
    for (const entry of await readManifestEntries(io, manifest)) {
      if (entry.snapshotId !== snapshot.snapshotId || entry.status === ManifestEntryStatus.EXISTING) continue;
      const isData = entry.dataFile.content === DataFileContent.DATA;
      if (entry.status === ManifestEntryStatus.ADDED) (isData ? change.addedDataFiles : change.addedDeleteFiles).push(entry.dataFile);
      else (isData ? change.removedDataFiles : change.removedDeleteFiles).push(entry.dataFile);
    }
  }
  return change;
}

/** Whether a file may hold rows matching a row filter, judged on its partition and column metrics. */
export type FileMatcher = (file: DataFile) => boolean;

/** A matcher for `filter` bound to the table's current schema; every file matches when there is no filter. */
export function fileMatcher(metadata: TableMetadata, filter: UnboundExpression | undefined, caseSensitive = true): FileMatcher {
  if (filter === undefined) return () => true;
  const bound = bind(filter, FieldIndex.fromStruct(metadata.currentSchema().asStruct()), { caseSensitive });
  if (bound.kind === "true") return () => true;
  if (bound.kind === "false") return () => false;
  const metrics = new MetricsEvaluator(bound);
  const partitionEvaluators = new Map<number, PartitionEvaluator | undefined>();
  return (file) => {
    if (!partitionEvaluators.has(file.specId)) {
      const spec = metadata.specById(file.specId);
      partitionEvaluators.set(file.specId, spec === undefined ? undefined : PartitionEvaluator.forRowFilter(bound, spec.fields));
    }
    const partition = partitionEvaluators.get(file.specId);
    if (partition !== undefined && !partition.eval(file.partition)) return false;
    // delete files carry metrics of their own columns, not of the rows they delete
    return file.content !== DataFileContent.DATA || metrics.eval(file);
  };
}

/** Whether a delete file may apply to a data file: by its referenced file, else by partition (global equality deletes apply everywhere). */
export function deleteMayApply(deleteFile: DataFile, dataFile: DataFile, metadata: TableMetadata): boolean {
  if (deleteFile.referencedDataFile !== undefined) return deleteFile.referencedDataFile === dataFile.filePath;
  if (deleteFile.content === DataFileContent.EQUALITY_DELETES && metadata.specById(deleteFile.specId)?.isUnpartitioned()) return true;
  return partitionKey(deleteFile.specId, deleteFile.partition) === partitionKey(dataFile.specId, dataFile.partition);
}

function conflict(change: CommittedChange, what: string, context: Record<string, unknown>): FloeError {
  const operation = change.snapshot.summary.operation ?? "unknown operation";
  return new FloeError(
    "commit-conflict",
    `conflicting concurrent commit: snapshot ${change.snapshot.snapshotId} (${operation}) ${what}; this change was not committed and the table is unchanged`,
    { context: { ...context, conflictingSnapshotId: String(change.snapshot.snapshotId) } },
  );
}

/** Fails when a concurrent commit added data files that may hold rows the filter matches. */
export function validateNoConflictingDataFiles(changes: readonly CommittedChange[], matches: FileMatcher, scope: string): void {
  for (const change of changes) {
    const file = change.addedDataFiles.find(matches);
    if (file !== undefined) {
      throw conflict(change, `added data file ${file.filePath} that may hold ${scope}, which this change replaces or reads`, { file: file.filePath });
    }
  }
}

/** How a conflict message names the rows a filter selects. */
export function filterScope(filter: UnboundExpression | undefined): string {
  return filter === undefined ? "rows of the table" : `rows matching ${exprToString(filter)}`;
}

/** Fails when a concurrent commit added delete files that may apply to the given data files or match the filter. */
export function validateNoConflictingDeleteFiles(
  changes: readonly CommittedChange[],
  metadata: TableMetadata,
  dataFiles: readonly DataFile[],
  matches: FileMatcher | undefined,
): void {
  for (const change of changes) {
    for (const deleteFile of change.addedDeleteFiles) {
      const target = dataFiles.find((d) => deleteMayApply(deleteFile, d, metadata));
      if (target !== undefined) {
        throw conflict(change, `added delete file ${deleteFile.filePath} for data file ${target.filePath}, which this change replaces`, {
          file: deleteFile.filePath,
        });
      }
      if (matches !== undefined && matches(deleteFile)) {
        throw conflict(change, `added delete file ${deleteFile.filePath} for rows this change reads`, { file: deleteFile.filePath });
      }
    }
  }
}

/** Fails when a concurrent commit removed any of these files (data or delete files). */
export function validateFilesNotRemoved(changes: readonly CommittedChange[], paths: ReadonlySet<string>): void {
  if (paths.size === 0) return;
  for (const change of changes) {
    for (const file of [...change.removedDataFiles, ...change.removedDeleteFiles]) {
      if (paths.has(file.filePath) || paths.has(`${file.filePath}#${file.contentOffset}`)) throw conflict(change, `removed ${file.filePath}, which this change removes or refers to`, { file: file.filePath });
    }
  }
}

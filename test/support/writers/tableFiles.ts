/**
 * The files a table's snapshots reference (manifest lists, manifests, data and delete files)
 * and the files actually stored under its location, for tests that check a table after
 * concurrent or interrupted writers: nothing referenced may be missing; what is stored but
 * referenced by no snapshot is an orphan.
 */
import type { FileIO } from "../../../src/io/FileIO.js";
import { DataFileContent, ManifestEntryStatus } from "../../../src/table/manifest/dataFile.js";
import { readManifestEntries, readSnapshotManifests } from "../../../src/table/manifest/manifest.js";
import type { Snapshot } from "../../../src/table/spec/snapshot.js";

export interface SnapshotFiles {
  manifestList?: string;
  manifests: string[];
  /** Live data files (ADDED or EXISTING entries). */
  dataFiles: string[];
  /** Live delete files. */
  deleteFiles: string[];
  /** Files whose DELETED entries the snapshot carries: removed by it, still stored for older snapshots. */
  removedFiles: string[];
}

/** Reads the snapshot's manifest list and manifests. `manifestCache` (by manifest path) saves rereading manifests that snapshots share. */
export async function snapshotFiles(
  io: FileIO,
  snapshot: Snapshot,
  manifestCache = new Map<string, { live: { path: string; isData: boolean }[]; removed: string[] }>(),
): Promise<SnapshotFiles> {
  const files: SnapshotFiles = { manifests: [], dataFiles: [], deleteFiles: [], removedFiles: [] };
  if (snapshot.manifestList !== undefined) files.manifestList = snapshot.manifestList;
  for (const manifest of await readSnapshotManifests(io, snapshot)) {
    files.manifests.push(manifest.manifestPath);
    let entries = manifestCache.get(manifest.manifestPath);
    if (entries === undefined) {
      entries = { live: [], removed: [] };
      for (const entry of await readManifestEntries(io, manifest)) {
        if (entry.status === ManifestEntryStatus.DELETED) entries.removed.push(entry.dataFile.filePath);
        else entries.live.push({ path: entry.dataFile.filePath, isData: entry.dataFile.content === DataFileContent.DATA });
      }
      manifestCache.set(manifest.manifestPath, entries);
    }
    for (const { path, isData } of entries.live) (isData ? files.dataFiles : files.deleteFiles).push(path);
    files.removedFiles.push(...entries.removed);
  }
  return files;
}

/** Every path a SnapshotFiles names. */
export function allPaths(files: SnapshotFiles): string[] {
  return [...(files.manifestList === undefined ? [] : [files.manifestList]), ...files.manifests, ...files.dataFiles, ...files.deleteFiles, ...files.removedFiles];
}

/** The referenced paths of `paths` that are not stored. */
export async function missingFiles(io: FileIO, paths: Iterable<string>): Promise<string[]> {
  const unique = [...new Set(paths)];
  const present = await Promise.all(unique.map((p) => io.exists(p)));
  return unique.filter((_, i) => !present[i]);
}

/** Every file stored below `prefix`. */
export async function storedFiles(io: FileIO, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const location of io.list(prefix)) found.push(location);
  return found;
}

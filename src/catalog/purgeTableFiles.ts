/**
 * Deleting every file a table's metadata reaches, for `dropTable(..., { purge: true })`: data and
 * delete files, manifests, manifest lists, statistics files and the metadata files of the
 * metadata log. Best effort, as Iceberg Java's `CatalogUtil.dropTableData`: a file that cannot be
 * read or deleted is skipped and reported, the rest still go.
 */
import type { FileIO } from "../io/FileIO.js";
import { readManifestEntries, readSnapshotManifests } from "../table/manifest/manifest.js";
import type { ManifestFile } from "../table/manifest/manifestFile.js";
import type { TableMetadata } from "../table/spec/tableMetadata.js";

/** How many files are read or deleted at once. */
const CONCURRENCY = 16;

export interface PurgeResult {
  /** Files deleted (or already absent). */
  deleted: string[];
  /** Files that could not be read or deleted, with the reason. */
  failures: { location: string; reason: string }[];
}

/** The files `metadata` (read from `metadataLocation`) reaches, and the failures met while reading manifests. */
export async function tableFiles(
  metadata: TableMetadata,
  metadataLocation: string,
  io: FileIO,
): Promise<{ files: Set<string>; failures: PurgeResult["failures"] }> {
  const files = new Set<string>();
  const failures: PurgeResult["failures"] = [];
  const manifests = new Map<string, ManifestFile>();
  await forEachLimited(metadata.snapshots, async (snapshot) => {
    if (snapshot.manifestList !== undefined) files.add(snapshot.manifestList);
    try {
      for (const manifest of await readSnapshotManifests(io, snapshot)) manifests.set(manifest.manifestPath, manifest);
    } catch (error) {
      failures.push({ location: snapshot.manifestList ?? `snapshot ${snapshot.snapshotId}`, reason: (error as Error).message });
    }
  });
  const specs = metadata.specsById();
  const schema = metadata.currentSchema();
  await forEachLimited([...manifests.values()], async (manifest) => {
    files.add(manifest.manifestPath);
    try {
      for (const entry of await readManifestEntries(io, manifest, { specs, schema })) files.add(entry.dataFile.filePath);
    } catch (error) {
      failures.push({ location: manifest.manifestPath, reason: (error as Error).message });
    }
  });
  for (const statistics of metadata.statistics) files.add(statistics.statisticsPath);
  for (const statistics of metadata.partitionStatistics) files.add(statistics.statisticsPath);
  for (const entry of metadata.metadataLog) files.add(entry.metadataFile);
  files.add(metadataLocation);
  return { files, failures };
}

/** Deletes every file `metadata` reaches; the metadata files last, so a failure midway leaves a table that still lists what remains. */
export async function purgeTableFiles(metadata: TableMetadata, metadataLocation: string, io: FileIO): Promise<PurgeResult> {
  const { files, failures } = await tableFiles(metadata, metadataLocation, io);
  const metadataFiles = new Set([metadataLocation, ...metadata.metadataLog.map((entry) => entry.metadataFile)]);
  const deleted: string[] = [];
  const remove = async (location: string) => {
    try {
      await io.delete(location);
      deleted.push(location);
    } catch (error) {
      failures.push({ location, reason: (error as Error).message });
    }
  };
  await forEachLimited([...files].filter((file) => !metadataFiles.has(file)), remove);
  await forEachLimited([...metadataFiles], remove);
  return { deleted, failures };
}

async function forEachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}

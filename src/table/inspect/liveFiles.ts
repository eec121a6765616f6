/**
 * The manifests and live entries of the snapshot a selector names, read the way the
 * `files`, `partitions` and `manifests` metadata tables need them.
 */
import type { FileIO } from "../../io/FileIO.js";
import { isLiveEntry, type ManifestEntry } from "../manifest/dataFile.js";
import { readManifestEntries, readSnapshotManifests } from "../manifest/manifest.js";
import type { ManifestFile } from "../manifest/manifestFile.js";
import { selectSnapshot, type SnapshotSelector } from "../scan/TableScan.js";
import type { Snapshot } from "../spec/snapshot.js";
import type { TableMetadata } from "../spec/tableMetadata.js";

/** How many manifests are read at once. */
const MANIFEST_CONCURRENCY = 16;

export interface SnapshotManifests {
  /** Undefined when the table has no snapshot (and no selector named one). */
  snapshot?: Snapshot;
  manifests: ManifestFile[];
}

/** The manifests of the selected snapshot (default: the current one), in manifest list order. */
export async function selectedManifests(metadata: TableMetadata, io: FileIO, selector: SnapshotSelector = {}): Promise<SnapshotManifests> {
  const snapshot = selectSnapshot(metadata, selector);
  if (snapshot === undefined) return { manifests: [] };
  return { snapshot, manifests: await readSnapshotManifests(io, snapshot) };
}

/** The added and existing entries of the selected snapshot, data and delete files, in manifest order. */
export async function liveEntries(metadata: TableMetadata, io: FileIO, selector: SnapshotSelector = {}): Promise<ManifestEntry[]> {
  const { manifests } = await selectedManifests(metadata, io, selector);
  const specs = metadata.specsById();
  const schema = metadata.currentSchema();
  const perManifest = await mapLimited(manifests, MANIFEST_CONCURRENCY, (manifest) => readManifestEntries(io, manifest, { specs, schema }));
  return perManifest.flat().filter(isLiveEntry);
}

/** `work` on every item, at most `limit` at once; results in item order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

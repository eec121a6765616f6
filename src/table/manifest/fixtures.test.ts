import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isFloeError } from "../../core/errors/FloeError.js";
import { LocalFileIO } from "../../io/LocalFileIO.js";
import { PathRelocator } from "../../io/PathRelocator.js";
import { readTableMetadata, type TableMetadata } from "../spec/index.js";
import {
  DataFileContent,
  ManifestContent,
  ManifestEntryStatus,
  readManifest,
  readManifestListFile,
  readSnapshotManifests,
  type ManifestFile,
} from "./index.js";

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const ICEBERG_FIXTURES = path.resolve(PROJECT_ROOT, "../shared/fixtures/iceberg");
const HAVE_ICEBERG_FIXTURES = fs.existsSync(path.join(ICEBERG_FIXTURES, "README.md"));
const NO_FIXTURES_MESSAGE = `skipped: the Iceberg fixture pack is not at ${ICEBERG_FIXTURES}`;

/** The prefixes written inside the fixture tables and where those files now are (the pack's README). */
const fixtureRelocations = () =>
  [
    ["file://data/persistent/", "duckdb-iceberg"],
    ["data/persistent/", "duckdb-iceberg"],
    ["s3a://hyperparam-iceberg/", "icebird"],
    ["s3://hyperparam-iceberg/", "icebird"],
    ["lineitem_iceberg_gz/", "duckdb-iceberg/iceberg/lineitem_iceberg_gz"],
    ["lineitem_iceberg/", "duckdb-iceberg/iceberg/lineitem_iceberg"],
  ].map(([from, to]) => ({ from, to: path.join(ICEBERG_FIXTURES, to) + "/" }));

function metadataFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...metadataFiles(full));
    else if (/\.metadata\.json(\.gz)?$/.test(entry.name)) out.push(full);
  }
  return out.sort();
}

const fixture = (rel: string) => path.join(ICEBERG_FIXTURES, rel);

/** The one manifest list the pack lacks (see its README). */
const KNOWN_MISSING = /snap-7342794868382145167-/;

describe.skipIf(!HAVE_ICEBERG_FIXTURES)("manifests of the fixture tables", () => {
  const io = new PathRelocator(new LocalFileIO(), fixtureRelocations());
  const files = HAVE_ICEBERG_FIXTURES ? metadataFiles(ICEBERG_FIXTURES) : [];

  async function manifestsOf(metadata: TableMetadata): Promise<{ manifests: ManifestFile[]; missing: string[] }> {
    const manifests: ManifestFile[] = [];
    const missing: string[] = [];
    for (const snapshot of metadata.snapshots) {
      try {
        manifests.push(...(await readSnapshotManifests(io, snapshot)));
      } catch (error) {
        if (!isFloeError(error, "not-found")) throw error;
        missing.push(snapshot.manifestList ?? "");
      }
    }
    return { manifests, missing };
  }

  it.each(files.map((f) => [path.relative(ICEBERG_FIXTURES, f), f]))("%s: every manifest list and manifest parses", async (_name, file) => {
    const metadata = await readTableMetadata(io, file);
    const { manifests, missing } = await manifestsOf(metadata);
    for (const m of missing) expect(m).toMatch(KNOWN_MISSING);
    const seen = new Set<string>();
    for (const mf of manifests) {
      if (seen.has(mf.manifestPath)) continue;
      seen.add(mf.manifestPath);
      // (manifest_length is not checked: some fixture manifests were edited after their lists were written)
      const manifest = await readManifest(io, mf.manifestPath, { manifestFile: mf, specs: metadata.specsById(), schema: metadata.currentSchema() });
      expect(manifest.metadata.specId).toBe(mf.partitionSpecId);
      const spec = metadata.specById(mf.partitionSpecId);
      for (const entry of manifest.entries) {
        expect(typeof entry.dataFile.filePath).toBe("string");
        expect(typeof entry.dataFile.recordCount).toBe("bigint");
        expect(typeof entry.snapshotId).toBe("bigint");
        if (entry.status === ManifestEntryStatus.ADDED || mf.sequenceNumber === 0n) expect(typeof entry.sequenceNumber).toBe("bigint");
        if (mf.content === ManifestContent.DATA) expect(entry.dataFile.content).toBe(DataFileContent.DATA);
        else expect(entry.dataFile.content).not.toBe(DataFileContent.DATA);
        if (spec !== undefined) {
          expect(Object.keys(entry.dataFile.partition).map(Number).sort()).toEqual(spec.fields.map((f) => f.fieldId).sort());
        }
      }
      if (mf.addedFilesCount !== null) {
        expect(manifest.entries.filter((e) => e.status === ManifestEntryStatus.ADDED)).toHaveLength(mf.addedFilesCount);
      }
    }
  });

  it("reads the v1 inline manifests of a legacy v1 snapshot", async () => {
    const metadata = await readTableMetadata(io, fixture("duckdb-iceberg/iceberg_v1_deprecated/default/legacy_v1/metadata/v2.metadata.json"));
    const snapshot = metadata.currentSnapshot();
    expect(snapshot?.manifests).toHaveLength(1);
    const [mf] = await readSnapshotManifests(io, snapshot!);
    expect(mf.sequenceNumber).toBe(0n);
    expect(mf.addedFilesCount).toBeNull();
    const manifest = await readManifest(io, mf.manifestPath, { manifestFile: mf, specs: metadata.specsById(), schema: metadata.currentSchema() });
    expect(manifest.metadata.formatVersion).toBe(1);
    expect(manifest.entries).toHaveLength(2);
    expect(manifest.entries.map((e) => e.dataFile.partition[1000]).sort()).toEqual(expect.arrayContaining([expect.any(String)]));
    for (const e of manifest.entries) {
      expect(e.sequenceNumber).toBe(0n);
      expect(e.fileSequenceNumber).toBe(0n);
      expect(e.snapshotId).toBe(2456114553637229296n);
    }
  });

  it("reads v1 manifest lists, null counts and existing/deleted entries", async () => {
    const dir = "duckdb-iceberg/iceberg_v1_repro/repro/merch_v1/metadata";
    const list = await readManifestListFile(io, fixture(`${dir}/snap-v1-null-counts.avro`));
    expect(list.formatVersion).toBe(1);
    expect(list.snapshotId).toBe(5191822260710938731n);
    expect(list.parentSnapshotId).toBe(381223374871251311n);
    for (const m of list.manifests) {
      expect(m.content).toBe(ManifestContent.DATA);
      expect(m.sequenceNumber).toBe(0n);
      expect(m.minSequenceNumber).toBe(0n);
      expect([m.addedFilesCount, m.existingFilesCount, m.deletedFilesCount, m.addedRowsCount, m.existingRowsCount, m.deletedRowsCount]).toEqual([
        null,
        null,
        null,
        null,
        null,
        null,
      ]);
    }
    const counted = await readManifestListFile(io, fixture(`${dir}/snap-5191822260710938731-0-ccab0b80-739e-4dc6-a95d-306d70e93d65.avro`));
    expect(counted.manifests.map((m) => [m.existingFilesCount, m.deletedFilesCount, m.deletedRowsCount])).toEqual([
      [2, 0, 0n],
      [0, 2, 6n],
    ]);
    const deleted = await readManifest(io, counted.manifests[1].manifestPath, { manifestFile: counted.manifests[1] });
    expect(deleted.entries.map((e) => e.status)).toEqual([ManifestEntryStatus.DELETED, ManifestEntryStatus.DELETED]);
    expect(deleted.entries.map((e) => e.snapshotId)).toEqual([381223374871251311n, 3549704636346557910n]);
    expect(deleted.entries.every((e) => e.sequenceNumber === 0n)).toBe(true);
  });

  it("decodes partition tuples of every type into in-memory values", async () => {
    const partitionValues = async (table: string, metadataFile: string) => {
      const metadata = await readTableMetadata(io, fixture(`${table}/metadata/${metadataFile}`));
      const [mf] = await readSnapshotManifests(io, metadata.currentSnapshot()!);
      const manifest = await readManifest(io, mf.manifestPath, { manifestFile: mf, specs: metadata.specsById(), schema: metadata.currentSchema() });
      return manifest.entries.map((e) => e.dataFile.partition[1000]);
    };
    const pd = "duckdb-iceberg";
    expect(await partitionValues(`${pd}/partition_bigint`, "v2.metadata.json")).toEqual(
      expect.arrayContaining([9223372036854775807n, -9223372036854775808n]),
    );
    expect(await partitionValues(`${pd}/partition_integer`, "v2.metadata.json")).toEqual(expect.arrayContaining([42, 1337]));
    expect(await partitionValues(`${pd}/partition_bool`, "v2.metadata.json")).toEqual(expect.arrayContaining([true, false]));
    expect(await partitionValues(`${pd}/partition_binary`, "v2.metadata.json")).toEqual(
      expect.arrayContaining([new Uint8Array([1, 2, 3]), new Uint8Array([0xaa, 0xbb, 0xcc])]),
    );
    expect(await partitionValues(`${pd}/partition_decimal_smallint`, "v2.metadata.json")).toEqual(expect.arrayContaining([123n, 456n]));
    expect(await partitionValues(`${pd}/partition_decimal_hugeint`, "v2.metadata.json")).toEqual(
      expect.arrayContaining([-100000000000000000000000000000001000n, 999999999999999999999999999999999000n]),
    );
    expect(await partitionValues(`${pd}/partition_float`, "v2.metadata.json")).toEqual(expect.arrayContaining([Math.fround(1.23), Math.fround(4.56)]));
    expect(await partitionValues(`${pd}/partition_time/default.db/partition_time`, "00001-44546aa6-1ee5-48c5-9e3b-bc6c0bc0a60c.metadata.json")).toEqual(
      expect.arrayContaining([45296000000n]), // 12:34:56
    );
    expect(
      await partitionValues(`${pd}/partition_timestamptz/default.db/partition_timestamptz`, "00001-ffeadb58-2a9e-46ba-8b4f-f363f05de68c.metadata.json"),
    ).toEqual(expect.arrayContaining([1684161045000000n]));
    expect(
      await partitionValues(
        `${pd}/partition_fixed_length_binary/default.db/partition_fixed_length_binary`,
        "00001-b4b3d6d2-cac2-4480-952e-0e4b3b88b5d7.metadata.json",
      ),
    ).toEqual(expect.arrayContaining([new TextEncoder().encode("hello world")]));
    // day(timestamptz): a date, as days since the epoch
    expect(await partitionValues(`${pd}/map_stats/default.db/map_stats`, "00002-0e059d4b-e5e8-41af-a763-76cbf3a3d0bc.metadata.json")).toEqual([20455]);
  });

  it("inherits sequence numbers and keeps ids beyond 2^53 exact", async () => {
    const metadata = await readTableMetadata(io, fixture("duckdb-iceberg/equality_delete_extra_column/warehouse/ns/t/metadata/vfinal.metadata.json"));
    const snapshot = metadata.currentSnapshot()!;
    const list = await readManifestListFile(io, snapshot.manifestList!);
    expect(list.snapshotId).toBe(9876543210123456789n);
    expect(list.sequenceNumber).toBe(2n);
    const deletes = list.manifests.find((m) => m.content === ManifestContent.DELETES)!;
    expect(deletes.addedSnapshotId).toBe(8570200863586094826n);
    const manifest = await readManifest(io, deletes.manifestPath, { manifestFile: deletes, specs: metadata.specsById(), schema: metadata.currentSchema() });
    const [entry] = manifest.entries;
    expect(entry.dataFile.content).toBe(DataFileContent.EQUALITY_DELETES);
    expect(entry.dataFile.equalityIds).toEqual([1]);
    expect(entry.sequenceNumber).toBe(2n);
    expect(entry.fileSequenceNumber).toBe(2n); // null in the file, inherited
    const data = list.manifests.find((m) => m.content === ManifestContent.DATA)!;
    const dataManifest = await readManifest(io, data.manifestPath, { manifestFile: data });
    expect(dataManifest.entries[0].sequenceNumber).toBe(1n);
    expect(dataManifest.entries[0].dataFile.lowerBounds?.get(1)).toBeInstanceOf(Uint8Array);
    expect(dataManifest.entries[0].dataFile.columnSizes?.get(1)).toBe(119n);
  });

  it("reads partition summaries and null partition values", async () => {
    const metadata = await readTableMetadata(io, fixture("icebird/spark/rename_column/metadata/v3.metadata.json"));
    const [mf] = await readSnapshotManifests(io, metadata.currentSnapshot()!);
    expect(mf.partitions).toEqual([
      { containsNull: false, containsNan: false, lowerBound: new Uint8Array([0, 0, 0, 0]), upperBound: new Uint8Array([3, 0, 0, 0]) },
      { containsNull: true, containsNan: false, lowerBound: new Uint8Array([0x31, 0x4a, 0, 0]), upperBound: new Uint8Array([0x32, 0x4a, 0, 0]) },
    ]);
    const manifest = await readManifest(io, mf.manifestPath, { manifestFile: mf, specs: metadata.specsById(), schema: metadata.currentSchema() });
    expect(manifest.entries.map((e) => e.dataFile.partition)).toEqual(
      expect.arrayContaining([
        { 1000: 3, 1001: null },
        { 1000: 0, 1001: 18993 },
      ]),
    );
    // without the table's specs, the spec and schema stored in the manifest are used
    const alone = await readManifest(io, mf.manifestPath);
    expect(alone.metadata.spec?.fields.map((f) => f.transform)).toEqual(["bucket[4]", "identity"]);
    expect(alone.entries.map((e) => e.dataFile.partition)).toEqual(manifest.entries.map((e) => e.dataFile.partition));
  });
});

describe.skipIf(HAVE_ICEBERG_FIXTURES)("fixture pack", () => {
  it.skip(NO_FIXTURES_MESSAGE, () => {});
});

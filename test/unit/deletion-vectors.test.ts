import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDBSession } from "../../src/engine/duckdb/DuckDBSession.js";
import { queryIcebergTables } from "../../src/engine/scan/queryIcebergTables.js";
import { LocalFileIO } from "../../src/io/LocalFileIO.js";
import { DataFileContent, ManifestEntryStatus } from "../../src/table/manifest/dataFile.js";
import { writeManifest } from "../../src/table/manifest/manifest.js";
import { ManifestContent } from "../../src/table/manifest/manifestFile.js";
import { readManifestList, writeManifestList } from "../../src/table/manifest/manifestList.js";
import { encodeDeletionVector } from "../../src/table/puffin/deletionVector.js";
import { planScan } from "../../src/table/scan/TableScan.js";
import { readTableMetadata, writeTableMetadata } from "../../src/table/spec/metadataFile.js";
import { DAY_SPEC, EVENTS_SCHEMA, writeSyntheticEventTable } from "../support/syntheticTable.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-dv-"));
const io = new LocalFileIO();
let v1: string;
let v2: string;
let session: DuckDBSession;

/** A Puffin file holding one blob: magic, the blob, then the footer (magic, JSON payload, its length, flags, magic). */
function puffinFile(blob: Uint8Array, referencedDataFile: string, cardinality: number): { bytes: Uint8Array; offset: number } {
  const magic = Buffer.from("PFA1");
  const offset = magic.length;
  const payload = Buffer.from(
    JSON.stringify({
      blobs: [
        {
          type: "deletion-vector-v1",
          fields: [2147483645],
          "snapshot-id": -1,
          "sequence-number": -1,
          offset,
          length: blob.length,
          properties: { "referenced-data-file": referencedDataFile, cardinality: String(cardinality) },
        },
      ],
    }),
  );
  const sizes = Buffer.alloc(8);
  sizes.writeInt32LE(payload.length, 0);
  return { bytes: Buffer.concat([magic, blob, magic, payload, sizes, magic]), offset };
}

beforeAll(async () => {
  // A v3 table: one data file of 10 rows, then a snapshot whose deletion vector deletes rows 1, 3 and 5 of it.
  const location = path.join(dir, "events");
  v1 = await writeSyntheticEventTable(location, { firstDay: 20089, days: 1, rowsPerFile: 10, writeData: true });
  const base = await readTableMetadata(io, v1);
  const first = base.currentSnapshot()!;
  const dataFile = (await planScan(base, io)).tasks[0].dataFile;

  const positions = [1n, 3n, 5n];
  const dvBlob = encodeDeletionVector(positions);
  const { bytes, offset } = puffinFile(dvBlob, dataFile.filePath, positions.length);
  const puffinPath = path.join(location, "data", "deletes-1.puffin");
  await io.write(puffinPath, bytes);

  const snapshotId = 2222222222222222222n;
  const deleteManifest = await writeManifest(
    io,
    path.join(location, "metadata", "deletes-m0.avro"),
    [
      {
        status: ManifestEntryStatus.ADDED,
        snapshotId,
        dataFile: {
          content: DataFileContent.POSITION_DELETES,
          filePath: puffinPath,
          fileFormat: "puffin",
          specId: 0,
          partition: { ...dataFile.partition },
          recordCount: BigInt(positions.length),
          fileSizeInBytes: BigInt(bytes.length),
          referencedDataFile: dataFile.filePath,
          contentOffset: BigInt(offset),
          contentSizeInBytes: BigInt(dvBlob.length),
        },
      },
    ],
    { formatVersion: 3, spec: DAY_SPEC, schema: EVENTS_SCHEMA, snapshotId, content: ManifestContent.DELETES },
  );
  const manifestList = path.join(location, "metadata", `snap-${snapshotId}.avro`);
  const dataManifests = await readManifestList(io, first.manifestList!);
  await writeManifestList(io, manifestList, [...dataManifests, deleteManifest], {
    formatVersion: 3,
    snapshotId,
    parentSnapshotId: first.snapshotId,
    sequenceNumber: 2n,
    firstRowId: 10n,
  });
  const next = base.with({
    formatVersion: 3,
    lastSequenceNumber: 2n,
    nextRowId: 10n,
    currentSnapshotId: snapshotId,
    refs: new Map([["main", { snapshotId, type: "branch" }]]),
    snapshots: [
      ...base.snapshots,
      { snapshotId, parentSnapshotId: first.snapshotId, sequenceNumber: 2n, timestampMs: 1_700_000_100_000, manifestList, summary: { operation: "delete" }, schemaId: 0, firstRowId: 10n, addedRows: 0n },
    ],
    snapshotLog: [...base.snapshotLog, { snapshotId, timestampMs: 1_700_000_100_000 }],
  });
  v2 = path.join(location, "metadata", "v2.metadata.json");
  await writeTableMetadata(io, v2, next);
  session = await DuckDBSession.open();
}, 60_000);

afterAll(() => {
  session?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("v3 deletion vectors", () => {
  it("plans the deletion vector with the data file it names", async () => {
    const plan = await planScan(await readTableMetadata(io, v2), io);
    expect(plan.tasks).toHaveLength(1);
    expect(plan.tasks[0].deletes.map((d) => d.fileFormat)).toEqual(["puffin"]);
  });

  it("removes the rows the vector names, and time travel before it sees them all", async () => {
    const after = await queryIcebergTables([{ name: "t", metadataLocation: v2 }], "SELECT id FROM t ORDER BY id", { io, session });
    expect(after.rows.map((r) => r[0])).toEqual([0, 2, 4, 6, 7, 8, 9]);
    const before = await queryIcebergTables([{ name: "t", metadataLocation: v2, snapshotId: 1234567890123456789n }], "SELECT count(*) FROM t", { io, session });
    expect(before.rows).toEqual([[10]]);
  });
});

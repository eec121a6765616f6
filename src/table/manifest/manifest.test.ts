import fs from "node:fs";
import os from "node:os";
import nodePath from "node:path";
import { Readable } from "node:stream";
import avro from "avsc";
import { describe, expect, it } from "vitest";
import { isFloeError } from "../../core/errors/FloeError.js";
import { MemoryFileIO } from "../../io/MemoryFileIO.js";
import { PartitionSpec, Schema, type NestedField } from "../spec/index.js";
import {
  DataFileContent,
  decodeManifest,
  decodeManifestListFile,
  encodeManifest,
  encodeManifestList,
  ManifestContent,
  ManifestEntryStatus,
  readManifest,
  readManifestList,
  UNASSIGNED_SEQUENCE_NUMBER,
  writeManifest,
  writeManifestList,
  type DataFile,
  type ManifestEntry,
  type ManifestFile,
} from "./index.js";
import { avroType } from "./avroContainer.js";

const LONG_MIN = -9223372036854775808n;
const LONG_MAX = 9223372036854775807n;

const field = (id: number, name: string, type: NestedField["type"], required = false): NestedField => ({ id, name, required, type });

const schema = new Schema(
  [
    field(1, "id", { type: "long" }, true),
    field(2, "i", { type: "int" }),
    field(3, "s", { type: "string" }),
    field(4, "d", { type: "date" }),
    field(5, "ts", { type: "timestamp" }),
    field(6, "tstz", { type: "timestamptz" }),
    field(7, "dec", { type: "decimal", precision: 38, scale: 10 }),
    field(8, "u", { type: "uuid" }),
    field(9, "fx", { type: "fixed", length: 3 }),
    field(10, "bin", { type: "binary" }),
    field(11, "b", { type: "boolean" }),
    field(12, "f", { type: "float" }),
    field(13, "db", { type: "double" }),
    field(14, "t", { type: "time" }),
    field(15, "Breed Name", { type: "string" }),
  ],
  { schemaId: 3 },
);

const spec = new PartitionSpec(5, [
  { sourceId: 1, fieldId: 1000, name: "id", transform: "identity" },
  { sourceId: 2, fieldId: 1001, name: "i", transform: "identity" },
  { sourceId: 3, fieldId: 1002, name: "s_trunc", transform: "truncate[2]" },
  { sourceId: 4, fieldId: 1003, name: "d", transform: "identity" },
  { sourceId: 5, fieldId: 1004, name: "ts_day", transform: "day" },
  { sourceId: 6, fieldId: 1005, name: "tstz", transform: "identity" },
  { sourceId: 7, fieldId: 1006, name: "dec", transform: "identity" },
  { sourceId: 8, fieldId: 1007, name: "u", transform: "identity" },
  { sourceId: 9, fieldId: 1008, name: "fx", transform: "identity" },
  { sourceId: 10, fieldId: 1009, name: "bin", transform: "identity" },
  { sourceId: 11, fieldId: 1010, name: "b", transform: "identity" },
  { sourceId: 12, fieldId: 1011, name: "f", transform: "identity" },
  { sourceId: 13, fieldId: 1012, name: "db", transform: "identity" },
  { sourceId: 14, fieldId: 1013, name: "t", transform: "identity" },
  { sourceId: 1, fieldId: 1014, name: "id_bucket", transform: "bucket[16]" },
  { sourceId: 5, fieldId: 1015, name: "ts_month", transform: "month" },
  { sourceId: 15, fieldId: 1016, name: "Breed Name", transform: "identity" },
]);

function dataFile(n: number, overrides: Partial<DataFile> = {}): DataFile {
  return {
    content: DataFileContent.DATA,
    filePath: `s3://bucket/t/data/file-${n}.parquet`,
    fileFormat: "parquet",
    specId: spec.specId,
    partition: {
      1000: n === 0 ? LONG_MIN : LONG_MAX,
      1001: n === 0 ? -2147483648 : 2147483647,
      1002: `p${n}`,
      1003: 19000 + n,
      1004: -1 - n,
      1005: 1684161045000000n + BigInt(n),
      1006: n === 0 ? -(10n ** 37n) : 12345678901234567890123456789012345678n,
      1007: "f79c3e09-677c-4bbd-a479-3f349cb785e7",
      1008: new Uint8Array([1, 2, n]),
      1009: new Uint8Array(n),
      1010: n % 2 === 0,
      1011: n === 0 ? -0 : n === 1 ? Number.NaN : Math.fround(1.5),
      1012: n === 0 ? 0 : -2.5,
      1013: 45296000000n,
      1014: n,
      1015: null,
      1016: "a b",
    },
    recordCount: 100n + BigInt(n),
    fileSizeInBytes: LONG_MAX,
    columnSizes: new Map([
      [1, 10n],
      [2, LONG_MIN],
    ]),
    valueCounts: new Map([[1, 100n]]),
    nullValueCounts: new Map([[1, 0n]]),
    nanValueCounts: new Map([[12, 1n]]),
    lowerBounds: new Map([[1, new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0x80])]]),
    upperBounds: new Map([[1, new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])]]),
    keyMetadata: new Uint8Array([9, 9]),
    splitOffsets: [4n, LONG_MAX],
    sortOrderId: 0,
    ...overrides,
  };
}

const snapshotId = 9007199254740993n; // 2^53 + 1

describe("manifest write → read", () => {
  it("round trips a v2 manifest with every partition type, 64-bit extremes and inheritance", async () => {
    const io = new MemoryFileIO();
    const entries: ManifestEntry[] = [
      { status: ManifestEntryStatus.ADDED, dataFile: dataFile(0) },
      { status: ManifestEntryStatus.ADDED, dataFile: dataFile(1), sequenceNumber: 4n },
      { status: ManifestEntryStatus.EXISTING, snapshotId: LONG_MAX, sequenceNumber: 3n, fileSequenceNumber: 3n, dataFile: dataFile(2) },
      { status: ManifestEntryStatus.DELETED, snapshotId: LONG_MIN, sequenceNumber: 2n, fileSequenceNumber: 1n, dataFile: dataFile(3) },
    ];
    const path = "memory://t/metadata/m0.avro";
    const mf = await writeManifest(io, path, entries, { formatVersion: 2, spec, schema, snapshotId });
    expect(mf).toMatchObject({
      manifestPath: path,
      partitionSpecId: 5,
      content: ManifestContent.DATA,
      sequenceNumber: UNASSIGNED_SEQUENCE_NUMBER,
      minSequenceNumber: 3n,
      addedSnapshotId: snapshotId,
      addedFilesCount: 2,
      existingFilesCount: 1,
      deletedFilesCount: 1,
      addedRowsCount: 201n,
      existingRowsCount: 102n,
      deletedRowsCount: 103n,
    });
    expect(mf.manifestLength).toBe(BigInt((await io.read(path)).length));

    // the commit assigns the sequence number in the manifest list
    const list = await writeManifestList(io, "memory://t/metadata/snap.avro", [mf], {
      formatVersion: 2,
      snapshotId,
      parentSnapshotId: LONG_MAX,
      sequenceNumber: 7n,
    });
    const [listed] = await readManifestList(io, "memory://t/metadata/snap.avro");
    expect(listed).toEqual(list.manifests[0]);
    expect(listed.sequenceNumber).toBe(7n);
    expect(listed.minSequenceNumber).toBe(3n);

    const manifest = await readManifest(io, path, { manifestFile: listed, specs: [spec], schema });
    expect(manifest.metadata).toMatchObject({ formatVersion: 2, content: ManifestContent.DATA, specId: 5 });
    const read = manifest.entries;
    expect(read).toHaveLength(4);
    expect(read[0]).toEqual({ ...entries[0], snapshotId, sequenceNumber: 7n, fileSequenceNumber: 7n });
    expect(read[1]).toEqual({ ...entries[1], snapshotId, sequenceNumber: 4n, fileSequenceNumber: 7n });
    expect(read[2]).toEqual(entries[2]);
    expect(read[3]).toEqual(entries[3]);
    expect(read[0].dataFile.partition[1000]).toBe(LONG_MIN);
    expect(read[1].dataFile.partition[1000]).toBe(LONG_MAX);
    expect(Object.is(read[0].dataFile.partition[1011], -0)).toBe(true);

    // partition summaries: nulls, NaN, and -0 kept as the lower bound
    const summary = listed.partitions!;
    expect(summary).toHaveLength(spec.fields.length);
    expect(summary[0]).toEqual({
      containsNull: false,
      containsNan: false,
      lowerBound: new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0x80]),
      upperBound: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
    });
    expect(summary[11].containsNan).toBe(true);
    expect(summary[11].lowerBound).toEqual(new Uint8Array([0, 0, 0, 0x80])); // -0.0f
    expect(summary[15]).toEqual({ containsNull: true, containsNan: false });
  });

  it("reads entries without the list entry, leaving inherited values unset", () => {
    const encoded = encodeManifest([{ status: ManifestEntryStatus.ADDED, dataFile: dataFile(0) }], { formatVersion: 2, spec, schema, snapshotId });
    const [entry] = decodeManifest(encoded.bytes, "m.avro").entries;
    expect(entry.snapshotId).toBe(snapshotId);
    expect(entry.sequenceNumber).toBeUndefined();
    // the spec and schema stored in the file decode the partition the same way
    expect(entry.dataFile.partition).toEqual(dataFile(0).partition);
  });

  it("writes the Avro schema and header keys other engines expect", () => {
    const { bytes } = encodeManifest([{ status: ManifestEntryStatus.ADDED, dataFile: dataFile(0) }], {
      formatVersion: 2,
      spec,
      schema,
      snapshotId,
      content: ManifestContent.DATA,
    });
    const header = avro.extractFileHeader(writeTemp(bytes), { decode: false }) as { meta: Record<string, Buffer> };
    const meta = Object.fromEntries(Object.entries(header.meta).map(([k, v]) => [k, v.toString()]));
    expect(meta["format-version"]).toBe("2");
    expect(meta["partition-spec-id"]).toBe("5");
    expect(meta.content).toBe("data");
    expect(meta["avro.codec"]).toBe("deflate");
    expect(JSON.parse(meta["partition-spec"])[4]).toEqual({ "source-id": 5, "field-id": 1004, name: "ts_day", transform: "day" });
    expect(JSON.parse(meta.schema)["schema-id"]).toBe(3);
    const avroSchema = JSON.parse(meta["avro.schema"]);
    expect(avroSchema.name).toBe("manifest_entry");
    expect(avroSchema.fields.map((f: { "field-id": number }) => f["field-id"])).toEqual([0, 1, 3, 4, 2]);
    const dataFileRecord = avroSchema.fields[4].type;
    expect(dataFileRecord.name).toBe("r2");
    const partition = dataFileRecord.fields.find((f: { name: string }) => f.name === "partition");
    expect(partition["field-id"]).toBe(102);
    const byId = new Map(partition.type.fields.map((f: { "field-id": number; type: unknown; name: string }) => [f["field-id"], f]));
    expect((byId.get(1004) as { type: unknown }).type).toEqual(["null", { type: "int", logicalType: "date" }]);
    expect((byId.get(1006) as { type: unknown }).type).toEqual([
      "null",
      { type: "fixed", name: "decimal_38_10", size: 16, logicalType: "decimal", precision: 38, scale: 10 },
    ]);
    expect((byId.get(1014) as { type: unknown }).type).toEqual(["null", "int"]);
    expect((byId.get(1016) as { name: string }).name).toBe("Breed_x20Name");
    const lower = dataFileRecord.fields.find((f: { name: string }) => f.name === "lower_bounds");
    expect(lower.type[1]).toMatchObject({ type: "array", logicalType: "map", items: { name: "k126_v127" } });
  });

  it("produces files a generic Avro reader decodes", async () => {
    const { bytes } = encodeManifest([{ status: ManifestEntryStatus.ADDED, dataFile: dataFile(0) }], { formatVersion: 2, spec, schema, snapshotId });
    const records: Record<string, unknown>[] = [];
    await new Promise<void>((resolve, reject) => {
      Readable.from([Buffer.from(bytes)])
        // avsc's own container decoder; only the long type is swapped for a BigInt one
        .pipe(new avro.streams.BlockDecoder({ parseHook: (s: unknown) => avroType(s) }))
        .on("data", (r: Record<string, unknown>) => records.push(r))
        .on("end", resolve)
        .on("error", reject);
    });
    expect(records).toHaveLength(1);
    expect((records[0].data_file as Record<string, unknown>).file_path).toBe("s3://bucket/t/data/file-0.parquet");
  });

  it("round trips a v1 manifest: explicit snapshot ids, sequence numbers 0", () => {
    const spec1 = new PartitionSpec(0, [{ sourceId: 3, fieldId: 1000, name: "s", transform: "identity" }]);
    const file = { ...dataFile(0), specId: 0, partition: { 1000: "x" } };
    const { bytes, manifestFile } = encodeManifest(
      [
        { status: ManifestEntryStatus.ADDED, dataFile: file },
        { status: ManifestEntryStatus.EXISTING, snapshotId: 5n, dataFile: file },
      ],
      { formatVersion: 1, spec: spec1, schema, snapshotId },
    );
    const manifest = decodeManifest(bytes, "v1.avro", { specs: [spec1], schema });
    expect(manifest.metadata.formatVersion).toBe(1);
    expect(manifest.entries.map((e) => [e.snapshotId, e.sequenceNumber, e.fileSequenceNumber])).toEqual([
      [snapshotId, 0n, 0n],
      [5n, 0n, 0n],
    ]);
    expect(manifest.entries[0].dataFile).toEqual(file);
    expect(manifestFile.existingFilesCount).toBe(1);

    const list = encodeManifestList([{ ...manifestFile, manifestPath: "v1.avro" }], { formatVersion: 1, snapshotId });
    const read = decodeManifestListFile(list.bytes, "snap.avro");
    expect(read.formatVersion).toBe(1);
    expect(read.parentSnapshotId).toBeUndefined();
    expect(read.manifests[0]).toMatchObject({ sequenceNumber: 0n, minSequenceNumber: 0n, content: ManifestContent.DATA, existingFilesCount: 1 });
    expect(() =>
      encodeManifest([{ status: ManifestEntryStatus.ADDED, dataFile: { ...file, content: DataFileContent.POSITION_DELETES } }], {
        formatVersion: 1,
        spec: spec1,
        schema,
        snapshotId,
        content: ManifestContent.DELETES,
      }),
    ).toThrow(/v1 manifests hold only data files/);
  });

  it("round trips v3 delete manifests with deletion vector fields, and assigns first row ids", () => {
    const unpartitioned = PartitionSpec.unpartitioned();
    const dv: DataFile = {
      content: DataFileContent.POSITION_DELETES,
      filePath: "s3://b/t/data/dv.puffin",
      fileFormat: "puffin",
      specId: 0,
      partition: {},
      recordCount: 3n,
      fileSizeInBytes: 400n,
      referencedDataFile: "s3://b/t/data/a.parquet",
      contentOffset: 4n,
      contentSizeInBytes: 40n,
    };
    const deletes = encodeManifest([{ status: ManifestEntryStatus.ADDED, dataFile: dv }], {
      formatVersion: 3,
      spec: unpartitioned,
      schema,
      snapshotId,
      content: ManifestContent.DELETES,
    });
    const read = decodeManifest(deletes.bytes, "d.avro");
    expect(read.metadata.content).toBe(ManifestContent.DELETES);
    expect(read.entries[0].dataFile).toEqual(dv);

    const data = (n: number, firstRowId?: bigint): DataFile => ({
      ...dataFile(n),
      specId: 0,
      partition: {},
      recordCount: 10n,
      ...(firstRowId === undefined ? {} : { firstRowId }),
    });
    const dataManifest = encodeManifest(
      [
        { status: ManifestEntryStatus.ADDED, dataFile: data(0) },
        { status: ManifestEntryStatus.EXISTING, sequenceNumber: 1n, fileSequenceNumber: 1n, dataFile: data(1, 500n) },
        { status: ManifestEntryStatus.ADDED, dataFile: data(2) },
      ],
      { formatVersion: 3, spec: unpartitioned, schema, snapshotId },
    );
    const list = encodeManifestList(
      [
        { ...dataManifest.manifestFile, manifestPath: "m.avro" },
        { ...deletes.manifestFile, manifestPath: "d.avro" },
      ],
      { formatVersion: 3, snapshotId, sequenceNumber: 2n, firstRowId: 1000n },
    );
    expect(list.manifests[0].firstRowId).toBe(1000n);
    expect(list.manifests[1].firstRowId).toBeUndefined();
    expect(list.nextRowId).toBe(1030n);
    const listed = decodeManifestListFile(list.bytes, "snap.avro");
    expect(listed.formatVersion).toBe(3);
    expect(listed.firstRowId).toBe(1000n);
    expect(listed.manifests).toEqual(list.manifests);
    const entries = decodeManifest(dataManifest.bytes, "m.avro", { manifestFile: listed.manifests[0] }).entries;
    expect(entries.map((e) => e.dataFile.firstRowId)).toEqual([1000n, 500n, 1010n]);
  });

  it("writes manifest lists with Java's header keys and refuses unassignable sequence numbers", () => {
    const mf: ManifestFile = {
      manifestPath: "s3://b/t/m.avro",
      manifestLength: 10n,
      partitionSpecId: 0,
      content: ManifestContent.DATA,
      sequenceNumber: UNASSIGNED_SEQUENCE_NUMBER,
      minSequenceNumber: UNASSIGNED_SEQUENCE_NUMBER,
      addedSnapshotId: 1n,
      addedFilesCount: 1,
      existingFilesCount: 0,
      deletedFilesCount: 0,
      addedRowsCount: 1n,
      existingRowsCount: 0n,
      deletedRowsCount: 0n,
    };
    const list = encodeManifestList([mf], { formatVersion: 2, snapshotId: 1n, sequenceNumber: 9n });
    const header = avro.extractFileHeader(writeTemp(list.bytes), { decode: false }) as { meta: Record<string, Buffer> };
    const meta = Object.fromEntries(Object.entries(header.meta).map(([k, v]) => [k, v.toString()]));
    expect(meta).toMatchObject({ "snapshot-id": "1", "parent-snapshot-id": "null", "sequence-number": "9", "format-version": "2" });
    const avroSchema = JSON.parse(meta["avro.schema"]);
    expect(avroSchema.name).toBe("manifest_file");
    expect(avroSchema.fields.map((f: { "field-id": number }) => f["field-id"])).toEqual([500, 501, 502, 517, 515, 516, 503, 504, 505, 506, 512, 513, 514, 507, 519]);
    expect(() => encodeManifestList([mf], { formatVersion: 2, snapshotId: 2n, sequenceNumber: 9n })).toThrow(/added by snapshot 1, not 2/);
    expect(() => encodeManifestList([{ ...mf, addedFilesCount: null }], { formatVersion: 2, snapshotId: 1n, sequenceNumber: 9n })).toThrow(
      /addedFilesCount is required/,
    );
  });

  it("names the file and entry when reading bad manifests, and the entry when writing bad values", () => {
    const bad = new Uint8Array([1, 2, 3, 4, 5]);
    try {
      decodeManifest(bad, "s3://b/t/metadata/bad.avro");
      throw new Error("expected an error");
    } catch (error) {
      expect(isFloeError(error, "malformed")).toBe(true);
      expect((error as Error).message).toMatch(/^s3:\/\/b\/t\/metadata\/bad\.avro: not a valid Avro file/);
    }
    const { bytes } = encodeManifest([{ status: ManifestEntryStatus.ADDED, dataFile: dataFile(0) }], { formatVersion: 2, spec, schema, snapshotId });
    expect(() => decodeManifest(bytes.subarray(0, bytes.length - 20), "cut.avro")).toThrow(/^cut\.avro: /);
    expect(() =>
      encodeManifest([{ status: ManifestEntryStatus.ADDED, dataFile: dataFile(0, { partition: { ...dataFile(0).partition, 1001: "x" } }) }], {
        formatVersion: 2,
        spec,
        schema,
        snapshotId,
      }),
    ).toThrow(/manifest entry 0 \(s3:\/\/bucket\/t\/data\/file-0\.parquet\): manifest_entry\.data_file\.partition\.i: "x" is not an in-memory int value/);
    expect(() =>
      encodeManifest([{ status: ManifestEntryStatus.EXISTING, dataFile: dataFile(0) }], { formatVersion: 2, spec, schema, snapshotId }),
    ).toThrow(/existing and deleted entries must carry their sequence numbers/);
  });

  it("writes uncompressed files in several blocks", () => {
    const entries = Array.from({ length: 10 }, (_, i) => ({ status: ManifestEntryStatus.ADDED, dataFile: dataFile(i % 3) }) as ManifestEntry);
    const { bytes } = encodeManifest(entries, { formatVersion: 2, spec, schema, snapshotId, codec: "null" });
    expect(decodeManifest(bytes, "m.avro").entries.map((e) => e.dataFile.filePath)).toEqual(entries.map((e) => e.dataFile.filePath));
  });
});


function writeTemp(bytes: Uint8Array): string {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), "floe-manifest-"));
  const file = nodePath.join(dir, "f.avro");
  fs.writeFileSync(file, bytes);
  return file;
}

import { describe, expect, it } from "vitest";
import { isFloeError } from "../../core/errors/FloeError.js";
import { PartitionSpec, Schema } from "../spec/index.js";
import { serializeValue } from "../stats/singleValue.js";
import { writeAvroContainer } from "./avroContainer.js";
import { DataFileContent, ManifestEntryStatus, type DataFile, type ManifestEntry } from "./dataFile.js";
import { encodeManifest } from "./manifest.js";
import { ManifestContent, type ManifestFile } from "./manifestFile.js";
import { ManifestReader } from "./ManifestReader.js";

const COLUMNS = 12; // more than a walk notes, so that some metrics are found by decoding their map
const schema = new Schema(
  Array.from({ length: COLUMNS }, (_, i) => ({ id: i + 1, name: `c${i + 1}`, required: false, type: { type: "long" as const } })),
  { schemaId: 0 },
);
const spec = new PartitionSpec(0, [{ sourceId: 1, fieldId: 1000, name: "c1_bucket", transform: "bucket[8]" }]);

function dataFile(n: number): DataFile {
  const ids = Array.from({ length: COLUMNS }, (_, i) => i + 1).filter((id) => (id + n) % 5 !== 0); // some columns without metrics
  return {
    content: DataFileContent.DATA,
    filePath: `s3://b/t/data/f${n}.parquet`,
    fileFormat: "parquet",
    specId: 0,
    partition: { 1000: n % 8 },
    recordCount: BigInt(10 + n),
    fileSizeInBytes: 4096n,
    columnSizes: new Map(ids.map((id) => [id, BigInt(id * 100)])),
    valueCounts: new Map(ids.map((id) => [id, BigInt(10 + n)])),
    nullValueCounts: new Map(ids.map((id) => [id, id === 3 ? 2n ** 60n : BigInt(n % 3)])),
    lowerBounds: new Map(ids.map((id) => [id, serializeValue({ type: "long" }, BigInt(id * n))])),
    upperBounds: new Map(ids.map((id) => [id, serializeValue({ type: "long" }, BigInt(id * n + 99))])),
    ...(n % 4 === 0 ? {} : { nanValueCounts: new Map([[2, 0n]]) }),
  };
}

const entries: ManifestEntry[] = Array.from({ length: 40 }, (_, n) => ({
  status: n % 7 === 3 ? ManifestEntryStatus.DELETED : n % 2 === 0 ? ManifestEntryStatus.ADDED : ManifestEntryStatus.EXISTING,
  snapshotId: 5n,
  sequenceNumber: n % 2 === 0 ? undefined : 3n,
  fileSequenceNumber: n % 2 === 0 ? undefined : 3n,
  dataFile: dataFile(n),
}));

const asBigInt = (v: number | bigint | undefined) => (v === undefined ? undefined : BigInt(v));

describe("manifest entry cursor", () => {
  for (const formatVersion of [1, 2, 3] as const) {
    it(`reads v${formatVersion} entries field by field as decoding them whole reads them`, () => {
      const live = formatVersion === 1 ? entries.map((e) => ({ ...e, sequenceNumber: undefined, fileSequenceNumber: undefined, status: ManifestEntryStatus.ADDED })) : entries;
      const { bytes, manifestFile } = encodeManifest(
        formatVersion === 1 ? live : live.filter((e) => e.status === ManifestEntryStatus.ADDED || e.sequenceNumber !== undefined),
        { formatVersion, spec, schema, snapshotId: 5n, codec: "null" },
      );
      const listed: ManifestFile = { manifestPath: "m.avro", ...manifestFile, sequenceNumber: 9n, content: ManifestContent.DATA, firstRowId: formatVersion === 3 ? 1000n : undefined };
      const reader = ManifestReader.decode(bytes, "m.avro", { manifestFile: listed, specs: [spec], schema });
      const decoded = reader.decodeEntries();
      const cursor = reader.entries([2, 11, 1, 3, 5, 6, 7, 8, 9]);
      let i = 0;
      while (cursor.next()) {
        const expected = decoded[i];
        expect(cursor.index).toBe(i);
        expect(cursor.status).toBe(expected.status);
        expect(cursor.content).toBe(expected.dataFile.content);
        expect(BigInt(cursor.recordCount)).toBe(expected.dataFile.recordCount);
        expect({ ...cursor.partition }).toEqual(expected.dataFile.partition);
        for (let id = 1; id <= COLUMNS + 1; id++) {
          expect(asBigInt(cursor.valueCounts.get(id))).toBe(expected.dataFile.valueCounts?.get(id));
          expect(asBigInt(cursor.nullValueCounts.get(id))).toBe(expected.dataFile.nullValueCounts?.get(id));
          expect(asBigInt(cursor.nanValueCounts.get(id))).toBe(expected.dataFile.nanValueCounts?.get(id));
          expect(cursor.lowerBounds.get(id)).toEqual(expected.dataFile.lowerBounds?.get(id));
          expect(cursor.upperBounds.get(id)).toEqual(expected.dataFile.upperBounds?.get(id));
        }
        expect(cursor.decode()).toEqual(expected);
        i++;
      }
      expect(i).toBe(decoded.length);
      expect(cursor.next()).toBe(false);
      if (formatVersion === 3) {
        // data files without a first row id take the manifest's plus the rows of the files before them
        const firstRowIds = decoded.map((_, k) => decoded.slice(0, k).reduce((sum, e) => sum + e.dataFile.recordCount, 1000n));
        expect(decoded.map((e) => e.dataFile.firstRowId)).toEqual(firstRowIds);
      }
    });
  }

  it("names the entry whose data file is missing, and reads none of a manifest without entries", () => {
    const avroSchema = {
      type: "record",
      name: "manifest_entry",
      fields: [
        { name: "status", type: "int", "field-id": 0 },
        {
          name: "data_file",
          type: ["null", { type: "record", name: "r2", fields: [{ name: "file_path", type: "string", "field-id": 100 }] }],
          "field-id": 2,
        },
      ],
    };
    const bytes = writeAvroContainer(avroSchema, [{ status: 1, data_file: { file_path: "a" } }, { status: 1, data_file: null }], {
      codec: "null",
      metadata: { "format-version": "2" },
    });
    const cursor = ManifestReader.decode(bytes, "odd.avro").entries();
    expect(cursor.next()).toBe(true);
    expect(() => cursor.decode()).toThrow(/^odd\.avro: manifest entry 0: data_file\.partition is missing$/);
    try {
      cursor.next();
      throw new Error("expected an error");
    } catch (error) {
      expect(isFloeError(error, "malformed")).toBe(true);
      expect((error as Error).message).toBe("odd.avro: manifest entry 1: data_file is missing");
    }
    const empty = writeAvroContainer({ type: "record", name: "not_an_entry", fields: [] }, [], { codec: "null" });
    expect(ManifestReader.decode(empty, "empty.avro").decodeEntries()).toEqual([]);
  });
});

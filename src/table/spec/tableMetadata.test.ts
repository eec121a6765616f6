import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { isFloeError } from "../../core/errors/FloeError.js";
import { LocalFileIO } from "../../io/LocalFileIO.js";
import { MemoryFileIO } from "../../io/MemoryFileIO.js";
import {
  NameMapping,
  parseTableMetadata,
  readTableMetadata,
  serializeTableMetadata,
  TableMetadata,
  writeTableMetadata,
} from "./index.js";

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const ICEBERG_FIXTURES = path.resolve(PROJECT_ROOT, "../shared/fixtures/iceberg");
const HAVE_ICEBERG_FIXTURES = fs.existsSync(path.join(ICEBERG_FIXTURES, "README.md"));
const NO_FIXTURES_MESSAGE = `skipped: the Iceberg fixture pack is not at ${ICEBERG_FIXTURES}`;

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

function minimalV2(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "format-version": 2,
    "table-uuid": "9c12d441-03fe-4693-9a96-a0705ddf69c1",
    location: "s3://b/t",
    "last-sequence-number": 0,
    "last-updated-ms": 1700000000000,
    "last-column-id": 1,
    "current-schema-id": 0,
    schemas: [{ type: "struct", "schema-id": 0, fields: [{ id: 1, name: "x", required: false, type: "long" }] }],
    "default-spec-id": 0,
    "partition-specs": [{ "spec-id": 0, fields: [] }],
    "last-partition-id": 999,
    "default-sort-order-id": 0,
    "sort-orders": [{ "order-id": 0, fields: [] }],
    ...overrides,
  };
}

describe.skipIf(!HAVE_ICEBERG_FIXTURES)("table metadata of the fixture tables", () => {
  const files = HAVE_ICEBERG_FIXTURES ? metadataFiles(ICEBERG_FIXTURES) : [];
  const io = new LocalFileIO();

  it("finds the metadata files", () => {
    expect(files.length).toBeGreaterThan(100);
  });

  it.each(files.map((f) => [path.relative(ICEBERG_FIXTURES, f), f]))("%s parses and reserializes to the same metadata", async (_name, file) => {
    const metadata = await readTableMetadata(io, file);
    const text = serializeTableMetadata(metadata);
    const again = parseTableMetadata(text, "reserialized");
    expect(again).toEqual(metadata);
    expect(serializeTableMetadata(again)).toBe(text);
    expect(metadata.currentSchema()).toBeDefined();
    expect(metadata.defaultSpec()).toBeDefined();
    const current = metadata.currentSnapshot();
    if (metadata.currentSnapshotId !== undefined) {
      expect(current?.snapshotId).toBe(metadata.currentSnapshotId);
      expect(metadata.snapshotByRef("main")).toBe(current);
    }
    for (const snapshot of metadata.snapshots) expect(metadata.schemaForSnapshot(snapshot)).toBeDefined();
  });

  it("keeps snapshot ids above 2^53 exact, also beyond the signed 64-bit range", async () => {
    const m = await readTableMetadata(io, fixture("duckdb-iceberg/equality_delete_extra_column/warehouse/ns/t/metadata/vfinal.metadata.json"));
    expect(m.currentSnapshotId).toBe(9876543210123456789n);
    expect(m.snapshotById(9876543210123456789n)?.parentSnapshotId).toBe(2904628372548660858n);
    expect(serializeTableMetadata(m)).toContain('"current-snapshot-id":9876543210123456789');
    const other = await readTableMetadata(
      io,
      fixture("duckdb-iceberg/add_columns_with_defaults/default.db/add_columns_with_defaults/metadata/00003-3f1801a5-7dfb-4072-b14a-39cd12f9279b.metadata.json"),
    );
    expect(other.currentSnapshotId).toBe(1915606074736806848n);
    expect(other.snapshots.map((s) => s.snapshotId)).toEqual([8904642012249016277n, 1915606074736806848n]);
    expect(other.snapshots.map((s) => s.sequenceNumber)).toEqual([1n, 2n]);
  });

  it("reads initial-default and write-default into in-memory values", async () => {
    const m = await readTableMetadata(
      io,
      fixture("duckdb-iceberg/add_columns_with_defaults/default.db/add_columns_with_defaults/metadata/00003-3f1801a5-7dfb-4072-b14a-39cd12f9279b.metadata.json"),
    );
    const schema = m.currentSchema();
    const def = (name: string) => schema.findFieldByName(name)?.initialDefault;
    expect(def("col_boolean")).toBe(true);
    expect(def("col_integer")).toBe(342342);
    expect(def("col_long")).toBe(-9223372036854775808n);
    expect(def("col_float")).toBeCloseTo(0.34234);
    expect(def("col_decimal")).toBe(1234500n);
    expect(def("col_date")).toBe(12345); // 2003-10-20
    expect(def("col_time")).toBe(12345n);
    expect(def("col_timestamp")).toBe(12345n);
    expect(def("col_timestamptz")).toBe(12345n);
    expect(def("col_string")).toBe("HELLO");
    expect(def("col_uuid")).toBe("f79c3e09-677c-4bbd-a479-3f349cb785e7");
    expect(def("col_fixed")).toEqual(new Uint8Array([1, 2, 3, 255, 3]));
    expect(def("col_binary")).toEqual(new Uint8Array([1, 2]));
    expect(schema.findFieldByName("col_long")?.writeDefault).toBe(-9223372036854775808n);
    const text = serializeTableMetadata(m);
    expect(text).toContain('"initial-default":-9223372036854775808');
    expect(text).toContain('"initial-default":"12345.00"');
    expect(text).toContain('"initial-default":"1970-01-01T00:00:00.012345+00:00"');
  });

  it("reads v1 metadata with only the legacy schema, partition-spec and inline manifests", async () => {
    const m = await readTableMetadata(io, fixture("duckdb-iceberg/iceberg_v1_deprecated/default/legacy_v1/metadata/v2.metadata.json"));
    expect(m.formatVersion).toBe(1);
    expect(m.schemas).toHaveLength(1);
    expect(m.partitionSpecs[0].fields).toEqual([{ sourceId: 2, fieldId: 1000, name: "category", transform: "identity" }]);
    expect(m.currentSnapshot()?.manifests).toHaveLength(1);
    expect(m.currentSnapshot()?.manifestList).toBeUndefined();
    expect(m.currentSnapshot()?.sequenceNumber).toBe(0n);
    expect(m.lastSequenceNumber).toBe(0n);
    const json = JSON.parse(serializeTableMetadata(m));
    expect(json.schema.fields).toHaveLength(3);
    expect(json["partition-spec"]).toHaveLength(1);
    expect(json.snapshots[0].manifests).toHaveLength(1);
    expect(json.snapshots[0]["sequence-number"]).toBeUndefined();
    expect(json["last-sequence-number"]).toBeUndefined();
  });

  it("reads gzip metadata files", async () => {
    const m = await readTableMetadata(io, fixture("duckdb-iceberg/iceberg/lineitem_iceberg_gz/metadata/v2.gz.metadata.json"));
    expect(m.formatVersion).toBe(1);
    expect(m.currentSnapshot()).toBeDefined();
  });

  it("reads v3 metadata", async () => {
    const m = await readTableMetadata(io, fixture("duckdb-iceberg/iceberg_v1_repro/repro/merch_v1/metadata/00004-v3-upgraded-v1-null-counts.metadata.json"));
    expect(m.formatVersion).toBe(3);
    expect(m.nextRowId).toBe(0n);
    expect(m.currentSnapshotId).toBe(5191822260710938731n);
  });

  it("finds snapshots by time from the snapshot log", async () => {
    const m = await readTableMetadata(io, fixture("duckdb-iceberg/equality_deletes/warehouse/mydb/mytable/metadata/v7.metadata.json"));
    const log = m.snapshotLog;
    expect(log.length).toBeGreaterThan(2);
    expect(m.snapshotAsOf(log[0].timestampMs - 1)).toBeUndefined();
    expect(m.snapshotAsOf(log[1].timestampMs)?.snapshotId).toBe(log[1].snapshotId);
    expect(m.snapshotAsOf(log[1].timestampMs + 0.5)?.snapshotId).toBe(log[1].snapshotId);
    expect(m.snapshotAsOf(Number.MAX_SAFE_INTEGER)?.snapshotId).toBe(m.currentSnapshotId);
  });

  it("reads name mappings, including nested ones and the wrapped object form", async () => {
    const m = await readTableMetadata(io, fixture("duckdb-iceberg/column_mapping/warehouse/default.db/my_table/metadata/00001-75643dae-a7a7-46ae-ab30-ea80d3793f3f.metadata.json"));
    const mapping = m.nameMapping() as NameMapping;
    expect(mapping.fieldIdOf(["attributes", "key"])).toBe(7);
    expect(mapping.fieldIdOf(["scores", "element"])).toBe(9);
    expect(mapping.fieldIdOf(["profile", "verified"])).toBe(11);
    expect(mapping.fieldIdOf(["profile", "nope"])).toBeUndefined();
    const v1 = await readTableMetadata(io, fixture("duckdb-iceberg/name_mapping/warehouse_1/mydb/t1/metadata/v1.metadata.json"));
    expect(v1.nameMapping()?.fieldIdOf(["col_b"])).toBe(2);
    const empty = await readTableMetadata(io, fixture("duckdb-iceberg/name_mapping/warehouse_1/mydb/t1/metadata/v3.2.metadata.json"));
    expect(empty.nameMapping()?.fields).toEqual([]);
  });

  it("looks columns up by name with and without case", async () => {
    const m = await readTableMetadata(io, fixture("duckdb-iceberg/case_sensitive_names/default.db/case_sensitive_names/metadata/00001-a7a3a44c-4aac-4619-bebd-11be37b27351.metadata.json"));
    const schema = m.currentSchema();
    const a = schema.findFieldByName("user_id");
    const b = schema.findFieldByName("uSeR_Id");
    expect(a?.id).not.toBe(b?.id);
    expect(schema.findFieldByName("USER_ID")).toBeUndefined();
    expect(schema.findFieldByName("user_id", false)?.id).toBe(a?.id);
    expect(() => schema.findFieldByName("USER_ID", false)).toThrow(/ambiguous/);
  });
});

describe("table metadata JSON", () => {
  it("names the file and the field in errors", () => {
    const source = "s3://b/t/metadata/v3.metadata.json";
    const err = (json: unknown) => {
      try {
        parseTableMetadata(JSON.stringify(json), source);
      } catch (e) {
        expect(isFloeError(e, "malformed") || isFloeError(e, "unsupported")).toBe(true);
        return (e as Error).message;
      }
      throw new Error("expected an error");
    };
    expect(err(minimalV2({ "current-schema-id": 7 }))).toBe(`${source}: current-schema-id 7 names no schema`);
    expect(err(minimalV2({ "current-snapshot-id": 5 }))).toBe(`${source}: current-snapshot-id 5 names no snapshot`);
    expect(err(minimalV2({ location: 5 }))).toBe(`${source}: location must be a string, got 5`);
    expect(err(minimalV2({ "last-sequence-number": undefined }))).toMatch(`${source}: last-sequence-number is required`);
    expect(err(minimalV2({ "format-version": 4 }))).toMatch(`${source}: format-version 4 is not supported`);
    expect(
      err(minimalV2({ snapshots: [{ "snapshot-id": "x", "timestamp-ms": 1, "manifest-list": "l", summary: { operation: "append" } }] })),
    ).toBe(`${source}: snapshots[0].snapshot-id must be an integer, got "x"`);
    expect(err(minimalV2({ schemas: [{ type: "struct", "schema-id": 0, fields: [{ id: 1, name: "x", required: false, type: "decimal(9)" }] }] }))).toBe(
      `${source}: schemas[0].fields[0].type names an unknown type "decimal(9)"`,
    );
    expect(
      err(minimalV2({ schemas: [{ type: "struct", "schema-id": 0, fields: [{ id: 1, name: "x", required: false, type: "int", "initial-default": "a" }] }] })),
    ).toMatch(`${source}: schemas[0].fields[0].initial-default "a" is not a valid int value`);
    expect(() => parseTableMetadata("{not json", source)).toThrow(`${source}: not valid JSON`);
  });

  it("adds the implicit main branch when only current-snapshot-id is set", () => {
    const m = parseTableMetadata(
      JSON.stringify(
        minimalV2({
          "current-snapshot-id": 3,
          snapshots: [{ "snapshot-id": 3, "sequence-number": 1, "timestamp-ms": 5, "manifest-list": "s3://b/t/m.avro", summary: { operation: "append" } }],
        }),
      ),
    );
    expect(m.refs.get("main")).toEqual({ snapshotId: 3n, type: "branch" });
    expect(m.snapshotByRef("main")?.snapshotId).toBe(3n);
  });

  it("treats -1 and null as no current snapshot and writes them per version", () => {
    const v2 = parseTableMetadata(JSON.stringify(minimalV2({ "current-snapshot-id": -1 })));
    expect(v2.currentSnapshotId).toBeUndefined();
    expect(v2.currentSnapshot()).toBeUndefined();
    expect(JSON.parse(serializeTableMetadata(v2))["current-snapshot-id"]).toBe(-1);
    const v3 = v2.with({ formatVersion: 3, nextRowId: 0n });
    const json = JSON.parse(serializeTableMetadata(v3));
    expect(json["current-snapshot-id"]).toBeNull();
    expect(json["next-row-id"]).toBe(0);
    expect(parseTableMetadata(serializeTableMetadata(v3))).toEqual(v3);
  });

  it("round trips refs with retention, statistics and v3 snapshot fields", () => {
    const text = JSON.stringify(
      minimalV2({
        "format-version": 3,
        "next-row-id": 100,
        "current-snapshot-id": 1,
        snapshots: [
          {
            "snapshot-id": 1,
            "sequence-number": 1,
            "timestamp-ms": 5,
            "manifest-list": "s3://b/t/1.avro",
            summary: { operation: "append" },
            "first-row-id": 0,
            "added-rows": 100,
          },
        ],
        refs: { tag1: { "snapshot-id": 1, type: "tag", "max-ref-age-ms": 100 }, b: { "snapshot-id": 1, type: "branch", "min-snapshots-to-keep": 2, "max-snapshot-age-ms": 9 } },
        statistics: [
          {
            "snapshot-id": 1,
            "statistics-path": "s3://b/t/stats.puffin",
            "file-size-in-bytes": 10,
            "file-footer-size-in-bytes": 4,
            "blob-metadata": [{ type: "apache-datasketches-theta-v1", "snapshot-id": 1, "sequence-number": 1, fields: [1], properties: { ndv: "3" } }],
          },
        ],
        "partition-statistics": [{ "snapshot-id": 1, "statistics-path": "s3://b/t/p.parquet", "file-size-in-bytes": 7 }],
      }),
    );
    const m = parseTableMetadata(text);
    expect(m.ref("b")).toEqual({ snapshotId: 1n, type: "branch", minSnapshotsToKeep: 2, maxSnapshotAgeMs: 9n });
    expect(m.ref("tag1")?.maxRefAgeMs).toBe(100n);
    expect(m.snapshots[0].firstRowId).toBe(0n);
    expect(m.snapshots[0].addedRows).toBe(100n);
    expect(m.statistics[0].blobMetadata[0].properties).toEqual({ ndv: "3" });
    expect(parseTableMetadata(serializeTableMetadata(m))).toEqual(m);
  });

  it("rejects a main branch that disagrees with current-snapshot-id", () => {
    const text = JSON.stringify(
      minimalV2({
        "current-snapshot-id": -1,
        snapshots: [{ "snapshot-id": 3, "sequence-number": 1, "timestamp-ms": 5, "manifest-list": "m", summary: { operation: "append" } }],
        refs: { main: { "snapshot-id": 3, type: "branch" } },
      }),
    );
    expect(() => parseTableMetadata(text, "f.json")).toThrow("f.json: refs.main points to snapshot 3 but current-snapshot-id is unset");
  });

  it("writes plain and gzip metadata through a FileIO", async () => {
    const io = new MemoryFileIO();
    const m = parseTableMetadata(JSON.stringify(minimalV2()));
    await writeTableMetadata(io, "memory://t/metadata/v1.metadata.json", m);
    await writeTableMetadata(io, "memory://t/metadata/v2.gz.metadata.json", m);
    await writeTableMetadata(io, "memory://t/metadata/v3.metadata.json.gz", m);
    const gz = await io.read("memory://t/metadata/v2.gz.metadata.json");
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    for (const name of ["v1.metadata.json", "v2.gz.metadata.json", "v3.metadata.json.gz"]) {
      expect(await readTableMetadata(io, `memory://t/metadata/${name}`)).toEqual(m);
    }
    await expect(writeTableMetadata(io, "memory://t/metadata/v1.metadata.json", m)).rejects.toThrow(/already exists/);
    // gzip bytes under a plain name are recognised by their magic number
    await io.write("memory://t/metadata/v4.metadata.json", gzipSync(Buffer.from(serializeTableMetadata(m))));
    expect(await readTableMetadata(io, "memory://t/metadata/v4.metadata.json")).toEqual(m);
  });

  it("builds metadata as data and looks things up", () => {
    const m = parseTableMetadata(JSON.stringify(minimalV2()));
    expect(m).toBeInstanceOf(TableMetadata);
    expect(m.currentSchema().findFieldByName("x")?.type).toEqual({ type: "long" });
    expect(m.specById(0)?.isUnpartitioned()).toBe(true);
    expect(m.specById(1)).toBeUndefined();
    expect(m.defaultSortOrder()).toEqual({ orderId: 0, fields: [] });
    expect(() => m.with({ currentSchemaId: 3 }, "changed")).toThrow("changed: current-schema-id 3 names no schema");
  });
});

describe.skipIf(HAVE_ICEBERG_FIXTURES)("fixture pack", () => {
  it.skip(NO_FIXTURES_MESSAGE, () => {});
});

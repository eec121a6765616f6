import path from "node:path";
import { describe, expect, it } from "vitest";
import { isFloeError } from "../../core/errors/FloeError.js";
import { LocalFileIO } from "../../io/LocalFileIO.js";
import { PathRelocator } from "../../io/PathRelocator.js";
import { HAVE_ICEBERG_FIXTURES, ICEBERG_FIXTURES, NO_FIXTURES_MESSAGE, fixtureRelocations } from "../../../test/support/fixtures.js";
import { readTableMetadata, type TableMetadata } from "../spec/index.js";
import { describeTable, files, history, manifests, metadataLog, partitions, refs, snapshots, type InspectResult } from "./index.js";
import { boundText, readablePartitionValue } from "./values.js";
import { parseTransform } from "../transform/parseTransform.js";

// Expected values below were read from the fixture files themselves: the metadata JSON, and the
// manifest lists and manifests decoded with an independent Avro reader.

const TABLES = {
  renameColumn: "icebird/spark/rename_column/metadata/v3.metadata.json",
  bunnies: "icebird/spark/bunnies/metadata/v5.metadata.json",
  eqDeletesPartitioned: "duckdb-iceberg/equality_deletes/warehouse/mydb/mytable_partitioned/metadata/v6.metadata.json",
  hivePartitioned: "duckdb-iceberg/hive_partitioned_table/metadata/v4.metadata.json",
  legacyV1: "duckdb-iceberg/iceberg_v1_deprecated/default/legacy_v1/metadata/v2.metadata.json",
  mapStats: "duckdb-iceberg/map_stats/default.db/map_stats/metadata/00002-0e059d4b-e5e8-41af-a763-76cbf3a3d0bc.metadata.json",
};

const io = new PathRelocator(new LocalFileIO(), HAVE_ICEBERG_FIXTURES ? fixtureRelocations() : []);
const load = (table: keyof typeof TABLES) => readTableMetadata(io, path.join(ICEBERG_FIXTURES, TABLES[table]));

/** Rows as objects keyed by column name. */
function objects(result: InspectResult): Record<string, unknown>[] {
  return result.rows.map((row) => Object.fromEntries(result.columns.map((c, i) => [c, row[i]])));
}

describe("readable values", () => {
  it("writes temporal partition values the way partition paths do", () => {
    const type = { type: "int" } as const;
    expect(readablePartitionValue(parseTransform("year"), type, 54)).toBe("2024");
    expect(readablePartitionValue(parseTransform("month"), type, 650)).toBe("2024-03");
    expect(readablePartitionValue(parseTransform("month"), type, -1)).toBe("1969-12");
    expect(readablePartitionValue(parseTransform("hour"), type, 19723 * 24 + 10)).toBe("2024-01-01-10");
    expect(readablePartitionValue(parseTransform("hour"), type, -1)).toBe("1969-12-31-23");
    expect(readablePartitionValue(parseTransform("day"), { type: "date" }, 19723)).toBe("2024-01-01");
    expect(readablePartitionValue(parseTransform("bucket[4]"), type, 3)).toBe(3);
    expect(readablePartitionValue(parseTransform("identity"), { type: "decimal", precision: 10, scale: 2 }, -500n)).toBe("-5.00");
    expect(readablePartitionValue(parseTransform("identity"), { type: "binary" }, Uint8Array.of(1, 171))).toBe("01ab");
    expect(readablePartitionValue(parseTransform("identity"), { type: "long" }, 2n ** 62n)).toBe(2n ** 62n);
  });

  it("decodes bounds to text, and falls back to hex for what it cannot read", () => {
    expect(boundText({ type: "timestamptz" }, Uint8Array.from(Buffer.from("00a0f7635c470600", "hex")))).toBe("2026-01-02T00:00:00.000000+00:00");
    expect(boundText({ type: "long" }, Uint8Array.from(Buffer.from("0500000000000000", "hex")))).toBe("5");
    expect(boundText({ type: "int" }, Uint8Array.of(1, 2))).toBe("0102");
    expect(boundText(undefined, Uint8Array.of(255))).toBe("ff");
    // a string bound cut inside a multi-byte character keeps its readable prefix
    expect(boundText({ type: "string" }, Uint8Array.of(0x61, 0xf0, 0x9f))).toBe("a");
  });
});

describe.skipIf(!HAVE_ICEBERG_FIXTURES)("metadata tables of the fixture tables", () => {
  it("describes columns, partition fields, properties and table facts", async () => {
    const result = describeTable(await load("renameColumn"));
    expect(result.columns).toEqual(["section", "id", "name", "type", "required", "doc", "value"]);
    const bySection = (section: string) => result.rows.filter((r) => r[0] === section);
    expect(bySection("column")).toEqual([
      ["column", 1, "id", "int", false, null, null],
      ["column", 2, "name", "string", false, null, null],
      ["column", 3, "event_date", "date", false, null, null],
      ["column", 4, "price", "decimal(10,2)", false, null, null],
      ["column", 5, "active", "boolean", false, null, null],
    ]);
    // the partition field keeps its name after the column was renamed
    expect(bySection("partition")).toEqual([
      ["partition", 1000, "id_bucket", "int", null, null, "bucket[4](id)"],
      ["partition", 1001, "date", "date", null, null, "identity(event_date)"],
    ]);
    expect(bySection("sort")).toEqual([]);
    expect(bySection("property")).toEqual([
      ["property", null, "owner", null, null, null, "platypii"],
      ["property", null, "write.parquet.compression-codec", null, null, null, "zstd"],
    ]);
    const facts = Object.fromEntries(bySection("table").map((r) => [r[2], r[6]]));
    expect(facts).toMatchObject({
      location: "s3a://hyperparam-iceberg/spark/rename_column",
      "format-version": 2,
      "table-uuid": "d6d0afa0-5fb3-46e8-94c4-8ea619f9bdd2",
      "current-snapshot-id": 5276958600260276572n,
      "current-snapshot-timestamp": "2025-03-31T07:15:11.318Z",
      "current-schema-id": 1,
      "last-sequence-number": 1n,
      snapshots: 1,
    });
  });

  it("describes nested columns by their dotted paths", async () => {
    const result = describeTable(await load("mapStats"));
    expect(result.rows.filter((r) => r[0] === "column")).toEqual([
      ["column", 1, "timestamp", "timestamptz", false, null, null],
      ["column", 2, "input", "string", false, null, null],
      ["column", 3, "output", "string", false, null, null],
      ["column", 4, "metadata", "map<string, string>", false, null, null],
      ["column", 5, "metadata.key", "string", true, null, null],
      ["column", 6, "metadata.value", "string", false, null, null],
    ]);
    expect(result.rows.filter((r) => r[0] === "partition")).toEqual([["partition", 1000, "_day", "date", null, null, "day(timestamp)"]]);
  });

  it("lists the history and the snapshots", async () => {
    const metadata = await load("bunnies");
    expect(history(metadata)).toEqual({
      columns: ["made_current_at", "snapshot_id", "parent_id", "is_current_ancestor"],
      rows: [
        ["2025-03-30T04:54:14.186Z", 7505300640432048841n, null, true],
        ["2025-03-30T04:55:00.792Z", 469881615898633426n, 7505300640432048841n, true],
        ["2025-03-30T04:56:01.983Z", 2701171901096418979n, 469881615898633426n, true],
      ],
    });
    const rows = objects(snapshots(metadata));
    expect(rows.map((r) => [r.committed_at, r.snapshot_id, r.parent_id, r.operation])).toEqual([
      ["2025-03-30T04:54:14.186Z", 7505300640432048841n, null, "append"],
      ["2025-03-30T04:55:00.792Z", 469881615898633426n, 7505300640432048841n, "overwrite"],
      ["2025-03-30T04:56:01.983Z", 2701171901096418979n, 469881615898633426n, "overwrite"],
    ]);
    expect(rows[2].manifest_list).toBe(
      "s3a://hyperparam-iceberg/spark/bunnies/metadata/snap-2701171901096418979-1-91d5eea0-314d-4056-8818-59b825cbd38a.avro",
    );
    expect(rows[2].summary).toMatchObject({ "total-records": "20", "deleted-records": "21", "total-delete-files": "1" });
    expect(rows[2].summary).not.toHaveProperty("operation");
  });

  it("marks snapshots that are not ancestors of the current one", async () => {
    const metadata = await load("bunnies");
    // roll back to the first snapshot: the two later ones leave the current lineage
    const rolledBack = metadata.with({
      currentSnapshotId: 7505300640432048841n,
      refs: new Map([["main", { snapshotId: 7505300640432048841n, type: "branch" as const }]]),
      snapshotLog: [...metadata.snapshotLog, { snapshotId: 7505300640432048841n, timestampMs: 1743310600000 }],
    });
    expect(history(rolledBack).rows.map((r) => r[3])).toEqual([true, false, false, true]);
  });

  it("lists branches and tags, main first", async () => {
    const metadata = await load("bunnies");
    expect(refs(metadata).rows).toEqual([["main", "BRANCH", 2701171901096418979n, null, null, null]]);
    const tagged = metadata.with({
      refs: new Map([
        ...metadata.refs,
        ["audit", { snapshotId: 469881615898633426n, type: "branch" as const, minSnapshotsToKeep: 2, maxSnapshotAgeMs: 3600000n }],
        ["first", { snapshotId: 7505300640432048841n, type: "tag" as const, maxRefAgeMs: 86400000n }],
      ]),
    });
    expect(refs(tagged)).toEqual({
      columns: ["name", "type", "snapshot_id", "max_reference_age_in_ms", "min_snapshots_to_keep", "max_snapshot_age_in_ms"],
      rows: [
        ["main", "BRANCH", 2701171901096418979n, null, null, null],
        ["audit", "BRANCH", 469881615898633426n, null, 2, 3600000n],
        ["first", "TAG", 7505300640432048841n, 86400000n, null, null],
      ],
    });
  });

  it("lists the metadata files with the snapshot current at each", async () => {
    const metadata = await load("bunnies");
    const current = path.join(ICEBERG_FIXTURES, TABLES.bunnies);
    const prefix = "s3a://hyperparam-iceberg/spark/bunnies/metadata/";
    expect(metadataLog(metadata, current)).toEqual({
      columns: ["timestamp", "file", "latest_snapshot_id", "latest_schema_id", "latest_sequence_number"],
      rows: [
        ["2025-03-30T04:54:14.186Z", `${prefix}v1.metadata.json`, 7505300640432048841n, 0, 1n],
        ["2025-03-30T04:54:50.963Z", `${prefix}v2.metadata.json`, 7505300640432048841n, 0, 1n],
        ["2025-03-30T04:55:00.792Z", `${prefix}v3.metadata.json`, 469881615898633426n, 0, 2n],
        ["2025-03-30T04:55:51.476Z", `${prefix}v4.metadata.json`, 469881615898633426n, 0, 2n],
        ["2025-03-30T04:56:01.983Z", current, 2701171901096418979n, 1, 3n],
      ],
    });
    expect(metadataLog(metadata).rows).toHaveLength(4);
  });

  it("lists live data and delete files with decoded metrics", async () => {
    const metadata = await load("bunnies");
    const rows = objects(await files(metadata, io));
    // the deleted entry of the replaced data file is not live
    expect(rows.map((r) => [r.content, r.file_format, r.spec_id, r.partition, r.record_count, r.file_size_in_bytes])).toEqual([
      [0, "PARQUET", 0, {}, 20n, 3560n],
      [1, "PARQUET", 0, {}, 1n, 1437n],
    ]);
    const [data, deletes] = rows;
    expect(data.file_path).toBe("s3a://hyperparam-iceberg/spark/bunnies/data/00000-1-6cd7611f-0ceb-4cf3-8b8e-8c856356df3e-00001.parquet");
    expect(data.value_counts).toEqual({ 1: 20n, 2: 20n, 3: 20n, 4: 20n, 5: 20n, 6: 20n, 7: 20n, 8: 20n, 9: 20n });
    expect(data.nan_value_counts).toEqual({ 2: 0n, 3: 0n });
    expect(data.lower_bounds).toEqual({
      1: "American Fuzzy L",
      2: "0.9",
      3: "1.5",
      4: "5",
      5: "Belgium",
      6: "Erect",
      7: "Active",
      8: "2",
      9: "3",
    });
    expect(data.upper_bounds).toMatchObject({ 1: "Thrianta", 2: "4.5", 3: "11", 4: "12", 8: "21", 9: "18" });
    expect(data.sort_order_id).toBe(0);
    expect(data.equality_ids).toBeNull();
    // a position delete file's bounds are on the reserved file_path and pos columns
    const deleted = "s3a://hyperparam-iceberg/spark/bunnies/data/00000-1-9acc37f2-90ae-42f5-915c-a21c3cb99690-00001.parquet";
    expect(deletes.lower_bounds).toEqual({ 2147483545: "0", 2147483546: deleted });
    expect(deletes.value_counts).toBeNull();
  });

  it("lists files at an older snapshot, by id, by time and by ref", async () => {
    const metadata = await load("bunnies");
    const first = { content: 0, record_count: 21n, file_size_in_bytes: 3224n };
    expect(objects(await files(metadata, io, { snapshotId: 7505300640432048841n }))).toMatchObject([first]);
    expect(objects(await files(metadata, io, { asOfTimestampMs: 1743310454186 }))).toMatchObject([first]);
    const tagged = metadata.with({ refs: new Map([...metadata.refs, ["first", { snapshotId: 7505300640432048841n, type: "tag" as const }]]) });
    expect(objects(await files(tagged, io, { ref: "first" }))).toMatchObject([first]);
    await expect(files(metadata, io, { snapshotId: 42n })).rejects.toSatisfy((e) => isFloeError(e, "not-found"));
    await expect(files(metadata, io, { ref: "nope" })).rejects.toThrow(/no branch or tag "nope"/);
  });

  it("shows partition values by name, null for a null value", async () => {
    const rows = objects(await files(await load("renameColumn"), io));
    expect(rows.map((r) => [r.partition, r.record_count, r.file_size_in_bytes])).toEqual([
      [{ id_bucket: 3, date: null }, 1n, 1353n],
      [{ id_bucket: 2, date: "2022-01-02" }, 1n, 1368n],
      [{ id_bucket: 0, date: "2022-01-01" }, 2n, 1430n],
    ]);
    // decimal(10,2) bounds -500 and 999 unscaled; strings with multi-byte characters
    expect(rows[2].lower_bounds).toMatchObject({ 2: "Flopsy 🐇", 3: "2022-01-01", 4: "-5.00", 5: "false" });
    expect(rows[2].upper_bounds).toMatchObject({ 2: "Mopsy–Naïve", 4: "9.99", 5: "true" });
  });

  it("shows timestamptz bounds and day partitions as ISO text", async () => {
    const rows = objects(await files(await load("mapStats"), io));
    expect(rows.map((r) => r.partition)).toEqual([{ _day: "2026-01-02" }, { _day: "2026-01-01" }]);
    expect(rows[0].lower_bounds).toEqual({ 1: "2026-01-02T00:00:00.000000+00:00", 2: "hello", 3: "world" });
    expect(rows[1].upper_bounds).toEqual({ 1: "2026-01-01T00:00:00.000000+00:00", 2: "hello", 3: "world" });
    // the map column's key and value have sizes and counts but no bounds
    expect(rows[0].column_sizes).toEqual({ 1: 110n, 2: 85n, 3: 85n, 5: 85n, 6: 94n });
  });

  it("sums partitions over data, position delete and equality delete files", async () => {
    const metadata = await load("eqDeletesPartitioned");
    const result = await partitions(metadata, io);
    expect(result.columns).toEqual([
      "partition",
      "spec_id",
      "record_count",
      "file_count",
      "total_data_file_size_in_bytes",
      "position_delete_record_count",
      "position_delete_file_count",
      "equality_delete_record_count",
      "equality_delete_file_count",
      "last_updated_at",
      "last_updated_snapshot_id",
    ]);
    const byName = new Map(result.rows.map((r) => [(r[0] as { name: string }).name, r.slice(1)]));
    expect([...byName.keys()].sort()).toEqual(["a", "b", "c", "d", "e", "f"]);
    expect(byName.get("a")).toEqual([0, 1n, 1, 892n, 0n, 0, 0n, 0, "2025-10-16T03:25:53.811Z", 6447922032991303611n]);
    expect(byName.get("b")).toEqual([0, 1n, 1, 892n, 0n, 0, 1n, 1, "2025-10-16T03:25:53.998Z", 4416477559988274704n]);
    expect(byName.get("c")).toEqual([0, 1n, 1, 892n, 0n, 0, 1n, 1, "2025-10-16T03:25:54.134Z", 6022113614852838397n]);
    expect(byName.get("e")).toEqual([0, 1n, 1, 891n, 0n, 0, 0n, 0, "2025-10-16T03:25:54.287Z", 883882341917253211n]);
    expect(byName.get("f")).toEqual([0, 1n, 1, 892n, 0n, 0, 1n, 1, "2025-10-16T03:25:54.430Z", 3138177759849079112n]);
    // before any delete: four partitions, no deletes
    const first = await partitions(metadata, io, { snapshotId: 6447922032991303611n });
    expect(first.rows.map((r) => [(r[0] as { name: string }).name, r[2], r[7]]).sort()).toEqual([
      ["a", 1n, 0n],
      ["b", 1n, 0n],
      ["c", 1n, 0n],
      ["d", 1n, 0n],
    ]);
  });

  it("counts position deletes of an unpartitioned table in its one partition", async () => {
    expect((await partitions(await load("bunnies"), io)).rows).toEqual([
      [{}, 0, 20n, 1, 3560n, 1n, 1, 0n, 0, "2025-03-30T04:56:01.983Z", 2701171901096418979n],
    ]);
  });

  it("shows partitions across an evolved spec over every field the table has had", async () => {
    const metadata = await load("hivePartitioned");
    const rows = (await partitions(metadata, io)).rows.map((r) => [r[0], r[1], r[2], r[4]]);
    expect(rows).toHaveLength(6);
    expect(rows).toEqual(
      expect.arrayContaining([
        [{ event_date: "2024-01-01", event_type: null }, 0, 1n, 928n],
        [{ event_date: "2024-01-02", event_type: null }, 0, 1n, 948n],
        [{ event_date: "2024-01-03", event_type: "view" }, 1, 1n, 921n],
        [{ event_date: "2024-01-03", event_type: "click" }, 1, 1n, 928n],
        [{ event_date: "2024-01-04", event_type: "purchase" }, 1, 1n, 948n],
        [{ event_date: "2024-01-04", event_type: "view" }, 1, 1n, 921n],
      ]),
    );
    // the total matches the snapshot summary
    const total = (await files(metadata, io)).rows.reduce((sum, r) => sum + (r[6] as bigint), 0n);
    expect(String(total)).toBe(metadata.currentSnapshot()!.summary["total-files-size"]);
  });

  it("lists manifests with their counts and readable partition summaries", async () => {
    const metadata = await load("eqDeletesPartitioned");
    const rows = objects(await manifests(metadata, io));
    const prefix = "data/persistent/equality_deletes/warehouse/mydb/mytable_partitioned/metadata/";
    expect(rows.map((r) => [r.content, r.path, r.length, r.partition_spec_id, r.added_snapshot_id])).toEqual([
      [0, `${prefix}ec04e9ce-e03b-4fbe-a707-3645c1938319-m0.avro`, 7361n, 0, 883882341917253211n],
      [0, `${prefix}2b5d4ce3-154e-4498-a648-89be96ebd74a-m0.avro`, 7394n, 0, 6447922032991303611n],
      [1, `${prefix}ff275eec-b23b-435f-a6a5-1ab7ce1c8749-m0.avro`, 7288n, 0, 3138177759849079112n],
      [1, `${prefix}36f9b154-c2d2-411f-9f29-9d23d46d688b-m0.avro`, 7305n, 0, 6022113614852838397n],
      [1, `${prefix}b096df95-e029-4163-a7b4-762554ad0da9-m0.avro`, 7286n, 0, 4416477559988274704n],
    ]);
    const counts = rows.map((r) => [
      r.added_data_files_count,
      r.existing_data_files_count,
      r.deleted_data_files_count,
      r.added_delete_files_count,
      r.existing_delete_files_count,
      r.deleted_delete_files_count,
    ]);
    expect(counts).toEqual([
      [2, 0, 0, 0, 0, 0],
      [4, 0, 0, 0, 0, 0],
      [0, 0, 0, 1, 0, 0],
      [0, 0, 0, 1, 0, 0],
      [0, 0, 0, 1, 0, 0],
    ]);
    expect(rows[0].partition_summaries).toEqual([{ contains_null: false, contains_nan: false, lower_bound: "e", upper_bound: "f" }]);
    expect(rows[1].partition_summaries).toEqual([{ contains_null: false, contains_nan: false, lower_bound: "a", upper_bound: "d" }]);
  });

  it("shows typed partition summary bounds, and a manifest list's older snapshot", async () => {
    const metadata = await load("renameColumn");
    const [row] = objects(await manifests(metadata, io));
    expect(row.partition_summaries).toEqual([
      { contains_null: false, contains_nan: false, lower_bound: "0", upper_bound: "3" },
      { contains_null: true, contains_nan: false, lower_bound: "2022-01-01", upper_bound: "2022-01-02" },
    ]);
    const hive = await load("hivePartitioned");
    const older = objects(await manifests(hive, io, { snapshotId: 2541674261311761067n }));
    expect(older.map((r) => [r.partition_spec_id, r.added_data_files_count, r.partition_summaries])).toEqual([
      [0, 2, [{ contains_null: false, contains_nan: false, lower_bound: "2024-01-01", upper_bound: "2024-01-02" }]],
    ]);
  });

  it("reads v1 snapshots that list manifests inline, whose counts are unknown", async () => {
    const metadata = await load("legacyV1");
    const [row] = objects(await manifests(metadata, io));
    expect(row).toMatchObject({
      content: 0,
      path: "data/persistent/iceberg_v1_deprecated/default/legacy_v1/metadata/d65f86b0-b799-467f-b1f4-9c697e4c4fc7-m0.avro",
      partition_spec_id: 0,
      added_snapshot_id: 2456114553637229296n,
      added_data_files_count: null,
      added_delete_files_count: 0,
      partition_summaries: null,
    });
    const parts = (await partitions(metadata, io)).rows.map((r) => [r[0], r[2], r[3]]);
    expect(parts).toEqual([
      [{ category: "alpha" }, 2n, 1],
      [{ category: "beta" }, 1n, 1],
    ]);
    expect(snapshots(metadata).rows[0][4]).toBeNull();
  });

  it("gives no rows for a table without snapshots", async () => {
    const metadata = await load("bunnies");
    const empty: TableMetadata = metadata.with({ currentSnapshotId: undefined, refs: new Map(), snapshots: [], snapshotLog: [] });
    expect((await files(empty, io)).rows).toEqual([]);
    expect((await partitions(empty, io)).rows).toEqual([]);
    expect((await manifests(empty, io)).rows).toEqual([]);
    expect(history(empty).rows).toEqual([]);
    expect(describeTable(empty).rows.find((r) => r[2] === "current-snapshot-id")?.[6]).toBeNull();
  });
});

describe.skipIf(HAVE_ICEBERG_FIXTURES)("metadata tables of the fixture tables", () => {
  it.skip(NO_FIXTURES_MESSAGE, () => undefined);
});

import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileSystemTableCommitter } from "../../catalog/filesystem/FileSystemTableCommitter.js";
import { isFloeError } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import { LocalFileIO } from "../../io/LocalFileIO.js";
import { MemoryFileIO } from "../../io/MemoryFileIO.js";
import { and, predicate, type UnboundExpression } from "../../table/expr/index.js";
import type { DataFile } from "../../table/manifest/dataFile.js";
import { readManifestEntries } from "../../table/manifest/manifest.js";
import { readManifestList } from "../../table/manifest/manifestList.js";
import { planScan } from "../../table/scan/TableScan.js";
import { PartitionSpec } from "../../table/spec/partitionSpec.js";
import { Schema } from "../../table/spec/schema.js";
import type { SortOrder } from "../../table/spec/sortOrder.js";
import type { IcebergType, NestedField, PrimitiveType } from "../../table/spec/types.js";
import { hexToBytes, parseDecimalText } from "../../table/spec/valueCodecs.js";
import { deserializeValue } from "../../table/stats/singleValue.js";
import type { CommittedTable } from "../../table/transaction/TableCommitter.js";
import { Transaction } from "../../table/transaction/Transaction.js";
import { parseTransform } from "../../table/transform/parseTransform.js";
import { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { quoteIdentifier, quoteString } from "../duckdb/duckdbTypes.js";
import { queryIcebergTables } from "../scan/queryIcebergTables.js";
import { writeDataFiles } from "./DataFileWriter.js";

const field = (id: number, name: string, type: IcebergType, required = false): NestedField => ({ id, name, type, required });

let session: DuckDBSession;
let dir: string;
const io = new LocalFileIO();

beforeAll(async () => {
  session = await DuckDBSession.open();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "floe-write-"));
});
afterAll(async () => {
  session.close();
  await fs.rm(dir, { recursive: true, force: true });
});

interface Table {
  location: string;
  committer: FileSystemTableCommitter;
  io: FileIO;
}

async function createTable(name: string, schema: Schema, spec?: PartitionSpec, properties: Record<string, string> = {}, fileIO: FileIO = io): Promise<Table> {
  const location = fileIO === io ? path.join(dir, name) : `memory://warehouse/${name}`;
  const committer = new FileSystemTableCommitter(location, fileIO);
  await new Transaction({ io: fileIO }).createTable({ schema, spec, location, properties }).commit(committer);
  return { location, committer, io: fileIO };
}

async function write(table: Table, sql: string): Promise<DataFile[]> {
  const current = (await table.committer.load())!;
  const m = current.metadata;
  return writeDataFiles(session, { sql, schema: m.currentSchema(), spec: m.defaultSpec(), location: m.location, io: table.io, properties: m.properties });
}

async function append(table: Table, sql: string): Promise<{ committed: CommittedTable; files: DataFile[] }> {
  const files = await write(table, sql);
  const committed = await new Transaction({ io: table.io }).fastAppend(files).commit(table.committer);
  return { committed, files };
}

async function read(table: Table, sql: string, selector: { snapshotId?: bigint } = {}): Promise<unknown[][]> {
  const current = (await table.committer.load())!;
  const result = await queryIcebergTables([{ name: "t", metadataLocation: current.metadataLocation, ...selector }], sql, { io: table.io, session });
  return result.rows;
}

async function rows(sql: string): Promise<unknown[][]> {
  return (await session.query(sql)).rows;
}

async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  for await (const file of io.list(root)) out.push(file);
  return out;
}

describe("writeDataFiles + FastAppend on a local table", () => {
  // ids as a new table numbers them: top-level columns first, then the fields nested in them
  const schema = new Schema([
    field(1, "id", { type: "long" }, true),
    field(2, "name", { type: "string" }),
    field(3, "amount", { type: "decimal", precision: 12, scale: 2 }),
    field(4, "at", { type: "timestamptz" }),
    field(5, "point", { type: "struct", fields: [field(8, "x", { type: "double" }, true), field(9, "y", { type: "double" })] }),
    field(6, "tags", { type: "list", elementId: 10, elementRequired: false, element: { type: "string" } }),
    field(7, "attrs", { type: "map", keyId: 11, key: { type: "string" }, valueId: 12, valueRequired: false, value: { type: "int" } }),
  ]);
  const batch = (from: number, to: number) => `
    SELECT i AS id, CASE WHEN i % 5 = 0 THEN NULL ELSE 'name-' || i END AS name, (i * 1.25)::DECIMAL(12, 2) AS amount,
           TIMESTAMPTZ '2024-03-01 00:00:00+00' + to_minutes(i) AS "at",
           CASE WHEN i % 7 = 0 THEN NULL ELSE {'x': i / 4, 'y': CASE WHEN i % 2 = 0 THEN NULL ELSE -i END} END AS point,
           CASE WHEN i % 3 = 0 THEN NULL ELSE ['t' || (i % 4), NULL] END AS tags,
           MAP {'k': i::INTEGER} AS attrs
    FROM range(${from}, ${to}) t(i)`;
  const columns = 'id, name, amount, "at", point, tags, attrs';
  const all = `SELECT ${columns} FROM t ORDER BY id`;

  it("creates, appends three times, reads back exact rows, and travels to each snapshot", async () => {
    const table = await createTable("plain", schema);
    const snapshots: bigint[] = [];
    for (const [from, to] of [
      [0, 100],
      [100, 150],
      [150, 400],
    ]) {
      const { committed, files } = await append(table, batch(from, to));
      expect(files).toHaveLength(1);
      expect(files[0].filePath).toMatch(new RegExp(`^${table.location}/data/00000-[0-9a-f-]{36}\\.parquet$`));
      expect(files[0].recordCount).toBe(BigInt(to - from));
      snapshots.push(committed.metadata.currentSnapshotId!);
    }
    const expected = await rows(`SELECT ${columns} FROM (${batch(0, 400)}) ORDER BY id`);
    expect(await read(table, all)).toEqual(expected);
    for (const [i, count] of [100, 150, 400].entries()) {
      expect(await read(table, "SELECT count(*), max(id) FROM t", { snapshotId: snapshots[i] })).toEqual([[count, count - 1]]);
    }
    const metadata = (await table.committer.load())!;
    expect(metadata.metadataLocation).toBe(`${table.location}/metadata/v4.metadata.json`);
    expect(metadata.metadata.currentSnapshot()!.summary).toMatchObject({ "total-records": "400", "total-data-files": "3", "added-records": "250" });
    // no staging directory is left behind
    expect((await fs.readdir(path.join(table.location, "data"))).filter((n) => n.startsWith("."))).toEqual([]);
  });

  it("writes every column with its field id, nested ones included", async () => {
    const table = await createTable("ids", schema);
    const [file] = await write(table, batch(0, 10));
    const ids = await rows(`SELECT name, field_id FROM parquet_schema(${quoteString(file.filePath)}) WHERE field_id IS NOT NULL ORDER BY field_id`);
    expect(ids).toEqual([
      ["id", 1],
      ["name", 2],
      ["amount", 3],
      ["at", 4],
      ["point", 5],
      ["tags", 6],
      ["attrs", 7],
      ["x", 8],
      ["y", 9],
      ["element", 10],
      ["key", 11],
      ["value", 12],
    ]);
    const codecs = await rows(`SELECT DISTINCT compression FROM parquet_metadata(${quoteString(file.filePath)})`);
    expect(codecs).toEqual([["ZSTD"]]);
  });

  it("records counts, sizes and bounds that match the data", async () => {
    const table = await createTable("metrics", schema);
    const [file] = await write(table, batch(0, 50));
    const decode = (id: number, type: PrimitiveType, bounds: Map<number, Uint8Array> | undefined) => {
      const bytes = bounds?.get(id);
      return bytes === undefined ? undefined : deserializeValue(type, bytes);
    };
    const [stats] = await rows(`
      SELECT min(id), max(id), count(name), min(name), max(name), min(amount)::VARCHAR, max(amount)::VARCHAR,
             epoch_us(min("at")), epoch_us(max("at")), count(point.x), min(point.x), max(point.x), count(point.y)
      FROM (${batch(0, 50)})`);
    expect(file.valueCounts?.get(1)).toBe(50n);
    expect(file.nullValueCounts?.get(1)).toBe(0n);
    expect(file.nullValueCounts?.get(2)).toBe(BigInt(50 - (stats[2] as number)));
    expect(decode(1, { type: "long" }, file.lowerBounds)).toBe(BigInt(stats[0] as number));
    expect(decode(1, { type: "long" }, file.upperBounds)).toBe(BigInt(stats[1] as number));
    expect(decode(2, { type: "string" }, file.lowerBounds)).toBe(stats[3]);
    expect(decode(2, { type: "string" }, file.upperBounds)).toBe(stats[4]);
    expect(decode(3, { type: "decimal", precision: 12, scale: 2 }, file.lowerBounds)).toBe(parseDecimalText(stats[5] as string, 2));
    expect(decode(3, { type: "decimal", precision: 12, scale: 2 }, file.upperBounds)).toBe(parseDecimalText(stats[6] as string, 2));
    expect(decode(4, { type: "timestamptz" }, file.lowerBounds)).toBe(BigInt(stats[7] as number));
    expect(decode(4, { type: "timestamptz" }, file.upperBounds)).toBe(BigInt(stats[8] as number));
    expect(file.nullValueCounts?.get(8)).toBe(BigInt(50 - (stats[9] as number)));
    expect(decode(8, { type: "double" }, file.lowerBounds)).toBe(stats[10]);
    expect(decode(8, { type: "double" }, file.upperBounds)).toBe(stats[11]);
    expect(file.nullValueCounts?.get(9)).toBe(BigInt(50 - (stats[12] as number)));
    expect(file.nanValueCounts?.get(8)).toBe(0n);
    // list elements and map entries: counts, no bounds
    // (as in Parquet footers, which Iceberg's Java writer reports too, a null list counts as one null value of its element)
    const [[elements, nonNull, nullLists]] = await rows(
      `SELECT sum(len(tags)), sum(len(list_filter(tags, e -> e IS NOT NULL))), count(*) FILTER (WHERE tags IS NULL) FROM (${batch(0, 50)})`,
    );
    expect(file.valueCounts?.get(10)).toBe(BigInt((elements as number) + (nullLists as number)));
    expect(file.nullValueCounts?.get(10)).toBe(BigInt((elements as number) - (nonNull as number) + (nullLists as number)));
    expect(file.lowerBounds?.has(10)).toBe(false);
    expect(file.valueCounts?.get(11)).toBe(50n);
    for (const id of [1, 2, 3, 4, 8, 9, 10, 11, 12]) expect(file.columnSizes?.get(id)).toBeGreaterThan(0n);
    expect(file.fileSizeInBytes).toBe(BigInt((await fs.stat(file.filePath)).size));
    expect(file.splitOffsets).toEqual([4n]);
  });

  it("counts NaNs, keeps them out of bounds, and honours metrics modes", async () => {
    const modes = new Schema([
      field(1, "d", { type: "double" }),
      field(2, "f", { type: "float" }),
      field(3, "s", { type: "string" }),
      field(4, "b", { type: "binary" }),
      field(5, "n", { type: "int" }),
      field(6, "c", { type: "int" }),
      field(7, "full", { type: "string" }),
    ]);
    const table = await createTable("modes", modes, undefined, {
      "write.metadata.metrics.default": "truncate(4)",
      "write.metadata.metrics.column.n": "none",
      "write.metadata.metrics.column.c": "counts",
      "write.metadata.metrics.column.full": "full",
    });
    const [file] = await write(
      table,
      `SELECT * FROM (VALUES
         ('nan'::DOUBLE, 'nan'::FLOAT, 'abcdefg', from_hex('0102030405'), 1, 1, 'abcdefg'),
         (2.5, 1.5, 'abcd', from_hex('01020304FF'), 2, 2, 'b'),
         ('nan'::DOUBLE, -1.5, 'ab' || chr(1114111) || chr(1114111) || 'zz', from_hex('01FFFFFFFF'), 3, 3, 'a'),
         (-1.0, NULL, NULL, NULL, NULL, NULL, NULL)
       ) v(d, f, s, b, n, c, "full")`,
    );
    expect(file.nanValueCounts?.get(1)).toBe(2n);
    expect(file.nanValueCounts?.get(2)).toBe(1n);
    expect(deserializeValue({ type: "double" }, file.lowerBounds!.get(1)!)).toBe(-1);
    expect(deserializeValue({ type: "double" }, file.upperBounds!.get(1)!)).toBe(2.5);
    expect(deserializeValue({ type: "float" }, file.upperBounds!.get(2)!)).toBe(1.5);
    // truncate(4): lower bounds are prefixes; upper bounds are prefixes with the last code point (byte) that can be incremented incremented
    expect(deserializeValue({ type: "string" }, file.lowerBounds!.get(3)!)).toBe("abcd");
    expect(deserializeValue({ type: "string" }, file.upperBounds!.get(3)!)).toBe("ac");
    expect(Buffer.from(file.lowerBounds!.get(4)!).toString("hex")).toBe("01020304");
    expect(Buffer.from(file.upperBounds!.get(4)!).toString("hex")).toBe("02");
    // none: nothing at all; counts: no bounds
    for (const map of [file.columnSizes, file.valueCounts, file.nullValueCounts, file.lowerBounds, file.upperBounds]) expect(map?.has(5)).toBe(false);
    expect(file.valueCounts?.get(6)).toBe(4n);
    expect(file.nullValueCounts?.get(6)).toBe(1n);
    expect(file.lowerBounds?.has(6)).toBe(false);
    // full: untruncated
    expect(deserializeValue({ type: "string" }, file.upperBounds!.get(7)!)).toBe("b");
    expect(deserializeValue({ type: "string" }, file.lowerBounds!.get(7)!)).toBe("a");
  });

  it("records bounds of every primitive type as the values floe reads", async () => {
    const types: [string, PrimitiveType, string, string][] = [
      ["b", { type: "boolean" }, "false", "true"],
      ["i", { type: "int" }, "-2147483648", "2147483647"],
      ["l", { type: "long" }, "-9223372036854775808", "9223372036854775807"],
      ["f", { type: "float" }, "-1.5", "3.25"],
      ["d", { type: "double" }, "-1e300", "0.1"],
      ["dec", { type: "decimal", precision: 38, scale: 10 }, "-12345678901234567890.0123456789", "0.0000000001"],
      ["dt", { type: "date" }, "1969-12-31", "2262-01-01"],
      ["tm", { type: "time" }, "00:00:00", "23:59:59.999999"],
      ["ts", { type: "timestamp" }, "1900-01-01 00:00:00.000001", "2024-02-29 12:00:00"],
      ["tstz", { type: "timestamptz" }, "1969-12-31 23:59:59.999999+00", "2024-02-29 12:00:00+00"],
      ["tsn", { type: "timestamp_ns" }, "1969-12-31 23:59:59.999999999", "2024-02-29 12:00:00.000000001"],
      ["s", { type: "string" }, "", "zz"],
      ["u", { type: "uuid" }, "00000000-0000-0000-0000-000000000001", "f79c3e09-677c-4bbd-a479-3f349cb785e7"],
      ["bin", { type: "binary" }, "\\x00", "\\xFF\\x01"],
    ];
    const all = new Schema(types.map(([name, type], i) => field(i + 1, name, type)));
    const table = await createTable("bounds", all, undefined, { "write.metadata.metrics.default": "full" });
    const duck = (type: PrimitiveType) => (type.type === "decimal" ? `DECIMAL(${type.precision}, ${type.scale})` : type.type === "timestamp_ns" ? "TIMESTAMP_NS" : type.type === "binary" ? "BLOB" : type.type.toUpperCase());
    const select = (which: 2 | 3) => types.map((t) => `CAST(${quoteString(t[which])} AS ${duck(t[1])}) AS ${t[0]}`).join(", ");
    const [file] = await write(table, `SELECT ${select(2)} UNION ALL SELECT ${select(3)}`);
    // the same values, read back as floe's in-memory values through the table's scan
    await new Transaction({ io }).fastAppend([file]).commit(table.committer);
    for (const [i, [name, type]] of types.entries()) {
      const id = i + 1;
      const lower = deserializeValue(type, file.lowerBounds!.get(id)!);
      const upper = deserializeValue(type, file.upperBounds!.get(id)!);
      const inMemory = (await rows(`SELECT ${inMemorySql(name, type)} FROM (SELECT ${select(2)} UNION ALL SELECT ${select(3)}) ORDER BY 1`)).map((r) => parseInMemory(type, r[0]));
      expect({ name, lower, upper }).toEqual({ name, lower: inMemory[0], upper: inMemory[1] });
    }
  });

  it("counts NaNs inside structs, lists and maps", async () => {
    const nested = new Schema([
      field(1, "p", { type: "struct", fields: [field(4, "x", { type: "double" })] }),
      field(2, "xs", { type: "list", elementId: 5, elementRequired: false, element: { type: "float" } }),
      field(3, "m", { type: "map", keyId: 6, key: { type: "string" }, valueId: 7, valueRequired: false, value: { type: "double" } }),
    ]);
    const table = await createTable("nested-nan", nested);
    const [file] = await write(
      table,
      `SELECT {'x': 'nan'::DOUBLE} AS p, ['nan'::FLOAT, 1, 'nan'::FLOAT] AS xs, MAP {'a': 'nan'::DOUBLE, 'b': 2} AS m
       UNION ALL SELECT {'x': 1.0}, ['nan'::FLOAT], MAP {'c': 'nan'::DOUBLE}
       UNION ALL SELECT NULL, NULL, NULL`,
    );
    expect(file.nanValueCounts).toEqual(new Map([[4, 1n], [5, 3n], [7, 2n]]));
    expect(deserializeValue({ type: "double" }, file.lowerBounds!.get(4)!)).toBe(1);
  });

  it("drops a string upper bound that cannot be incremented", async () => {
    const table = await createTable("maxchar", new Schema([field(1, "s", { type: "string" })]), undefined, { "write.metadata.metrics.default": "truncate(2)" });
    const [file] = await write(table, `SELECT chr(1114111) || chr(1114111) || 'z' AS s UNION ALL SELECT 'a'`);
    expect(deserializeValue({ type: "string" }, file.lowerBounds!.get(1)!)).toBe("a");
    expect(file.upperBounds?.has(1)).toBe(false);
  });

  it("rolls files at write.target-file-size-bytes", async () => {
    const table = await createTable("rolling", schema, undefined, { "write.target-file-size-bytes": "20000" });
    const current = (await table.committer.load())!;
    const files = await writeDataFiles(session, {
      sql: batch(0, 20000),
      schema,
      spec: current.metadata.defaultSpec(),
      location: table.location,
      io,
      properties: current.metadata.properties,
      rowGroupSize: 2048,
    });
    expect(files.length).toBeGreaterThan(3);
    expect(files.reduce((n, f) => n + f.recordCount, 0n)).toBe(20000n);
    for (const f of files) expect(f.fileSizeInBytes).toBe(BigInt((await fs.stat(f.filePath)).size));
    await new Transaction({ io }).fastAppend(files).commit(table.committer);
    expect(await read(table, "SELECT count(*), count(DISTINCT id), sum(id) FROM t")).toEqual([[20000, 20000, (20000 * 19999) / 2]]);
  });

  it("gives large files the offsets of their row groups as split offsets", async () => {
    const table = await createTable("splits", new Schema([field(1, "id", { type: "long" }), field(2, "s", { type: "string" })]));
    const [file] = await write(table, "SELECT i AS id, md5(i::VARCHAR) || md5((i + 1)::VARCHAR) AS s FROM range(1500000) t(i)");
    expect(file.fileSizeInBytes).toBeGreaterThan(16n * 1024n * 1024n);
    const groups = await rows(
      `SELECT row_group_id, min(coalesce(dictionary_page_offset, data_page_offset)) AS start FROM parquet_metadata(${quoteString(file.filePath)}) GROUP BY 1 ORDER BY 2`,
    );
    expect(groups.length).toBeGreaterThan(1);
    expect(file.splitOffsets).toEqual(groups.map((g) => BigInt(g[1] as number)));
  });

  it("refuses bad rows with an error naming the column, and commits and leaves nothing", async () => {
    const table = await createTable("bad", schema);
    await append(table, batch(0, 10));
    const before = await filesUnder(table.location);
    const cases: [string, RegExp][] = [
      [`SELECT NULL::BIGINT AS id, 'x' AS name`, /column id is required but 1 row has a null value in it/],
      [`SELECT 'abc' AS id`, /column id: the value "abc" \(VARCHAR\) does not convert to long/],
      [`SELECT 1 AS id, {'x': NULL, 'y': 1.0} AS point`, /column point\.x is required but a row has a null value in it/],
      [`SELECT 1 AS id, 'x' AS nickname`, /the query has column nickname that the table does not/],
      [`SELECT 'x' AS name`, /the query has no column id, which the table requires/],
      [`SELECT 1 AS id, 12345678901234.5 AS amount`, /column amount: the value "12345678901234\.5" .* does not convert to decimal\(12,2\)/],
    ];
    for (const [sql, message] of cases) {
      const error = await write(table, sql).catch((e: unknown) => e);
      expect(isFloeError(error, "invalid-input"), String(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
    expect(await filesUnder(table.location)).toEqual(before);
    expect(await read(table, "SELECT count(*) FROM t")).toEqual([[10]]);
  });

  it("writes nothing for no rows", async () => {
    const table = await createTable("empty", schema);
    expect(await write(table, `${batch(0, 10)} WHERE false`)).toEqual([]);
    const partitioned = await createTable("empty-p", schema, new PartitionSpec(0, [{ sourceId: 1, fieldId: 1000, name: "id_bucket", transform: "bucket[2]" }]));
    expect(await write(partitioned, `${batch(0, 10)} WHERE false`)).toEqual([]);
    expect(await filesUnder(path.join(dir, "empty", "data"))).toEqual([]);
  });

  it("fills optional columns the query leaves out with null", async () => {
    const table = await createTable("partial", schema);
    await append(table, "SELECT 7 AS id, 'seven' AS name");
    expect(await read(table, "SELECT id, name, amount, point, tags FROM t")).toEqual([[7, "seven", null, null, null]]);
  });

  it("uploads the files of a table in another store through its FileIO", async () => {
    const memory = new MemoryFileIO();
    const table = await createTable("remote", schema, new PartitionSpec(0, [{ sourceId: 1, fieldId: 1000, name: "id_bucket", transform: "bucket[3]" }]), {}, memory);
    const { files } = await append(table, batch(0, 60));
    expect(files).toHaveLength(3);
    for (const file of files) {
      expect(file.filePath).toMatch(/^memory:\/\/warehouse\/remote\/data\/id_bucket=\d\/00\d{3}-[0-9a-f-]{36}\.parquet$/);
      expect(file.fileSizeInBytes).toBe(BigInt((await memory.stat(file.filePath)).size));
    }
    const expected = await rows(`SELECT ${columns} FROM (${batch(0, 60)}) ORDER BY id`);
    expect(await read(table, all)).toEqual(expected);
  });
});

describe("partitioned writes", () => {
  const schema = new Schema([
    field(1, "id", { type: "long" }, true),
    field(2, "s", { type: "string" }),
    field(3, "ts", { type: "timestamp" }),
    field(4, "tstz", { type: "timestamptz" }),
    field(5, "d", { type: "date" }),
    field(6, "dec", { type: "decimal", precision: 10, scale: 2 }),
    field(7, "b", { type: "binary" }),
    field(8, "n", { type: "int" }),
  ]);
  const spec = new PartitionSpec(0, [
    { sourceId: 2, fieldId: 1000, name: "s", transform: "identity" },
    { sourceId: 1, fieldId: 1001, name: "id_bucket", transform: "bucket[4]" },
    { sourceId: 2, fieldId: 1002, name: "s_trunc", transform: "truncate[2]" },
    { sourceId: 8, fieldId: 1003, name: "n_trunc", transform: "truncate[10]" },
    { sourceId: 6, fieldId: 1004, name: "dec_trunc", transform: "truncate[50]" },
    { sourceId: 7, fieldId: 1005, name: "b_trunc", transform: "truncate[1]" },
    { sourceId: 3, fieldId: 1006, name: "ts_year", transform: "year" },
    { sourceId: 4, fieldId: 1007, name: "tstz_month", transform: "month" },
    { sourceId: 5, fieldId: 1008, name: "d_day", transform: "day" },
    { sourceId: 3, fieldId: 1009, name: "ts_hour", transform: "hour" },
    { sourceId: 8, fieldId: 1010, name: "n_void", transform: "void" },
  ]);
  const source = `
    SELECT i AS id,
      CASE WHEN i % 7 = 0 THEN NULL ELSE ['a', 'ab', 'abc', 'é😀x', 'null', 'a/b=c'][1 + i % 6] END AS s,
      CASE WHEN i % 9 = 0 THEN NULL ELSE TIMESTAMP '1969-12-31 22:00:00' + to_minutes(i * 37) END AS ts,
      CASE WHEN i % 11 = 0 THEN NULL ELSE TIMESTAMPTZ '1969-11-30 23:00:00+00' + to_hours(i * 5) END AS tstz,
      CASE WHEN i % 13 = 0 THEN NULL ELSE DATE '1969-12-30' + (i % 4)::INTEGER END AS d,
      CASE WHEN i % 5 = 0 THEN NULL ELSE ((i - 20) * 0.37)::DECIMAL(10, 2) END AS dec,
      CASE WHEN i % 6 = 0 THEN NULL ELSE from_hex(['00', '0102', 'FF', ''][1 + i % 4]) END AS b,
      CASE WHEN i % 8 = 0 THEN NULL ELSE (i - 20)::INTEGER END AS n
    FROM range(40) t(i)`;

  let table: Table;
  let files: DataFile[];
  beforeAll(async () => {
    table = await createTable("partitioned", schema, spec);
    ({ files } = await append(table, source));
  });

  it("reads back exactly the rows written", async () => {
    const all = "SELECT id, s, ts, tstz, d, dec, b, n FROM t ORDER BY id";
    expect(await read(table, all)).toEqual(await rows(`SELECT * FROM (${source}) ORDER BY id`));
  });

  it("gives each file the partition tuple of every row in it, as table/transform computes it", async () => {
    expect(files.length).toBeGreaterThan(10);
    const types = new Map(schema.fields.map((f) => [f.id, f.type as PrimitiveType]));
    for (const file of files) {
      const fileRows = await rows(
        `SELECT id::VARCHAR, s, epoch_us(ts)::VARCHAR, epoch_us(tstz)::VARCHAR, (d - DATE '1970-01-01')::INTEGER, dec::VARCHAR, hex(b), n FROM read_parquet(${quoteString(file.filePath)}, hive_partitioning = false)`,
      );
      expect(fileRows.length).toBe(Number(file.recordCount));
      expect(file.fileSizeInBytes).toBe(BigInt((await fs.stat(file.filePath)).size));
      for (const row of fileRows) {
        const value = (id: number): unknown => {
          const raw = row[id - 1];
          if (raw === null) return null;
          switch (id) {
            case 1:
            case 3:
            case 4:
              return BigInt(raw as string);
            case 6:
              return parseDecimalText(raw as string, 2);
            case 7:
              return hexToBytes(raw as string);
            default:
              return raw;
          }
        };
        for (const f of spec.fields) {
          const expected = parseTransform(f.transform).bind(types.get(f.sourceId)!)(value(f.sourceId));
          expect({ file: file.filePath, field: f.name, value: file.partition[f.fieldId] }).toEqual({ file: file.filePath, field: f.name, value: expected });
        }
      }
    }
    // and the manifests hold those tuples
    const current = (await table.committer.load())!;
    const [manifest] = await readManifestList(io, current.metadata.currentSnapshot()!.manifestList!);
    const entries = await readManifestEntries(io, manifest, { specs: current.metadata.specsById(), schema: current.metadata.currentSchema() });
    const byPath = new Map(files.map((f) => [f.filePath, f.partition]));
    expect(entries).toHaveLength(files.length);
    for (const entry of entries) expect(entry.dataFile.partition).toEqual(byPath.get(entry.dataFile.filePath));
  });

  it("lays files out in Hive-style partition directories", () => {
    const nulls = files.find((f) => f.partition[1000] === null && f.partition[1006] === null);
    expect(nulls?.filePath).toMatch(/\/data\/s=null\/id_bucket=\d\/s_trunc=null\/.*\/ts_year=null\/.*\/n_void=null\/\d{5}-[0-9a-f-]{36}\.parquet$/);
    const special = files.find((f) => f.partition[1000] === "a/b=c");
    expect(special?.filePath).toContain("/data/s=a%2Fb%3Dc/");
    const emoji = files.find((f) => f.partition[1000] === "é😀x");
    expect(emoji?.filePath).toContain("/s=%C3%A9%F0%9F%98%80x/");
    expect(emoji?.filePath).toContain("/s_trunc=%C3%A9%F0%9F%98%80/");
  });

  it("prunes files by partition values", async () => {
    const current = (await table.committer.load())!;
    const check = async (filter: UnboundExpression, expectedRows: number) => {
      const plan = await planScan(current.metadata, io, { filter });
      expect(plan.metrics.dataFilesSkipped).toBeGreaterThan(0);
      expect(plan.metrics.dataFiles).toBe(files.length);
      const kept = plan.tasks.reduce((n, t) => n + Number(t.dataFile.recordCount), 0);
      expect(kept).toBeGreaterThanOrEqual(expectedRows);
      expect(kept).toBeLessThan(40);
    };
    const [[dayRows]] = await rows(`SELECT count(*) FROM (${source}) WHERE d = DATE '1970-01-01'`);
    await check(predicate("eq", "d", "1970-01-01"), dayRows as number);
    const [[idRows]] = await rows(`SELECT count(*) FROM (${source}) WHERE id = 17`);
    await check(predicate("eq", "id", 17n), idRows as number);
    const [[sRows]] = await rows(`SELECT count(*) FROM (${source}) WHERE s = 'abc'`);
    await check(predicate("eq", "s", "abc"), sRows as number);
    const [[tsRows]] = await rows(`SELECT count(*) FROM (${source}) WHERE ts < TIMESTAMP '1970-01-01 00:00:00'`);
    await check(predicate("lt", "ts", "1970-01-01T00:00:00"), tsRows as number);
    await check(and(predicate("isNull", "s"), predicate("isNull", "ts")), 1);
    // and the query through the scan view sees the same rows as the source
    expect(await read(table, "SELECT count(*) FROM t WHERE d = DATE '1970-01-01'")).toEqual([[dayRows]]);
  });

  it("splits a partition larger than the target file size", async () => {
    const big = await createTable("split", schema, new PartitionSpec(0, [{ sourceId: 8, fieldId: 1000, name: "n_trunc", transform: "truncate[1000000]" }]), {
      "write.target-file-size-bytes": "30000",
    });
    const current = (await big.committer.load())!;
    const written = await writeDataFiles(session, {
      sql: `SELECT i AS id, 'row ' || i AS s, (i % 2)::INTEGER AS n FROM range(40000) t(i)`,
      schema,
      spec: current.metadata.defaultSpec(),
      location: big.location,
      io,
      properties: current.metadata.properties,
      rowGroupSize: 2048,
    });
    expect(written.length).toBeGreaterThan(2);
    expect(new Set(written.map((f) => f.partition[1000]))).toEqual(new Set([0]));
    for (const f of written) expect(path.dirname(f.filePath)).toBe(`${big.location}/data/n_trunc=0`);
    await new Transaction({ io }).fastAppend(written).commit(big.committer);
    expect(await read(big, "SELECT count(*), count(DISTINCT id) FROM t")).toEqual([[40000, 40000]]);
  });

  it("two appends from the same base both survive when the second has to retry", async () => {
    const t = await createTable("concurrent", schema, spec, { "commit.retry.min-wait-ms": "1" });
    const base = (await t.committer.load())!;
    const first = await write(t, `SELECT * FROM (${source}) WHERE id < 20`);
    const second = await write(t, `SELECT * FROM (${source}) WHERE id >= 20`);
    await new Transaction({ io, base }).fastAppend(first).commit(t.committer);
    const result = await new Transaction({ io, base }).fastAppend(second).commit(new FileSystemTableCommitter(t.location, io));
    expect(result.metadataLocation).toBe(`${t.location}/metadata/v3.metadata.json`);
    expect(await read(t, "SELECT count(*), sum(id) FROM t")).toEqual([[40, 780]]);
  });
});

describe("sorted writes", () => {
  const schema = new Schema([
    field(1, "id", { type: "long" }, true),
    field(2, "s", { type: "string" }),
    field(3, "at", { type: "timestamptz" }),
    field(4, "amount", { type: "decimal", precision: 12, scale: 2 }),
    field(5, "grp", { type: "int" }),
  ]);
  const types = new Map(schema.fields.map((f) => [f.id, f.type as PrimitiveType]));
  // rows in no order (shuffled by a hash), with nulls, ties in every leading key, and instants before 1970
  const source = (n: number) => `
    SELECT i AS id,
      CASE WHEN i % 11 = 0 THEN NULL ELSE chr(CAST(97 + hash(i, 's') % 4 AS INTEGER)) || CAST(hash(i) % 100 AS VARCHAR) END AS s,
      CASE WHEN i % 13 = 0 THEN NULL ELSE TIMESTAMPTZ '1969-12-30 00:00:00+00' + to_minutes(CAST(hash(i, 'at') % 5000 AS BIGINT)) END AS "at",
      CASE WHEN i % 7 = 0 THEN NULL ELSE CAST((CAST(hash(i, 'a') % 100000 AS BIGINT) - 50000) / 100 AS DECIMAL(12, 2)) END AS amount,
      CAST(i % 3 AS INTEGER) AS grp
    FROM range(${n}) t(i) ORDER BY hash(i, 'shuffle')`;
  const order: SortOrder = {
    orderId: 3,
    fields: [
      { transform: "truncate[1]", sourceId: 2, direction: "asc", nullOrder: "nulls-last" },
      { transform: "day", sourceId: 3, direction: "desc", nullOrder: "nulls-first" },
      { transform: "truncate[1000]", sourceId: 4, direction: "asc", nullOrder: "nulls-first" },
      { transform: "bucket[4]", sourceId: 1, direction: "desc", nullOrder: "nulls-last" },
      { transform: "void", sourceId: 5, direction: "asc", nullOrder: "nulls-first" },
      { transform: "identity", sourceId: 1, direction: "asc", nullOrder: "nulls-last" },
    ],
  };

  async function writeSorted(table: Table, sql: string, sortOrder: SortOrder | undefined, rowGroupSize?: number): Promise<DataFile[]> {
    const m = (await table.committer.load())!.metadata;
    return writeDataFiles(session, { sql, schema, spec: m.defaultSpec(), location: m.location, io, properties: m.properties, sortOrder, rowGroupSize });
  }

  /** The rows of a file in the order they are stored, as floe's in-memory values. */
  async function rowsInFileOrder(file: DataFile): Promise<unknown[][]> {
    const select = schema.fields.map((f) => inMemorySql(quoteIdentifier(f.name), types.get(f.id)!)).join(", ");
    const stored = await rows(
      `SELECT ${select} FROM read_parquet(${quoteString(file.filePath)}, hive_partitioning = false, file_row_number = true) ORDER BY file_row_number`,
    );
    return stored.map((row) => schema.fields.map((f, i) => (row[i] === null ? null : parseInMemory(types.get(f.id)!, row[i]))));
  }

  const asText = (_key: string, value: unknown) => (typeof value === "bigint" ? String(value) : value);

  /** Fails at the first pair of consecutive rows out of `sortOrder`, with the sort keys computed by table/transform. */
  function expectSorted(stored: unknown[][], sortOrder: SortOrder, where: string): void {
    const fields = sortOrder.fields.filter((f) => f.transform !== "void");
    const transforms = fields.map((f) => parseTransform(f.transform).bind(types.get(f.sourceId)!));
    const keysOf = (row: unknown[]) => fields.map((f, i) => transforms[i](row[f.sourceId - 1]));
    const compare = (a: unknown, b: unknown): number => (a === b ? 0 : (a as number) < (b as number) ? -1 : 1);
    for (let i = 1; i < stored.length; i++) {
      const [before, after] = [keysOf(stored[i - 1]), keysOf(stored[i])];
      let cmp = 0;
      for (const [k, f] of fields.entries()) {
        const [a, b] = [before[k], after[k]];
        if (a === null && b === null) continue;
        cmp = a === null || b === null ? ((a === null) === (f.nullOrder === "nulls-first") ? -1 : 1) : compare(a, b) * (f.direction === "desc" ? -1 : 1);
        if (cmp !== 0) break;
      }
      if (cmp > 0) expect.fail(`${where}: row ${i - 1} ${JSON.stringify(before, asText)} before row ${i} ${JSON.stringify(after, asText)}`);
    }
  }

  it("writes the rows of an unpartitioned table in its sort order and records the order's id", async () => {
    const table = await createTable("sorted", schema);
    const files = await writeSorted(table, source(5000), order, 512);
    expect(files).toHaveLength(1);
    expect(files[0].sortOrderId).toBe(3);
    const stored = await rowsInFileOrder(files[0]);
    expect(stored).toHaveLength(5000);
    expectSorted(stored, order, files[0].filePath);
    // and the same rows as the source
    expect(new Set(stored.map((r) => r[0]))).toEqual(new Set(Array.from({ length: 5000 }, (_, i) => BigInt(i))));
    // the metrics are those of the sorted file
    expect(files[0].valueCounts?.get(1)).toBe(5000n);
    expect(files[0].nullValueCounts?.get(2)).toBe(BigInt(stored.filter((r) => r[1] === null).length));
  });

  it("cuts a sorted write above the target size into consecutive sorted files", async () => {
    const table = await createTable("sorted-rolling", schema, undefined, { "write.target-file-size-bytes": "30000" });
    const files = await writeSorted(table, source(20000), order, 1024);
    expect(files.length).toBeGreaterThan(2);
    const all: unknown[][] = [];
    for (const file of files) {
      expect(file.sortOrderId).toBe(3);
      const stored = await rowsInFileOrder(file);
      expect(BigInt(stored.length)).toBe(file.recordCount);
      expect(file.fileSizeInBytes).toBe(BigInt((await fs.stat(file.filePath)).size));
      all.push(...stored);
    }
    // files in name order are consecutive runs of the one sorted sequence
    expectSorted(all, order, "all files in name order");
    expect(all).toHaveLength(20000);
    await new Transaction({ io }).fastAppend(files).commit(table.committer);
    expect(await read(table, "SELECT count(*), count(DISTINCT id) FROM t")).toEqual([[20000, 20000]]);
  });

  it("sorts the rows inside each partition, splitting partitions above the target size", async () => {
    const spec = new PartitionSpec(0, [{ sourceId: 5, fieldId: 1000, name: "grp", transform: "identity" }]);
    const table = await createTable("sorted-partitioned", schema, spec, { "write.target-file-size-bytes": "250000" });
    // DuckDB's threads hand their partitions' rows to the writer in small batches, as they do in large writes
    await session.run("SET partitioned_write_flush_threshold = 1000");
    const files = await writeSorted(table, source(130000), order, 1024).finally(() => session.run("RESET partitioned_write_flush_threshold"));
    const partitions = new Map<unknown, DataFile[]>();
    for (const file of files) partitions.set(file.partition[1000], [...(partitions.get(file.partition[1000]) ?? []), file]);
    expect([...partitions.keys()].sort()).toEqual([0, 1, 2]);
    for (const [grp, inPartition] of partitions) {
      expect(inPartition.length).toBeGreaterThan(1);
      const all: unknown[][] = [];
      for (const file of inPartition) {
        expect(file.sortOrderId).toBe(3);
        const stored = await rowsInFileOrder(file);
        expect(BigInt(stored.length)).toBe(file.recordCount);
        expect(stored.filter((row) => row[4] !== grp)).toEqual([]);
        all.push(...stored);
      }
      expectSorted(all, order, `partition grp=${String(grp)}`);
    }
    // the staging files are stored with another codec; the table's are zstd
    const codecs = await rows(`SELECT DISTINCT compression FROM parquet_metadata([${files.map((f) => quoteString(f.filePath)).join(", ")}])`);
    expect(codecs).toEqual([["ZSTD"]]);
    await new Transaction({ io }).fastAppend(files).commit(table.committer);
    expect(await read(table, "SELECT count(*), count(DISTINCT id) FROM t")).toEqual([[130000, 130000]]);
  });

  it("writes an unsorted order as written, with its id, and no id without an order", async () => {
    const table = await createTable("unsorted-order", schema);
    const [unsorted] = await writeSorted(table, source(100), { orderId: 0, fields: [] });
    expect(unsorted.sortOrderId).toBe(0);
    const [none] = await writeSorted(table, source(100), undefined);
    expect(none.sortOrderId).toBeUndefined();
  });

  it("refuses a sort order on a column the schema does not have, naming the order and the field", async () => {
    const table = await createTable("sorted-bad", schema);
    const error = await writeSorted(table, source(10), { orderId: 2, fields: [{ transform: "identity", sourceId: 99, direction: "asc", nullOrder: "nulls-first" }] }).catch((e: unknown) => e);
    expect(isFloeError(error, "invalid-input"), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/sort order 2, field identity\(column id 99\): the schema has no column with id 99/);
    const bucketOfBool = new Schema([field(1, "b", { type: "boolean" })]);
    const other = await createTable("sorted-bad-type", bucketOfBool);
    const m = (await other.committer.load())!.metadata;
    const typeError = await writeDataFiles(session, {
      sql: "SELECT true AS b",
      schema: bucketOfBool,
      spec: m.defaultSpec(),
      location: m.location,
      io,
      sortOrder: { orderId: 1, fields: [{ transform: "bucket[2]", sourceId: 1, direction: "asc", nullOrder: "nulls-first" }] },
    }).catch((e: unknown) => e);
    expect((typeError as Error).message).toMatch(/sort order 1, field bucket\[2\]\(b\): bucket\[2\] does not apply to boolean/);
  });
});

/** SQL giving a column's value in a text form floe's own parsers read (see parseInMemory). */
function inMemorySql(name: string, type: PrimitiveType): string {
  switch (type.type) {
    case "date":
      return `(${name} - DATE '1970-01-01')::INTEGER`;
    case "time":
      return `datediff('microsecond', TIME '00:00:00', ${name})::VARCHAR`;
    case "timestamp":
    case "timestamptz":
      return `epoch_us(${name})::VARCHAR`;
    case "timestamp_ns":
      return `epoch_ns(${name})::VARCHAR`;
    case "long":
    case "decimal":
    case "uuid":
      return `${name}::VARCHAR`;
    case "binary":
      return `hex(${name})`;
    default:
      return name;
  }
}

function parseInMemory(type: PrimitiveType, value: unknown): unknown {
  switch (type.type) {
    case "time":
    case "timestamp":
    case "timestamptz":
    case "timestamp_ns":
    case "long":
      return BigInt(value as string);
    case "decimal":
      return parseDecimalText(value as string, type.scale);
    case "binary":
      return hexToBytes(value as string);
    case "float":
      return Math.fround(value as number);
    default:
      return value;
  }
}

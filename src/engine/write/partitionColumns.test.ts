import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PartitionSpec } from "../../table/spec/partitionSpec.js";
import { Schema } from "../../table/spec/schema.js";
import { parseIsoDate, parseIsoTime, parseIsoTimestamp } from "../../table/spec/temporal.js";
import type { PrimitiveType } from "../../table/spec/types.js";
import { hexToBytes, parseDecimalText } from "../../table/spec/valueCodecs.js";
import { parseTransform } from "../../table/transform/parseTransform.js";
import { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { duckdbTypeOf, quoteString } from "../duckdb/duckdbTypes.js";
import { registerBucketFunctions } from "./bucketFunctions.js";
import { partitionColumns } from "./partitionColumns.js";
import { escapePathValue, partitionPath } from "./partitionPath.js";

/** Values of each type, as DuckDB literals' text, with the awkward ones: before 1970, at unit edges, extremes. */
const VALUES: Record<string, (string | null)[]> = {
  int: ["0", "1", "-1", "7", "-7", "34", "2147483647", "-2147483648", "-2147483641", null],
  long: ["0", "-1", "34", "2147483648", "-9007199254740993", "9223372036854775807", "-9223372036854775808", "-9223372036854775801", null],
  date: ["1970-01-01", "1969-12-31", "1969-01-01", "1968-12-31", "1900-02-28", "2000-02-29", "2017-11-16", "0001-01-01", "9999-12-31", null],
  time: ["00:00:00", "22:31:08", "23:59:59.999999", "10:00:00.5", null],
  timestamp: [
    "1970-01-01 00:00:00",
    "1969-12-31 23:59:59.999999",
    "1969-12-31 23:00:00",
    "1969-12-01 00:00:00",
    "1969-11-30 23:59:59.999999",
    "1968-12-31 23:59:59",
    "1900-01-01 00:00:00",
    "2017-11-16 22:31:08",
    "2024-02-29 23:59:59.999999",
    "0001-01-01 00:00:00",
    null,
  ],
  timestamp_ns: ["1969-12-31 23:59:59.999999999", "1970-01-01 00:00:00.000000001", "1969-12-31 23:00:00", "2017-11-16 22:31:08.000001001", "1677-09-22 00:00:00", null],
  decimal: ["0.00", "-0.01", "14.20", "-14.20", "12.34", "-12.34", "99999999.99", "-99999999.99", null],
  string: ["", "a", "abc", "iceberg", "é😀xyz", "e\u0301", "👨‍👩‍👧x", "null", null],
  uuid: ["f79c3e09-677c-4bbd-a479-3f349cb785e7", "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", null],
  binary: ["", "00", "00010203", "FFFFFF", "0001020304", null],
};

const TYPES: Record<string, PrimitiveType> = {
  int: { type: "int" },
  long: { type: "long" },
  date: { type: "date" },
  time: { type: "time" },
  timestamp: { type: "timestamp" },
  timestamptz: { type: "timestamptz" },
  timestamp_ns: { type: "timestamp_ns" },
  decimal: { type: "decimal", precision: 10, scale: 2 },
  string: { type: "string" },
  uuid: { type: "uuid" },
  binary: { type: "binary" },
};

const TRANSFORMS: Record<string, string[]> = {
  int: ["identity", "bucket[16]", "bucket[2147483647]", "truncate[10]", "truncate[1]"],
  long: ["identity", "bucket[16]", "bucket[2147483647]", "truncate[10]", "truncate[7]"],
  date: ["identity", "bucket[16]", "bucket[2147483647]", "year", "month", "day"],
  time: ["identity", "bucket[16]", "bucket[2147483647]"],
  timestamp: ["identity", "bucket[16]", "bucket[2147483647]", "year", "month", "day", "hour"],
  timestamptz: ["identity", "bucket[16]", "bucket[2147483647]", "year", "month", "day", "hour"],
  timestamp_ns: ["identity", "bucket[16]", "bucket[2147483647]", "year", "month", "day", "hour"],
  decimal: ["identity", "bucket[16]", "bucket[2147483647]", "truncate[10]", "truncate[50]"],
  string: ["identity", "bucket[16]", "bucket[2147483647]", "truncate[1]", "truncate[2]", "truncate[3]"],
  uuid: ["identity", "bucket[16]", "bucket[2147483647]"],
  binary: ["identity", "bucket[16]", "bucket[2147483647]", "truncate[2]"],
};

/** The value as floe holds it, parsed with floe's own parsers from DuckDB's text of it. */
function inMemory(type: PrimitiveType, text: string | null): unknown {
  if (text === null) return null;
  switch (type.type) {
    case "int":
      return Number(text);
    case "long":
      return BigInt(text);
    case "date":
      return parseIsoDate(text);
    case "time":
      return parseIsoTime(text, 6);
    case "timestamp":
      return parseIsoTimestamp(text, 6, "none");
    case "timestamptz":
      return parseIsoTimestamp(text.replace(/([+-]\d{2})$/, "$1:00"), 6, "required");
    case "timestamp_ns":
      return parseIsoTimestamp(text, 9, "none");
    case "decimal":
      return parseDecimalText(text, type.scale);
    case "binary":
      return hexToBytes(text);
    default:
      return text;
  }
}

function literal(typeName: string, text: string | null): string {
  const type = TYPES[typeName];
  if (text === null) return `CAST(NULL AS ${duckdbTypeOf(type)})`;
  if (type.type === "binary") return `from_hex(${quoteString(text)})`;
  if (type.type === "timestamptz") return `CAST(${quoteString(`${text}+00`)} AS TIMESTAMPTZ)`;
  return `CAST(${quoteString(text)} AS ${duckdbTypeOf(type)})`;
}

describe("partition transforms in SQL", () => {
  let session: DuckDBSession;
  beforeAll(async () => {
    session = await DuckDBSession.open();
    registerBucketFunctions(session.connection);
  });
  afterAll(() => session.close());

  for (const [typeName, transforms] of Object.entries(TRANSFORMS)) {
    it(`${typeName}: ${transforms.join(", ")} equal table/transform for every value`, async () => {
      const type = TYPES[typeName];
      const values = VALUES[typeName] ?? VALUES.timestamp;
      const schema = new Schema([{ id: 1, name: "v", required: false, type }]);
      const spec = new PartitionSpec(
        0,
        transforms.map((t, i) => ({ sourceId: 1, fieldId: 1000 + i, name: `p${i}`, transform: t })),
      );
      const columns = partitionColumns(spec, schema);
      const rows = values.map((v) => `SELECT ${literal(typeName, v)} AS v`).join(" UNION ALL ");
      const text = type.type === "binary" ? "hex(v)" : "CAST(v AS VARCHAR)";
      const result = await session.query(`SELECT ${text} AS text, ${columns.map((c) => `CAST(${c.sql} AS VARCHAR)`).join(", ")} FROM (${rows})`);
      expect(result.rows).toHaveLength(values.length);
      for (const row of result.rows) {
        const value = inMemory(type, row[0] as string | null);
        columns.forEach((column, i) => {
          const expected = parseTransform(column.field.transform).bind(type)(value);
          const actual = column.parse(row[i + 1] as string | null);
          expect({ value: row[0], transform: column.field.transform, partition: actual }).toEqual({ value: row[0], transform: column.field.transform, partition: expected });
        });
      }
    });
  }

  it("buckets the spec's reference values (format/spec.md, Appendix B)", async () => {
    const cases: [string, string, number][] = [
      ["int", "34", 2017239379],
      ["long", "34", 2017239379],
      ["decimal", "14.20", -500754589],
      ["date", "2017-11-16", -653330422],
      ["time", "22:31:08", -662762989],
      ["timestamp", "2017-11-16 22:31:08", -2047944441],
      ["timestamptz", "2017-11-16 22:31:08", -2047944441],
      ["string", "iceberg", 1210000089],
      ["uuid", "f79c3e09-677c-4bbd-a479-3f349cb785e7", 1488055340],
      ["binary", "00010203", -188683207],
    ];
    for (const [typeName, text, hash] of cases) {
      const schema = new Schema([{ id: 1, name: "v", required: false, type: TYPES[typeName] }]);
      const [column] = partitionColumns(new PartitionSpec(0, [{ sourceId: 1, fieldId: 1000, name: "b", transform: "bucket[2147483647]" }]), schema);
      const result = await session.query(`SELECT ${column.sql} FROM (SELECT ${literal(typeName, text)} AS v)`);
      expect([typeName, result.rows[0][0]]).toEqual([typeName, (hash & 0x7fffffff) % 2147483647]);
    }
  });

  it("DuckDB's date_diff counts unit boundaries, as the transforms do, for dates and microsecond timestamps but not nanosecond ones", async () => {
    const cases: [string, string, string][] = [
      ["timestamp", "year", "1969-12-31 23:59:59.999999"],
      ["timestamp", "month", "1969-12-31 23:59:59.999999"],
      ["timestamp", "day", "1969-12-31 00:00:00.000001"],
      ["timestamp", "hour", "1969-12-31 23:30:00"],
      ["timestamp", "year", "1900-06-01 00:00:00"],
      ["date", "year", "1969-12-31"],
      ["date", "month", "1969-12-31"],
      ["date", "day", "1900-03-01"],
    ];
    for (const [typeName, unit, text] of cases) {
      const type = TYPES[typeName];
      const epoch = typeName === "date" ? "DATE '1970-01-01'" : "TIMESTAMP '1970-01-01'";
      const result = await session.query(`SELECT CAST(date_diff('${unit}', ${epoch}, ${literal(typeName, text)}) AS INTEGER)`);
      expect([typeName, unit, text, result.rows[0][0]]).toEqual([typeName, unit, text, parseTransform(unit).bind(type)(inMemory(type, text))]);
    }
    // a nanosecond instant just before an hour boundary is rounded to it first: -1 is right, date_diff says 0
    const ns = await session.query(`SELECT date_diff('hour', TIMESTAMP_NS '1970-01-01', TIMESTAMP_NS '1969-12-31 23:59:59.999999999')`);
    expect(ns.rows[0][0]).toBe(0);
    expect(parseTransform("hour").bind({ type: "timestamp_ns" })(-1n)).toBe(-1);
  });

  it("void has no column and is always null", () => {
    const schema = new Schema([{ id: 1, name: "v", required: false, type: { type: "int" } }]);
    const [column] = partitionColumns(new PartitionSpec(0, [{ sourceId: 1, fieldId: 1000, name: "v_null", transform: "void" }]), schema);
    expect(column.column).toBeUndefined();
    expect(column.parse("x")).toBeNull();
  });

  it("reaches into structs for nested source columns", async () => {
    const schema = new Schema([
      { id: 1, name: "event", required: false, type: { type: "struct", fields: [{ id: 2, name: "at", required: false, type: { type: "date" } }] } },
    ]);
    const [column] = partitionColumns(new PartitionSpec(0, [{ sourceId: 2, fieldId: 1000, name: "at_day", transform: "day" }]), schema);
    const result = await session.query(`SELECT ${column.sql} FROM (SELECT {'at': DATE '1970-01-03'} AS event)`);
    expect(result.rows[0][0]).toBe(2);
  });
});

describe("partition paths", () => {
  const schema = new Schema([
    { id: 1, name: "ts", required: false, type: { type: "timestamp" } },
    { id: 2, name: "s", required: false, type: { type: "string" } },
    { id: 3, name: "b", required: false, type: { type: "binary" } },
  ]);
  it("prints values in their human form, URL-encoded", () => {
    const spec = new PartitionSpec(0, [
      { sourceId: 1, fieldId: 1000, name: "ts_year", transform: "year" },
      { sourceId: 1, fieldId: 1001, name: "ts_month", transform: "month" },
      { sourceId: 1, fieldId: 1002, name: "ts_day", transform: "day" },
      { sourceId: 1, fieldId: 1003, name: "ts_hour", transform: "hour" },
      { sourceId: 2, fieldId: 1004, name: "s", transform: "identity" },
      { sourceId: 2, fieldId: 1005, name: "s_bucket", transform: "bucket[4]" },
      { sourceId: 3, fieldId: 1006, name: "b", transform: "identity" },
      { sourceId: 1, fieldId: 1007, name: "ts", transform: "identity" },
    ]);
    expect(
      partitionPath(spec, schema, { 1000: 54, 1001: -1, 1002: -1, 1003: -1, 1004: "a/b c=é", 1005: 3, 1006: Uint8Array.of(0, 255), 1007: 0n }),
    ).toBe("ts_year=2024/ts_month=1969-12/ts_day=1969-12-31/ts_hour=1969-12-31-23/s=a%2Fb+c%3D%C3%A9/s_bucket=3/b=AP8%3D/ts=1970-01-01T00%3A00%3A00.000000");
    expect(partitionPath(spec, schema, { 1000: null, 1001: null, 1002: null, 1003: null, 1004: null, 1005: null, 1006: null, 1007: null })).toBe(
      "ts_year=null/ts_month=null/ts_day=null/ts_hour=null/s=null/s_bucket=null/b=null/ts=null",
    );
    expect(escapePathValue("AZaz09.-*_~!")).toBe("AZaz09.-*_%7E%21");
  });
});

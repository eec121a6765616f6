import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { DateDay, Decimal, makeVector, Table, TimestampMicrosecond, vectorFromArray } from "apache-arrow";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FileSystemTableCommitter } from "../../src/catalog/filesystem/FileSystemTableCommitter.js";
import type { TableTarget } from "../../src/engine/dml/TableTarget.js";
import { appendRecords, appendRows } from "../../src/engine/dml/writeRows.js";
import { DuckDBSession } from "../../src/engine/duckdb/DuckDBSession.js";
import { queryIcebergTables } from "../../src/engine/scan/queryIcebergTables.js";
import { LocalFileIO } from "../../src/io/LocalFileIO.js";
import { Schema } from "../../src/table/spec/schema.js";
import { Transaction } from "../../src/table/transaction/Transaction.js";

const io = new LocalFileIO();
let session: DuckDBSession;
let root: string;
let target: TableTarget;

const schema = new Schema([
  { id: 1, name: "id", required: true, type: { type: "long" } },
  { id: 2, name: "n", required: false, type: { type: "int" } },
  { id: 3, name: "price", required: false, type: { type: "decimal", precision: 10, scale: 2 } },
  { id: 4, name: "ts", required: false, type: { type: "timestamptz" } },
  { id: 5, name: "day", required: false, type: { type: "date" } },
  {
    id: 6,
    name: "point",
    required: false,
    type: { type: "struct", fields: [{ id: 7, name: "x", required: true, type: { type: "double" } }] },
  },
  { id: 8, name: "tags", required: false, type: { type: "list", elementId: 9, elementRequired: false, element: { type: "string" } } },
]);

beforeAll(async () => {
  session = await DuckDBSession.open({ threads: 2 });
  root = fs.mkdtempSync(path.join(os.tmpdir(), "floe-records-"));
});

afterAll(() => {
  session?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

beforeEach(async () => {
  const location = path.join(root, `t${Math.random().toString(36).slice(2)}`);
  const committer = new FileSystemTableCommitter(location, io);
  await new Transaction({ io }).createTable({ schema, location }).commit(committer);
  target = { io, committer };
});

async function rows(sql: string): Promise<unknown[][]> {
  const current = (await target.committer.load())!;
  return (await queryIcebergTables([{ name: "t", metadataLocation: current.metadataLocation }], sql, { io, session })).rows;
}

async function snapshotCount(): Promise<number> {
  return (await target.committer.load())!.metadata.snapshots.length;
}

describe("appending rows from TypeScript", () => {
  it("takes records in friendly forms and keeps every value exact", async () => {
    await appendRecords(session, target, [
      { id: 9007199254740993n, n: 7, price: "12.34", ts: "2025-01-01T10:00:00.123456Z", day: "2025-01-02", point: { x: 1.5 }, tags: ["a", "b"] },
      { id: 2, price: 0.5, ts: new Date("2025-01-01T00:00:00Z"), day: new Date("2025-03-04T00:00:00Z"), tags: [] },
    ]);
    expect(
      await rows(
        "SELECT CAST(id AS VARCHAR), n, CAST(price AS VARCHAR), strftime(ts, '%Y-%m-%d %H:%M:%S.%f'), CAST(day AS VARCHAR), point.x, tags FROM t ORDER BY id",
      ),
    ).toEqual([
      ["2", null, "0.50", "2025-01-01 00:00:00.000000", "2025-03-04", null, []],
      ["9007199254740993", 7, "12.34", "2025-01-01 10:00:00.123456", "2025-01-02", 1.5, ["a", "b"]],
    ]);
  });

  it("takes an Apache Arrow table, with microsecond timestamps and decimals exact", async () => {
    const table = new Table({
      id: vectorFromArray([1n, 2n]),
      ts: vectorFromArray([new Date("2025-01-01T00:00:00Z"), null], new TimestampMicrosecond()),
      price: makeVector({ type: new Decimal(2, 10, 128), data: new Uint32Array([1234, 0, 0, 0, 4294967295, 4294967295, 4294967295, 4294967295]) }),
      day: vectorFromArray([new Date("2025-01-02T00:00:00Z"), new Date("1969-12-31T00:00:00Z")], new DateDay()),
    });
    // a raw microsecond value Arrow's accessor would round to milliseconds
    (table.getChild("ts")!.data[0].values as BigInt64Array)[0] = 1735689600123456n;
    await appendRecords(session, target, table);
    expect(await rows("SELECT id, epoch_us(ts), CAST(price AS VARCHAR), CAST(day AS VARCHAR) FROM t ORDER BY id")).toEqual([
      [1, 1735689600123456, "12.34", "2025-01-02"],
      [2, null, "-0.01", "1969-12-31"],
    ]);
  });

  it.each([
    [{ id: null }, /row 1, column "id": null in a required column/],
    [{ id: 1, n: "abc" }, /row 1, column "n": expected an int \(32-bit integer\), got "abc"/],
    [{ id: 1, nope: 1 }, /row 1: unknown column "nope"/],
    [{ id: 1, price: "1.234" }, /row 1, column "price": 1\.234 has more than 2 digits after the point/],
    [{ id: 1, ts: "yesterday" }, /row 1, column "ts": expected a timestamp/],
    [{ id: 1, point: { x: null } }, /row 1, column "point": point\.x is required but null/],
    [{ id: 1, n: 2 ** 40 }, /row 1, column "n": expected an int/],
  ] as [Record<string, unknown>, RegExp][])("refuses %o naming the row and column, and commits nothing", async (bad, message) => {
    const before = await snapshotCount();
    await expect(appendRecords(session, target, [bad])).rejects.toThrow(message);
    // the row is counted from 1 in the order given
    await expect(appendRecords(session, target, [{ id: 10 }, bad])).rejects.toThrow(new RegExp(message.source.replace("row 1", "row 2")));
    expect(await snapshotCount()).toBe(before);
  });
});

describe("bad rows in SQL writes", () => {
  it("a null into a required column, a string into an int column and an unknown column name the column, and commit nothing", async () => {
    const before = await snapshotCount();
    await expect(appendRows(session, target, "SELECT * FROM (VALUES (1), (NULL)) AS v(id)")).rejects.toThrow(/column id is required/);
    await expect(appendRows(session, target, "SELECT 1 AS id, 'abc' AS n")).rejects.toThrow(/\bn\b[\s\S]*abc|abc[\s\S]*\bn\b/);
    await expect(appendRows(session, target, "SELECT 1 AS id, 2 AS nope")).rejects.toThrow(/nope/);
    expect(await snapshotCount()).toBe(before);
  });
});

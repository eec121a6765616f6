import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FileSystemTableCommitter } from "../../src/catalog/filesystem/FileSystemTableCommitter.js";
import { isFloeError } from "../../src/core/errors/FloeError.js";
import { deleteRows } from "../../src/engine/dml/deleteRows.js";
import { mergeRows } from "../../src/engine/dml/mergeRows.js";
import type { RowLevelMode } from "../../src/engine/dml/rowLevelMode.js";
import type { TableTarget } from "../../src/engine/dml/TableTarget.js";
import { updateRows } from "../../src/engine/dml/updateRows.js";
import { appendRows, overwritePartitions, overwriteRows, upsertRows } from "../../src/engine/dml/writeRows.js";
import { DuckDBSession } from "../../src/engine/duckdb/DuckDBSession.js";
import { queryIcebergTables } from "../../src/engine/scan/queryIcebergTables.js";
import { LocalFileIO } from "../../src/io/LocalFileIO.js";
import { planScan } from "../../src/table/scan/TableScan.js";
import { PartitionSpec } from "../../src/table/spec/partitionSpec.js";
import { Schema } from "../../src/table/spec/schema.js";
import { Transaction } from "../../src/table/transaction/Transaction.js";

const io = new LocalFileIO();
let session: DuckDBSession;
let root: string;
let location: string;
let target: TableTarget;

const schema = new Schema([
  { id: 1, name: "id", required: true, type: { type: "long" } },
  { id: 2, name: "name", required: false, type: { type: "string" } },
  { id: 3, name: "day", required: false, type: { type: "date" } },
  { id: 4, name: "amount", required: false, type: { type: "double" } },
]);
const spec = new PartitionSpec(0, [{ sourceId: 3, fieldId: 1000, name: "day", transform: "identity" }]);
/** 100 rows over 4 days: id 0..99, day = 2025-01-01 + id % 4. */
const ROWS = `SELECT range AS id, 'n' || range AS name, DATE '2025-01-01' + CAST(range % 4 AS INTEGER) AS day, range * 1.5 AS amount FROM range(100)`;

beforeAll(async () => {
  session = await DuckDBSession.open({ threads: 2 });
  root = fs.mkdtempSync(path.join(os.tmpdir(), "floe-row-level-"));
});

afterAll(() => {
  session?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

beforeEach(async () => {
  location = path.join(root, `t${Math.random().toString(36).slice(2)}`);
  const committer = new FileSystemTableCommitter(location, io);
  await new Transaction({ io }).createTable({ schema, spec, location, properties: { "commit.retry.min-wait-ms": "1" } }).commit(committer);
  target = { io, committer };
  await appendRows(session, target, ROWS);
});

async function rows(sql = "SELECT * FROM t ORDER BY id", snapshotId?: bigint): Promise<unknown[][]> {
  const current = (await target.committer.load())!;
  return (await queryIcebergTables([{ name: "t", metadataLocation: current.metadataLocation, snapshotId }], sql, { io, session })).rows;
}

async function ids(where = "true"): Promise<number[]> {
  return (await rows(`SELECT id FROM t WHERE ${where} ORDER BY id`)).map((r) => Number(r[0]));
}

async function liveFiles(): Promise<{ data: number; deletes: number }> {
  const current = (await target.committer.load())!;
  const plan = await planScan(current.metadata, io);
  return { data: plan.tasks.length, deletes: new Set(plan.tasks.flatMap((t) => t.deletes.map((d) => d.filePath))).size };
}

const range = (from: number, to: number, step = 1) => Array.from({ length: Math.ceil((to - from) / step) }, (_, i) => from + i * step);

describe.each<RowLevelMode>(["copy-on-write", "merge-on-read"])("row-level changes, %s", (mode) => {
  it("DELETE removes exactly the rows the condition is true for", async () => {
    const before = (await target.committer.load())!.metadata.currentSnapshotId!;
    const result = await deleteRows(session, target, { where: "id % 10 = 0 OR name IS NULL", mode });
    expect(result.deletedRows).toBe(10n);
    expect(await ids()).toEqual(range(0, 100).filter((i) => i % 10 !== 0));
    const files = await liveFiles();
    if (mode === "copy-on-write") expect(files).toEqual({ data: 4, deletes: 0 });
    else expect(files).toEqual({ data: 4, deletes: 2 }); // ids divisible by 10 are on days 0 and 2
    // time travel still sees every row
    expect((await rows("SELECT count(*) FROM t", before))[0][0]).toBe(100);
    const summary = result.table.metadata.currentSnapshot()!.summary;
    expect(summary["total-records"]).toBe(mode === "copy-on-write" ? "90" : "100");
    if (mode === "merge-on-read") expect(summary).toMatchObject({ operation: "delete", "added-position-deletes": "10" });
  });

  it("DELETE of a whole partition drops its file without rewriting anything", async () => {
    const result = await deleteRows(session, target, { where: "day = DATE '2025-01-02'", mode });
    expect(result).toMatchObject({ deletedRows: 25n, addedDataFiles: 0, removedDataFiles: 1, addedDeleteFiles: 0 });
    expect(await ids("day = DATE '2025-01-02'")).toEqual([]);
    expect(await liveFiles()).toEqual({ data: 3, deletes: 0 });
  });

  it("DELETE matching nothing commits nothing", async () => {
    const before = (await target.committer.load())!.metadataLocation;
    const result = await deleteRows(session, target, { where: "id > 1000", mode });
    expect(result.snapshotId).toBeUndefined();
    expect((await target.committer.load())!.metadataLocation).toBe(before);
  });

  it("UPDATE replaces matching rows with their new values, computed from the old ones", async () => {
    const result = await updateRows(session, target, { set: [{ column: "amount", expr: "amount * 2" }, { column: "name", expr: "upper(name)" }], where: "id < 5", mode });
    expect(result.updatedRows).toBe(5n);
    expect(await rows("SELECT id, name, amount FROM t WHERE id < 7 ORDER BY id")).toEqual([
      [0, "N0", 0],
      [1, "N1", 3],
      [2, "N2", 6],
      [3, "N3", 9],
      [4, "N4", 12],
      [5, "n5", 7.5],
      [6, "n6", 9],
    ]);
    expect((await rows("SELECT count(*) FROM t"))[0][0]).toBe(100);
  });

  it("UPDATE of a partition column moves rows to their new partition", async () => {
    await updateRows(session, target, { set: [{ column: "day", expr: "DATE '2025-02-01'" }], where: "id IN (1, 2)", mode });
    expect(await ids("day = DATE '2025-02-01'")).toEqual([1, 2]);
    expect((await rows("SELECT count(*) FROM t"))[0][0]).toBe(100);
  });

  it("UPDATE of an unknown column names it and commits nothing", async () => {
    const before = (await target.committer.load())!.metadataLocation;
    await expect(updateRows(session, target, { set: [{ column: "nope", expr: "1" }], mode })).rejects.toThrow(/cannot update column "nope"/);
    expect((await target.committer.load())!.metadataLocation).toBe(before);
  });

  it("MERGE updates, deletes and inserts by the first clause that applies", async () => {
    await session.run(
      `CREATE OR REPLACE TEMP TABLE changes AS SELECT * FROM (VALUES (1, 'one', 'update'), (2, 'two', 'delete'), (500, 'new', 'insert'), (501, 'skip', 'ignore')) AS v(id, label, op)`,
    );
    const result = await mergeRows(session, target, {
      source: "changes",
      sourceAlias: "s",
      targetAlias: "t",
      on: "t.id = s.id",
      clauses: [
        { when: "matched", condition: "s.op = 'delete'", then: "delete" },
        { when: "matched", then: "update", set: [{ column: "name", expr: "s.label" }] },
        { when: "not-matched", condition: "s.op = 'insert'", then: "insert", columns: ["id", "name", "day"], values: ["s.id", "s.label", "DATE '2025-01-01'"] },
        { when: "not-matched-by-source", condition: "t.id >= 98", then: "delete" },
      ],
      mode,
    });
    expect(result).toMatchObject({ updatedRows: 1n, insertedRows: 1n, deletedRows: 3n });
    expect(await rows("SELECT id, name, amount FROM t WHERE id IN (1, 2, 97, 98, 99, 500, 501) ORDER BY id")).toEqual([
      [1, "one", 1.5],
      [97, "n97", 145.5],
      [500, "new", null],
    ]);
    expect((await rows("SELECT count(*) FROM t"))[0][0]).toBe(98);
  });

  it("MERGE refuses a target row matched by two source rows, and commits nothing", async () => {
    const before = (await target.committer.load())!.metadataLocation;
    await session.run(`CREATE OR REPLACE TEMP TABLE dupes AS SELECT * FROM (VALUES (3, 'a'), (3, 'b')) AS v(id, label)`);
    await expect(
      mergeRows(session, target, {
        source: "dupes",
        sourceAlias: "s",
        targetAlias: "t",
        on: "t.id = s.id",
        clauses: [{ when: "matched", then: "update", set: [{ column: "name", expr: "s.label" }] }],
        mode,
      }),
    ).rejects.toThrow(/matched by more than one source row/);
    expect((await target.committer.load())!.metadataLocation).toBe(before);
  });

  it("a change computed from an old snapshot fails when a concurrent commit added rows it may match", async () => {
    const stale = (await target.committer.load())!;
    await appendRows(session, target, `SELECT 1000 AS id, 'late' AS name, DATE '2025-01-01' AS day, 0.0 AS amount`);
    const current = (await target.committer.load())!.metadataLocation;
    const error = await deleteRows(session, { ...target, base: stale }, { where: "day = DATE '2025-01-01' AND id > 50", mode }).catch((e: unknown) => e);
    expect(isFloeError(error) && error.kind === "commit-conflict").toBe(true);
    expect((error as Error).message).toMatch(/added data file .* that may hold rows matching \(day = /);
    expect((await target.committer.load())!.metadataLocation).toBe(current);
    expect(await ids("id = 1000")).toEqual([1000]);
  });
});

describe("writes", () => {
  it("INSERT OVERWRITE replaces the partitions the rows fall in and keeps the rest", async () => {
    const result = await overwritePartitions(session, target, `SELECT 7 AS id, 'x' AS name, DATE '2025-01-01' AS day, 1.0 AS amount`);
    expect(result).toMatchObject({ insertedRows: 1n, deletedRows: 25n, removedDataFiles: 1 });
    expect(await ids("day = DATE '2025-01-01'")).toEqual([7]);
    expect((await rows("SELECT count(*) FROM t"))[0][0]).toBe(76);
  });

  it("overwrite by filter replaces the matching rows in one snapshot", async () => {
    const before = (await target.committer.load())!.metadata.snapshots.length;
    await overwriteRows(session, target, `SELECT 1 AS id, 'only' AS name, DATE '2025-01-02' AS day, 0.0 AS amount`, "id < 10");
    expect(await ids("id < 10")).toEqual([1]);
    expect((await rows("SELECT count(*) FROM t"))[0][0]).toBe(91);
    expect((await target.committer.load())!.metadata.snapshots.length).toBe(before + 1);
  });

  it("upsert by key writes equality deletes and replaces rows without reading the table", async () => {
    const result = await upsertRows(
      session,
      target,
      `SELECT * FROM (VALUES (4, 'four', DATE '2025-01-01', 0.5), (1000, 'thousand', DATE '2025-01-01', 1.0)) AS v(id, name, day, amount)`,
      ["id", "day"],
    );
    expect(result).toMatchObject({ insertedRows: 2n, addedDeleteFiles: 1 });
    expect(await rows("SELECT id, name FROM t WHERE id IN (4, 1000) ORDER BY id")).toEqual([
      [4, "four"],
      [1000, "thousand"],
    ]);
    expect((await rows("SELECT count(*) FROM t"))[0][0]).toBe(101);
    expect(result.table.metadata.currentSnapshot()!.summary).toMatchObject({ "added-equality-deletes": "2" });
  });

  it("upsert refuses a key without the partition column", async () => {
    await expect(upsertRows(session, target, `SELECT 1 AS id`, ["id"])).rejects.toThrow(/must include the partition source column "day"/);
  });
});

describe("format v3 merge-on-read", () => {
  beforeEach(async () => {
    location = path.join(root, `v3-${Math.random().toString(36).slice(2)}`);
    const committer = new FileSystemTableCommitter(location, io);
    await new Transaction({ io }).createTable({ schema, spec, location, formatVersion: 3, properties: { "write.delete.mode": "merge-on-read" } }).commit(committer);
    target = { io, committer };
    await appendRows(session, target, ROWS);
  });

  it("deletes with deletion vectors, one per data file, merged with the earlier one it replaces", async () => {
    await deleteRows(session, target, { where: "id IN (0, 4)" });
    const first = await liveFiles();
    expect(first).toEqual({ data: 4, deletes: 1 });
    await deleteRows(session, target, { where: "id IN (8, 12, 1)" });
    const current = (await target.committer.load())!;
    const plan = await planScan(current.metadata, io);
    const vectors = plan.tasks.flatMap((t) => t.deletes);
    expect(vectors.every((d) => d.fileFormat === "puffin" && d.referencedDataFile !== undefined)).toBe(true);
    // the day-0 file has one vector with all four of its deleted rows; the day-1 file one with its row
    expect(vectors.map((d) => Number(d.recordCount)).sort()).toEqual([1, 4]);
    expect(await ids("id IN (0, 1, 4, 8, 12, 16)")).toEqual([16]);
    expect(current.metadata.currentSnapshot()!.summary).toMatchObject({ "added-dvs": "2", "removed-dvs": "1", "total-position-deletes": "5" });
  });
});

describe("sorted tables", () => {
  it("writes rows in the table's sort order, with the order id on each file", async () => {
    const current = (await target.committer.load())!;
    await new Transaction({ io, base: current }).replaceSortOrder((o) => o.desc("id")).commit(target.committer);
    await appendRows(session, target, "SELECT range AS id, 'x' AS name, DATE '2025-01-09' AS day, 0.0 AS amount FROM range(1000, 1010)");
    const table = (await target.committer.load())!;
    const files = (await planScan(table.metadata, io)).tasks.map((t) => t.dataFile).filter((f) => f.sortOrderId !== undefined && f.sortOrderId > 0);
    expect(files).toHaveLength(1);
    const local = await io.localPath(files[0].filePath);
    const order = await session.query(`SELECT id FROM read_parquet('${local}')`);
    expect(order.rows.map((r) => Number(r[0]))).toEqual([1009, 1008, 1007, 1006, 1005, 1004, 1003, 1002, 1001, 1000]);
  });
});

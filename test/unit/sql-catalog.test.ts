import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isSafeNumber, parse } from "lossless-json";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runFloe } from "../support/runFloe.js";

let dir: string;
let flags: string[];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-sql-catalog-"));
  flags = ["--warehouse", path.join(dir, "warehouse"), "--catalog", `sqlite:${path.join(dir, "catalog.db")}`];
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `floe sql` on the test catalog; returns the last statement's rows as objects. */
async function sql(text: string): Promise<Record<string, unknown>[]> {
  const { code, stdout, stderr } = await runFloe(["sql", ...flags, "--format", "json", text]);
  if (code !== 0) throw new Error(`floe sql failed (${code}): ${stderr}`);
  return JSON.parse(stdout) as Record<string, unknown>[];
}

async function fails(text: string): Promise<string> {
  const { code, stderr } = await runFloe(["sql", ...flags, text]);
  expect(code).toBe(1);
  return stderr;
}

async function snapshots(table: string): Promise<Record<string, unknown>[]> {
  const { stdout } = await runFloe(["table", "snapshots", table, ...flags, "--format", "json"]);
  // snapshot ids are beyond 2^53
  return parse(stdout, null, (text) => (isSafeNumber(text) ? Number(text) : BigInt(text))) as Record<string, unknown>[];
}

describe("floe sql on the catalog", () => {
  it("creates namespaces and partitioned tables with properties", async () => {
    await sql(`CREATE SCHEMA shop;
      CREATE TABLE shop.orders (id BIGINT NOT NULL, customer VARCHAR, amount DECIMAL(10,2), ts TIMESTAMPTZ, tags VARCHAR[])
        PARTITIONED BY (day(ts), bucket(4, id), truncate(2, customer))
        TBLPROPERTIES ('write.delete.mode' = 'merge-on-read', 'owner' = 'shop-team')`);
    const { stdout } = await runFloe(["table", "describe", "shop.orders", ...flags, "--format", "json"]);
    const described = JSON.stringify(JSON.parse(stdout));
    expect(described).toMatch(/ts_day/);
    expect(described).toMatch(/id_bucket_4/);
    expect(described).toMatch(/customer_trunc_2/);
    expect(described).toMatch(/shop-team/);
    expect(await fails("CREATE TABLE shop.orders (id BIGINT)")).toMatch(/shop\.orders already exists/);
    expect(await sql("CREATE TABLE IF NOT EXISTS shop.orders (id BIGINT)")).toEqual([{ result: "CREATE TABLE shop.orders (exists)" }]);
  });

  it("inserts by position and by column list, and reads back with types intact", async () => {
    await sql(`INSERT INTO shop.orders VALUES
      (1, 'ann', 10.50, TIMESTAMPTZ '2025-01-01 10:00:00+00', ['a']),
      (2, 'bob', 20.00, TIMESTAMPTZ '2025-01-02 11:00:00+00', []),
      (9007199254740993, 'cy', 5.25, TIMESTAMPTZ '2025-01-02 12:00:00+00', NULL)`);
    await sql("INSERT INTO shop.orders (id, customer) SELECT 4, 'dee'");
    const rows = await sql("SELECT id, customer, amount FROM shop.orders ORDER BY id");
    expect(rows.map((r) => r.customer)).toEqual(["ann", "bob", "dee", "cy"]);
    expect(await sql("SELECT CAST(max(id) AS VARCHAR) AS id FROM shop.orders")).toEqual([{ id: "9007199254740993" }]);
    expect(await fails("INSERT INTO shop.orders (id, nope) VALUES (1, 2)")).toMatch(/no column "nope"/);
    expect(await fails("INSERT INTO shop.orders VALUES (1, 'x')")).toMatch(/gives 2 columns but 5 are in the table/);
    expect(await fails("INSERT INTO shop.orders (id) VALUES (NULL)")).toMatch(/id/);
  });

  it("deletes, updates and merges, each in one snapshot", async () => {
    const before = (await snapshots("shop.orders")).length;
    expect(await sql("DELETE FROM shop.orders WHERE customer = 'dee'")).toMatchObject([{ deleted_rows: 1 }]);
    expect(await sql("UPDATE shop.orders SET amount = amount * 2 WHERE id = 1")).toMatchObject([{ updated_rows: 1 }]);
    await sql(`MERGE INTO shop.orders AS t
      USING (SELECT 2 AS id, 'bobby' AS customer UNION ALL SELECT 7, 'gil') AS s ON t.id = s.id
      WHEN MATCHED THEN UPDATE SET customer = s.customer
      WHEN NOT MATCHED THEN INSERT (id, customer) VALUES (s.id, s.customer)`);
    expect(await sql("SELECT CAST(id AS VARCHAR) AS id, customer, CAST(amount AS VARCHAR) AS amount FROM shop.orders ORDER BY orders.id")).toEqual([
      { id: "1", customer: "ann", amount: "21.00" },
      { id: "2", customer: "bobby", amount: "20.00" },
      { id: "7", customer: "gil", amount: null },
      { id: "9007199254740993", customer: "cy", amount: "5.25" },
    ]);
    expect((await snapshots("shop.orders")).length).toBe(before + 3);
  });

  it("travels in time by snapshot id, tag and timestamp", async () => {
    const history = await snapshots("shop.orders");
    const first = String(history[0].snapshot_id);
    expect(await sql(`SELECT count(*) AS n FROM shop.orders FOR SYSTEM_VERSION AS OF ${first}`)).toEqual([{ n: 3 }]);
    await sql(`ALTER TABLE shop.orders CREATE TAG launch AS OF VERSION ${first}`);
    expect(await sql(`SELECT count(*) AS n FROM shop.orders FOR SYSTEM_VERSION AS OF 'launch'`)).toEqual([{ n: 3 }]);
    expect(await sql(`SELECT count(*) AS n FROM shop.orders FOR SYSTEM_TIME AS OF '2100-01-01 00:00:00'`)).toEqual([{ n: 4 }]);
    expect(await fails(`SELECT count(*) FROM shop.orders FOR SYSTEM_TIME AS OF '2000-01-01 00:00:00'`)).toMatch(/no snapshot at or before 2000-01-01T00:00:00/);
  });

  it("evolves the schema and the partitioning without rewriting data", async () => {
    await sql(`ALTER TABLE shop.orders ADD COLUMN note VARCHAR;
      ALTER TABLE shop.orders RENAME COLUMN customer TO buyer;
      ALTER TABLE shop.orders REPLACE PARTITION FIELD ts_day WITH hour(ts);
      ALTER TABLE shop.orders SET TBLPROPERTIES ('team' = 'orders');
      ALTER TABLE shop.orders UNSET TBLPROPERTIES ('owner')`);
    await sql("INSERT INTO shop.orders (id, buyer, ts, note) VALUES (8, 'hal', TIMESTAMPTZ '2025-01-05 08:30:00+00', 'new spec')");
    const rows = await sql("SELECT id, buyer, note FROM shop.orders WHERE id IN (1, 8) ORDER BY id");
    expect(rows).toEqual([
      { id: 1, buyer: "ann", note: null },
      { id: 8, buyer: "hal", note: "new spec" },
    ]);
    expect(await fails("ALTER TABLE shop.orders ALTER COLUMN id TYPE INT")).toMatch(/id/);
    expect(await fails("ALTER TABLE shop.orders DROP COLUMN nope")).toMatch(/no column nope/);
  });

  it("overwrites partitions, rolls back and compacts (only the partition with two files)", async () => {
    await sql("CREATE TABLE shop.daily (day DATE, n BIGINT) PARTITIONED BY (day)");
    await sql("INSERT INTO shop.daily VALUES (DATE '2025-01-01', 1), (DATE '2025-01-02', 2)");
    await sql("INSERT INTO shop.daily VALUES (DATE '2025-01-01', 10)");
    await sql("INSERT OVERWRITE shop.daily SELECT DATE '2025-01-01' AS day, 100 AS n");
    expect(await sql("SELECT day, n FROM shop.daily ORDER BY day")).toEqual([
      { day: "2025-01-01", n: 100 },
      { day: "2025-01-02", n: 2 },
    ]);
    const history = await snapshots("shop.daily");
    await sql(`CALL system.rollback_to_snapshot('shop.daily', ${String(history[1].snapshot_id)})`);
    expect(await sql("SELECT sum(n) AS total FROM shop.daily")).toEqual([{ total: 13 }]);
    expect(await sql("CALL system.rewrite_data_files(table => 'shop.daily')")).toMatchObject([{ rewritten_data_files_count: 2, added_data_files_count: 1 }]);
    expect(await sql("SELECT sum(n) AS total FROM shop.daily")).toEqual([{ total: 13 }]);
  });

  it("creates tables from queries and drops them", async () => {
    expect(await sql("CREATE TABLE shop.buyers AS SELECT buyer, count(*) AS orders FROM shop.orders GROUP BY buyer")).toEqual([
      { result: "CREATE TABLE shop.buyers AS 5 rows" },
    ]);
    expect(await sql("SELECT count(*) AS n FROM shop.buyers")).toEqual([{ n: 5 }]);
    await sql("DROP TABLE shop.buyers PURGE");
    expect(await fails("SELECT * FROM shop.buyers")).toMatch(/shop\.buyers/);
  });

  it("names the bad input: syntax, unknown tables, unknown columns", async () => {
    expect(await fails("CREATE TABLE shop.x (id BIGNT)")).toMatch(/BIGNT/);
    expect(await fails("DELETE FROM shop.nope WHERE true")).toMatch(/shop\.nope does not exist/);
    expect(await fails("UPDATE shop.orders SET nope = 1")).toMatch(/"nope"/);
    expect(await fails("SELECT missing_column FROM shop.orders")).toMatch(/missing_column[\s\S]*FROM shop\.orders/);
  });
});

import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCatalogContract } from "../../src/catalog/CatalogContract.js";
import { openCatalog } from "../../src/catalog/openCatalog.js";
import { PostgresDialect } from "../../src/catalog/sql/PostgresDialect.js";
import { SqlCatalog } from "../../src/catalog/sql/SqlCatalog.js";
import { isFloeError } from "../../src/core/errors/FloeError.js";
import { MemoryFileIO } from "../../src/io/MemoryFileIO.js";
import { Schema } from "../../src/table/spec/schema.js";
import { Transaction } from "../../src/table/transaction/Transaction.js";
import { stackEnv } from "../../scripts/stack/env.mjs";

// The SQL catalog on the stack's PostgreSQL. Each run works in a database of its own (dropped at
// the end), and each contract case in a catalog name of its own, so runs and cases never meet.

const { FLOE_TEST_POSTGRES_URL } = stackEnv();
const database = `floe_catalog_${process.pid}_${Date.now()}`;
const url = withDatabase(FLOE_TEST_POSTGRES_URL, database);
let root: string;
let counter = 0;

beforeAll(async () => {
  await admin(`CREATE DATABASE ${database}`);
  root = await fs.mkdtemp(path.join(os.tmpdir(), "floe-pg-catalog-"));
});

afterAll(async () => {
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  if (root) await fs.rm(root, { recursive: true, force: true });
});

runCatalogContract("stack: SqlCatalog contract on PostgreSQL", {
  async newCatalog() {
    const warehouse = path.join(root, `case-${++counter}`);
    const catalog = await SqlCatalog.open({ dialect: new PostgresDialect(url), warehouse, name: `case_${counter}` });
    return { catalog, warehouse };
  },
});

const schema = new Schema([
  { id: 1, name: "id", required: true, type: { type: "long" } },
  { id: 2, name: "name", required: false, type: { type: "string" } },
]);

describe("stack: SqlCatalog on PostgreSQL", () => {
  it("openCatalog takes postgresql:// and postgres:// URIs and creates the JDBC catalog's tables", async () => {
    const io = new MemoryFileIO();
    const catalog = await openCatalog(url.replace(/^postgres:/, "postgresql:"), { warehouse: "memory://wh", io, name: "opened" });
    await catalog.createNamespace(["ns"]);
    await catalog.createTable({ namespace: ["ns"], name: "t" }, { schema });
    await catalog.close();
    const again = await openCatalog(url.replace(/^postgresql:/, "postgres:"), { warehouse: "memory://wh", io, name: "opened" });
    expect(await again.listTables(["ns"])).toEqual([{ namespace: ["ns"], name: "t" }]);
    await again.close();

    const columns = await sql(
      `SELECT table_name, column_name, data_type, character_maximum_length AS length, is_nullable
       FROM information_schema.columns WHERE table_schema = current_schema() AND table_name LIKE 'iceberg%' ORDER BY table_name, ordinal_position`,
    );
    expect(columns.map((c) => `${c.table_name}.${c.column_name} ${c.data_type}(${c.length}) ${c.is_nullable === "NO" ? "NOT NULL" : "NULL"}`)).toEqual([
      "iceberg_namespace_properties.catalog_name character varying(255) NOT NULL",
      "iceberg_namespace_properties.namespace character varying(255) NOT NULL",
      "iceberg_namespace_properties.property_key character varying(255) NOT NULL",
      "iceberg_namespace_properties.property_value character varying(1000) NULL",
      "iceberg_tables.catalog_name character varying(255) NOT NULL",
      "iceberg_tables.table_namespace character varying(255) NOT NULL",
      "iceberg_tables.table_name character varying(255) NOT NULL",
      "iceberg_tables.metadata_location character varying(1000) NULL",
      "iceberg_tables.previous_metadata_location character varying(1000) NULL",
      "iceberg_tables.iceberg_type character varying(5) NULL",
    ]);
    expect(await sql("SELECT table_namespace, table_name, iceberg_type FROM iceberg_tables WHERE catalog_name = 'opened'")).toEqual([
      { table_namespace: "ns", table_name: "t", iceberg_type: "TABLE" },
    ]);
  });

  it("appends from several catalog instances (separate pools) at once all land, through retries", async () => {
    const io = new MemoryFileIO();
    const open = () => SqlCatalog.open({ dialect: new PostgresDialect(url), warehouse: "memory://wh", io, name: "concurrent" });
    const catalogs = await Promise.all([open(), open(), open()]);
    try {
      await catalogs[0].createNamespace(["ns"]);
      const id = { namespace: ["ns"], name: "events" };
      const table = await catalogs[0].createTable(id, { schema });
      // each lost race is another writer's win, so five writers need at most the four retries a transaction makes
      const writers = 5;
      await Promise.all(
        Array.from({ length: writers }, async (_, i) => {
          const filePath = `${table.metadata.location}/data/writer-${i}.parquet`;
          await io.write(filePath, new TextEncoder().encode(`stand-in ${i}`));
          const file = { content: 0 as const, filePath, fileFormat: "parquet", specId: 0, partition: {}, recordCount: 1n, fileSizeInBytes: 10n };
          const transaction = new Transaction({ io, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20))) });
          await transaction.fastAppend([file]).commit(catalogs[i % catalogs.length].tableCommitter(id));
        }),
      );
      const loaded = await catalogs[1].loadTable(id);
      expect(loaded.metadata.snapshots).toHaveLength(writers);
      expect(loaded.metadata.currentSnapshot()?.summary["total-data-files"]).toBe(String(writers));
    } finally {
      await Promise.all(catalogs.map((c) => c.close()));
    }
  });

  it("two multi-table commits over the same tables in opposite orders: one wins, no deadlock, no half commit", async () => {
    const io = new MemoryFileIO();
    const [a, b] = await Promise.all(
      [0, 1].map(() => SqlCatalog.open({ dialect: new PostgresDialect(url), warehouse: "memory://wh", io, name: "multi" })),
    );
    try {
      await a.createNamespace(["ns"]);
      const t1 = await a.createTable({ namespace: ["ns"], name: "t1" }, { schema });
      const t2 = await a.createTable({ namespace: ["ns"], name: "t2" }, { schema });
      const commitOf = async (table: typeof t1, writer: string) => {
        const prepared = await new Transaction({ io }).setProperties({ writer }).prepare(table);
        return { identifier: table.identifier, base: prepared.base, requirements: prepared.requirements, updates: prepared.updates, metadata: prepared.metadata! };
      };
      const results = await Promise.allSettled([
        a.commitTransaction([await commitOf(t1, "a"), await commitOf(t2, "a")]),
        b.commitTransaction([await commitOf(t2, "b"), await commitOf(t1, "b")]),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const failure = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(isFloeError(failure.reason, "commit-conflict"), String(failure.reason)).toBe(true);
      const writers = [(await a.loadTable(t1.identifier)).metadata.properties.writer, (await a.loadTable(t2.identifier)).metadata.properties.writer];
      expect(writers[0]).toBe(writers[1]);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

function withDatabase(connectionString: string, name: string): string {
  const parsed = new URL(connectionString);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: FLOE_TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function sql(statement: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(statement)).rows;
  } finally {
    await client.end();
  }
}

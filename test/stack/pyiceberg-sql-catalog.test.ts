import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Catalog, TableIdentifier } from "../../src/catalog/Catalog.js";
import { openCatalog } from "../../src/catalog/openCatalog.js";
import { DuckDBSession } from "../../src/engine/duckdb/DuckDBSession.js";
import { queryIcebergTables } from "../../src/engine/scan/queryIcebergTables.js";
import { writeDataFiles } from "../../src/engine/write/DataFileWriter.js";
import { Schema } from "../../src/table/spec/schema.js";
import { Transaction } from "../../src/table/transaction/Transaction.js";
import { stackEnv } from "../../scripts/stack/env.mjs";

// PyIceberg's SqlCatalog and floe's SQL catalog share one database, on SQLite and on PostgreSQL:
// each lists and reads the tables the other created and appended to, and commits on top of the
// other's commits.

const { FLOE_TEST_PYTHON, FLOE_TEST_POSTGRES_URL } = stackEnv();
const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "python", "sql_catalog.py");

interface Row {
  id: string;
  name: string | null;
  amount: number | null;
}

interface PyIcebergReport {
  schema_version: string | null;
  namespaces: string[][];
  namespace_properties: Record<string, string>;
  tables: string[][];
  floe_metadata_location: string;
  floe_rows: Row[];
  floe_snapshots: number;
  floe_field_ids: number[];
  appended_metadata_location: string;
  py_metadata_location: string;
  py_rows: Row[];
  py_snapshots: number;
}

const schema = new Schema([
  { id: 1, name: "id", required: true, type: { type: "long" } },
  { id: 2, name: "name", required: false, type: { type: "string" } },
  { id: 3, name: "amount", required: false, type: { type: "double" } },
]);

const FLOE_BATCHES: Row[][] = [
  [
    { id: "1", name: "one", amount: 1.5 },
    { id: "2", name: null, amount: null },
  ],
  [{ id: "9007199254740993", name: "big", amount: -2.25 }],
];
const PYICEBERG_APPEND: Row[] = [{ id: "3", name: "from pyiceberg", amount: 3.0 }];
const PYICEBERG_BATCHES: Row[][] = [
  [
    { id: "10", name: "ten", amount: 10.5 },
    { id: "-9007199254740993", name: "small", amount: null },
  ],
  [{ id: "11", name: null, amount: 0.25 }],
];
const FLOE_TABLE: TableIdentifier = { namespace: ["floe_ns"], name: "events" };
const PY_TABLE: TableIdentifier = { namespace: ["py_ns"], name: "readings" };

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-pyiceberg-sql-catalog-"));
const database = `floe_pyiceberg_${process.pid}_${Date.now()}`;
let session: DuckDBSession;

beforeAll(async () => {
  session = await DuckDBSession.open();
});

afterAll(async () => {
  session?.close();
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  fs.rmSync(workDir, { recursive: true, force: true });
});

interface Backend {
  label: string;
  /** floe's catalog URI, PyIceberg's SQLAlchemy URI and the warehouse both use. */
  prepare(): Promise<{ floeUri: string; pyicebergUri: string; warehouse: string }>;
}

const backends: Backend[] = [
  {
    label: "SQLite",
    async prepare() {
      const file = path.join(workDir, "sqlite", "catalog.db");
      // a plain local path as warehouse
      return { floeUri: `sqlite:${file}`, pyicebergUri: `sqlite:///${file}`, warehouse: path.join(workDir, "sqlite", "warehouse") };
    },
  },
  {
    label: "PostgreSQL",
    async prepare() {
      await admin(`CREATE DATABASE ${database}`);
      const url = new URL(FLOE_TEST_POSTGRES_URL);
      url.pathname = `/${database}`;
      const floeUri = url.toString();
      // a file:// URI as warehouse
      return {
        floeUri,
        pyicebergUri: floeUri.replace(/^postgres(ql)?:/, "postgresql+psycopg2:"),
        warehouse: pathToFileURL(path.join(workDir, "postgres", "warehouse")).href,
      };
    },
  },
];

for (const backend of backends) {
  describe(`stack: PyIceberg and floe share a SQL catalog on ${backend.label}`, () => {
    let catalog: Catalog;
    let report: PyIcebergReport;
    const floeCommits: string[] = [];

    beforeAll(async () => {
      const { floeUri, pyicebergUri, warehouse } = await backend.prepare();
      catalog = await openCatalog(floeUri, { warehouse });
      await catalog.createNamespace(FLOE_TABLE.namespace, { owner: "floe" });
      const created = await catalog.createTable(FLOE_TABLE, { schema });
      floeCommits.push(created.metadataLocation);
      for (const batch of FLOE_BATCHES) floeCommits.push(await appendWithFloe(catalog, FLOE_TABLE, batch));
      report = await runPyIceberg({
        uri: pyicebergUri,
        name: "floe",
        warehouse,
        floe_table: [FLOE_TABLE.namespace.join("."), FLOE_TABLE.name],
        append_to_floe: PYICEBERG_APPEND,
        py_table: [PY_TABLE.namespace.join("."), PY_TABLE.name],
        py_batches: PYICEBERG_BATCHES,
      });
    });

    afterAll(async () => {
      await catalog?.close();
    });

    it("PyIceberg opens floe's database as a V1 catalog and lists floe's namespace and table", () => {
      expect(report.schema_version).toBe("v1");
      expect(report.namespaces).toEqual([["floe_ns"]]);
      expect(report.namespace_properties).toMatchObject({ owner: "floe" });
      expect(report.tables).toEqual([["floe_ns", "events"]]);
    });

    it("PyIceberg reads the table floe created and appended to", () => {
      expect(report.floe_metadata_location).toBe(floeCommits.at(-1));
      expect(report.floe_snapshots).toBe(FLOE_BATCHES.length);
      expect(report.floe_field_ids).toEqual([1, 2, 3]);
      expect(report.floe_rows).toEqual(sortRows(FLOE_BATCHES.flat()));
    });

    it("floe sees PyIceberg's append to floe's table, and commits the next version on top of it", async () => {
      const loaded = await catalog.loadTable(FLOE_TABLE);
      expect(loaded.metadataLocation).toBe(report.appended_metadata_location);
      expect(loaded.metadataLocation).toMatch(/\/metadata\/00003-[0-9a-f-]{36}\.metadata\.json$/);
      expect(loaded.metadata.snapshots).toHaveLength(FLOE_BATCHES.length + 1);
      expect(await readWithFloe(catalog, FLOE_TABLE)).toEqual(sortRows([...FLOE_BATCHES.flat(), ...PYICEBERG_APPEND]));

      const next = await appendWithFloe(catalog, FLOE_TABLE, [{ id: "4", name: "floe again", amount: 4.5 }]);
      expect(next).toMatch(/\/metadata\/00004-[0-9a-f-]{36}\.metadata\.json$/);
      expect(await readWithFloe(catalog, FLOE_TABLE)).toHaveLength(FLOE_BATCHES.flat().length + PYICEBERG_APPEND.length + 1);
    });

    it("floe lists, loads and reads the table PyIceberg created and appended to", async () => {
      expect(await catalog.listNamespaces()).toEqual([["floe_ns"], ["py_ns"]]);
      expect(await catalog.loadNamespaceProperties(PY_TABLE.namespace)).toEqual({ owner: "pyiceberg" });
      expect(await catalog.listTables(PY_TABLE.namespace)).toEqual([PY_TABLE]);
      const loaded = await catalog.loadTable(PY_TABLE);
      expect(loaded.metadataLocation).toBe(report.py_metadata_location);
      expect(loaded.metadata.snapshots).toHaveLength(report.py_snapshots);
      expect(report.py_rows).toEqual(sortRows(PYICEBERG_BATCHES.flat()));
      expect(await readWithFloe(catalog, PY_TABLE)).toEqual(report.py_rows);
    });
  });
}

/** Writes `rows` as Parquet data files of the table and appends them through the catalog; the new metadata location. */
async function appendWithFloe(catalog: Catalog, identifier: TableIdentifier, rows: Row[]): Promise<string> {
  const table = await catalog.loadTable(identifier);
  const values = rows
    .map((r) => `(${r.id}::BIGINT, ${r.name === null ? "NULL" : `'${r.name.replaceAll("'", "''")}'`}, ${r.amount === null ? "NULL" : `${r.amount}::DOUBLE`})`)
    .join(", ");
  const m = table.metadata;
  const files = await writeDataFiles(session, {
    sql: `SELECT * FROM (VALUES ${values}) AS v(id, name, amount)`,
    schema: m.currentSchema(),
    spec: m.defaultSpec(),
    location: m.location,
    io: table.io,
    properties: m.properties,
  });
  const committed = await new Transaction({ io: table.io, base: table }).fastAppend(files).commit(catalog.tableCommitter(identifier));
  return committed.metadataLocation;
}

async function readWithFloe(catalog: Catalog, identifier: TableIdentifier): Promise<Row[]> {
  const table = await catalog.loadTable(identifier);
  const result = await queryIcebergTables([{ name: "t", metadataLocation: table.metadataLocation }], "SELECT id, name, amount FROM t ORDER BY id", {
    io: table.io,
    session,
  });
  return result.rows.map(([id, name, amount]) => ({ id: String(id), name: name as string | null, amount: amount as number | null }));
}

function sortRows(rows: Row[]): Row[] {
  return [...rows].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0));
}

async function runPyIceberg(config: Record<string, unknown>): Promise<PyIcebergReport> {
  const env = { ...process.env, PYTHONPYCACHEPREFIX: path.join(os.tmpdir(), "floe-pycache") };
  try {
    const { stdout } = await promisify(execFile)(FLOE_TEST_PYTHON, [SCRIPT, JSON.stringify(config)], { env, timeout: 150_000, maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(stdout) as PyIcebergReport;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`sql_catalog.py failed: ${e.message}\n${(e.stderr ?? "").split("\n").slice(-30).join("\n")}`, { cause: error });
  }
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

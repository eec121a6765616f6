import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { CreateBucketCommand, HeadBucketCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Catalog, TableIdentifier } from "../../src/catalog/Catalog.js";
import { openCatalog } from "../../src/catalog/openCatalog.js";
import { appendRows, upsertRows } from "../../src/engine/dml/writeRows.js";
import type { TableTarget } from "../../src/engine/dml/TableTarget.js";
import { DuckDBSession } from "../../src/engine/duckdb/DuckDBSession.js";
import { StatementRunner } from "../../src/engine/sql/StatementRunner.js";
import { FileIORouter } from "../../src/io/FileIORouter.js";
import { S3FileIO, type S3FileIOOptions } from "../../src/io/S3FileIO.js";
import { stackEnv } from "../../scripts/stack/env.mjs";
import { normalizeActual, rowsMismatch, valuesMatch } from "../support/fixtures.js";

// floe writes Iceberg tables through its SQL — every partition transform, every row-level
// operation in both modes, schema and partition evolution, compaction, rollback, refs — on local
// disk and on S3; PyIceberg (a second implementation) must read every snapshot and ref with exactly
// floe's rows. Then PyIceberg starts tables in the same catalog, floe continues them, and each reads
// what the other wrote.

const settings = stackEnv();
const PYTHON_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "python");
const CATALOG_NAME = "floe";
const connection: S3FileIOOptions = {
  endpoint: settings.FLOE_TEST_S3_ENDPOINT,
  region: settings.FLOE_TEST_S3_REGION,
  accessKeyId: settings.FLOE_TEST_S3_ACCESS_KEY_ID,
  secretAccessKey: settings.FLOE_TEST_S3_SECRET_ACCESS_KEY,
  pathStyle: settings.FLOE_TEST_S3_FORCE_PATH_STYLE === "true",
  env: {},
};
/** Every object this file writes to S3 sits below this prefix. */
const s3Base = `s3://${settings.FLOE_TEST_S3_BUCKET}/pyiceberg-writes-${randomUUID().slice(0, 8)}`;

// ---- values as SQL literals ---------------------------------------------------------------------

/** The columns of the wide tables and their SQL types. */
const WIDE_COLUMNS: Record<string, string> = {
  id: "BIGINT",
  i: "INT",
  l: "BIGINT",
  s: "VARCHAR",
  d: "DATE",
  ts: "TIMESTAMP",
  tstz: "TIMESTAMPTZ",
  b: "BOOLEAN",
  dec: "DECIMAL(10,2)",
  f: "REAL",
  dbl: "DOUBLE",
  bin: "BLOB",
  u: "UUID",
  t: "TIME",
  tags: "VARCHAR[]",
  point: "STRUCT(x DOUBLE, y DOUBLE)",
  attrs: "MAP(VARCHAR, BIGINT)",
};
const WIDE_DDL = Object.entries(WIDE_COLUMNS)
  .map(([name, type]) => `${name} ${type}${name === "id" ? " NOT NULL" : ""}`)
  .join(", ");

const STRINGS = ["a", "b", "ab", "über-ñ", "abcdef", "", "zz top", "日本語テキスト", "it's"];
const LONGS = [-5_000_000n, 9_007_199_254_740_993n, -(2n ** 62n) - 7n, 0n, 2n ** 31n + 5n, -1n];
const MICROS_PER_HOUR = 3_600_000_000n;
/** 1968-06-01 20:30:00 UTC. */
const TS_BASE = BigInt(Date.UTC(1968, 5, 1, 20, 30)) * 1000n;

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** `micros` since the epoch as 'YYYY-MM-DD HH:MM:SS.ffffff'. */
function timestampText(micros: bigint): string {
  const seconds = micros >= 0n ? micros / 1_000_000n : -((-micros + 999_999n) / 1_000_000n);
  const fraction = micros - seconds * 1_000_000n;
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19).replace("T", " ")}.${fraction.toString().padStart(6, "0")}`;
}

function timestampMicros(k: number): bigint {
  if (k === 4) return -1n; // 1969-12-31 23:59:59.999999
  if (k === 10) return 0n;
  return TS_BASE + BigInt(k) * 1597n * MICROS_PER_HOUR + BigInt(k * 7) * 60_000_000n + (k % 2 ? BigInt((k * 123_457) % 1_000_000) : 0n);
}

/** Value `k` of a wide column as a SQL expression (null for NULL): nulls in every column, values around 1970, longs beyond 2^53. */
function wideValue(column: string, k: number): string | null {
  switch (column) {
    case "id":
      return String(k);
    case "i":
      return k % 7 === 3 ? null : String(((k * 37) % 101) - 50);
    case "l":
      return k % 7 === 4 ? null : String(LONGS[k % LONGS.length] + BigInt(k));
    case "s":
      return k % 7 === 5 ? null : quote(STRINGS[k % STRINGS.length]);
    case "d":
      return k % 7 === 6 ? null : `DATE '1969-06-25' + ${k * 23}`;
    case "ts":
      return k % 9 === 0 ? null : `TIMESTAMP '${timestampText(timestampMicros(k))}'`;
    case "tstz":
      return k % 9 === 1 ? null : `TIMESTAMPTZ '${timestampText(timestampMicros(k) + BigInt(k) * 60_000_000n)}+00'`;
    case "b":
      return k % 5 === 0 ? null : String(k % 2 === 0);
    case "dec": {
      if (k % 6 === 2) return null;
      const cents = ((k * 7919) % 200_001) - 100_000;
      return `'${cents < 0 ? "-" : ""}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, "0")}'`;
    }
    case "f":
      return k % 8 === 7 ? null : String(k * 0.5 - 3.25);
    case "dbl":
      return k % 8 === 6 ? null : String(k * 1.1 - 7.0);
    case "bin":
      return k % 6 === 5 ? null : `from_hex('${Buffer.from([k % 256, (k * 3) % 256, 0xff]).toString("hex")}')`;
    case "u": {
      if (k % 4 === 2) return null;
      const hex = ((BigInt(k) * 0x9e3779b97f4a7c15_0123456789abcdefn) % 2n ** 128n).toString(16).padStart(32, "0");
      return `'${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}'`;
    }
    case "t": {
      if (k % 5 === 3) return null;
      const micros = k % 2 ? `.${String((k * 1234) % 1_000_000).padStart(6, "0")}` : "";
      return `TIME '${String(k % 24).padStart(2, "0")}:${String((k * 7) % 60).padStart(2, "0")}:${String((k * 13) % 60).padStart(2, "0")}${micros}'`;
    }
    case "tags":
      return k % 6 === 2 ? null : `[${Array.from({ length: k % 4 }, (_, j) => (j === 1 ? "NULL" : quote(`t${j}`))).join(", ")}]`;
    case "point":
      return k % 5 === 4 ? null : `{'x': ${k * 1.5}, 'y': ${k % 2 ? "NULL" : -k / 4}}`;
    case "attrs":
      return k % 7 === 1
        ? null
        : `MAP {${Array.from({ length: (k % 3) + 1 }, (_, j) => `${quote(`k${j}`)}: ${j === 2 ? "NULL" : String(BigInt(k) * 2n ** 40n + BigInt(j))}`).join(", ")}}`;
    case "extra":
    case "label":
      return k % 3 === 2 ? null : quote(`${column}-${k}`);
    default:
      throw new Error(`no test values for column ${column}`);
  }
}

/**
 * `INSERT INTO table (columns) VALUES ...` for rows `ks`; `value(column, k)` gives an expression,
 * or undefined to use the wide one. Every value is cast to its column's type.
 */
function valuesOf(columns: Record<string, string>, ks: readonly number[], value: (column: string, k: number) => string | null | undefined = () => undefined): string {
  const names = Object.keys(columns);
  const rows = ks.map((k) => {
    const cells = names.map((name) => {
      const v = value(name, k);
      const expression = v === undefined ? wideValue(name, k) : v;
      return `CAST(${expression ?? "NULL"} AS ${columns[name]})`;
    });
    return `(${cells.join(", ")})`;
  });
  return `VALUES ${rows.join(",\n  ")}`;
}

function insert(table: string, columns: Record<string, string>, ks: readonly number[], value?: (column: string, k: number) => string | null | undefined): string {
  return `INSERT INTO ${table} (${Object.keys(columns).join(", ")}) ${valuesOf(columns, ks, value)}`;
}

/**
 * Values from `overrides` for their columns, so that many rows share a partition and a row-level change
 * touches part of a file; a value is NULL where `isNull` says (default: where the wide one is).
 */
function clustered(overrides: Record<string, (k: number) => string>, isNull = (column: string, k: number) => wideValue(column, k) === null) {
  return (column: string, k: number): string | null | undefined => {
    const make = overrides[column];
    if (make === undefined) return undefined;
    return isNull(column, k) ? null : make(k);
  };
}

const range = (start: number, count: number) => Array.from({ length: count }, (_, i) => start + i);

// ---- PyIceberg's reports --------------------------------------------------------------------------

type Read = { columns: string[]; rows: unknown[][]; error?: undefined } | { error: string; columns?: undefined; rows?: undefined };

type PyRead = Read & { snapshot_id: string };

interface PyTable {
  name: string;
  error?: string;
  metadata_location: string;
  format_version: number;
  current_snapshot_id: string | null;
  snapshots: (PyRead & { operation: string | null; schema_id: number | null })[];
  refs: (PyRead & { name: string; type: "branch" | "tag" })[];
  current: Read;
  filters: (Read & { expression: string; planned_files?: number; all_files?: number; planning_error?: string })[];
  /** Every data and delete file a snapshot reaches, checked by read_floe_tables.py against its manifest entry. */
  files: { checked: Partial<Record<"data" | "position" | "dv" | "equality", number>>; problems: string[] };
}

interface CatalogConfig {
  uri: string;
  name: string;
  warehouse: string;
  properties: Record<string, string>;
}

async function runPython<T>(script: string, config: Record<string, unknown>, workDir: string): Promise<T> {
  const out = path.join(workDir, `${path.basename(script, ".py")}-${randomUUID().slice(0, 8)}.json`);
  const env = { ...process.env, PYTHONDONTWRITEBYTECODE: "", PYTHONPYCACHEPREFIX: path.join(os.tmpdir(), "floe-pycache") };
  try {
    await promisify(execFile)(settings.FLOE_TEST_PYTHON, [path.join(PYTHON_DIR, script), JSON.stringify({ ...config, out })], {
      env,
      timeout: 170_000,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${script} failed: ${e.message}\n${(e.stderr ?? "").split("\n").slice(-30).join("\n")}`, { cause: error });
  }
  return JSON.parse(fs.readFileSync(out, "utf8")) as T;
}

// ---- floe's side ----------------------------------------------------------------------------------

/** A catalog floe writes through SQL, remembering which statement made each snapshot. */
class Scenario {
  readonly runner: StatementRunner;
  /** Table → snapshot id → the statement that made it. */
  readonly labels = new Map<string, Map<string, string>>();
  /** Table → main's snapshot after every statement that committed one. */
  readonly recorded = new Map<string, string[]>();

  constructor(
    readonly catalog: Catalog,
    readonly session: DuckDBSession,
    readonly io: FileIORouter,
  ) {
    this.runner = new StatementRunner({ catalog, session, io });
  }

  /** Runs `sql` (statements on `table` only) and records the snapshots it made. */
  async run(table: string, sql: string, label = sql.split("\n")[0].slice(0, 120)) {
    const results = await this.runner.runScript(sql);
    await this.record(table, label);
    return results;
  }

  /** Runs `change` on `table` through the DML API and records the snapshots it made. */
  async change(table: string, label: string, change: (target: TableTarget) => Promise<unknown>): Promise<void> {
    const identifier = parse(table);
    const loaded = await this.catalog.loadTable(identifier);
    await change({ io: loaded.io, committer: this.catalog.tableCommitter(identifier), base: loaded, name: table });
    await this.record(table, label);
  }

  private async record(table: string, label: string): Promise<void> {
    const identifier = parse(table);
    if (!(await this.catalog.tableExists(identifier))) return;
    const metadata = (await this.catalog.loadTable(identifier)).metadata;
    const labels = this.labels.get(table) ?? new Map<string, string>();
    this.labels.set(table, labels);
    for (const snapshot of metadata.snapshots) {
      const id = String(snapshot.snapshotId);
      if (!labels.has(id)) labels.set(id, label);
    }
    const current = metadata.currentSnapshotId;
    const recorded = this.recorded.get(table) ?? [];
    this.recorded.set(table, recorded);
    if (current !== undefined && current !== null && recorded.at(-1) !== String(current)) recorded.push(String(current));
  }

  async currentSnapshot(table: string): Promise<string> {
    const id = (await this.catalog.loadTable(parse(table))).metadata.currentSnapshotId;
    if (id === undefined || id === null) throw new Error(`${table} has no snapshot`);
    return String(id);
  }

  async query(sql: string) {
    const [result] = await this.runner.runScript(sql);
    return { columns: result.columns, rows: result.rows };
  }
}

/** The columns of both sides when they differ, and the rows only one side has (a multiset difference, values normalised). */
function rowDifference(actual: { columns: string[]; rows: unknown[][] }, expected: { columns: string[]; rows: unknown[][] }) {
  const remaining = actual.rows.map((row) => row.map(normalizeActual));
  const onlyPyIceberg: unknown[][] = [];
  for (const row of expected.rows) {
    const at = remaining.findIndex((candidate) => valuesMatch(candidate, row));
    if (at < 0) onlyPyIceberg.push(row);
    else remaining.splice(at, 1);
  }
  const columns = JSON.stringify(actual.columns) === JSON.stringify(expected.columns) ? actual.columns : { floe: actual.columns, pyiceberg: expected.columns };
  return { columns, onlyFloe: remaining, onlyPyIceberg };
}

function parse(table: string): TableIdentifier {
  const parts = table.split(".");
  return { namespace: parts.slice(0, -1), name: parts.at(-1)! };
}

/** Differences between what floe and PyIceberg read of every snapshot, ref and the current state of a table. */
async function compareTable(scenario: Scenario, table: string, py: PyTable, label: (snapshotId: string) => string, { snapshotsOnly = false } = {}) {
  const failures: unknown[] = [];
  const pyErrors: { read: string; error: string }[] = [];
  const check = async (read: string, sql: string, expected: Read) => {
    if (expected.error !== undefined) {
      pyErrors.push({ read, error: expected.error });
      return;
    }
    const actual = await scenario.query(sql);
    if (rowsMismatch(actual, expected)) failures.push({ read, ...rowDifference(actual, expected) });
  };
  for (const snapshot of py.snapshots) {
    await check(`snapshot ${snapshot.snapshot_id} (${label(snapshot.snapshot_id)})`, `SELECT * FROM ${table} FOR SYSTEM_VERSION AS OF ${snapshot.snapshot_id}`, snapshot);
  }
  if (snapshotsOnly) return { failures, pyErrors };
  for (const ref of py.refs) await check(`${ref.type} ${ref.name}`, `SELECT * FROM ${table} FOR SYSTEM_VERSION AS OF '${ref.name}'`, ref);
  await check("current", `SELECT * FROM ${table}`, py.current);
  return { failures, pyErrors };
}

// ---- the backends ------------------------------------------------------------------------------------

interface Backend {
  label: string;
  warehouse(workDir: string): string;
  io(workDir: string): FileIORouter;
  /** PyIceberg's catalog properties for the warehouse. */
  properties: Record<string, string>;
}

const BACKENDS: Backend[] = [
  {
    label: "local disk",
    warehouse: (workDir) => path.join(workDir, "warehouse"),
    io: () => new FileIORouter(),
    properties: {},
  },
  {
    label: "S3",
    warehouse: () => s3Base,
    io: (workDir) => new FileIORouter({ s3: { ...connection, cache: { dir: path.join(workDir, "s3-cache") } } }),
    properties: {
      "s3.endpoint": settings.FLOE_TEST_S3_ENDPOINT,
      "s3.access-key-id": settings.FLOE_TEST_S3_ACCESS_KEY_ID,
      "s3.secret-access-key": settings.FLOE_TEST_S3_SECRET_ACCESS_KEY,
      "s3.region": settings.FLOE_TEST_S3_REGION,
      "s3.path-style-access": settings.FLOE_TEST_S3_FORCE_PATH_STYLE,
    },
  },
];

// ---- the scenario floe writes -----------------------------------------------------------------------

/** The tables floe writes, and what each covers. */
const FLOE_TABLES = {
  "w.ident": "identity(string), identity(boolean); INSERT, INSERT OVERWRITE, DELETE of whole partitions and of rows, UPDATE and MERGE copy-on-write, a tag, a branch with a write, compaction, rollback",
  "w.ints_dates": "identity(int), identity(date); INSERT, DELETE copy-on-write",
  "w.year_month": "year(timestamp), month(timestamptz), bucket(long); UPDATE and DELETE copy-on-write",
  "w.month_day": "month(timestamp), day(timestamptz), bucket(string); INSERT OVERWRITE, DELETE",
  "w.day_hour_mor": "day(timestamp), hour(timestamptz), truncate(string), truncate(long); v2 merge-on-read DELETE, UPDATE, MERGE (position deletes), compaction",
  "w.hour_year_dv": "hour(timestamp), year(timestamptz), void(int); v3 merge-on-read DELETE, UPDATE, MERGE (deletion vectors), compaction",
  "w.unpartitioned": "no partitioning; merge-on-read DELETE, copy-on-write UPDATE",
  "w.evolve": "ADD COLUMN (also in a struct), RENAME, DROP, int→bigint, float→double, decimal widening, ADD/REPLACE/DROP PARTITION FIELD, merge-on-read UPDATE and DELETE across specs",
  "w.upserts": "equality deletes (upsertRows)",
} as const;
type FloeTable = keyof typeof FLOE_TABLES;

/**
 * Tables with snapshots PyIceberg 0.12 cannot read: the label of the statement from which its reads
 * fail and the error expected. (PyIceberg 0.12 does apply deletion vectors: w.hour_year_dv has none.)
 */
const KNOWN_PYICEBERG_LIMITATIONS: Partial<Record<FloeTable, { from: string; error: RegExp; why: string }>> = {
  "w.upserts": {
    from: "upsertRows (equality deletes)",
    error: /PyIceberg does not yet support equality deletes/,
    why: "PyIceberg 0.12 does not apply equality delete files (it raises rather than return wrong rows)",
  },
};

/**
 * Filtered reads of every table's current state: floe's SQL condition, the same filter in PyIceberg's
 * syntax, and whether PyIceberg must plan fewer files than the table has (pruning by the partition
 * values and column bounds floe wrote).
 */
const FILTERS: Record<FloeTable, { sql: string; pyiceberg: string; prunes: boolean }[]> = {
  "w.ident": [
    { sql: "s = 'über-ñ'", pyiceberg: "s == 'über-ñ'", prunes: true },
    { sql: "b IS NULL", pyiceberg: "b is null", prunes: true },
    { sql: "id >= 20", pyiceberg: "id >= 20", prunes: true },
    { sql: "l > 9007199254740992", pyiceberg: "l > 9007199254740992", prunes: false },
  ],
  "w.ints_dates": [
    { sql: "i < -20", pyiceberg: "i < -20", prunes: true },
    { sql: "d < DATE '1970-01-01'", pyiceberg: "d < '1970-01-01'", prunes: true },
    { sql: "d = DATE '1969-06-25'", pyiceberg: "d == '1969-06-25'", prunes: true },
  ],
  "w.year_month": [
    { sql: "ts >= TIMESTAMP '1970-02-10 00:00:00'", pyiceberg: "ts >= '1970-02-10T00:00:00'", prunes: true },
    { sql: "tstz < TIMESTAMPTZ '1970-03-01 00:00:00+00'", pyiceberg: "tstz < '1970-03-01T00:00:00+00:00'", prunes: true },
    { sql: "l = 9007199254740994", pyiceberg: "l == 9007199254740994", prunes: true },
  ],
  "w.month_day": [
    { sql: "ts < TIMESTAMP '1969-06-01 00:00:00'", pyiceberg: "ts < '1969-06-01T00:00:00'", prunes: true },
    { sql: "tstz >= TIMESTAMPTZ '1970-01-01 00:00:00+00'", pyiceberg: "tstz >= '1970-01-01T00:00:00+00:00'", prunes: true },
    { sql: "s = 'zz top'", pyiceberg: "s == 'zz top'", prunes: true },
  ],
  "w.day_hour_mor": [
    { sql: "ts >= TIMESTAMP '1970-01-01 00:00:00'", pyiceberg: "ts >= '1970-01-01T00:00:00'", prunes: true },
    { sql: "tstz < TIMESTAMPTZ '1970-01-01 00:15:00.000001+00'", pyiceberg: "tstz < '1970-01-01T00:15:00.000001+00:00'", prunes: true },
    { sql: "starts_with(s, 'ab')", pyiceberg: "s like 'ab%'", prunes: true },
    { sql: "l > 9007199254740992", pyiceberg: "l > 9007199254740992", prunes: true },
  ],
  "w.hour_year_dv": [
    { sql: "ts < TIMESTAMP '1970-01-01 00:00:00'", pyiceberg: "ts < '1970-01-01T00:00:00'", prunes: true },
    { sql: "tstz >= TIMESTAMPTZ '1970-01-01 00:00:00+00'", pyiceberg: "tstz >= '1970-01-01T00:00:00+00:00'", prunes: true },
    { sql: "dec > 0", pyiceberg: "dec > 0", prunes: false },
  ],
  "w.unpartitioned": [
    { sql: "dbl > 4.0", pyiceberg: "dbl > 4.0", prunes: false },
    { sql: "u IS NULL", pyiceberg: "u is null", prunes: false },
  ],
  "w.evolve": [
    { sql: "label = 'promoted-19'", pyiceberg: "label == 'promoted-19'", prunes: true },
    { sql: "i > 100000", pyiceberg: "i > 100000", prunes: true },
    { sql: "f > 1000000000000", pyiceberg: "f > 1000000000000.0", prunes: true },
    { sql: "dec > 100", pyiceberg: "dec > 100", prunes: true },
    { sql: "ts >= TIMESTAMP '1970-01-01 00:00:00'", pyiceberg: "ts >= '1970-01-01T00:00:00'", prunes: true },
  ],
  "w.upserts": [],
};

async function writeFloeTables(s: Scenario): Promise<void> {
  await s.runner.runScript("CREATE SCHEMA w");
  const wide = WIDE_COLUMNS;

  // identity partitions on a string and a boolean; every copy-on-write operation; refs; compaction; rollback
  await s.run("w.ident", `CREATE TABLE w.ident (${WIDE_DDL}) PARTITIONED BY (s, b)`);
  const fewStrings = clustered({ s: (k) => quote(["a", "b", "über-ñ"][k % 3]), b: () => "true" });
  await s.run("w.ident", insert("w.ident", wide, range(0, 12), fewStrings));
  await s.run("w.ident", insert("w.ident", wide, range(12, 8), fewStrings));
  await s.run(
    "w.ident",
    `INSERT OVERWRITE w.ident SELECT * FROM (${valuesOf(wide, [100, 102, 104], (c, k) => (c === "s" ? "'a'" : c === "b" ? String(k % 4 === 0) : undefined))}) AS v(${Object.keys(wide).join(", ")})`,
    "INSERT OVERWRITE (dynamic) of partitions s='a'",
  );
  const afterOverwrite = await s.currentSnapshot("w.ident");
  await s.run("w.ident", "DELETE FROM w.ident WHERE s = 'b'", "DELETE whole partition s='b'");
  await s.run("w.ident", "DELETE FROM w.ident WHERE id % 5 = 1", "DELETE rows (copy-on-write)");
  await s.run("w.ident", "UPDATE w.ident SET dbl = dbl + 1, tags = ['updated'], point = {'x': -1.0, 'y': 2.5} WHERE id < 5", "UPDATE (copy-on-write)");
  await s.run(
    "w.ident",
    `MERGE INTO w.ident AS t USING (SELECT * FROM (${valuesOf(wide, [8, 14, 17, 300, 301], (c, k) => (c === "l" ? String(2n ** 60n + BigInt(k)) : undefined))}) AS v(${Object.keys(wide).join(", ")})) AS src ON t.id = src.id
      WHEN MATCHED AND src.id = 14 THEN DELETE
      WHEN MATCHED THEN UPDATE SET l = src.l, s = 'merged'
      WHEN NOT MATCHED THEN INSERT *`,
    "MERGE (copy-on-write)",
  );
  await s.run("w.ident", `ALTER TABLE w.ident CREATE TAG after_overwrite AS OF VERSION ${afterOverwrite}`);
  await s.run("w.ident", "ALTER TABLE w.ident CREATE BRANCH audit");
  await s.change("w.ident", "append to branch audit (appendRows)", (target) =>
    appendRows(s.session, { ...target, branch: "audit" }, `SELECT * FROM (${valuesOf(wide, range(500, 3))}) AS v(${Object.keys(wide).join(", ")})`),
  );
  await s.run("w.ident", insert("w.ident", wide, range(20, 6), fewStrings), "INSERT after branching");
  const beforeCompaction = await s.currentSnapshot("w.ident");
  await s.run("w.ident", "CALL system.rewrite_data_files(table => 'w.ident')", "CALL rewrite_data_files");
  await s.run("w.ident", insert("w.ident", wide, range(26, 3), fewStrings), "INSERT after compaction");
  await s.run("w.ident", `CALL system.rollback_to_snapshot('w.ident', ${beforeCompaction})`, "CALL rollback_to_snapshot");
  await s.run("w.ident", insert("w.ident", wide, range(29, 3), fewStrings), "INSERT after rollback");

  await s.run("w.ints_dates", `CREATE TABLE w.ints_dates (${WIDE_DDL}) PARTITIONED BY (i, d)`);
  await s.run("w.ints_dates", insert("w.ints_dates", wide, range(0, 10)));
  await s.run("w.ints_dates", insert("w.ints_dates", wide, range(10, 6), (c, k) => (c === "i" ? String(k % 3) : undefined)));
  await s.run("w.ints_dates", "DELETE FROM w.ints_dates WHERE i = 1 OR d < DATE '1969-08-01'", "DELETE rows (copy-on-write)");

  await s.run("w.year_month", `CREATE TABLE w.year_month (${WIDE_DDL}) PARTITIONED BY (year(ts), month(tstz), bucket(4, l))`);
  await s.run("w.year_month", insert("w.year_month", wide, range(0, 12)));
  await s.run("w.year_month", insert("w.year_month", wide, range(12, 8)));
  await s.run("w.year_month", "UPDATE w.year_month SET l = l - 1, ts = ts + INTERVAL 400 DAY WHERE id % 3 = 0", "UPDATE moving rows across partitions");
  await s.run("w.year_month", "DELETE FROM w.year_month WHERE tstz < TIMESTAMPTZ '1970-01-01 00:00:00+00'", "DELETE rows before 1970");

  await s.run("w.month_day", `CREATE TABLE w.month_day (${WIDE_DDL}) PARTITIONED BY (month(ts), day(tstz), bucket(3, s))`);
  await s.run("w.month_day", insert("w.month_day", wide, range(0, 12)));
  await s.run("w.month_day", insert("w.month_day", wide, range(12, 8)));
  await s.run(
    "w.month_day",
    `INSERT OVERWRITE w.month_day SELECT * FROM (${valuesOf(wide, [4, 10, 700])}) AS v(${Object.keys(wide).join(", ")})`,
    "INSERT OVERWRITE (dynamic) around the epoch",
  );
  await s.run("w.month_day", "DELETE FROM w.month_day WHERE s IN ('ab', 'über-ñ') OR s IS NULL", "DELETE rows");

  const mor = "'write.delete.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read', 'write.merge.mode' = 'merge-on-read'";
  await s.run(
    "w.day_hour_mor",
    `CREATE TABLE w.day_hour_mor (${WIDE_DDL}) PARTITIONED BY (day(ts), hour(tstz), truncate(2, s), truncate(10, l)) TBLPROPERTIES (${mor})`,
  );
  // three partitions take most rows: day, hour, truncated string and long all follow k % 3 (and are all null in a fourth)
  const threeGroups = clustered(
    {
      ts: (k) => `TIMESTAMP '1969-12-31 23:30:00' + INTERVAL ${k % 3} DAY`,
      tstz: (k) => `TIMESTAMPTZ '1969-12-31 23:15:00.000001+00' + INTERVAL ${k % 3} HOUR`,
      s: (k) => quote(["ab-1", "b", "über"][k % 3]),
      l: (k) => String(k % 3 === 0 ? -(2n ** 62n) - 7n : 9_007_199_254_740_993n + BigInt(k % 3)),
    },
    (_column, k) => k % 11 === 10,
  );
  await s.run("w.day_hour_mor", insert("w.day_hour_mor", wide, range(0, 14), threeGroups));
  await s.run("w.day_hour_mor", insert("w.day_hour_mor", wide, range(14, 10), threeGroups));
  await s.run("w.day_hour_mor", "DELETE FROM w.day_hour_mor WHERE id % 4 = 1", "DELETE rows (merge-on-read, position deletes)");
  await s.run(
    "w.day_hour_mor",
    `MERGE INTO w.day_hour_mor AS t USING (SELECT * FROM (${valuesOf(wide, [0, 4, 12, 800, 801])}) AS v(${Object.keys(wide).join(", ")})) AS src ON t.id = src.id
      WHEN MATCHED AND src.id = 0 THEN DELETE
      WHEN MATCHED THEN UPDATE SET i = 42
      WHEN NOT MATCHED THEN INSERT *`,
    "MERGE (merge-on-read)",
  );
  await s.run("w.day_hour_mor", "DELETE FROM w.day_hour_mor WHERE id % 4 = 2", "DELETE more rows of the same files (merge-on-read)");
  await s.run("w.day_hour_mor", "UPDATE w.day_hour_mor SET dbl = -dbl, s = upper(s) WHERE id % 4 = 3", "UPDATE (merge-on-read)");
  await s.run("w.day_hour_mor", "CALL system.rewrite_data_files(table => 'w.day_hour_mor')", "CALL rewrite_data_files (applies deletes)");
  await s.run("w.day_hour_mor", "DELETE FROM w.day_hour_mor WHERE id = 4 OR id = 7", "DELETE after compaction (merge-on-read)");

  await s.run(
    "w.hour_year_dv",
    `CREATE TABLE w.hour_year_dv (${WIDE_DDL}) PARTITIONED BY (hour(ts), year(tstz), void(i)) TBLPROPERTIES ('format-version' = '3', ${mor})`,
  );
  const twoGroups = clustered(
    {
      ts: (k) => (k % 2 ? "TIMESTAMP '1969-12-31 23:00:00'" : "TIMESTAMP '1970-01-01 00:59:59.999999'"),
      tstz: (k) => `TIMESTAMPTZ '1969-06-01 00:00:00+00' + INTERVAL ${(k % 2) * 400} DAY`,
    },
    (_column, k) => k % 11 === 10,
  );
  await s.run("w.hour_year_dv", insert("w.hour_year_dv", wide, range(0, 14), twoGroups));
  await s.run("w.hour_year_dv", insert("w.hour_year_dv", wide, range(14, 10), twoGroups));
  await s.run("w.hour_year_dv", "DELETE FROM w.hour_year_dv WHERE id % 4 = 1", "DELETE rows (merge-on-read, deletion vectors)");
  await s.run(
    "w.hour_year_dv",
    `MERGE INTO w.hour_year_dv AS t USING (SELECT * FROM (${valuesOf(wide, [0, 4, 900])}) AS v(${Object.keys(wide).join(", ")})) AS src ON t.id = src.id
      WHEN MATCHED AND src.id = 0 THEN DELETE
      WHEN MATCHED THEN UPDATE SET s = 'merged'
      WHEN NOT MATCHED THEN INSERT *`,
    "MERGE (merge-on-read, deletion vectors)",
  );
  await s.run("w.hour_year_dv", "DELETE FROM w.hour_year_dv WHERE id % 4 = 2", "DELETE more rows of the same files (deletion vectors merged)");
  await s.run("w.hour_year_dv", "UPDATE w.hour_year_dv SET b = NOT b, dec = dec * 2 WHERE id % 8 = 3", "UPDATE (merge-on-read, deletion vectors)");
  await s.run("w.hour_year_dv", "CALL system.rewrite_data_files(table => 'w.hour_year_dv')", "CALL rewrite_data_files (applies deletion vectors)");

  await s.run("w.unpartitioned", `CREATE TABLE w.unpartitioned (${WIDE_DDL}) TBLPROPERTIES ('write.delete.mode' = 'merge-on-read')`);
  await s.run("w.unpartitioned", insert("w.unpartitioned", wide, range(0, 10)));
  await s.run("w.unpartitioned", insert("w.unpartitioned", wide, range(10, 10)));
  await s.run("w.unpartitioned", "DELETE FROM w.unpartitioned WHERE id IN (1, 2, 3, 15)", "DELETE rows (merge-on-read)");
  await s.run("w.unpartitioned", "UPDATE w.unpartitioned SET attrs = MAP {'new': 1}, u = NULL WHERE id > 16", "UPDATE (copy-on-write)");

  await writeEvolvedTable(s);

  await s.run("w.upserts", "CREATE TABLE w.upserts (id BIGINT NOT NULL, s VARCHAR, l BIGINT)");
  await s.run("w.upserts", insert("w.upserts", { id: "BIGINT", s: "VARCHAR", l: "BIGINT" }, range(0, 6)));
  await s.change("w.upserts", "upsertRows (equality deletes)", (target) =>
    upsertRows(s.session, target, "SELECT * FROM (VALUES (2::BIGINT, 'upserted', 9007199254740995::BIGINT), (40, 'new', -1)) AS v(id, s, l)", ["id"]),
  );
}

/** Schema and partition evolution with a write after each change. */
async function writeEvolvedTable(s: Scenario): Promise<void> {
  const t = "w.evolve";
  const columns: Record<string, string> = { id: "BIGINT", i: "INT", f: "REAL", dec: "DECIMAL(10,2)", s: "VARCHAR", ts: "TIMESTAMP", point: "STRUCT(x DOUBLE, y DOUBLE)", u: "UUID" };
  const ddl = Object.entries(columns)
    .map(([n, type]) => `${n} ${type}${n === "id" ? " NOT NULL" : ""}`)
    .join(", ");
  await s.run(t, `CREATE TABLE ${t} (${ddl}) TBLPROPERTIES ('write.delete.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read')`);
  await s.run(t, insert(t, columns, range(0, 6)));

  await s.run(t, `ALTER TABLE ${t} ADD COLUMN extra VARCHAR`);
  columns.extra = "VARCHAR";
  await s.run(t, insert(t, columns, range(6, 3), (c, k) => (c === "extra" ? `'extra-${k}'` : undefined)), "INSERT after ADD COLUMN extra");

  await s.run(t, `ALTER TABLE ${t} ADD COLUMN point.z DOUBLE`);
  columns.point = "STRUCT(x DOUBLE, y DOUBLE, z DOUBLE)";
  await s.run(t, insert(t, columns, range(9, 3), (c, k) => (c === "point" ? `{'x': ${k}, 'y': NULL, 'z': ${k / 8}}` : undefined)), "INSERT after ADD COLUMN point.z");

  await s.run(t, `ALTER TABLE ${t} RENAME COLUMN s TO label`);
  delete columns.s;
  columns.label = "VARCHAR";
  await s.run(t, insert(t, columns, range(12, 3), (c, k) => (c === "label" ? `'label-${k}'` : c === "point" ? `{'x': 1, 'y': 2, 'z': 3}` : undefined)), "INSERT after RENAME s TO label");

  await s.run(t, `ALTER TABLE ${t} DROP COLUMN u`);
  delete columns.u;
  await s.run(t, insert(t, columns, range(15, 3), (c) => (c === "label" ? "'after drop'" : c === "point" ? "NULL" : undefined)), "INSERT after DROP COLUMN u");

  await s.run(t, `ALTER TABLE ${t} ALTER COLUMN i TYPE BIGINT`);
  await s.run(t, `ALTER TABLE ${t} ALTER COLUMN f TYPE DOUBLE`);
  await s.run(t, `ALTER TABLE ${t} ALTER COLUMN dec TYPE DECIMAL(14,2)`);
  Object.assign(columns, { i: "BIGINT", f: "DOUBLE", dec: "DECIMAL(14,2)" });
  await s.run(
    t,
    insert(t, columns, range(18, 3), (c, k) =>
      c === "i" ? String(2n ** 40n + BigInt(k)) : c === "f" ? `${k}.1e200` : c === "dec" ? `'${"9".repeat(11)}.${k}'` : c === "label" ? `'promoted-${k}'` : c === "point" ? "NULL" : undefined,
    ),
    "INSERT after int→bigint, float→double, decimal(10,2)→decimal(14,2)",
  );

  // a day and two hours around midnight, so the files of each spec hold several rows
  const nearMidnight = clustered({ ts: (k) => `TIMESTAMP '1969-12-31 23:00:00' + INTERVAL ${k % 2} HOUR` });
  await s.run(t, `ALTER TABLE ${t} ADD PARTITION FIELD day(ts)`);
  await s.run(t, insert(t, columns, range(21, 4), (c, k) => (c === "label" ? `'by-day-${k}'` : c === "point" ? "NULL" : nearMidnight(c, k))), "INSERT after ADD PARTITION FIELD day(ts)");

  await s.run(t, `ALTER TABLE ${t} REPLACE PARTITION FIELD ts_day WITH hour(ts)`);
  await s.run(t, insert(t, columns, range(25, 4), (c, k) => (c === "label" ? `'by-hour-${k}'` : c === "point" ? "NULL" : nearMidnight(c, k))), "INSERT after REPLACE day(ts) WITH hour(ts)");

  await s.run(t, `ALTER TABLE ${t} ADD PARTITION FIELD bucket(4, id)`);
  await s.run(t, insert(t, columns, range(29, 4), (c, k) => (c === "label" ? `'bucketed-${k}'` : c === "point" ? "NULL" : nearMidnight(c, k))), "INSERT after ADD PARTITION FIELD bucket(4, id)");

  await s.run(t, `ALTER TABLE ${t} DROP PARTITION FIELD hour(ts)`);
  await s.run(t, insert(t, columns, range(33, 3), (c, k) => (c === "label" ? `'no-hour-${k}'` : c === "point" ? "NULL" : nearMidnight(c, k))), "INSERT after DROP PARTITION FIELD hour(ts)");

  await s.run(t, `UPDATE ${t} SET label = 'updated', i = i * 2 WHERE id % 3 = 0`, "UPDATE across specs (merge-on-read)");
  await s.run(t, `DELETE FROM ${t} WHERE id % 5 = 4`, "DELETE across specs (merge-on-read)");
}

// ---- the tests ----------------------------------------------------------------------------------------

let session: DuckDBSession;
const workDirs: string[] = [];

beforeAll(async () => {
  session = await DuckDBSession.open({ threads: 2 });
});

afterAll(async () => {
  session?.close();
  const admin = new S3FileIO({ ...connection });
  try {
    const leftovers: string[] = [];
    for await (const location of admin.list(s3Base)) leftovers.push(location);
    for (let i = 0; i < leftovers.length; i += 32) await Promise.all(leftovers.slice(i, i + 32).map((l) => admin.delete(l)));
  } finally {
    admin.close();
  }
  for (const dir of workDirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe.each(BACKENDS)("stack: PyIceberg and floe write and read each other's tables, warehouse on $label", (backend) => {
  let workDir: string;
  let scenario: Scenario;
  let catalogConfig: CatalogConfig;

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-pyiceberg-writes-"));
    workDirs.push(workDir);
    if (backend.label === "S3") await ensureBucket();
    const warehouse = backend.warehouse(workDir);
    const catalogFile = path.join(workDir, "catalog.db");
    const io = backend.io(workDir);
    const catalog = await openCatalog(`sqlite:${catalogFile}`, { warehouse, io });
    scenario = new Scenario(catalog, session, io);
    catalogConfig = { uri: `sqlite:///${catalogFile}`, name: CATALOG_NAME, warehouse, properties: backend.properties };
  });

  afterAll(async () => {
    await scenario?.catalog.close();
    scenario?.io.close();
  });

  describe("floe writes, PyIceberg reads", () => {
    let report: { pyiceberg: string; tables: PyTable[] };
    const tables = Object.keys(FLOE_TABLES) as FloeTable[];

    beforeAll(async () => {
      const began = Date.now();
      await writeFloeTables(scenario);
      const wrote = Date.now();
      const filters = Object.fromEntries(tables.map((name) => [name, FILTERS[name].map((f) => f.pyiceberg)]));
      report = await runPython("read_floe_tables.py", { ...catalogConfig, tables, filters }, workDir);
      console.info(
        `${backend.label}: floe wrote ${tables.length} tables in ${((wrote - began) / 1000).toFixed(1)}s; ` +
          `PyIceberg ${report.pyiceberg} read every snapshot in ${((Date.now() - wrote) / 1000).toFixed(1)}s`,
      );
    });

    it("PyIceberg loads every table floe wrote, at floe's current metadata", async () => {
      for (const name of tables) {
        const py = pyTable(report.tables, name);
        const loaded = await scenario.catalog.loadTable(parse(name));
        expect({ name, error: py.error, metadata: py.metadata_location }).toEqual({ name, error: undefined, metadata: loaded.metadataLocation });
        expect(py.format_version).toBe(loaded.metadata.formatVersion);
        if (backend.label === "S3") expect(py.metadata_location.startsWith(`${s3Base}/`)).toBe(true);
      }
    });

    for (const name of Object.keys(FLOE_TABLES) as FloeTable[]) {
      it(`${name}: every snapshot, ref and the current state read the same in PyIceberg and floe — ${FLOE_TABLES[name]}`, async () => {
        const py = pyTable(report.tables, name);
        const labels = scenario.labels.get(name)!;
        const { failures, pyErrors } = await compareTable(scenario, name, py, (id) => labels.get(id) ?? "?");
        expect(failures).toEqual([]);

        // every snapshot a statement committed is in the metadata PyIceberg read, and was compared
        const compared = py.snapshots.map((snapshot) => snapshot.snapshot_id);
        expect(compared).toEqual(expect.arrayContaining(scenario.recorded.get(name)!));
        expect([...labels.keys()].sort()).toEqual([...compared].sort());

        const limitation = KNOWN_PYICEBERG_LIMITATIONS[name];
        if (limitation === undefined) {
          expect(pyErrors).toEqual([]);
        } else {
          // Known PyIceberg limitation: the reads of snapshots from `limitation.from` on fail with its error; all others match.
          expect(pyErrors.length).toBeGreaterThan(0);
          for (const e of pyErrors) expect(e.error).toMatch(limitation.error);
          const failing = py.snapshots.filter((snapshot) => snapshot.error !== undefined).map((snapshot) => labels.get(snapshot.snapshot_id));
          expect(new Set(failing)).toEqual(new Set([limitation.from]));
          console.info(`${backend.label}: ${name}: known PyIceberg limitation — ${limitation.why}: ${pyErrors[0].error}`);
        }
      });
    }

    it("filtered scans of every table have floe's rows, and PyIceberg prunes files by the partition values and bounds floe wrote", async () => {
      const failures: unknown[] = [];
      const notPruned: unknown[] = [];
      for (const name of tables) {
        const py = pyTable(report.tables, name);
        expect(py.filters.map((f) => f.expression)).toEqual(FILTERS[name].map((f) => f.pyiceberg));
        for (const [i, filter] of FILTERS[name].entries()) {
          const read = py.filters[i];
          if (read.error !== undefined || read.planning_error !== undefined) {
            failures.push({ table: name, filter: filter.pyiceberg, pyiceberg: read.error ?? read.planning_error });
            continue;
          }
          const actual = await scenario.query(`SELECT * FROM ${name} WHERE ${filter.sql}`);
          if (rowsMismatch(actual, read)) failures.push({ table: name, filter: filter.sql, ...rowDifference(actual, read) });
          if (filter.prunes && !(read.planned_files! < read.all_files!)) {
            notPruned.push({ table: name, filter: filter.pyiceberg, planned: read.planned_files, of: read.all_files });
          }
        }
      }
      expect(failures).toEqual([]);
      expect(notPruned).toEqual([]);
    });

    it("every data and delete file floe wrote agrees with its manifest entry: size, record count, metrics, partition values, delete targets", () => {
      const problems = Object.fromEntries(tables.map((name) => [name, pyTable(report.tables, name).files.problems]));
      expect(problems).toEqual(Object.fromEntries(tables.map((name) => [name, []])));
      const checked = Object.fromEntries(tables.map((name) => [name, pyTable(report.tables, name).files.checked]));
      for (const name of tables) expect({ name, data: checked[name].data! > 0 }).toEqual({ name, data: true });
      expect(checked["w.day_hour_mor"].position).toBeGreaterThan(0);
      expect(checked["w.unpartitioned"].position).toBeGreaterThan(0);
      expect(checked["w.evolve"].position).toBeGreaterThan(0);
      expect(checked["w.hour_year_dv"].dv).toBeGreaterThan(0);
      expect(checked["w.upserts"].equality).toBeGreaterThan(0);
    });

    it("PyIceberg reads the tag and the branch floe made on w.ident, with floe's writes to the branch", async () => {
      const py = pyTable(report.tables, "w.ident");
      const refs = Object.fromEntries(py.refs.map((r) => [r.name, r]));
      expect(Object.keys(refs).sort()).toEqual(["after_overwrite", "audit", "main"]);
      expect(refs.after_overwrite.type).toBe("tag");
      expect(refs.audit.type).toBe("branch");
      const audit = refs.audit.rows!.map((row) => row[0]);
      expect(audit).toEqual(expect.arrayContaining([500, 501, 502]));
      expect(refs.main.rows!.map((row) => row[0])).not.toContain(500);
      expect(refs.main.snapshot_id).toBe(py.current_snapshot_id);
    });

    it("the scenario did what it says: whole-file and partial changes in both modes, deletion vectors, equality deletes, rollback", async () => {
      /** The summary of the snapshot the statement labelled `label` made on `table`. */
      const summaryOf = async (table: FloeTable, label: string) => {
        const ids = [...scenario.labels.get(table)!].filter(([, l]) => l === label).map(([id]) => id);
        expect({ table, label, snapshots: ids.length }).toEqual({ table, label, snapshots: 1 });
        const snapshot = (await scenario.catalog.loadTable(parse(table))).metadata.snapshotById(BigInt(ids[0]))!;
        const summary = snapshot.summary;
        const count = (key: string) => Number(summary[key] ?? "0");
        return { operation: summary.operation, count };
      };
      const expectChange = async (table: FloeTable, label: string, operation: string, nonZero: string[], zero: string[] = []) => {
        const { operation: actual, count } = await summaryOf(table, label);
        const counts = Object.fromEntries([...nonZero, ...zero].map((key) => [key, count(key)]));
        const expected = Object.fromEntries([...nonZero.map((key) => [key, expect.any(Number)]), ...zero.map((key) => [key, 0])]);
        expect({ table, label, operation: actual, counts }).toEqual({ table, label, operation, counts: expected });
        for (const key of nonZero) expect({ table, label, key, count: count(key) > 0 }).toEqual({ table, label, key, count: true });
      };
      await expectChange("w.ident", "INSERT OVERWRITE (dynamic) of partitions s='a'", "overwrite", ["added-data-files", "deleted-data-files"]);
      await expectChange("w.ident", "DELETE whole partition s='b'", "delete", ["deleted-data-files"], ["added-data-files"]);
      await expectChange("w.ident", "DELETE rows (copy-on-write)", "overwrite", ["added-data-files", "deleted-data-files"], ["added-delete-files"]);
      await expectChange("w.ident", "UPDATE (copy-on-write)", "overwrite", ["added-data-files", "deleted-data-files"], ["added-delete-files"]);
      await expectChange("w.ident", "MERGE (copy-on-write)", "overwrite", ["added-data-files", "deleted-data-files"], ["added-delete-files"]);
      await expectChange("w.ident", "CALL rewrite_data_files", "replace", ["added-data-files", "deleted-data-files"]);
      await expectChange("w.day_hour_mor", "DELETE rows (merge-on-read, position deletes)", "delete", ["added-position-deletes"], ["added-dvs", "added-data-files"]);
      await expectChange("w.day_hour_mor", "DELETE more rows of the same files (merge-on-read)", "delete", ["added-position-deletes"], ["added-dvs"]);
      await expectChange("w.day_hour_mor", "UPDATE (merge-on-read)", "overwrite", ["added-position-deletes", "added-data-files"]);
      await expectChange("w.day_hour_mor", "MERGE (merge-on-read)", "overwrite", ["added-position-deletes", "added-data-files"]);
      await expectChange("w.day_hour_mor", "CALL rewrite_data_files (applies deletes)", "replace", ["added-data-files", "deleted-data-files", "removed-delete-files"]);
      await expectChange("w.day_hour_mor", "DELETE after compaction (merge-on-read)", "delete", ["added-position-deletes"]);
      await expectChange("w.hour_year_dv", "DELETE rows (merge-on-read, deletion vectors)", "delete", ["added-dvs"], ["added-data-files"]);
      await expectChange("w.hour_year_dv", "DELETE more rows of the same files (deletion vectors merged)", "delete", ["added-dvs", "removed-dvs"]);
      await expectChange("w.hour_year_dv", "MERGE (merge-on-read, deletion vectors)", "overwrite", ["added-dvs", "added-data-files"]);
      await expectChange("w.hour_year_dv", "CALL rewrite_data_files (applies deletion vectors)", "replace", ["added-data-files", "deleted-data-files", "removed-dvs"]);
      await expectChange("w.hour_year_dv", "UPDATE (merge-on-read, deletion vectors)", "overwrite", ["added-dvs", "removed-dvs", "added-data-files"]);
      await expectChange("w.unpartitioned", "DELETE rows (merge-on-read)", "delete", ["added-position-deletes"], ["deleted-data-files"]);
      await expectChange("w.evolve", "UPDATE across specs (merge-on-read)", "overwrite", ["added-position-deletes", "added-data-files"]);
      await expectChange("w.upserts", "upsertRows (equality deletes)", "overwrite", ["added-equality-deletes", "added-data-files"]);

      // the rows the merge-on-read deletes removed are gone in PyIceberg's reads too, and the others are there
      for (const table of ["w.day_hour_mor", "w.hour_year_dv"] as const) {
        const labels = scenario.labels.get(table)!;
        const py = pyTable(report.tables, table);
        const afterDeletes = py.snapshots.find((snapshot) => labels.get(snapshot.snapshot_id)?.startsWith("DELETE more rows of the same files"))!;
        // of the 24 rows inserted first: the merge deleted id 0, the deletes every id % 4 of 1 or 2
        const ids = afterDeletes.rows!.map((row) => Number(row[0])).filter((id) => id < 24);
        expect({ table, ids: ids.sort((a, b) => a - b) }).toEqual({ table, ids: range(1, 23).filter((id) => id % 4 === 0 || id % 4 === 3) });
      }

      // PyIceberg cannot read the upsert: floe's rows after it, checked here
      expect(await scenario.query("SELECT CAST(id AS VARCHAR), s FROM w.upserts ORDER BY id")).toEqual({
        columns: expect.any(Array),
        rows: [["0", "a"], ["1", "b"], ["2", "upserted"], ["3", "über-ñ"], ["4", "abcdef"], ["5", null], ["40", "new"]],
      });

      // the rollback moved main back to a snapshot it had before, leaving the compaction's snapshots in the table
      const recorded = scenario.recorded.get("w.ident")!;
      expect(new Set(recorded).size).toBe(recorded.length - 1);
      const ident = await scenario.catalog.loadTable(parse("w.ident"));
      expect(ident.metadata.snapshots.length).toBeGreaterThan(new Set(recorded).size);
    });
  });

  describe("PyIceberg writes, floe continues, PyIceberg reads and appends, floe reads", () => {
    const NAMES = ["py.events", "py.plain"] as const;
    let created: { tables: PyTable[] };
    let appended: { before: PyTable[]; tables: PyTable[] };
    const floeLabels = new Map<string, string>();

    beforeAll(async () => {
      created = await runPython("write_for_floe.py", { ...catalogConfig, namespace: "py", step: "create" }, workDir);
    });

    it("floe reads every snapshot PyIceberg wrote with PyIceberg's rows", async () => {
      for (const name of NAMES) {
        const py = pyTable(created.tables, name);
        expect(py.snapshots.length).toBeGreaterThanOrEqual(4);
        const { failures, pyErrors } = await compareTable(scenario, name, py, (id) => `PyIceberg's ${py.snapshots.find((s) => s.snapshot_id === id)?.operation}`);
        expect({ name, failures, pyErrors }).toEqual({ name, failures: [], pyErrors: [] });
      }
    });

    it("floe writes to PyIceberg's tables through SQL, and PyIceberg reads every snapshot with floe's rows", async () => {
      const cols = "id, category, amount, ts, big, flag, payload, day";
      const row = (k: number, category: string | null, extra = "") =>
        `(${k}, ${category === null ? "NULL" : quote(category)}, ${(k % 7) - 3}.125, TIMESTAMPTZ '1969-12-31 2${k % 4}:00:00+00' + INTERVAL ${k} MINUTE, ${2n ** 53n + BigInt(k)}, ${k % 2 === 0}, from_hex('00ff${(k % 256).toString(16).padStart(2, "0")}'), DATE '1970-01-01' + ${k - 20}${extra})`;
      const steps: [string, string][] = [];
      for (const name of NAMES) {
        steps.push(
          [name, `INSERT INTO ${name} (${cols}) VALUES ${row(1000, "a")}, ${row(1001, "c")}, ${row(1002, null)}`],
          [name, `DELETE FROM ${name} WHERE id IN (1, 1001)`],
          [name, `UPDATE ${name} SET amount = amount + 1, flag = NOT flag WHERE id % 3 = 0`],
          [name, `ALTER TABLE ${name} SET TBLPROPERTIES ('write.delete.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read')`],
          [name, `DELETE FROM ${name} WHERE id % 4 = 2`],
          [name, `UPDATE ${name} SET category = 'updated' WHERE id % 5 = 0`],
          [name, `ALTER TABLE ${name} ADD COLUMN note VARCHAR`],
          [name, `INSERT INTO ${name} (${cols}, note) VALUES ${row(1100, "b", ", 'with note'")}, ${row(1101, "e", ", NULL")}`],
          [name, name === "py.events" ? `ALTER TABLE ${name} ADD PARTITION FIELD hour(ts)` : `ALTER TABLE ${name} ADD PARTITION FIELD category`],
          [name, `ALTER TABLE ${name} ADD PARTITION FIELD bucket(4, id)`],
          [name, `INSERT INTO ${name} (${cols}, note) VALUES ${row(1200, "a", ", 'new spec'")}, ${row(1201, "f", ", 'new spec'")}`],
          [name, name === "py.events" ? `ALTER TABLE ${name} DROP PARTITION FIELD day` : `ALTER TABLE ${name} DROP PARTITION FIELD category`],
          [name, `INSERT INTO ${name} (${cols}, note) VALUES ${row(1300, "a", ", 'after drop'")}`],
          [name, `DELETE FROM ${name} WHERE id IN (0, 1200, 100)`],
        );
      }
      for (const [name, sql] of steps) {
        const before = new Set((await scenario.catalog.loadTable(parse(name))).metadata.snapshots.map((s) => String(s.snapshotId)));
        await scenario.runner.runScript(sql);
        for (const s of (await scenario.catalog.loadTable(parse(name))).metadata.snapshots) {
          if (!before.has(String(s.snapshotId))) floeLabels.set(String(s.snapshotId), `floe: ${sql.slice(0, 100)}`);
        }
      }
      expect(floeLabels.size).toBeGreaterThanOrEqual(2 * 8);
      // floe's changes to PyIceberg's tables rewrote files (copy-on-write) and added position deletes (merge-on-read)
      for (const name of NAMES) {
        const summaries = (await scenario.catalog.loadTable(parse(name))).metadata.snapshots
          .filter((snapshot) => floeLabels.has(String(snapshot.snapshotId)))
          .map((snapshot) => snapshot.summary);
        const rewrote = summaries.some((x) => x.operation === "overwrite" && x["added-data-files"] !== "0" && x["deleted-data-files"] !== undefined && x["added-delete-files"] === undefined);
        const addedDeletes = summaries.some((x) => x["added-position-deletes"] !== undefined);
        expect({ name, rewrote, addedDeletes }).toEqual({ name, rewrote: true, addedDeletes: true });
      }

      appended = await runPython("write_for_floe.py", { ...catalogConfig, namespace: "py", step: "append" }, workDir);
      for (const name of NAMES) {
        const py = pyTable(appended.before, name);
        const label = (id: string) => floeLabels.get(id) ?? "PyIceberg's";
        // PyIceberg has appended since it read these: refs and the current state are compared after its append
        const { failures, pyErrors } = await compareTable(scenario, name, py, label, { snapshotsOnly: true });
        expect({ name, failures, pyErrors }).toEqual({ name, failures: [], pyErrors: [] });
        const floeWritten = py.snapshots.filter((s) => floeLabels.has(s.snapshot_id));
        expect(floeWritten.length).toBeGreaterThanOrEqual(8);
        expect(py.current.columns).toContain("note");
      }
    });

    it("floe reads PyIceberg's append on top of floe's snapshots", async () => {
      expect(appended).toBeDefined();
      for (const name of NAMES) {
        const py = pyTable(appended.tables, name);
        const before = new Set(pyTable(appended.before, name).snapshots.map((s) => s.snapshot_id));
        const added = py.snapshots.filter((s) => !before.has(s.snapshot_id));
        expect(added.map((s) => s.operation)).toEqual(["append"]);
        const loaded = await scenario.catalog.loadTable(parse(name));
        expect(String(loaded.metadata.currentSnapshotId)).toBe(added[0].snapshot_id);
        const { failures, pyErrors } = await compareTable(scenario, name, py, (id) => floeLabels.get(id) ?? "PyIceberg's");
        expect({ name, failures, pyErrors }).toEqual({ name, failures: [], pyErrors: [] });
        expect(py.current.rows!.some((r) => String(r[8]).startsWith("note-"))).toBe(true);
        // the files of both writers agree with their manifest entries
        expect({ name, problems: py.files.problems }).toEqual({ name, problems: [] });
        expect(py.files.checked.position).toBeGreaterThan(0);
      }
    });
  });
});

function pyTable(tables: PyTable[], name: string): PyTable {
  const table = tables.find((t) => t.name === name);
  if (table === undefined) throw new Error(`PyIceberg's report has no table ${name}`);
  if (table.error !== undefined) throw new Error(`PyIceberg could not load ${name}: ${table.error}`);
  return table;
}

async function ensureBucket(): Promise<void> {
  const admin = new S3FileIO({ ...connection });
  try {
    const exists = await admin.client.send(new HeadBucketCommand({ Bucket: settings.FLOE_TEST_S3_BUCKET })).then(
      () => true,
      () => false,
    );
    if (!exists) await admin.client.send(new CreateBucketCommand({ Bucket: settings.FLOE_TEST_S3_BUCKET }));
  } finally {
    admin.close();
  }
}


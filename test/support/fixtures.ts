import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The shared Iceberg fixture pack, which a user's clone does not have. */
export const ICEBERG_FIXTURES = path.resolve(PROJECT_ROOT, "../shared/fixtures/iceberg");
export const HAVE_ICEBERG_FIXTURES = fs.existsSync(path.join(ICEBERG_FIXTURES, "cases.json"));
export const NO_FIXTURES_MESSAGE = `skipped: the Iceberg fixture pack is not at ${ICEBERG_FIXTURES}`;

export interface ConformanceCase {
  table: string;
  metadata: string;
  snapshot: string | null;
  sql: string;
  expected: unknown[][];
  ordered: boolean;
  source: string;
}

export function loadCases(): ConformanceCase[] {
  return JSON.parse(fs.readFileSync(path.join(ICEBERG_FIXTURES, "cases.json"), "utf8")) as ConformanceCase[];
}

/**
 * Prefixes written inside the fixture tables and the folder each now lives in
 * (the table in the pack's README). Longest first, so `file://data/persistent/` wins over `data/persistent/`.
 */
export function fixtureRelocations(): { from: string; to: string }[] {
  const dir = (p: string) => path.join(ICEBERG_FIXTURES, p) + "/";
  return [
    { from: "file://data/persistent/", to: dir("duckdb-iceberg") },
    { from: "s3a://hyperparam-iceberg/", to: dir("icebird") },
    { from: "s3://hyperparam-iceberg/", to: dir("icebird") },
    { from: "data/persistent/", to: dir("duckdb-iceberg") },
    { from: "lineitem_iceberg_gz/", to: dir("duckdb-iceberg/iceberg/lineitem_iceberg_gz") },
    { from: "lineitem_iceberg/", to: dir("duckdb-iceberg/iceberg/lineitem_iceberg") },
  ];
}

/** Normalizes a value floe returned into the form the fixture's expected answers use. */
export function normalizeActual(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  if (Array.isArray(value)) return value.map(normalizeActual);
  if (typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, normalizeActual(v)]));
  }
  return value;
}

/** Equality as the pack defines it: floats within a relative 1e-6, everything else exactly. */
export function valuesMatch(actual: unknown, expected: unknown): boolean {
  if (typeof expected === "number" && typeof actual === "number") {
    if (Number.isInteger(expected) && Number.isInteger(actual)) return expected === actual;
    return Math.abs(actual - expected) <= 1e-6 * Math.max(1, Math.abs(expected));
  }
  if (typeof expected === "number" && typeof actual === "string") return valuesMatch(Number(actual), expected) && actual.trim() !== "";
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => valuesMatch(actual[i], e));
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object") return false;
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = Object.keys(e);
    return keys.length === Object.keys(a).length && keys.every((k) => valuesMatch(a[k], e[k]));
  }
  return actual === expected;
}

export function rowsMatch(actual: unknown[][], expected: unknown[][], ordered: boolean): boolean {
  if (actual.length !== expected.length) return false;
  if (ordered) return expected.every((row, i) => valuesMatch(actual[i], row));
  const remaining = [...actual];
  for (const row of expected) {
    const at = remaining.findIndex((candidate) => valuesMatch(candidate, row));
    if (at < 0) return false;
    remaining.splice(at, 1);
  }
  return true;
}

/** Folders of the pack relative to its root, and the prefixes written inside them (the README's table). */
const WRITTEN_PREFIXES: readonly { from: string; folder: string }[] = [
  { from: "file://data/persistent/", folder: "duckdb-iceberg" },
  { from: "s3a://hyperparam-iceberg/", folder: "icebird" },
  { from: "s3://hyperparam-iceberg/", folder: "icebird" },
  { from: "data/persistent/", folder: "duckdb-iceberg" },
  { from: "lineitem_iceberg_gz/", folder: "duckdb-iceberg/iceberg/lineitem_iceberg_gz" },
  { from: "lineitem_iceberg/", folder: "duckdb-iceberg/iceberg/lineitem_iceberg" },
];

/**
 * The same mappings as `fixtureRelocations()`, pointing into a copy of the pack at `base`
 * (a location such as `s3://bucket/fixtures-run`, joined with `/`, never normalized).
 */
export function fixtureRelocationsTo(base: string): { from: string; to: string }[] {
  const root = base.endsWith("/") ? base : `${base}/`;
  return WRITTEN_PREFIXES.map(({ from, folder }) => ({ from, to: `${root}${folder}/` }));
}

/**
 * The files of the pack that the cases read: every file below the top folder of each case's table
 * (`duckdb-iceberg/<name>`, `icebird/<writer>`), which also holds data files a table keeps outside its
 * own folder; catalog databases are left out. Paths relative to the pack, with `/`.
 */
export function caseFiles(cases: readonly ConformanceCase[]): string[] {
  const tops = new Set(cases.map((c) => c.table.split("/").slice(0, 2).join("/")));
  const files: string[] = [];
  for (const top of [...tops].sort()) {
    for (const entry of fs.readdirSync(path.join(ICEBERG_FIXTURES, top), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || /\.(db|sqlite)$/.test(entry.name)) continue;
      files.push(path.relative(ICEBERG_FIXTURES, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"));
    }
  }
  return files;
}

/** What floe returned, in the form the expected answers use; undefined when it matches, else both sides. */
export function rowsMismatch(
  actual: { columns: string[]; rows: unknown[][] },
  expected: { columns?: string[]; rows: unknown[][] },
): { actual: { columns: string[]; rows: unknown[][] }; expected: { columns?: string[]; rows: unknown[][] } } | undefined {
  const rows = actual.rows.map((row) => row.map(normalizeActual));
  const columnsMatch = expected.columns === undefined || JSON.stringify(actual.columns) === JSON.stringify(expected.columns);
  if (columnsMatch && rowsMatch(rows, expected.rows, false)) return undefined;
  return { actual: { columns: actual.columns, rows: sortedRows(rows) }, expected: { ...expected, rows: sortedRows(expected.rows) } };
}

function sortedRows(rows: unknown[][]): unknown[][] {
  const key = (row: unknown[]) => JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
  return [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

// ---- tables PyIceberg writes at test time (test/stack/python/write_tables.py) -------------------------

export const WRITE_TABLES_SCRIPT = path.join(PROJECT_ROOT, "test/stack/python/write_tables.py");

/** A read PyIceberg made: column names and rows in floe's plain forms (see write_tables.py). */
export interface PyIcebergRead {
  columns: string[];
  rows: unknown[][];
}

export interface PyIcebergSnapshot extends PyIcebergRead {
  snapshot_id: string;
  label: string;
  operation: string | null;
  schema_id: number | null;
  /** The metadata file the write that made this snapshot left, when it is that file's current snapshot. */
  metadata_after: string | null;
}

export interface PyIcebergRef extends PyIcebergRead {
  name: string;
  type: "branch" | "tag";
  snapshot_id: string;
}

/** The same filter three ways: SQL for floe, a predicate for planScan (`floe`), and the expression PyIceberg scanned with. */
export interface PyIcebergFilter extends PyIcebergRead {
  sql: string;
  floe: { op: string; column: string; value?: unknown; values?: unknown[] };
  pyiceberg_expression: string;
  /** Data files PyIceberg's scan planning kept for the filter. */
  planned_files: string[];
}

export interface PyIcebergTable {
  name: string;
  features: string[];
  format_version: number;
  metadata_location: string;
  current_snapshot_id: string | null;
  /** Data files of the current snapshot, as PyIceberg plans them. */
  live_data_files: string[];
  snapshots: PyIcebergSnapshot[];
  refs: PyIcebergRef[];
  filters: PyIcebergFilter[];
}

export interface PyIcebergReport {
  capabilities: Record<string, unknown>;
  tables: PyIcebergTable[];
  /** Optional tables this PyIceberg could not write, with the reason. */
  skipped: { table: string; reason: string }[];
  timings: { table: string; write_s: number; read_s: number }[];
}

export interface WriteTablesOptions {
  python: string;
  /** `file:///...` or `s3://bucket/prefix`. */
  warehouse: string;
  /** A folder for the SQLite catalog and the report. */
  workDir: string;
  suite: "local" | "s3";
  properties?: Record<string, string>;
  timeoutMs?: number;
}

/** Runs write_tables.py and returns its report; a failure carries the script's stderr. */
export async function writePyIcebergTables(options: WriteTablesOptions): Promise<PyIcebergReport> {
  const out = path.join(options.workDir, `report-${options.suite}.json`);
  const config = {
    warehouse: options.warehouse,
    catalog_db: path.join(options.workDir, `catalog-${options.suite}.db`),
    out,
    suite: options.suite,
    properties: options.properties ?? {},
  };
  // Compiled modules go to a cache outside the venv, so later runs skip compiling PyIceberg.
  const env = { ...process.env, PYTHONDONTWRITEBYTECODE: "", PYTHONPYCACHEPREFIX: path.join(os.tmpdir(), "floe-pycache") };
  try {
    await promisify(execFile)(options.python, [WRITE_TABLES_SCRIPT, JSON.stringify(config)], {
      env,
      timeout: options.timeoutMs ?? 240_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`write_tables.py failed: ${e.message}\n${(e.stderr ?? "").split("\n").slice(-30).join("\n")}`, { cause: error });
  }
  return JSON.parse(fs.readFileSync(out, "utf8")) as PyIcebergReport;
}

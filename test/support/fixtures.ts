import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

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

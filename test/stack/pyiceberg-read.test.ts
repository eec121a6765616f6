import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDBSession } from "../../src/engine/duckdb/DuckDBSession.js";
import { quoteString } from "../../src/engine/duckdb/duckdbTypes.js";
import { prepareIcebergTables, queryIcebergTables, type IcebergTableSource } from "../../src/engine/scan/queryIcebergTables.js";
import { rewriteHexLiterals } from "../../src/engine/sql/hexLiterals.js";
import { FileIORouter } from "../../src/io/FileIORouter.js";
import type { FileIO } from "../../src/io/FileIO.js";
import { predicate, type UnboundExpression } from "../../src/table/expr/index.js";
import { planScan } from "../../src/table/scan/TableScan.js";
import { readTableMetadata } from "../../src/table/spec/metadataFile.js";
import type { Schema } from "../../src/table/spec/schema.js";
import { stackEnv } from "../../scripts/stack/env.mjs";
import {
  rowsMismatch,
  writePyIcebergTables,
  type PyIcebergFilter,
  type PyIcebergReport,
  type PyIcebergTable,
} from "../support/fixtures.js";

// PyIceberg (a second Iceberg implementation) writes tables at test time; floe must read every
// snapshot and ref of them with exactly the rows PyIceberg's own scan returns, and prune filtered scans.

const { FLOE_TEST_PYTHON } = stackEnv();

/** The tables write_tables.py writes in its "local" suite; optional ones may be skipped by an older PyIceberg. */
const TABLES = [
  "identity",
  "identity_double_binary",
  "bucket",
  "truncate",
  "year_ts_month_tstz_day_date",
  "month_ts_day_tstz",
  "day_ts_hour_tstz",
  "hour_ts_year_tstz",
  "void",
  "evolution",
  "orders",
  "position_deletes",
  "types",
  "uuids",
] as const;

let workDir: string;
let report: PyIcebergReport;
let session: DuckDBSession;
const io = new FileIORouter();

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-pyiceberg-read-"));
  const began = Date.now();
  report = await writePyIcebergTables({
    python: FLOE_TEST_PYTHON,
    warehouse: pathToFileURL(path.join(workDir, "warehouse")).href,
    workDir,
    suite: "local",
  });
  console.info(
    `PyIceberg ${report.capabilities.pyiceberg} wrote ${report.tables.length} tables in ${((Date.now() - began) / 1000).toFixed(1)}s` +
      (report.capabilities.transforms_from_python ? " (partition transforms from PyIceberg's pure-Python functions: pyiceberg-core is not installed)" : "") +
      (report.skipped.length ? `; skipped: ${report.skipped.map((s) => `${s.table} (${s.reason})`).join("; ")}` : ""),
  );
  session = await DuckDBSession.open();
});

afterAll(() => {
  session?.close();
  io.close();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe("stack: floe reads tables PyIceberg writes", () => {
  it("PyIceberg wrote every table the tests expect", () => {
    const written = [...report.tables.map((t) => t.name), ...report.skipped.map((s) => s.table)].sort();
    expect(written).toEqual([...TABLES].sort());
  });

  for (const name of TABLES) {
    describe(name, () => {
      it("every snapshot, by id, has PyIceberg's rows and columns", async (ctx) => {
        const table = tableOrSkip(name, ctx.skip);
        const failures = [];
        for (const snapshot of table.snapshots) {
          const result = await read(io, { name: "t", metadataLocation: table.metadata_location, snapshotId: BigInt(snapshot.snapshot_id) });
          const mismatch = rowsMismatch(result, snapshot);
          if (mismatch) failures.push({ snapshot: `${snapshot.snapshot_id} (${snapshot.label})`, ...mismatch });
        }
        expect(failures).toEqual([]);
        expect(table.snapshots.length).toBeGreaterThan(0);
      });

      it("the metadata file each write left reads as that write's snapshot", async (ctx) => {
        const table = tableOrSkip(name, ctx.skip);
        const failures = [];
        for (const snapshot of table.snapshots.filter((s) => s.metadata_after !== null)) {
          const result = await read(io, { name: "t", metadataLocation: snapshot.metadata_after! });
          const mismatch = rowsMismatch(result, snapshot);
          if (mismatch) failures.push({ metadata: snapshot.metadata_after, label: snapshot.label, ...mismatch });
        }
        expect(failures).toEqual([]);
      });

      it("every branch has PyIceberg's rows; main is the current snapshot", async (ctx) => {
        const table = tableOrSkip(name, ctx.skip);
        const failures = [];
        for (const ref of table.refs.filter((r) => r.type === "branch")) {
          const sources: IcebergTableSource[] = [{ name: "t", metadataLocation: table.metadata_location, ref: ref.name }];
          if (ref.name === "main") sources.push({ name: "t", metadataLocation: table.metadata_location });
          for (const source of sources) {
            const mismatch = rowsMismatch(await read(io, source), ref);
            if (mismatch) failures.push({ ref: `branch ${ref.name}${source.ref ? "" : " (no selector)"}`, ...mismatch });
          }
        }
        expect(failures).toEqual([]);
        expect(table.refs.map((r) => r.name)).toContain("main");
      });

      // A tag reads with the schema of its snapshot, as PyIceberg and Java (SnapshotUtil.schemaFor) read it;
      // a branch with the table's schema.
      it("every tag has PyIceberg's rows, with the schema of its snapshot", async (ctx) => {
        const table = tableOrSkip(name, ctx.skip);
        const tags = table.refs.filter((r) => r.type === "tag");
        if (tags.length === 0) ctx.skip("no tags on this table");
        const failures = [];
        for (const tag of tags) {
          const mismatch = rowsMismatch(await read(io, { name: "t", metadataLocation: table.metadata_location, ref: tag.name }), tag);
          if (mismatch) failures.push({ ref: `tag ${tag.name}`, ...mismatch });
        }
        expect(failures).toEqual([]);
      });

      it("plans the same live data files as PyIceberg", async (ctx) => {
        const table = tableOrSkip(name, ctx.skip);
        const metadata = await readTableMetadata(io, table.metadata_location);
        const plan = await planScan(metadata, io);
        expect(plan.tasks.map((t) => t.dataFile.filePath).sort()).toEqual(table.live_data_files);
      });

      it("filtered queries have PyIceberg's rows, and planScan prunes without losing a matching file", async (ctx) => {
        const table = tableOrSkip(name, ctx.skip);
        if (table.filters.length === 0) ctx.skip("no filtered queries for this table");
        const metadata = await readTableMetadata(io, table.metadata_location);
        const all = (await planScan(metadata, io)).tasks.map((t) => t.dataFile.filePath);
        // Files read by their stored column names only when every snapshot has one schema.
        const oneSchema = new Set(table.snapshots.map((s) => s.schema_id)).size === 1;
        const failures = [];
        const notPruned = [];
        for (const filter of table.filters) {
          const source = { name: "t", metadataLocation: table.metadata_location };
          const mismatch = rowsMismatch(await read(io, source, filter.sql), filter);
          if (mismatch) failures.push({ sql: filter.sql, ...mismatch });

          const planned = (await planScan(metadata, io, { filter: floePredicate(filter, metadata.currentSchema()) })).tasks.map(
            (t) => t.dataFile.filePath,
          );
          if (oneSchema) {
            const matching = await filesWithMatches(io, session, all, filter.sql);
            if (filter.rows.length > 0 && matching.length === 0) failures.push({ sql: filter.sql, problem: "DuckDB found no file with a matching row" });
            const lost = matching.filter((f) => !planned.includes(f));
            if (lost.length > 0) failures.push({ sql: filter.sql, planScanDroppedFilesWithMatchingRows: lost });
          }
          // Where PyIceberg prunes, floe prunes too. (floe may keep more files than PyIceberg for bounds before
          // 1970: like Java, it widens year/month/day/hour projections there by one unit.)
          if (filter.planned_files.length < all.length && planned.length >= all.length) {
            notPruned.push({ sql: filter.sql, pyiceberg: filter.planned_files.length, floe: planned.length, of: all.length });
          }
        }
        expect(failures).toEqual([]);
        expect(notPruned).toEqual([]);
      });
    });
  }

  it("SQL filters prune the scan the query reads (where the filter is on a partition source column)", async () => {
    const table = report.tables.find((t) => t.name === "identity")!;
    const all = table.live_data_files.length;
    const sql = "SELECT * FROM t WHERE s = 'ab'";
    const prepared = await prepareIcebergTables([{ name: "t", metadataLocation: table.metadata_location }], sql, { io, session });
    const plan = prepared.get("t")!.plan;
    expect(plan.tasks.length).toBeLessThan(all);
    expect(plan.metrics.dataFilesSkipped + plan.metrics.manifestsSkipped).toBeGreaterThan(0);
  });
});

function tableOrSkip(name: string, skip: (note?: string) => never): PyIcebergTable {
  const table = report.tables.find((t) => t.name === name);
  if (table) return table;
  const skipped = report.skipped.find((s) => s.table === name);
  return skip(skipped ? `PyIceberg ${report.capabilities.pyiceberg} cannot write it: ${skipped.reason}` : "not written");
}

async function read(fileIO: FileIO, source: IcebergTableSource, sql = "SELECT * FROM t") {
  return queryIcebergTables([source], sql, { io: fileIO, session });
}

/** The filter of a query as the unbound predicate planScan takes, literals in the forms binding accepts. */
function floePredicate(filter: PyIcebergFilter, schema: Schema): UnboundExpression {
  const { op, column } = filter.floe;
  const type = schema.fields.find((f) => f.name === column)?.type.type;
  const literal = (v: unknown) => {
    if (type === "long") return BigInt(v as string | number);
    if (type === "binary" || type === "fixed") return Uint8Array.from(Buffer.from(String(v), "hex"));
    return v as string | number | boolean;
  };
  if (op === "isNull" || op === "notNull") return predicate(op, column);
  if (op === "in" || op === "notIn") return predicate(op, column, filter.floe.values!.map(literal));
  return predicate(op as "eq", column, literal(filter.floe.value));
}

/** Data files (of `files`) holding at least one row the query's WHERE clause selects, found by DuckDB reading each file as it is. */
async function filesWithMatches(fileIO: FileIO, duck: DuckDBSession, files: readonly string[], sql: string): Promise<string[]> {
  const where = rewriteHexLiterals(sql.slice(sql.indexOf(" WHERE ") + " WHERE ".length));
  const local = new Map<string, string>();
  for (const file of files) local.set(await fileIO.localPath(file), file);
  const list = [...local.keys()].map(quoteString).join(", ");
  const result = await duck.query(
    `SELECT DISTINCT filename FROM read_parquet([${list}], filename = true, union_by_name = true) WHERE ${where}`,
  );
  return result.rows.map((r) => local.get(String(r[0]))!);
}

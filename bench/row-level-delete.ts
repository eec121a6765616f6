/**
 * Row-level deletes: the same DELETE of 1% of a 10-million-row event table, scattered over
 * every data file, done copy-on-write (every touched data file rewritten without the rows)
 * and merge-on-read (a small position delete file per touched data file, data files left
 * alone), and the cost each leaves for readers: a full-scan aggregate and a one-day query
 * through floe before the delete and after each.
 *
 * The table is loaded once, with `appendRows` in several commits (as an event table fills up
 * over time: each load holds events of every day, so every day partition has one file per
 * load), and copied aside; each delete runs on a fresh copy restored to the same path (the
 * metadata holds absolute paths), so both modes start from byte-identical tables. Deletes
 * alternate the modes. Each read after a delete is paired with the same read of the snapshot
 * before it (time travel: the same files as before the delete), runs alternating, so a load
 * change on a shared machine shifts both sides of a ratio alike; reads are medians. Both
 * modes must leave the rows the same query over the generated rows keeps, checked with an
 * order-independent checksum of every column.
 *
 *   node --import tsx bench/row-level-delete.ts [--rows 10000000] [--loads 10] [--delete-runs 3] [--runs 5]
 *
 * `--loads 1` loads one file per day: copy-on-write then rewrites each file into one like it,
 * while with more loads it also merges each day's files into one.
 */
import fs from "node:fs";
import path from "node:path";
import { FileSystemTableCommitter } from "../src/catalog/filesystem/FileSystemTableCommitter.js";
import { deleteRows } from "../src/engine/dml/deleteRows.js";
import type { RowLevelMode } from "../src/engine/dml/rowLevelMode.js";
import type { ChangeResult, TableTarget } from "../src/engine/dml/TableTarget.js";
import { appendRows } from "../src/engine/dml/writeRows.js";
import { DuckDBSession } from "../src/engine/duckdb/DuckDBSession.js";
import { prepareIcebergTables, queryIcebergTables } from "../src/engine/scan/queryIcebergTables.js";
import { LocalFileIO } from "../src/io/LocalFileIO.js";
import { planScan } from "../src/table/scan/TableScan.js";
import { PartitionSpec } from "../src/table/spec/partitionSpec.js";
import { Schema } from "../src/table/spec/schema.js";
import { Transaction } from "../src/table/transaction/Transaction.js";
import { median, report, timeMs, workDir } from "./lib/harness.js";

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const ROWS = arg("rows", 10_000_000);
const LOADS = arg("loads", 10);
const DELETE_RUNS = arg("delete-runs", 3);
const RUNS = arg("runs", 5);
const DAYS = 30;
const MODES: RowLevelMode[] = ["copy-on-write", "merge-on-read"];

const SCHEMA = new Schema(
  [
    { id: 1, name: "event_id", required: true, type: { type: "long" } },
    { id: 2, name: "user_id", required: true, type: { type: "long" } },
    { id: 3, name: "event_type", required: true, type: { type: "string" } },
    { id: 4, name: "ts", required: true, type: { type: "timestamptz" } },
    { id: 5, name: "country", required: false, type: { type: "string" } },
    { id: 6, name: "amount", required: false, type: { type: "double" } },
    { id: 7, name: "payload", required: false, type: { type: "string" } },
  ],
  { schemaId: 0 },
);
const SPEC = new PartitionSpec(0, [{ sourceId: 4, fieldId: 1000, name: "ts_day", transform: "day" }]);

const EVENT_TYPES = ["'view'", "'view'", "'view'", "'click'", "'click'", "'search'", "'add_to_cart'", "'purchase'", "'login'", "'share'"];
const COUNTRIES = ["'US'", "'US'", "'US'", "'DE'", "'GB'", "'FR'", "'IN'", "'BR'", "'JP'", "'CA'", "'AU'", "'ES'", "'IT'", "'NL'", "'SE'", "NULL"];

/** One of `values` (SQL literals), chosen by the hash of `key`. */
const pick = (values: readonly string[], key: string) => `[${values.join(", ")}][1 + CAST(hash(${key}) % ${values.length} AS BIGINT)]`;

/**
 * Events `from` ≤ i < `to`, every value a hash of the row number (the same rows every run),
 * typed as the table's columns so a checksum over them matches one over the table; the
 * timestamps spread over 30 days in no order, as events arriving late from many clients do.
 */
function events(from: number, to: number): string {
  return `
  SELECT
    CAST(i AS BIGINT) AS event_id,
    CAST(hash(i // 40, 'user') % 2000000 AS BIGINT) AS user_id,
    ${pick(EVENT_TYPES, "i, 'type'")} AS event_type,
    TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_microseconds(CAST(hash(i, 'ts') % ${DAYS * 86_400_000_000} AS BIGINT)) AS ts,
    ${pick(COUNTRIES, "i, 'country'")} AS country,
    CASE WHEN hash(i, 'amount') % 20 <> 0 THEN CAST(hash(i, 'amount') % 100000 AS DOUBLE) / 100 END AS amount,
    '{"page":"/p/' || hash(i, 'page') % 5000 || '","ref":"' || ${pick(["'google'", "'direct'", "'email'", "'social'"], "i, 'ref'")} || '","v":' || hash(i, 'v') % 100 || '}' AS payload
  FROM range(${from}, ${to}) AS r(i)`;
}

/** The rows deleted: 1%, chosen by a hash of the key, so every data file loses some. */
const DELETE_WHERE = "hash(event_id) % 100 = 0";
const FULL_QUERY = "SELECT count(*) AS n, sum(amount) AS amount FROM t";
const DAY_QUERY = "SELECT count(*) AS n, sum(amount) AS amount FROM t WHERE ts >= TIMESTAMPTZ '2026-01-15 00:00:00+00' AND ts < TIMESTAMPTZ '2026-01-16 00:00:00+00'";
/** Every column of every row, independent of row order: equal checksums mean the same rows (with near certainty). */
const CHECKSUM = "SELECT count(*), sum(event_id), bit_xor(hash(event_id, user_id, event_type, ts, country, amount, payload)), sum(round(amount * 100)) FROM t";

const io = new LocalFileIO();
const json = (value: unknown) => JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v));

/** The rows of a query's answer, doubles allowed to differ in their last bits (sums in a different order). */
function sameAnswer(a: unknown[][], b: unknown[][]): boolean {
  if (a.length !== b.length) return false;
  return a.every((row, r) =>
    row.every((x, c) => {
      const y = b[r][c];
      if (typeof x === "number" && typeof y === "number") return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
      return json(x) === json(y);
    }),
  );
}

function fail(message: string): never {
  console.error(`error: ${message}`);
  process.exit(1);
}

async function currentMetadata(location: string): Promise<string> {
  return (await new FileSystemTableCommitter(location, io).load())!.metadataLocation;
}

/** `sql` over the table's current snapshot, or over `snapshotId`. */
async function query(session: DuckDBSession, location: string, sql: string, snapshotId?: bigint): Promise<unknown[][]> {
  return (await queryIcebergTables([{ name: "t", metadataLocation: await currentMetadata(location), snapshotId }], sql, { io, session })).rows;
}

interface Reads {
  before: number;
  after: number;
  beforeRows: unknown[][];
  afterRows: unknown[][];
}

/** `RUNS` timed runs of `sql` at `before` and at the current snapshot, alternating, after one untimed run of each: medians and answers. */
async function pairedReads(session: DuckDBSession, location: string, sql: string, before: bigint): Promise<Reads> {
  let beforeRows = await query(session, location, sql, before);
  let afterRows = await query(session, location, sql);
  const beforeMs: number[] = [];
  const afterMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    beforeMs.push(await timeMs(async () => (beforeRows = await query(session, location, sql, before))));
    afterMs.push(await timeMs(async () => (afterRows = await query(session, location, sql))));
  }
  return { before: median(beforeMs), after: median(afterMs), beforeRows, afterRows };
}

async function liveFiles(location: string): Promise<{ data: number; deletes: number; bytes: bigint }> {
  const metadata = (await new FileSystemTableCommitter(location, io).load())!.metadata;
  const plan = await planScan(metadata, io);
  const deletes = new Map(plan.tasks.flatMap((t) => t.deletes.map((d) => [d.filePath, d.fileSizeInBytes] as const)));
  const bytes = plan.tasks.reduce((sum, t) => sum + t.dataFile.fileSizeInBytes, 0n) + [...deletes.values()].reduce((sum, b) => sum + b, 0n);
  return { data: plan.tasks.length, deletes: deletes.size, bytes };
}

async function buildTable(session: DuckDBSession, location: string): Promise<number> {
  const committer = new FileSystemTableCommitter(location, io);
  return timeMs(async () => {
    await new Transaction({ io }).createTable({ schema: SCHEMA, spec: SPEC, location, formatVersion: 2 }).commit(committer);
    const target: TableTarget = { io, committer };
    for (let load = 0; load < LOADS; load++) {
      await appendRows(session, target, events(Math.floor((ROWS * load) / LOADS), Math.floor((ROWS * (load + 1)) / LOADS)));
    }
  });
}

function restore(pristine: string, location: string): void {
  fs.rmSync(location, { recursive: true, force: true });
  fs.cpSync(pristine, location, { recursive: true });
}

const mib = (bytes: bigint | number) => `${(Number(bytes) / 2 ** 20).toFixed(1)} MiB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;
const ratio = (value: number) => `**${value.toFixed(2)}x**`;

interface DeleteRun {
  ms: number;
  result: ChangeResult;
  bytesWritten: bigint;
}

async function main() {
  const dir = workDir("row-level-delete");
  const location = path.join(dir, "events");
  const pristine = path.join(dir, "events-pristine");
  const session = await DuckDBSession.open({ threads: 2 });

  console.error(`loading ${ROWS.toLocaleString("en")} rows in ${LOADS} appends under ${location} ...`);
  const buildMs = await buildTable(session, location);
  fs.cpSync(location, pristine, { recursive: true });
  const before = await liveFiles(location);
  const dayPlan = (await prepareIcebergTables([{ name: "t", metadataLocation: await currentMetadata(location) }], DAY_QUERY, { io, session })).get("t")!.plan;

  const expectedBefore = (await session.query(CHECKSUM.replace("FROM t", `FROM (${events(0, ROWS)})`))).rows;
  const expectedAfter = (await session.query(CHECKSUM.replace("FROM t", `FROM (${events(0, ROWS)}) WHERE NOT (${DELETE_WHERE})`))).rows;
  if (!sameAnswer(await query(session, location, CHECKSUM), expectedBefore)) fail("the loaded table does not hold the generated rows");

  const loaded = (await new FileSystemTableCommitter(location, io).load())!.metadata.currentSnapshotId!;

  const deletes = new Map<RowLevelMode, DeleteRun[]>(MODES.map((m) => [m, []]));
  const after = new Map<RowLevelMode, { full: Reads; day: Reads; files: Awaited<ReturnType<typeof liveFiles>> }>();
  for (let run = 0; run < DELETE_RUNS; run++) {
    for (const mode of run % 2 === 0 ? MODES : [...MODES].reverse()) {
      restore(pristine, location);
      console.error(`delete ${run + 1}/${DELETE_RUNS}, ${mode} ...`);
      const target: TableTarget = { io, committer: new FileSystemTableCommitter(location, io) };
      let result: ChangeResult | undefined;
      const elapsed = await timeMs(async () => (result = await deleteRows(session, target, { where: DELETE_WHERE, mode })));
      const summary = result!.table.metadata.currentSnapshot()!.summary;
      deletes.get(mode)!.push({ ms: elapsed, result: result!, bytesWritten: BigInt(summary["added-files-size"] ?? "0") });
      if (!sameAnswer(await query(session, location, CHECKSUM), expectedAfter)) {
        fail(`after the ${mode} delete the table does not hold the rows expected: ${json(await query(session, location, CHECKSUM))} vs ${json(expectedAfter)}`);
      }
      if (run === 0) {
        console.error(`reading before and after the ${mode} delete ...`);
        after.set(mode, { full: await pairedReads(session, location, FULL_QUERY, loaded), day: await pairedReads(session, location, DAY_QUERY, loaded), files: await liveFiles(location) });
      }
    }
  }
  session.close();

  const cow = after.get("copy-on-write")!;
  const mor = after.get("merge-on-read")!;
  if (!sameAnswer(cow.full.afterRows, mor.full.afterRows) || !sameAnswer(cow.day.afterRows, mor.day.afterRows)) {
    fail(`copy-on-write and merge-on-read answer differently: ${json([cow.full.afterRows, cow.day.afterRows])} vs ${json([mor.full.afterRows, mor.day.afterRows])}`);
  }
  if (!sameAnswer(cow.full.beforeRows, mor.full.beforeRows) || !sameAnswer(cow.day.beforeRows, mor.day.beforeRows)) {
    fail(`the snapshots before the deletes answer differently: ${json([cow.full.beforeRows, cow.day.beforeRows])} vs ${json([mor.full.beforeRows, mor.day.beforeRows])}`);
  }
  if (sameAnswer(cow.full.beforeRows, cow.full.afterRows) || sameAnswer(cow.day.beforeRows, cow.day.afterRows)) fail("the delete did not change the answers");

  const cowDeletes = deletes.get("copy-on-write")!;
  const morDeletes = deletes.get("merge-on-read")!;
  const cowMs = median(cowDeletes.map((d) => d.ms));
  const morMs = median(morDeletes.map((d) => d.ms));
  const written = (d: DeleteRun) =>
    `${d.result.addedDataFiles} data + ${d.result.addedDeleteFiles} delete files (${d.result.removedDataFiles} data files replaced), ${mib(d.bytesWritten)}`;
  const deleted = cowDeletes[0].result.deletedRows;
  const files = (f: Awaited<ReturnType<typeof liveFiles>>) => `${f.data} data + ${f.deletes} delete files, ${mib(f.bytes)}`;

  report(
    "Row-level deletes: merge-on-read vs copy-on-write",
    ["node --import tsx bench/row-level-delete.ts", ...process.argv.slice(2)].join(" "),
    [
      ["table", `${ROWS.toLocaleString("en")} rows, 7 columns, day(ts) partitions over ${DAYS} days, loaded in ${LOADS} append${LOADS === 1 ? "" : "s"} (${ms(buildMs)}): ${files(before)}`],
      ["delete", `\`DELETE WHERE ${DELETE_WHERE}\`: ${deleted.toLocaleString("en")} rows (${((Number(deleted) / ROWS) * 100).toFixed(2)}%) from every data file`],
      [`copy-on-write delete (median of ${DELETE_RUNS}, fresh table each)`, `${ms(cowMs)}; wrote ${written(cowDeletes[0])}`],
      [`merge-on-read delete (median of ${DELETE_RUNS}, fresh table each)`, `${ms(morMs)}; wrote ${written(morDeletes[0])}`],
      ["merge-on-read / copy-on-write delete time", ratio(morMs / cowMs)],
      ["full scan", `\`${FULL_QUERY}\``],
      ["one-day query", `\`${DAY_QUERY.replace("FROM t WHERE", "… WHERE")}\`: reads ${dayPlan.tasks.length} of ${before.data} data files`],
      [`copy-on-write: reads before → after (median of ${RUNS}, alternating): full / one day`, `${ms(cow.full.before)} → ${ms(cow.full.after)} / ${ms(cow.day.before)} → ${ms(cow.day.after)} (after: ${files(cow.files)})`],
      [`merge-on-read: reads before → after (median of ${RUNS}, alternating): full / one day`, `${ms(mor.full.before)} → ${ms(mor.full.after)} / ${ms(mor.day.before)} → ${ms(mor.day.after)} (after: ${files(mor.files)})`],
      ["read after copy-on-write / before: full / one day", `${ratio(cow.full.after / cow.full.before)} / ${ratio(cow.day.after / cow.day.before)}`],
      ["read after merge-on-read / before: full / one day", `${ratio(mor.full.after / mor.full.before)} / ${ratio(mor.day.after / mor.day.before)}`],
      ["answers", "both modes keep exactly the generated rows minus the deleted ones (checksum of every column), and answer both queries alike"],
    ],
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

await main();

/**
 * Append: 10 million rows of click-stream events written into a new day(ts)-partitioned
 * Iceberg table, by floe (`writeDataFiles` + a FastAppend commit) and by PyIceberg
 * (`table.append` of an Arrow table), against DuckDB's own partitioned `COPY ... TO` of the
 * same rows: the limit, since floe writes through that COPY.
 *
 * The rows are generated once (deterministic, hash-based values), held in a DuckDB table for
 * the COPY and for floe and in a Parquet file that PyIceberg reads into Arrow before its timer
 * starts, so every tool is timed from rows in memory to files on disk (and, for the Iceberg
 * writers, a committed snapshot). Every run writes into a fresh directory; COPY and floe
 * alternate, PyIceberg runs after them, and medians are compared.
 *
 *   npm run stack -- up   # once: the Python with PyIceberg
 *   node --import tsx bench/append.ts [--rows 10000000] [--runs 3]
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { FileSystemTableCommitter } from "../src/catalog/filesystem/FileSystemTableCommitter.js";
import { DuckDBSession } from "../src/engine/duckdb/DuckDBSession.js";
import { writeDataFiles } from "../src/engine/write/DataFileWriter.js";
import { LocalFileIO } from "../src/io/LocalFileIO.js";
import { PartitionSpec } from "../src/table/spec/partitionSpec.js";
import { Schema } from "../src/table/spec/schema.js";
import { Transaction } from "../src/table/transaction/Transaction.js";
import { median, report, stackPython, timeMs, workDir } from "./lib/harness.js";

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const ROWS = arg("rows", 10_000_000);
const RUNS = arg("runs", 3);
const DAYS = 30;

const SCHEMA = new Schema(
  [
    { id: 1, name: "event_id", required: true, type: { type: "uuid" } },
    { id: 2, name: "user_id", required: true, type: { type: "long" } },
    { id: 3, name: "session_id", required: false, type: { type: "string" } },
    { id: 4, name: "event_type", required: true, type: { type: "string" } },
    { id: 5, name: "ts", required: true, type: { type: "timestamptz" } },
    { id: 6, name: "country", required: false, type: { type: "string" } },
    { id: 7, name: "device", required: false, type: { type: "string" } },
    { id: 8, name: "amount", required: false, type: { type: "decimal", precision: 10, scale: 2 } },
    { id: 9, name: "payload", required: false, type: { type: "string" } },
    { id: 10, name: "is_bot", required: false, type: { type: "boolean" } },
  ],
  { schemaId: 0 },
);
const SPEC = new PartitionSpec(0, [{ sourceId: 5, fieldId: 1000, name: "ts_day", transform: "day" }]);
const REQUIRED = SCHEMA.fields.filter((f) => f.required).map((f) => f.name);

const EVENT_TYPES = ["'view'", "'view'", "'view'", "'click'", "'click'", "'search'", "'add_to_cart'", "'purchase'", "'login'", "'share'"];
const COUNTRIES = ["'US'", "'US'", "'US'", "'DE'", "'GB'", "'FR'", "'IN'", "'BR'", "'JP'", "'CA'", "'AU'", "'ES'", "'IT'", "'NL'", "'SE'", "'PL'", "'MX'", "'KR'", "'ZA'", "NULL"];

/** One of `values` (SQL literals), chosen by the hash of `key`. */
const pick = (values: readonly string[], key: string) => `[${values.join(", ")}][1 + CAST(hash(${key}) % ${values.length} AS BIGINT)]`;

/**
 * The events: every value a hash of the row number, so each run of the benchmark writes the
 * same rows; timestamps spread over 30 days in no particular order, as events arriving late
 * and from many clients are.
 */
const EVENTS = `
  SELECT
    CAST(regexp_replace(md5(i::VARCHAR), '^(.{8})(.{4})(.{4})(.{4})(.{12})$', '\\1-\\2-\\3-\\4-\\5') AS UUID) AS event_id,
    CAST(hash(i // 40, 'user') % 2000000 AS BIGINT) AS user_id,
    printf('%016x', hash(i // 20, 'session')) AS session_id,
    ${pick(EVENT_TYPES, "i, 'type'")} AS event_type,
    TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_microseconds(CAST(hash(i, 'ts') % ${DAYS * 86_400_000_000} AS BIGINT)) AS ts,
    ${pick(COUNTRIES, "i, 'country'")} AS country,
    ${pick(["'ios'", "'android'", "'web'", "'desktop'"], "i // 20, 'device'")} AS device,
    CASE WHEN hash(i, 'type') % ${EVENT_TYPES.length} = ${EVENT_TYPES.indexOf("'purchase'")} THEN CAST((hash(i, 'amount') % 50000) / 100 AS DECIMAL(10, 2)) END AS amount,
    '{"page":"/p/' || hash(i, 'page') % 5000 || '","ref":"' || ${pick(["'google'", "'direct'", "'email'", "'social'"], "i, 'ref'")} || '","v":' || hash(i, 'v') % 100 || '}' AS payload,
    hash(i, 'bot') % 50 = 0 AS is_bot
  FROM range(${ROWS}) AS r(i)`;

/** PyIceberg's append in a fresh process: the Arrow table is read before the timer starts. */
const PYICEBERG_APPEND = `
import json, sys, time
import pyarrow as pa
import pyarrow.parquet as pq
from pyiceberg.catalog.sql import SqlCatalog
from pyiceberg.partitioning import PartitionSpec, PartitionField
from pyiceberg.schema import Schema
from pyiceberg.transforms import DayTransform
from pyiceberg.types import NestedField, UUIDType, LongType, StringType, TimestamptzType, DecimalType, BooleanType
source, work, run, required = sys.argv[1], sys.argv[2], sys.argv[3], set(sys.argv[4].split(","))
arrow = pq.read_table(source, arrow_extensions_enabled=True)
arrow = arrow.cast(pa.schema([f.with_nullable(f.name not in required) for f in arrow.schema]))
types = {"event_id": UUIDType(), "user_id": LongType(), "session_id": StringType(), "event_type": StringType(), "ts": TimestamptzType(),
         "country": StringType(), "device": StringType(), "amount": DecimalType(10, 2), "payload": StringType(), "is_bot": BooleanType()}
schema = Schema(*[NestedField(i + 1, f.name, types[f.name], required=f.name in required) for i, f in enumerate(arrow.schema)])
spec = PartitionSpec(PartitionField(source_id=5, field_id=1000, transform=DayTransform(), name="ts_day"))
catalog = SqlCatalog("bench", uri=f"sqlite:///{work}/catalog-{run}.db", warehouse=f"file://{work}/pyiceberg-{run}")
catalog.create_namespace("bench")
table = catalog.create_table("bench.events", schema=schema, partition_spec=spec)
cpu = time.process_time()
start = time.perf_counter()
table.append(arrow)
ms = (time.perf_counter() - start) * 1000
cpu_ms = (time.process_time() - cpu) * 1000
summary = table.current_snapshot().summary
print(json.dumps({"ms": ms, "cpuMs": cpu_ms, "records": int(summary["total-records"]), "files": int(summary["total-data-files"])}))
`;

interface Written {
  records: number;
  files: number;
}

interface Timed {
  ms: number;
  /** CPU time of the whole process, DuckDB's threads included. */
  cpuMs: number;
  written: Written;
}

/** Wall-clock and process CPU time of `work`. */
async function timed(work: () => Promise<Written>): Promise<Timed> {
  const cpu = process.cpuUsage();
  let written: Written = { records: 0, files: 0 };
  const ms = await timeMs(async () => (written = await work()));
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, written };
}

/**
 * DuckDB's partitioned COPY of the same rows, with floe's codec: what floe's write builds on.
 * The day is the integer division of epoch microseconds (all rows are after 1970), the
 * cheapest form; `CAST(ts AS DATE)` of a timestamptz goes through ICU's calendar and costs more.
 */
async function copyBaseline(session: DuckDBSession, dir: string): Promise<Timed> {
  return timed(async () => {
    const result = await session.query(
      `COPY (SELECT *, epoch_us(ts) // 86400000000 AS day FROM events) TO '${dir}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (day), RETURN_STATS true)`,
    );
    const countAt = result.columns.indexOf("count");
    return { records: result.rows.reduce<number>((n, row) => n + Number(row[countAt]), 0), files: result.rows.length };
  });
}

async function floeAppend(session: DuckDBSession, location: string): Promise<Timed> {
  const io = new LocalFileIO();
  const committer = new FileSystemTableCommitter(location, io);
  const created = await new Transaction({ io }).createTable({ schema: SCHEMA, spec: SPEC, location, properties: {} }).commit(committer);
  return timed(async () => {
    const files = await writeDataFiles(session, {
      sql: "SELECT * FROM events",
      schema: created.metadata.currentSchema(),
      spec: created.metadata.defaultSpec(),
      location,
      io,
      properties: created.metadata.properties,
    });
    const committed = await new Transaction({ io, base: created }).fastAppend(files).commit(committer);
    const summary = committed.metadata.currentSnapshot()!.summary;
    return { records: Number(summary["total-records"]), files: Number(summary["total-data-files"]) };
  });
}

function pyicebergAppend(python: string, source: string, dir: string, run: number): Timed {
  const out = execFileSync(python, ["-c", PYICEBERG_APPEND, source, dir, String(run), REQUIRED.join(",")], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  const result = JSON.parse(out.trim().split("\n").pop()!) as { ms: number; cpuMs: number; records: number; files: number };
  return { ms: result.ms, cpuMs: result.cpuMs, written: { records: result.records, files: result.files } };
}

function sizeOf(dir: string): number {
  return fs
    .readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith(".parquet"))
    .reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
}

interface Tool {
  name: string;
  /** Writes the rows into `dir`, a fresh directory. */
  run: (dir: string, run: number) => Promise<Timed>;
  /** Where the files of run `run` went. */
  output: (dir: string, run: number) => string;
  runs: Timed[];
  bytes: number;
}

async function main() {
  const python = stackPython();
  const dir = workDir("append");
  const session = await DuckDBSession.open();
  console.error(`generating ${ROWS.toLocaleString("en")} events ...`);
  await session.run(`CREATE TABLE events AS ${EVENTS}`);
  const source = path.join(dir, "events.parquet");
  await session.run(`COPY events TO '${source}' (FORMAT parquet, COMPRESSION zstd)`);

  const tools: Tool[] = [
    { name: "COPY", run: (d, r) => copyBaseline(session, path.join(d, `copy-${r}`)), output: (d, r) => path.join(d, `copy-${r}`), runs: [], bytes: 0 },
    { name: "floe", run: (d, r) => floeAppend(session, path.join(d, `floe-${r}`)), output: (d, r) => path.join(d, `floe-${r}`), runs: [], bytes: 0 },
    { name: "PyIceberg", run: async (d, r) => pyicebergAppend(python, source, d, r), output: (d, r) => path.join(d, `pyiceberg-${r}`), runs: [], bytes: 0 },
  ];
  // COPY and floe alternate, each going first every other run. PyIceberg runs after them: a
  // write right after a PyIceberg run was seen to take up to twice as long, whichever tool it was.
  const [copyTool, floeTool, pyTool] = tools;
  const order = [...Array.from({ length: RUNS }, (_, run) => (run % 2 === 0 ? [copyTool, floeTool] : [floeTool, copyTool])), ...Array.from({ length: RUNS }, () => [pyTool])];
  for (const [round, group] of order.entries()) {
    for (const tool of group) {
      const run = tool.runs.length;
      const result = await tool.run(dir, run);
      if (result.written.records !== ROWS) throw new Error(`${tool.name} wrote ${result.written.records} rows, not ${ROWS}`);
      tool.runs.push(result);
      tool.bytes = sizeOf(tool.output(dir, run));
      fs.rmSync(tool.output(dir, run), { recursive: true, force: true });
      console.error(`round ${round + 1}/${order.length}: ${tool.name} ${result.ms.toFixed(0)} ms (CPU ${result.cpuMs.toFixed(0)} ms)`);
    }
  }
  session.close();
  const [copy, floe, py] = tools.map((t) => ({
    ms: median(t.runs.map((r) => r.ms)),
    bestMs: Math.min(...t.runs.map((r) => r.ms)),
    cpuMs: median(t.runs.map((r) => r.cpuMs)),
    files: t.runs[0].written.files,
    bytes: t.bytes,
  }));
  const line = (t: typeof copy) =>
    `${t.ms.toFixed(0)} ms (best ${t.bestMs.toFixed(0)} ms; CPU ${t.cpuMs.toFixed(0)} ms) — ${t.files} files, ${(t.bytes / 2 ** 20).toFixed(0)} MiB`;
  const ratio = (a: typeof copy, b: typeof copy, digits: number) =>
    `**${(a.ms / b.ms).toFixed(digits)}x** (best runs: ${(a.bestMs / b.bestMs).toFixed(digits)}x; CPU time: ${(a.cpuMs / b.cpuMs).toFixed(digits)}x)`;
  report(
    `Append: ${ROWS.toLocaleString("en")} rows into a day-partitioned table`,
    "node --import tsx bench/append.ts" + (RUNS !== 3 ? ` --runs ${RUNS}` : "") + (ROWS !== 10_000_000 ? ` --rows ${ROWS}` : ""),
    [
      ["rows", `${ROWS.toLocaleString("en")} events, 10 columns (uuid, long, strings, timestamptz, decimal(10,2), boolean), over ${DAYS} days; day(ts) partitions`],
      [`DuckDB COPY ... PARTITION_BY, zstd (${RUNS} runs)`, line(copy)],
      [`floe writeDataFiles + FastAppend commit (${RUNS} runs)`, line(floe)],
      [`PyIceberg 0.12 table.append (${RUNS} runs)`, line(py)],
      ["floe / COPY", ratio(floe, copy, 2)],
      ["PyIceberg / floe", ratio(py, floe, 1)],
    ],
    [
      "Each tool starts from the rows in memory (a DuckDB table; for PyIceberg an Arrow table read before its timer starts) and ends with the files written and, for floe and PyIceberg, the snapshot committed. Every run writes into a fresh directory; COPY and floe alternate, each going first every other run, and the PyIceberg runs follow.",
      "Times are medians over the runs, with the fastest run beside them. CPU time is the whole process's (DuckDB's and Arrow's threads included); on a shared machine it varies less than wall-clock time.",
    ],
  );
}

await main();

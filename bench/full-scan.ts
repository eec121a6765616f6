/**
 * Full scan: a 10-million-row Iceberg table read through floe (plan + field-id scan view
 * + query) against DuckDB's read_parquet over the same Parquet files with nothing in
 * between — the limit floe's reader can approach. Same process, same DuckDB settings,
 * runs alternated, medians compared.
 *
 *   node --import tsx bench/full-scan.ts [--rows 10000000] [--files 100] [--runs 5]
 */
import fs from "node:fs";
import path from "node:path";
import { DuckDBSession } from "../src/engine/duckdb/DuckDBSession.js";
import { queryIcebergTables } from "../src/engine/scan/queryIcebergTables.js";
import { LocalFileIO } from "../src/io/LocalFileIO.js";
import { writeSyntheticEventTable } from "../test/support/syntheticTable.js";
import { median, report, timeMs, workDir } from "./lib/harness.js";

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const ROWS = arg("rows", 10_000_000);
const FILES = arg("files", 100);
const RUNS = arg("runs", 5);
const QUERY = "SELECT count(*) AS n, sum(id) AS ids, count(category) AS categories, sum(amount) AS amount, max(ts) AS last FROM t";

async function main() {
  const dir = workDir("full-scan", false);
  const location = path.join(dir, `events-${ROWS}-${FILES}`);
  let metadataFile = path.join(location, "metadata", "v1.metadata.json");
  if (!fs.existsSync(metadataFile)) {
    console.error(`writing ${ROWS} rows in ${FILES} files under ${location} ...`);
    metadataFile = await writeSyntheticEventTable(location, { firstDay: 20089, days: FILES, rowsPerFile: ROWS / FILES, writeData: true });
  }
  const files = fs.readdirSync(path.join(location, "data"), { recursive: true }).map(String).filter((f) => f.endsWith(".parquet")).map((f) => path.join(location, "data", f));
  const io = new LocalFileIO();
  const session = await DuckDBSession.open();
  const direct = QUERY.replace("FROM t", `FROM read_parquet([${files.map((f) => `'${f}'`).join(", ")}])`);

  const floe: number[] = [];
  const duck: number[] = [];
  let floeRows: unknown[][] = [];
  let duckRows: unknown[][] = [];
  // One untimed round each to warm the OS page cache.
  await queryIcebergTables([{ name: "t", metadataLocation: metadataFile }], QUERY, { io, session });
  await session.query(direct);
  for (let run = 0; run < RUNS; run++) {
    duck.push(await timeMs(async () => (duckRows = (await session.query(direct)).rows)));
    floe.push(await timeMs(async () => (floeRows = (await queryIcebergTables([{ name: "t", metadataLocation: metadataFile }], QUERY, { io, session })).rows)));
  }
  session.close();
  if (JSON.stringify(floeRows, (_k, v) => (typeof v === "bigint" ? v.toString() : v)) !== JSON.stringify(duckRows, (_k, v) => (typeof v === "bigint" ? v.toString() : v))) {
    throw new Error(`floe and read_parquet disagree: ${JSON.stringify(floeRows)} vs ${JSON.stringify(duckRows)}`);
  }
  const f = median(floe);
  const d = median(duck);
  report(
    "Full scan: 10 million rows",
    "node --import tsx bench/full-scan.ts",
    [
      ["table", `${ROWS.toLocaleString("en")} rows in ${FILES} Parquet files, day(ts) partitions, 4 columns`],
      ["query", `\`${QUERY}\``],
      [`DuckDB read_parquet over the files (median of ${RUNS})`, `${d.toFixed(0)} ms`],
      [`floe: plan + scan view + query (median of ${RUNS})`, `${f.toFixed(0)} ms`],
      ["floe / read_parquet", `**${(f / d).toFixed(2)}x**`],
    ],
  );
}

await main();

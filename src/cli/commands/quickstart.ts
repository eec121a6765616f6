import path from "node:path";
import type { Command } from "commander";
import { FileSystemTableCommitter } from "../../catalog/filesystem/FileSystemTableCommitter.js";
import { invalidInput } from "../../core/errors/FloeError.js";
import { FileIORouter } from "../../io/FileIORouter.js";
import { PartitionSpec } from "../../table/spec/partitionSpec.js";
import { Schema } from "../../table/spec/schema.js";
import { Transaction } from "../../table/transaction/Transaction.js";
import { formatRows } from "../output/formatRows.js";
import { positiveInteger, type CliContext } from "../main.js";

/** The demo table: click-stream events, partitioned by day of their timestamp (hidden partitioning). */
const EVENTS_SCHEMA = new Schema([
  { id: 1, name: "event_id", required: true, type: { type: "long" } },
  { id: 2, name: "user_id", required: true, type: { type: "long" } },
  { id: 3, name: "event_type", required: true, type: { type: "string" } },
  { id: 4, name: "amount", required: false, type: { type: "decimal", precision: 10, scale: 2 } },
  { id: 5, name: "ts", required: true, type: { type: "timestamptz" } },
]);
const EVENTS_SPEC = new PartitionSpec(0, [{ sourceId: 5, fieldId: 1000, name: "ts_day", transform: "day" }]);

/** The demo's data covers fixed days, so every run shows the same table. */
const FIRST_DAY = "2026-01-01";
const ROWS_PER_DAY = 20_000;

/** One day of events, computed from the day alone (no clock, no randomness): the same input gives the same table. */
function eventsOfDay(day: string): string {
  return `SELECT
      (epoch(DATE '${day}')::BIGINT // 86400) * 1000000 + i AS event_id,
      hash(i, '${day}') % 5000 AS user_id,
      CASE WHEN i % 10 = 0 THEN 'purchase' WHEN i % 3 = 0 THEN 'click' ELSE 'view' END AS event_type,
      CASE WHEN i % 10 = 0 THEN ((hash(i) % 20000) / 100.0)::DECIMAL(10,2) END AS amount,
      TIMESTAMPTZ '${day} 00:00:00+00' + to_microseconds((i * (86400000000 // ${ROWS_PER_DAY}))::BIGINT) AS ts
    FROM range(${ROWS_PER_DAY}) AS r(i)`;
}

function addDays(day: string, n: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + n);
  return date.toISOString().slice(0, 10);
}

export function registerQuickstart(program: Command, ctx: CliContext): void {
  program
    .command("quickstart")
    .description("build a small local warehouse and run floe end to end on it")
    .option("--days <n>", "days of demo events to load, one commit per day", positiveInteger, 7)
    .addHelpText(
      "after",
      `
Creates the Iceberg table demo.events in the warehouse (a day(ts)-partitioned table of
click-stream events), loads one day per commit, then queries it: a filter on ts that
reads only the files of the days it selects, time travel to an earlier snapshot, and
the table's history. Running it again rebuilds the demo table.`,
    )
    .action(async (options: { days: number }) => {
      const config = await ctx.config();
      if (options.days > 366) throw invalidInput(`--days ${options.days}: at most 366`);
      const out = (line = "") => ctx.stdout.write(`${line}\n`);
      const io = new FileIORouter();
      const location = joinLocation(config.warehouse, "demo/events");
      out(`floe quickstart — warehouse ${config.warehouse}`);
      out();

      // Start over: the demo table is rebuilt on every run.
      for await (const file of io.list(location)) await io.delete(file);

      const committer = new FileSystemTableCommitter(location, io);
      let committed = await new Transaction({ io }).createTable({ schema: EVENTS_SCHEMA, spec: EVENTS_SPEC, location, properties: {} }).commit(committer);
      out(`1. Created Iceberg table demo.events at ${location}`);
      out(`   partitioned by day(ts): queries filter on ts, never on a partition column`);
      out();

      // DuckDB loads only when the demo runs, so `--help` answers at once.
      const { DuckDBSession } = await import("../../engine/duckdb/DuckDBSession.js");
      const { prepareIcebergTables, queryIcebergTables } = await import("../../engine/scan/queryIcebergTables.js");
      const { writeDataFiles } = await import("../../engine/write/index.js");
      const session = await DuckDBSession.open();
      try {
        out(`2. Loaded ${options.days} days of events, one commit (snapshot) per day:`);
        for (let d = 0; d < options.days; d++) {
          const day = addDays(FIRST_DAY, d);
          const files = await writeDataFiles(session, {
            sql: eventsOfDay(day),
            schema: committed.metadata.currentSchema(),
            spec: committed.metadata.defaultSpec(),
            location,
            io,
            properties: committed.metadata.properties,
          });
          committed = await new Transaction({ io, base: committed }).fastAppend(files).commit(committer);
          const snapshot = committed.metadata.currentSnapshot()!;
          out(`   ${day}  snapshot ${snapshot.snapshotId}  +${snapshot.summary["added-records"]} rows in ${files.length} file(s)`);
        }
        const metadataFile = committed.metadataLocation;
        out();

        const lastDays = addDays(FIRST_DAY, Math.max(0, options.days - 2));
        const sql = `SELECT event_type, count(*) AS events, sum(amount) AS revenue FROM events WHERE ts >= TIMESTAMPTZ '${lastDays} 00:00:00+00' GROUP BY event_type ORDER BY event_type`;
        const source = { name: "events", metadataLocation: metadataFile };
        const prepared = (await prepareIcebergTables([source], sql, { io, session })).get("events")!;
        const result = await queryIcebergTables([source], sql, { io, session });
        const totalFiles = committed.metadata.currentSnapshot()!.summary["total-data-files"];
        out(`3. Queried the last two days. The filter on ts read ${prepared.plan.tasks.length} of ${totalFiles} data files (${prepared.plan.metrics.manifestsSkipped} of ${prepared.plan.metrics.manifests} manifests skipped):`);
        out(`   ${sql}`);
        out(indent(formatRows(result.columns, result.rows, "table")));

        const first = committed.metadata.snapshotLog[0];
        const travel = await queryIcebergTables([{ ...source, snapshotId: first.snapshotId }], "SELECT count(*) AS events FROM events", { io, session });
        const now = await queryIcebergTables([source], "SELECT count(*) AS events FROM events", { io, session });
        out(`4. Time travel: ${travel.rows[0][0]} events at the first snapshot (${first.snapshotId}), ${now.rows[0][0]} now.`);
        out();

        const relative = path.isAbsolute(metadataFile) ? path.relative(process.cwd(), metadataFile) || metadataFile : metadataFile;
        out("Try next:");
        out(`  floe sql --table events=${relative} "SELECT date_trunc('day', ts) AS day, count(*) FROM events GROUP BY ALL ORDER BY day"`);
        out(`  floe sql --table events=${relative} --snapshot events=${first.snapshotId} "SELECT count(*) FROM events"`);
        out(`  floe table snapshots ${relative}`);
        out(`  floe table partitions ${relative}`);
        out(`  floe table files ${relative} --format json`);
      } finally {
        session.close();
      }
    });
}

function joinLocation(base: string, relative: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(base) ? `${base.replace(/\/+$/, "")}/${relative}` : path.join(base, relative);
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => `   ${line}`)
    .join("\n") + "\n";
}

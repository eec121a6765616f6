import type { Command } from "commander";
import { invalidInput } from "../../core/errors/FloeError.js";
import { FileIORouter } from "../../io/FileIORouter.js";
import { PartitionSpec } from "../../table/spec/partitionSpec.js";
import { Schema } from "../../table/spec/schema.js";
import type { CommittedTable } from "../../table/transaction/TableCommitter.js";
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
Creates the Iceberg table demo.events in the catalog (a day(ts)-partitioned table of
click-stream events), loads one day per commit, then queries it: a filter on ts that
reads only the files of the days it selects, and time travel to an earlier snapshot.
Then it changes the table with SQL — UPDATE, DELETE, ALTER TABLE, a tag — reads the
state before the changes back by the tag, and serves the catalog over the Iceberg REST
protocol for a moment to read the table through it. Running it again rebuilds the demo
table.`,
    )
    .action(async (options: { days: number }) => {
      const config = await ctx.config();
      if (options.days > 366) throw invalidInput(`--days ${options.days}: at most 366`);
      const out = (line = "") => ctx.stdout.write(`${line}\n`);
      const io = new FileIORouter();
      out(`floe quickstart — warehouse ${config.warehouse}, catalog ${config.catalog}`);
      out();

      const { openCatalog } = await import("../../catalog/openCatalog.js");
      const catalog = await openCatalog(config.catalog, { warehouse: config.warehouse, io });
      // DuckDB loads only when the demo runs, so `--help` answers at once.
      const { DuckDBSession } = await import("../../engine/duckdb/DuckDBSession.js");
      const { prepareIcebergTables, queryIcebergTables } = await import("../../engine/scan/queryIcebergTables.js");
      const { appendRows } = await import("../../engine/dml/writeRows.js");
      const { StatementRunner } = await import("../../engine/sql/StatementRunner.js");
      const session = await DuckDBSession.open();
      try {
        // Start over: the demo table is rebuilt on every run.
        const identifier = { namespace: ["demo"], name: "events" };
        if (!(await catalog.namespaceExists(["demo"]))) await catalog.createNamespace(["demo"]);
        if (await catalog.tableExists(identifier)) await catalog.dropTable(identifier, { purge: true });
        const created = await catalog.createTable(identifier, { schema: EVENTS_SCHEMA, spec: EVENTS_SPEC });
        out(`1. Created Iceberg table demo.events at ${created.metadata.location}`);
        out(`   partitioned by day(ts): queries filter on ts, never on a partition column`);
        out();

        const target = { io, committer: catalog.tableCommitter(identifier), base: created as CommittedTable, name: "demo.events" };
        out(`2. Loaded ${options.days} days of events, one commit (snapshot) per day:`);
        for (let d = 0; d < options.days; d++) {
          const day = addDays(FIRST_DAY, d);
          const result = await appendRows(session, target, eventsOfDay(day));
          target.base = result.table;
          out(`   ${day}  snapshot ${result.snapshotId}  +${result.insertedRows} rows in ${result.addedDataFiles} file(s)`);
        }
        const committed = target.base;
        out();

        const lastDays = addDays(FIRST_DAY, Math.max(0, options.days - 2));
        const sql = `SELECT event_type, count(*) AS events, sum(amount) AS revenue FROM events WHERE ts >= TIMESTAMPTZ '${lastDays} 00:00:00+00' GROUP BY event_type ORDER BY event_type`;
        const source = { name: "events", metadataLocation: committed.metadataLocation };
        const prepared = (await prepareIcebergTables([source], sql, { io, session })).get("events")!;
        const result = await queryIcebergTables([source], sql, { io, session });
        const totalFiles = committed.metadata.currentSnapshot()!.summary["total-data-files"];
        out(`3. Queried the last two days. The filter on ts read ${prepared.plan.tasks.length} of ${totalFiles} data files (${prepared.plan.metrics.manifestsSkipped} of ${prepared.plan.metrics.manifests} manifests skipped):`);
        out(`   ${sql.replace("FROM events", "FROM demo.events")}`);
        out(indent(formatRows(result.columns, result.rows, "table")));

        const runner = new StatementRunner({ catalog, session, io });
        const first = committed.metadata.snapshotLog[0];
        const count = async (suffix = "") =>
          (await runner.runScript(`SELECT count(*) AS events FROM demo.events${suffix}`)).at(-1)!.rows[0][0];
        out(`4. Time travel: ${await count(` FOR SYSTEM_VERSION AS OF ${first.snapshotId}`)} events at the first snapshot (${first.snapshotId}), ${await count()} now.`);
        out();

        const lastDay = addDays(FIRST_DAY, options.days - 1);
        const statements = [
          "ALTER TABLE demo.events CREATE TAG before_cleanup",
          `DELETE FROM demo.events WHERE user_id = 42`,
          `UPDATE demo.events SET amount = amount * 2 WHERE event_type = 'purchase' AND ts >= TIMESTAMPTZ '${lastDay} 00:00:00+00'`,
          "ALTER TABLE demo.events ADD COLUMN country VARCHAR",
          `INSERT INTO demo.events (event_id, user_id, event_type, amount, ts, country) VALUES (1, 7, 'purchase', 9.99, TIMESTAMPTZ '${lastDay} 12:00:00+00', 'NL')`,
        ];
        out("5. Changed the table with SQL (floe sql runs the same statements):");
        for (const statement of statements) {
          const [done] = await runner.runScript(statement);
          out(`   ${statement}`);
          out(`     → ${done.message}`);
        }
        out(`   ${await count()} events now, ${await count(" FOR SYSTEM_VERSION AS OF 'before_cleanup'")} at tag before_cleanup.`);
        out();

        // the same catalog over the Iceberg REST protocol, as Spark, Trino or PyIceberg reach it
        const { FloeServer } = await import("../../catalog/rest/server/FloeServer.js");
        const server = new FloeServer({ catalog, warehouse: config.warehouse, io, log: () => undefined });
        const port = await server.start({ host: "127.0.0.1", port: 0 });
        try {
          const uri = `http://127.0.0.1:${port}/iceberg`;
          const rest = await openCatalog(uri, { warehouse: config.warehouse, io });
          try {
            const tables = await rest.listTables(["demo"]);
            const overRest = new StatementRunner({ catalog: rest, session, io });
            const [events] = await overRest.runScript("SELECT count(*) AS events FROM demo.events");
            out(`6. Served the catalog over the Iceberg REST protocol at ${uri} (floe serve does this):`);
            out(`   a REST client listed ${tables.map((t) => `${t.namespace.join(".")}.${t.name}`).join(", ")} and counted ${events.rows[0][0]} events through it.`);
          } finally {
            await rest.close();
          }
        } finally {
          await server.stop();
        }
        out();

        out("Try next:");
        out(`  floe sql "SELECT date_trunc('day', ts) AS day, count(*) FROM demo.events GROUP BY ALL ORDER BY day"`);
        out(`  floe sql "SELECT count(*) FROM demo.events FOR SYSTEM_VERSION AS OF ${first.snapshotId}"`);
        out(`  floe sql "SELECT * FROM demo.events WHERE country IS NOT NULL"`);
        out(`  floe table snapshots demo.events`);
        out(`  floe table partitions demo.events`);
        out(`  floe table files demo.events --format json`);
        out(`  floe serve --port 8181   # then: PyIceberg RestCatalog(uri="http://127.0.0.1:8181/iceberg")`);
      } finally {
        session.close();
        await catalog.close();
      }
    });
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => `   ${line}`)
    .join("\n") + "\n";
}

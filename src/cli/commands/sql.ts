import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { invalidInput } from "../../core/errors/FloeError.js";
import type { IcebergTableSource } from "../../engine/scan/queryIcebergTables.js";
import { FileIORouter } from "../../io/FileIORouter.js";
import { PathRelocator } from "../../io/PathRelocator.js";
import { formatRows, type OutputFormat } from "../output/formatRows.js";
import { formatOption, type CliContext } from "../main.js";

interface SqlOptions {
  table: string[];
  relocate: string[];
  snapshot: string[];
  asOf: string[];
  ref: string[];
  format: OutputFormat;
  file?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `NAME=VALUE` → [NAME, VALUE], with an error naming the flag when the shape is wrong. */
function splitPair(text: string, flag: string): [string, string] {
  const at = text.indexOf("=");
  if (at <= 0 || at === text.length - 1) throw invalidInput(`${flag} "${text}": expected NAME=VALUE`);
  return [text.slice(0, at), text.slice(at + 1)];
}

export function registerSql(program: Command, ctx: CliContext): void {
  program
    .command("sql")
    .description("run SQL on the catalog's Iceberg tables (DDL, DML, queries), or a query on tables given by metadata file")
    .argument("[sql]", "the statements (separated by ;); or use --file")
    .option("--file <path>", "read the statements from a file")
    .option("--table <name=metadata>", "query a table given by its metadata JSON file, as NAME (repeatable)", collect, [])
    .option("--relocate <from=to>", "read files written under location prefix FROM from TO instead (repeatable)", collect, [])
    .option("--snapshot <name=id>", "read table NAME at snapshot ID (time travel)", collect, [])
    .option("--as-of <name=timestamp>", "read table NAME as it was at TIMESTAMP (ISO 8601 or epoch milliseconds)", collect, [])
    .option("--ref <name=ref>", "read table NAME at branch or tag REF", collect, [])
    .addOption(formatOption())
    .addHelpText(
      "after",
      `
Without --table, statements run on the catalog (--catalog / FLOE_CATALOG), with tables
named namespace.table: CREATE SCHEMA, CREATE TABLE ... PARTITIONED BY (day(ts), bucket(16, id)),
CREATE TABLE AS SELECT, INSERT INTO / INSERT OVERWRITE, DELETE, UPDATE, MERGE INTO, ALTER TABLE,
DROP TABLE [PURGE], CALL system.rollback_to_snapshot(...), and queries with
FOR SYSTEM_VERSION AS OF / FOR SYSTEM_TIME AS OF. The last statement's result is printed;
what earlier ones did goes to stderr.

Examples:
  floe sql "CREATE SCHEMA shop; CREATE TABLE shop.orders (id BIGINT, ts TIMESTAMPTZ) PARTITIONED BY (day(ts))"
  floe sql "INSERT INTO shop.orders VALUES (1, TIMESTAMPTZ '2025-01-01 10:00:00+00')"
  floe sql --format json "SELECT * FROM shop.orders FOR SYSTEM_VERSION AS OF 123"
  floe sql --table t=warehouse/demo/events/metadata/v3.metadata.json "SELECT count(*) FROM t"
  floe sql --table t=s3://bucket/t/metadata/v1.metadata.json --snapshot t=123 --format json "SELECT * FROM t"`,
    )
    .action(async (query: string | undefined, options: SqlOptions) => {
      const sql = readQuery(query, options.file);
      const sources = tableSources(options);
      if (sources.length === 0) {
        await runOnCatalog(sql, options, ctx);
        return;
      }
      const relocations = options.relocate.map((r) => {
        const [from, to] = splitPair(r, "--relocate");
        return { from, to };
      });
      const io = relocations.length > 0 ? new PathRelocator(new FileIORouter(), relocations) : new FileIORouter();
      // DuckDB loads only when a query runs, so `--help` and input errors answer at once.
      const { DuckDBSession } = await import("../../engine/duckdb/DuckDBSession.js");
      const { queryIcebergTables } = await import("../../engine/scan/queryIcebergTables.js");
      const session = await DuckDBSession.open();
      try {
        const result = await queryIcebergTables(sources, sql, { io, session });
        ctx.stdout.write(formatRows(result.columns, result.rows, options.format));
      } finally {
        session.close();
      }
    });
}

/** Runs the statements on the configured catalog; prints the last result, and what earlier statements did to stderr. */
async function runOnCatalog(sql: string, options: SqlOptions, ctx: CliContext): Promise<void> {
  if (options.relocate.length > 0 || options.snapshot.length > 0 || options.asOf.length > 0 || options.ref.length > 0) {
    throw invalidInput("floe sql: --relocate, --snapshot, --as-of and --ref go with --table; on catalog tables use FOR SYSTEM_VERSION AS OF / FOR SYSTEM_TIME AS OF");
  }
  const config = await ctx.config();
  const { openCatalog } = await import("../../catalog/openCatalog.js");
  const { DuckDBSession } = await import("../../engine/duckdb/DuckDBSession.js");
  const { StatementRunner } = await import("../../engine/sql/StatementRunner.js");
  const { splitStatements, parseStatement } = await import("../../engine/sql/statements/index.js");
  // parse everything first: a syntax error anywhere runs nothing
  for (const statement of splitStatements(sql)) parseStatement(statement.sql, { script: sql, start: statement.start });
  const io = new FileIORouter();
  const catalog = await openCatalog(config.catalog, { warehouse: config.warehouse, io });
  const session = await DuckDBSession.open();
  try {
    const runner = new StatementRunner({ catalog, session, io });
    const statements = splitStatements(sql);
    for (const [i, statement] of statements.entries()) {
      const result = await runner.run(parseStatement(statement.sql, { script: sql, start: statement.start }));
      if (i < statements.length - 1) {
        if (result.message !== undefined) ctx.stderr.write(`${result.message}\n`);
        continue;
      }
      ctx.stdout.write(formatRows(result.columns, result.rows, options.format));
    }
  } finally {
    session.close();
    await catalog.close();
  }
}

function readQuery(query: string | undefined, file: string | undefined): string {
  if (query !== undefined && file !== undefined) throw invalidInput("floe sql: give the query as an argument or with --file, not both");
  if (file !== undefined) {
    if (!fs.existsSync(file)) throw invalidInput(`--file ${file}: no such file`);
    return fs.readFileSync(file, "utf8");
  }
  if (query === undefined || query.trim() === "") throw invalidInput("floe sql: missing query");
  return query;
}

function tableSources(options: SqlOptions): IcebergTableSource[] {
  const sources = new Map<string, IcebergTableSource>();
  for (const spec of options.table) {
    const [name, metadata] = splitPair(spec, "--table");
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw invalidInput(`--table ${spec}: "${name}" is not a valid table name`);
    const isUri = /^[a-z][a-z0-9+.-]*:\/\//i.test(metadata);
    sources.set(name, { name, metadataLocation: isUri ? metadata : path.resolve(metadata) });
  }
  const target = (flag: string, name: string) => {
    const source = sources.get(name);
    if (!source) throw invalidInput(`${flag}: no table named "${name}" (give it with --table ${name}=...)`);
    return source;
  };
  for (const spec of options.snapshot) {
    const [name, id] = splitPair(spec, "--snapshot");
    if (!/^-?\d+$/.test(id)) throw invalidInput(`--snapshot ${spec}: "${id}" is not a snapshot id`);
    target("--snapshot", name).snapshotId = BigInt(id);
  }
  for (const spec of options.asOf) {
    const [name, when] = splitPair(spec, "--as-of");
    const ms = /^\d+$/.test(when) ? Number(when) : Date.parse(when);
    if (!Number.isFinite(ms)) throw invalidInput(`--as-of ${spec}: "${when}" is not a timestamp`);
    target("--as-of", name).asOfTimestampMs = ms;
  }
  for (const spec of options.ref) {
    const [name, ref] = splitPair(spec, "--ref");
    target("--ref", name).ref = ref;
  }
  return [...sources.values()];
}

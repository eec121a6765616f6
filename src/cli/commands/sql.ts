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
    .description("run a SQL query on Iceberg tables (DuckDB's SQL dialect)")
    .argument("[query]", "the query; or use --file")
    .option("--file <path>", "read the query from a file")
    .option("--table <name=metadata>", "query a table given by its metadata JSON file, as NAME (repeatable)", collect, [])
    .option("--relocate <from=to>", "read files written under location prefix FROM from TO instead (repeatable)", collect, [])
    .option("--snapshot <name=id>", "read table NAME at snapshot ID (time travel)", collect, [])
    .option("--as-of <name=timestamp>", "read table NAME as it was at TIMESTAMP (ISO 8601 or epoch milliseconds)", collect, [])
    .option("--ref <name=ref>", "read table NAME at branch or tag REF", collect, [])
    .addOption(formatOption())
    .addHelpText(
      "after",
      `
Examples:
  floe sql --table t=warehouse/demo/events/metadata/v3.metadata.json "SELECT count(*) FROM t"
  floe sql --table t=s3://bucket/t/metadata/v1.metadata.json --snapshot t=123 --format json "SELECT * FROM t"`,
    )
    .action(async (query: string | undefined, options: SqlOptions) => {
      const sql = readQuery(query, options.file);
      const sources = tableSources(options);
      if (sources.length === 0) throw invalidInput("floe sql: name at least one table with --table NAME=METADATA_FILE");
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

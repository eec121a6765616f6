import fs from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { FloeError, invalidInput } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import { FileIORouter } from "../../io/FileIORouter.js";
import { PathRelocator, type PathMapping } from "../../io/PathRelocator.js";
import { describeTable, files, history, manifests, metadataLog, partitions, refs, snapshots, type InspectResult } from "../../table/inspect/index.js";
import type { SnapshotSelector } from "../../table/scan/TableScan.js";
import { readTableMetadata } from "../../table/spec/metadataFile.js";
import type { TableMetadata } from "../../table/spec/tableMetadata.js";
import { formatRows, type OutputFormat } from "../output/formatRows.js";
import { formatOption, type CliContext } from "../main.js";

/** The table a command names: a metadata file, or a catalog table (`namespace.table`) resolved through the configured catalog. */
export type TableArgument = { kind: "metadata-file"; location: string } | { kind: "catalog-table"; namespace: string[]; name: string; location: string };

const URI = /^[a-z][a-z0-9+.-]*:/i;
const CATALOG_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$/;

/**
 * What a TABLE argument names: a metadata JSON file given by path (made absolute) or URI
 * (`s3://...`, `file:...`, kept as written), or `namespace.table` of the catalog when no
 * file has that name.
 */
export function resolveTableArgument(arg: string): TableArgument {
  const text = arg.trim();
  if (text === "") throw invalidInput("TABLE: give the path or URI of the table's metadata JSON file");
  if (URI.test(text) && !/^[a-z]:[\\/]/i.test(text)) return { kind: "metadata-file", location: text };
  if (CATALOG_NAME.test(text) && !/\.json(\.gz)?$/i.test(text) && !fs.existsSync(text)) {
    const parts = text.split(".");
    return { kind: "catalog-table", namespace: parts.slice(0, -1), name: parts[parts.length - 1], location: text };
  }
  return { kind: "metadata-file", location: path.resolve(text) };
}

interface SubcommandOptions {
  relocate: string[];
  format: OutputFormat;
  snapshot?: string;
  asOf?: string;
  ref?: string;
}

/** The metadata of the table an argument names. */
async function loadTableMetadata(table: TableArgument, io: FileIO, ctx: CliContext): Promise<TableMetadata> {
  switch (table.kind) {
    case "metadata-file":
      return readTableMetadata(io, table.location);
    case "catalog-table": {
      const config = await ctx.config();
      const { openCatalog } = await import("../../catalog/openCatalog.js");
      const catalog = await openCatalog(config.catalog, { warehouse: config.warehouse, io });
      try {
        return (await catalog.loadTable({ namespace: table.namespace, name: table.name })).metadata;
      } finally {
        await catalog.close();
      }
    }
  }
}

interface LoadedTable {
  metadata: TableMetadata;
  location: string;
  io: FileIO;
}

/** A FileIO for every scheme, reading moved files from where they are now; `close` releases its connections. */
function openFileIO(relocations: readonly string[]): { io: FileIO; close(): void } {
  const mappings: PathMapping[] = relocations.map((spec) => {
    try {
      return PathRelocator.parseMapping(spec);
    } catch (error) {
      throw error instanceof FloeError ? invalidInput(`--relocate ${spec}: expected FROM=TO, e.g. s3://old/warehouse=/data/warehouse`) : error;
    }
  });
  const router = new FileIORouter();
  return { io: mappings.length > 0 ? new PathRelocator(router, mappings) : router, close: () => router.close() };
}

/** The snapshot the flags name; at most one of --snapshot, --as-of and --ref. */
export function snapshotSelector(options: { snapshot?: string; asOf?: string; ref?: string }): SnapshotSelector {
  const given = (["snapshot", "asOf", "ref"] as const).filter((k) => options[k] !== undefined);
  if (given.length > 1) {
    const flag = { snapshot: "--snapshot", asOf: "--as-of", ref: "--ref" };
    throw invalidInput(`${given.map((k) => flag[k]).join(" and ")}: choose the snapshot with only one of --snapshot, --as-of and --ref`);
  }
  if (options.snapshot !== undefined) {
    if (!/^-?\d+$/.test(options.snapshot.trim())) throw invalidInput(`--snapshot ${options.snapshot}: not a snapshot id (an integer)`);
    return { snapshotId: BigInt(options.snapshot.trim()) };
  }
  if (options.asOf !== undefined) {
    const text = options.asOf.trim();
    const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
    if (!Number.isFinite(ms)) throw invalidInput(`--as-of ${options.asOf}: not a timestamp (ISO 8601 or epoch milliseconds)`);
    return { asOfTimestampMs: ms };
  }
  if (options.ref !== undefined) {
    if (options.ref.trim() === "") throw invalidInput("--ref: give a branch or tag name");
    return { ref: options.ref };
  }
  return {};
}

const collect = (value: string, previous: string[]) => [...previous, value];

interface Subcommand {
  name: string;
  description: string;
  /** Whether it reads a snapshot's manifests, and so takes --snapshot, --as-of and --ref. */
  readsSnapshot: boolean;
  example: string;
  run(table: LoadedTable, selector: SnapshotSelector): InspectResult | Promise<InspectResult>;
}

const SUBCOMMANDS: Subcommand[] = [
  {
    name: "describe",
    description: "columns (field id, dotted name, type, required, doc), partition spec, sort order, properties and table facts",
    readsSnapshot: false,
    example: "floe table describe warehouse/demo/events/metadata/v3.metadata.json",
    run: ({ metadata }) => describeTable(metadata),
  },
  {
    name: "history",
    description: "when each snapshot became current, and whether it is an ancestor of the current snapshot",
    readsSnapshot: false,
    example: "floe table history s3://bucket/events/metadata/v3.metadata.json --format csv",
    run: ({ metadata }) => history(metadata),
  },
  {
    name: "snapshots",
    description: "every snapshot: commit time, id, parent, operation, manifest list and summary",
    readsSnapshot: false,
    example: "floe table snapshots warehouse/demo/events/metadata/v3.metadata.json --format json",
    run: ({ metadata }) => snapshots(metadata),
  },
  {
    name: "refs",
    description: "branches and tags, with the snapshot each points to and its retention settings",
    readsSnapshot: false,
    example: "floe table refs warehouse/demo/events/metadata/v3.metadata.json",
    run: ({ metadata }) => refs(metadata),
  },
  {
    name: "files",
    description: "live data and delete files of a snapshot, with partition, counts, sizes and column metrics (bounds decoded)",
    readsSnapshot: true,
    example: "floe table files warehouse/demo/events/metadata/v3.metadata.json --snapshot 3051729675574597004 --format json",
    run: ({ metadata, io }, selector) => files(metadata, io, selector),
  },
  {
    name: "partitions",
    description: "per partition of a snapshot: rows, files, data size, position and equality deletes, last update",
    readsSnapshot: true,
    example: "floe table partitions warehouse/demo/events/metadata/v3.metadata.json --as-of 2024-06-01T00:00:00Z",
    run: ({ metadata, io }, selector) => partitions(metadata, io, selector),
  },
  {
    name: "manifests",
    description: "manifests of a snapshot: content, path, length, spec, adding snapshot, file counts, partition summaries",
    readsSnapshot: true,
    example: "floe table manifests warehouse/demo/events/metadata/v3.metadata.json --ref audit",
    run: ({ metadata, io }, selector) => manifests(metadata, io, selector),
  },
  {
    name: "metadata-log",
    description: "the table's metadata files, oldest first, with the snapshot current at each",
    readsSnapshot: false,
    example: "floe table metadata-log warehouse/demo/events/metadata/v3.metadata.json",
    run: ({ metadata, location }) => metadataLog(metadata, location),
  },
];

const RELOCATE_EXAMPLE =
  "floe table files copy/events/metadata/v3.metadata.json --relocate s3://bucket/events=./copy/events";

export function registerTable(program: Command, ctx: CliContext): void {
  const table = program
    .command("table")
    .description("inspect an Iceberg table given by its metadata file: schema, history, snapshots, refs, files, partitions, manifests")
    .addHelpText(
      "after",
      `
Each subcommand takes TABLE, the path or URI of the table's metadata JSON file, and
prints one table of rows (--format table|json|csv), as Spark's Iceberg metadata tables do.

Examples:
${SUBCOMMANDS.map((s) => `  ${s.example}`).join("\n")}
  ${RELOCATE_EXAMPLE}`,
    );

  for (const sub of SUBCOMMANDS) {
    const command = table
      .command(sub.name)
      .description(sub.description)
      .argument("<table>", "the table: namespace.table of the catalog, or its metadata JSON file (path or URI)")
      .option("--relocate <from=to>", "read files written under location prefix FROM from TO instead (repeatable)", collect, []);
    if (sub.readsSnapshot) {
      command
        .option("--snapshot <id>", "read this snapshot instead of the current one")
        .option("--as-of <timestamp>", "read the snapshot that was current at TIMESTAMP (ISO 8601 or epoch milliseconds)")
        .option("--ref <name>", "read the snapshot a branch or tag points to");
    }
    command
      .addOption(formatOption())
      .addHelpText("after", `\nExamples:\n  ${sub.example}\n  ${RELOCATE_EXAMPLE.replace("table files", `table ${sub.name}`)}`)
      .action(async (arg: string, options: SubcommandOptions) => {
        const target = resolveTableArgument(arg);
        const selector = sub.readsSnapshot ? snapshotSelector(options) : {};
        const { io, close } = openFileIO(options.relocate);
        try {
          const metadata = await loadTableMetadata(target, io, ctx);
          const result = await sub.run({ metadata, location: target.location, io }, selector);
          ctx.stdout.write(formatRows(result.columns, result.rows, options.format));
        } finally {
          close();
        }
      });
  }
}

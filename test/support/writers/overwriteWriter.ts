/**
 * A writer process for the write-concurrency test: a dynamic partition overwrite (INSERT
 * OVERWRITE) of partition `--part` with `--rows` rows tagged `--tag`, computed from the
 * table as of the metadata file `--base` (so that two writers start from the same snapshot).
 * It writes its data files, reports `ready`, and commits when the file `--go` exists.
 *
 *   node --import tsx test/support/writers/overwriteWriter.ts --table <location>
 *     --base <metadata file> --part <n> --tag <text> --go <file> [--rows 3] [--cache <dir>]
 *
 * Reports `committed <snapshot id>` and exits 0, or `failed {"kind","message"}` and exits 3
 * on a commit conflict (1 on any other error).
 */
import { parseArgs } from "node:util";
import { overwritePartitions } from "../../../src/engine/dml/writeRows.js";
import { DuckDBSession } from "../../../src/engine/duckdb/DuckDBSession.js";
import { readTableMetadata } from "../../../src/table/spec/metadataFile.js";
import { BarrierCommitter, failAndExit, report, tableTarget } from "./writerTable.js";

const { values } = parseArgs({
  options: {
    table: { type: "string" },
    base: { type: "string" },
    part: { type: "string" },
    tag: { type: "string" },
    go: { type: "string" },
    rows: { type: "string", default: "3" },
    cache: { type: "string" },
  },
});
const { table, base, part, tag, go } = values;
if (table === undefined || base === undefined || part === undefined || tag === undefined || go === undefined) {
  failAndExit(new Error("usage: overwriteWriter --table <location> --base <metadata file> --part <n> --tag <text> --go <file>"));
}

const target = tableTarget(table, values.cache);
const session = await DuckDBSession.open({ threads: 1 });
try {
  const metadata = await readTableMetadata(target.io, base);
  const tuples = Array.from({ length: Number(values.rows) }, (_, row) => `(${row}, ${Number(part)}, '${tag.replace(/'/g, "''")}')`);
  const result = await overwritePartitions(
    session,
    { ...target, committer: new BarrierCommitter(target.committer, go), base: { metadata, metadataLocation: base } },
    `SELECT * FROM (VALUES ${tuples.join(", ")}) AS v(id, part, tag)`,
  );
  report("committed", result.snapshotId ?? "none");
} catch (error) {
  failAndExit(error, (error as { kind?: string })?.kind === "commit-conflict" ? 3 : 1);
} finally {
  session.close();
  target.io.close?.();
}

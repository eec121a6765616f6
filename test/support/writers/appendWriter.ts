/**
 * A writer process for the write-concurrency test: commits `--appends` appends of `--rows`
 * rows each to one table, reporting `committed <append> <snapshot id> <commit attempts>`
 * after each (attempts beyond the first are retries after a conflict). Row ids
 * are unique to the writer and the append: `writer * 1_000_000 + append * 1_000 + row`.
 *
 *   node --import tsx test/support/writers/appendWriter.ts --table <location> --writer <n>
 *     --appends 50 --rows 3 [--go <file>] [--cache <dir>]
 *
 * With `--go`, it reports `ready` once it has opened the table and waits for the file to
 * exist before its first append, so that the test starts every writer at once.
 */
import { parseArgs } from "node:util";
import { appendRows } from "../../../src/engine/dml/writeRows.js";
import { DuckDBSession } from "../../../src/engine/duckdb/DuckDBSession.js";
import { CountingCommitter, failAndExit, report, tableTarget, waitForFile } from "./writerTable.js";

const { values } = parseArgs({
  options: {
    table: { type: "string" },
    writer: { type: "string" },
    appends: { type: "string", default: "50" },
    rows: { type: "string", default: "3" },
    go: { type: "string" },
    cache: { type: "string" },
  },
});
if (values.table === undefined || values.writer === undefined) failAndExit(new Error("usage: appendWriter --table <location> --writer <n>"));

/** The id of row `row` of append `append` of writer `writer`. */
function rowId(writer: number, append: number, row: number): number {
  return writer * 1_000_000 + append * 1_000 + row;
}

const writer = Number(values.writer);
const appends = Number(values.appends);
const rows = Number(values.rows);
const table = tableTarget(values.table, values.cache);
const committer = new CountingCommitter(table.committer);
const target = { ...table, committer };
const session = await DuckDBSession.open({ threads: 1 });
try {
  if (values.go !== undefined) {
    report("ready");
    await waitForFile(values.go);
  }
  for (let append = 0; append < appends; append++) {
    committer.attempts = 0;
    const tuples = Array.from({ length: rows }, (_, row) => `(${rowId(writer, append, row)}, ${writer}, ${append})`);
    const result = await appendRows(session, target, `SELECT * FROM (VALUES ${tuples.join(", ")}) AS v(id, writer, seq)`);
    report("committed", append, result.snapshotId ?? "none", committer.attempts);
  }
  report("done");
} catch (error) {
  failAndExit(error);
} finally {
  session.close();
  target.io.close?.();
}

/**
 * A writer process for the crash-safety test: loops forever over a mix of changes to one
 * table (columns id, part, val; partitioned by part, values 0..2) until it is killed.
 * Before each change it reports `begin <change as JSON>`, after it `commit <snapshot id>`
 * (`commit none` when the change committed nothing), so that the test can tell which
 * changes the table must show and which one may or may not have landed.
 *
 *   node --import tsx test/support/writers/mixedWriter.ts --table <location> --run <n>
 *
 * New row ids are `run * 1_000_000 + counter`, unique across runs. The changes:
 * - `append`: rows with new ids;
 * - `delete`: copy-on-write, the rows with `id % mod = rem`;
 * - `update`: merge-on-read, `val = val + 1` for the rows with `id % mod = rem`;
 * - `overwrite`: dynamic partition overwrite of partition `part` with new rows;
 * - `merge`: source rows (ids of earlier runs, perhaps in the table, and one new); a matched row gets the
 *   source's val, an unmatched source row is inserted; copy-on-write or merge-on-read.
 */
import { parseArgs } from "node:util";
import { deleteRows } from "../../../src/engine/dml/deleteRows.js";
import { mergeRows } from "../../../src/engine/dml/mergeRows.js";
import type { ChangeResult } from "../../../src/engine/dml/TableTarget.js";
import { updateRows } from "../../../src/engine/dml/updateRows.js";
import { appendRows, overwritePartitions } from "../../../src/engine/dml/writeRows.js";
import { DuckDBSession } from "../../../src/engine/duckdb/DuckDBSession.js";
import { failAndExit, report, tableTarget } from "./writerTable.js";

/** A row: [id, part, val]. */
export type MixedRow = [number, number, number];

export type MixedChange =
  | { op: "append"; rows: MixedRow[] }
  | { op: "delete"; mod: number; rem: number }
  | { op: "update"; mod: number; rem: number }
  | { op: "overwrite"; part: number; rows: MixedRow[] }
  | { op: "merge"; mode: "copy-on-write" | "merge-on-read"; rows: MixedRow[] };

const PARTITIONS = 3;
const ID_SPACE = 1_000_000;

const { values } = parseArgs({ options: { table: { type: "string" }, run: { type: "string" } } });
if (values.table === undefined || values.run === undefined) failAndExit(new Error("usage: mixedWriter --table <location> --run <n>"));
const run = Number(values.run);
let counter = 0;

const pick = (n: number) => Math.floor(Math.random() * n);
const newRow = (part = pick(PARTITIONS)): MixedRow => [run * ID_SPACE + counter++, part, pick(1000)];
const rowsSql = (rows: readonly MixedRow[]) => `SELECT * FROM (VALUES ${rows.map((r) => `(${r.join(", ")})`).join(", ")}) AS v(id, part, val)`;

function nextChange(): MixedChange {
  const roll = pick(100);
  if (roll < 30) return { op: "append", rows: Array.from({ length: 1 + pick(3) }, () => newRow()) };
  if (roll < 45) return { op: "delete", mod: 13, rem: pick(13) };
  if (roll < 65) return { op: "update", mod: 5, rem: pick(5) };
  if (roll < 80) {
    const part = pick(PARTITIONS);
    return { op: "overwrite", part, rows: [newRow(part), newRow(part)] };
  }
  // ids of the two runs before (never of this one, whose appends would repeat them), some of which are in the table
  const ids = new Set<number>();
  for (let i = 0; i < 3; i++) ids.add(Math.max(0, run - 1 - pick(2)) * ID_SPACE + pick(6));
  const rows: MixedRow[] = [...ids].map((id) => [id, id % PARTITIONS, pick(1000)]);
  rows.push(newRow());
  return { op: "merge", mode: pick(2) === 0 ? "copy-on-write" : "merge-on-read", rows };
}

const target = tableTarget(values.table);
const session = await DuckDBSession.open({ threads: 1 });

async function apply(change: MixedChange): Promise<ChangeResult> {
  switch (change.op) {
    case "append":
      return appendRows(session, target, rowsSql(change.rows));
    case "delete":
      return deleteRows(session, target, { where: `id % ${change.mod} = ${change.rem}`, mode: "copy-on-write" });
    case "update":
      return updateRows(session, target, { set: [{ column: "val", expr: "val + 1" }], where: `id % ${change.mod} = ${change.rem}`, mode: "merge-on-read" });
    case "overwrite":
      return overwritePartitions(session, target, rowsSql(change.rows));
    case "merge":
      return mergeRows(session, target, {
        source: `(${rowsSql(change.rows)})`,
        sourceAlias: "s",
        targetAlias: "t",
        on: "t.id = s.id",
        clauses: [
          { when: "matched", then: "update", set: [{ column: "val", expr: "s.val" }] },
          { when: "not-matched", then: "insert", columns: ["id", "part", "val"], values: ["s.id", "s.part", "s.val"] },
        ],
        mode: change.mode,
      });
  }
}

try {
  report("ready");
  for (;;) {
    const change = nextChange();
    report("begin", JSON.stringify(change));
    const result = await apply(change);
    report("commit", result.snapshotId ?? "none");
  }
} catch (error) {
  failAndExit(error);
}

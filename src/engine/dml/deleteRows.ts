/**
 * DELETE FROM table WHERE condition: removes the rows for which the condition is true
 * (rows where it is false or null stay), copy-on-write or merge-on-read.
 */
import type { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { quoteIdentifier } from "../duckdb/duckdbTypes.js";
import { commitRowChanges } from "./commitRowChanges.js";
import { rowLevelMode, type RowLevelMode } from "./rowLevelMode.js";
import { dropScan, FILE_COLUMN, POS_COLUMN, scanTarget } from "./scanTarget.js";
import type { ChangeResult, TableTarget } from "./TableTarget.js";

export interface DeleteRowsOptions {
  /** SQL over the table's columns; every row when left out. */
  where?: string;
  /** The name the condition uses for the table (`DELETE FROM t AS x WHERE x.id = 1`). */
  alias?: string;
  /** Default: the table's `write.delete.mode`, else copy-on-write. */
  mode?: RowLevelMode;
}

export async function deleteRows(session: DuckDBSession, target: TableTarget, options: DeleteRowsOptions = {}): Promise<ChangeResult> {
  const scan = await scanTarget(session, target, options.where, options.alias);
  try {
    const removedTable = `${scan.prefix}_removed`;
    const from = `${quoteIdentifier(scan.view)}${options.alias ? ` AS ${quoteIdentifier(options.alias)}` : ""}`;
    const where = options.where === undefined ? "" : ` WHERE coalesce((${options.where}), false)`;
    await session.run(`CREATE TEMP TABLE ${quoteIdentifier(removedTable)} AS SELECT ${FILE_COLUMN} AS file, ${POS_COLUMN} AS pos FROM ${from}${where}`);
    return await commitRowChanges(session, target, scan, { removedTable, mode: rowLevelMode(scan.metadata, "delete", options.mode) });
  } finally {
    await dropScan(session, scan);
  }
}

/**
 * UPDATE table SET column = expression, ... WHERE condition: each matching row is replaced
 * by the row with the new values (the expressions see the old row), copy-on-write or
 * merge-on-read.
 */
import { invalidInput } from "../../core/errors/FloeError.js";
import type { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { duckdbTypeOf, quoteIdentifier } from "../duckdb/duckdbTypes.js";
import { commitRowChanges } from "./commitRowChanges.js";
import { rowLevelMode, type RowLevelMode } from "./rowLevelMode.js";
import { dropScan, FILE_COLUMN, POS_COLUMN, scanTarget } from "./scanTarget.js";
import type { ChangeResult, TableTarget } from "./TableTarget.js";

export interface Assignment {
  column: string;
  /** SQL over the table's (old) columns. */
  expr: string;
}

export interface UpdateRowsOptions {
  set: readonly Assignment[];
  where?: string;
  alias?: string;
  /** Default: the table's `write.update.mode`, else copy-on-write. */
  mode?: RowLevelMode;
}

export async function updateRows(session: DuckDBSession, target: TableTarget, options: UpdateRowsOptions): Promise<ChangeResult> {
  if (options.set.length === 0) throw invalidInput("an update needs at least one column = value");
  const scan = await scanTarget(session, target, options.where, options.alias);
  try {
    const byColumn = new Map<string, string>();
    for (const { column, expr } of options.set) {
      const field = scan.schema.fields.find((f) => f.name === column) ?? scan.schema.fields.find((f) => f.name.toLowerCase() === column.toLowerCase());
      if (field === undefined) throw invalidInput(`cannot update column ${JSON.stringify(column)}: table ${target.name ?? scan.metadata.location} has no such column`, { column });
      if (byColumn.has(field.name)) throw invalidInput(`column ${JSON.stringify(field.name)} is set twice`, { column: field.name });
      byColumn.set(field.name, expr);
    }
    const from = `${quoteIdentifier(scan.view)}${options.alias ? ` AS ${quoteIdentifier(options.alias)}` : ""}`;
    const where = options.where === undefined ? "" : ` WHERE coalesce((${options.where}), false)`;
    const matchedTable = `${scan.prefix}_matched`;
    const values = scan.schema.fields.map((f) => {
      const expr = byColumn.get(f.name);
      return expr === undefined ? quoteIdentifier(f.name) : `CAST((${expr}) AS ${duckdbTypeOf(f.type)}) AS ${quoteIdentifier(f.name)}`;
    });
    // the new rows are computed once, from the rows as they were
    await session.run(
      `CREATE TEMP TABLE ${quoteIdentifier(matchedTable)} AS SELECT ${FILE_COLUMN}, ${POS_COLUMN}, ${values.join(", ")} FROM ${from}${where}`,
    );
    const removedTable = `${scan.prefix}_removed`;
    await session.run(`CREATE TEMP VIEW ${quoteIdentifier(removedTable)} AS SELECT ${FILE_COLUMN} AS file, ${POS_COLUMN} AS pos FROM ${quoteIdentifier(matchedTable)}`);
    const count = await session.query(`SELECT count(*) FROM ${quoteIdentifier(matchedTable)}`);
    return await commitRowChanges(session, target, scan, {
      removedTable,
      addedSql: `SELECT * EXCLUDE (${FILE_COLUMN}, ${POS_COLUMN}) FROM ${quoteIdentifier(matchedTable)}`,
      mode: rowLevelMode(scan.metadata, "update", options.mode),
      updatedRows: BigInt(count.rows[0][0] as bigint),
    });
  } finally {
    await dropScan(session, scan);
  }
}

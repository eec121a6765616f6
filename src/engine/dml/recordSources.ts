/**
 * Rows from TypeScript (records or an Apache Arrow table) as a DuckDB query a write can
 * read: checked against the table's schema first (an error names the row and the column,
 * and nothing is written), then loaded into a temporary table with the columns' types.
 */
import { randomUUID } from "node:crypto";
import type { Table } from "apache-arrow";
import type { Schema } from "../../table/spec/schema.js";
import type { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { duckdbTypeOf, quoteIdentifier } from "../duckdb/duckdbTypes.js";
import { sqlLiteral } from "../duckdb/literals.js";
import { arrowRecords } from "../write/arrowRecords.js";
import { recordsToRows } from "../write/recordValues.js";

/** Rows a write takes: records (objects keyed by column name) or an Apache Arrow table. */
export type RecordSource = Iterable<Record<string, unknown>> | Table;

const ROWS_PER_INSERT = 500;

/** Runs `use` with a query of the rows, then drops what it loaded. */
export async function withRecords<T>(session: DuckDBSession, schema: Schema, source: RecordSource, use: (sql: string) => Promise<T>): Promise<T> {
  const records = isArrowTable(source) ? arrowRecords(source, schema) : source;
  const rows = recordsToRows(schema, records);
  const table = `__floe_records_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const columns = schema.fields.map((f) => `${quoteIdentifier(f.name)} ${duckdbTypeOf(f.type)}`).join(", ");
  await session.run(`CREATE TEMP TABLE ${table} (${columns})`);
  try {
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const values = rows
        .slice(start, start + ROWS_PER_INSERT)
        .map((row) => `(${row.map((value, i) => sqlLiteral(schema.fields[i].type, value)).join(", ")})`);
      await session.run(`INSERT INTO ${table} VALUES ${values.join(", ")}`);
    }
    return await use(`SELECT * FROM ${table}`);
  } finally {
    await session.run(`DROP TABLE IF EXISTS ${table}`);
  }
}

function isArrowTable(source: RecordSource): source is Table {
  return typeof (source as Table).getChild === "function" && typeof (source as Table).numRows === "number";
}

import { malformed, type FloeError } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import { and, predicate, type UnboundExpression } from "../../table/expr/index.js";
import { planScan, selectSnapshot, type ScanPlan, type SnapshotSelector } from "../../table/scan/TableScan.js";
import { scanSchema } from "../../table/scan/scanSchema.js";
import { readTableMetadata } from "../../table/spec/metadataFile.js";
import type { Schema } from "../../table/spec/schema.js";
import type { TableMetadata } from "../../table/spec/tableMetadata.js";
import type { PrimitiveType } from "../../table/spec/types.js";
import { isPrimitive } from "../../table/spec/types.js";
import type { DuckDBSession, QueryResult } from "../duckdb/DuckDBSession.js";
import { duckdbTypeOf } from "../duckdb/duckdbTypes.js";
import { rewriteColumnReferences } from "../sql/columnRenames.js";
import { rewriteHexLiterals } from "../sql/hexLiterals.js";
import { createScanView } from "./IcebergScanView.js";
import { extractColumnFilters, type ColumnFilter } from "./sqlPredicates.js";

/** A table a query names, read from its metadata file at a chosen snapshot. */
export interface IcebergTableSource extends SnapshotSelector {
  /** The name the SQL uses for it. */
  name: string;
  metadataLocation: string;
  /** The metadata at `metadataLocation`, when the caller has read it already. */
  metadata?: TableMetadata;
}

export interface QueryOptions {
  io: FileIO;
  session: DuckDBSession;
}

export interface PreparedTable {
  metadata: TableMetadata;
  plan: ScanPlan;
  /** Column name → internal view name, for columns whose names differ from another's by case alone. */
  renames: Map<string, string>;
  /** Local path DuckDB reads → the file's location in the table. */
  locations: Map<string, string>;
}

/**
 * Makes each source queryable under its name in `session`: plans the scan (pruned by
 * the filters `sql` puts on that table) and creates the view that reads it.
 */
export async function prepareIcebergTables(
  sources: readonly IcebergTableSource[],
  sql: string,
  options: QueryOptions,
): Promise<Map<string, PreparedTable>> {
  const prepared = new Map<string, PreparedTable>();
  for (const source of sources) {
    const metadata = source.metadata ?? (await readTableMetadata(options.io, source.metadataLocation));
    const snapshot = selectSnapshot(metadata, source);
    const schema = scanSchema(metadata, snapshot, source);
    const filters = await extractColumnFilters(options.session, sql, source.name);
    const filter = await filterExpression(options.session, filters, schema);
    const plan = await planScan(metadata, options.io, { ...source, filter });
    const view = await createScanView(options.session, options.io, plan, source.name, { nameMapping: metadata.nameMapping() });
    prepared.set(source.name, { metadata, plan, renames: view.renames, locations: view.locations });
  }
  return prepared;
}

/** Runs `sql` over Iceberg tables, each under the name its source gives. */
export async function queryIcebergTables(sources: readonly IcebergTableSource[], sql: string, options: QueryOptions): Promise<QueryResult> {
  const query = rewriteHexLiterals(sql);
  const prepared = await prepareIcebergTables(sources, query, options);
  const renames = new Map([...prepared.values()].flatMap((p) => [...p.renames]));
  let result: QueryResult;
  try {
    result = await options.session.query(await rewriteColumnReferences(options.session, query, renames));
  } catch (error) {
    throw dataFileError(error, prepared) ?? error;
  }
  if (renames.size === 0) return result;
  const original = new Map([...renames].map(([name, internal]) => [internal, name]));
  return { ...result, columns: result.columns.map((c) => original.get(c) ?? c) };
}

/**
 * The pushable filters as one Iceberg expression. A constant is used only when DuckDB
 * converts it to the column's type without changing it (`TRY_CAST(c AS T) = c`), so the
 * pruning filter means exactly what the query's comparison means; others are dropped.
 */
export async function filterExpression(session: DuckDBSession, filters: readonly ColumnFilter[], schema: Schema): Promise<UnboundExpression | undefined> {
  const predicates: UnboundExpression[] = [];
  for (const filter of filters) {
    const field = schema.fields.find((f) => f.name === filter.column) ?? uniqueCaseInsensitive(schema, filter.column);
    if (!field || !isPrimitive(field.type)) continue;
    const type = field.type;
    if (filter.op === "isNull" || filter.op === "notNull") {
      predicates.push(predicate(filter.op, field.name));
      continue;
    }
    if ((type.type === "binary" || type.type === "fixed") && filter.constants.some((c) => c.startsWith("'"))) continue;
    const values: unknown[] = [];
    for (const constant of filter.constants) {
      const value = await constantAs(session, constant, type);
      if (value === undefined) break;
      values.push(value);
    }
    if (values.length !== filter.constants.length) continue;
    if (filter.op === "in" || filter.op === "notIn") predicates.push(predicate(filter.op === "in" ? "in" : "notIn", field.name, values as never));
    else predicates.push(predicate(filter.op, field.name, values[0] as never));
  }
  if (predicates.length === 0) return undefined;
  return predicates.length === 1 ? predicates[0] : and(...predicates);
}

function uniqueCaseInsensitive(schema: Schema, name: string) {
  const matches = schema.fields.filter((f) => f.name.toLowerCase() === name.toLowerCase());
  return matches.length === 1 ? matches[0] : undefined;
}

/** The constant converted to the column type, in floe's in-memory form; undefined when the conversion is not exact. */
export async function constantAs(session: DuckDBSession, constant: string, type: PrimitiveType): Promise<unknown> {
  const duckType = duckdbTypeOf(type);
  const cast = `TRY_CAST(${constant} AS ${duckType})`;
  let value: string;
  switch (type.type) {
    case "date":
      value = `(${cast} - DATE '1970-01-01')`;
      break;
    case "time":
      value = `datediff('microsecond', TIME '00:00:00', ${cast})`;
      break;
    case "timestamp":
    case "timestamptz":
      value = `epoch_us(${cast})`;
      break;
    case "timestamp_ns":
    case "timestamptz_ns":
      value = `epoch_ns(${cast})`;
      break;
    case "decimal":
    case "uuid":
      value = `CAST(${cast} AS VARCHAR)`;
      break;
    case "long":
      value = `CAST(${cast} AS VARCHAR)`;
      break;
    default:
      value = cast;
  }
  let row: unknown[];
  try {
    row = (await session.query(`SELECT ${value} AS v, ${cast} = ${constant} AS exact`)).rows[0];
  } catch {
    return undefined;
  }
  if (row[0] === null || row[1] !== true) return undefined;
  switch (type.type) {
    case "long":
    case "time":
    case "timestamp":
    case "timestamptz":
    case "timestamp_ns":
    case "timestamptz_ns":
      return BigInt(row[0] as string | number | bigint);
    case "date":
    case "int":
      return Number(row[0]);
    default:
      return row[0];
  }
}

/**
 * A DuckDB error about one of the tables' files (not Parquet, truncated, unreadable) as a
 * `malformed` error naming the file's location in the table rather than the local copy
 * DuckDB read; undefined for any other error.
 */
function dataFileError(error: unknown, prepared: ReadonlyMap<string, PreparedTable>): FloeError | undefined {
  const message = (error as Error)?.message ?? "";
  for (const table of prepared.values()) {
    for (const [localPath, location] of table.locations) {
      if (!message.includes(localPath)) continue;
      const detail = message.split("\n")[0].replaceAll(localPath, location);
      return malformed(`data file ${location} cannot be read: ${detail}`, { file: location }, error);
    }
  }
  return undefined;
}

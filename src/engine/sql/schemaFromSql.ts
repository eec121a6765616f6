/**
 * Schemas from SQL: the column list of CREATE TABLE, the columns of a query (CREATE TABLE AS
 * SELECT), partition terms and `DEFAULT` expressions, turned into floe's model objects.
 */
import { invalidInput, unsupported } from "../../core/errors/FloeError.js";
import { PARTITION_DATA_ID_START, PartitionSpec, type PartitionField } from "../../table/spec/partitionSpec.js";
import { Schema } from "../../table/spec/schema.js";
import { isPrimitive, type IcebergType, type NestedField } from "../../table/spec/types.js";
import { defaultPartitionName } from "../../table/transaction/partitionTerms.js";
import { parseTransform } from "../../table/transform/parseTransform.js";
import type { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { constantAs } from "../scan/queryIcebergTables.js";
import type { ColumnDefinition, PartitionTerm } from "./statements/index.js";
import { sqlTypeToIceberg } from "./statements/index.js";

/** Gives every field, list element and map key/value a distinct id (1, 2, ...); creating the table assigns its own. */
export function numberFields(type: IcebergType, next: { id: number }): IcebergType {
  switch (type.type) {
    case "struct":
      return { type: "struct", fields: type.fields.map((f) => ({ ...f, id: next.id++, type: numberFields(f.type, next) })) };
    case "list":
      return { ...type, elementId: next.id++, element: numberFields(type.element, next) };
    case "map":
      return { ...type, keyId: next.id++, valueId: next.id++, key: numberFields(type.key, next), value: numberFields(type.value, next) };
    default:
      return type;
  }
}

/** The schema of a CREATE TABLE column list; `DEFAULT` values become the columns' initial and write defaults. */
export async function schemaFromColumns(session: DuckDBSession, columns: readonly ColumnDefinition[], formatVersion: number): Promise<Schema> {
  const next = { id: 1 };
  const fields: NestedField[] = [];
  for (const column of columns) {
    const field: NestedField = { id: next.id++, name: column.name, required: column.required, type: column.type };
    field.type = numberFields(column.type, next);
    if (column.comment !== undefined) field.doc = column.comment;
    if (column.default !== undefined) {
      if (formatVersion < 3) throw invalidInput(`column ${column.name}: DEFAULT values need format version 3 (TBLPROPERTIES ('format-version' = '3'))`, { column: column.name });
      const value = await constantValue(session, column.default, field.type, column.name);
      field.initialDefault = value;
      field.writeDefault = value;
    }
    fields.push(field);
  }
  return new Schema(fields);
}

/** A constant SQL expression as a value of `type`, in floe's in-memory form. */
export async function constantValue(session: DuckDBSession, expr: string, type: IcebergType, column: string): Promise<unknown> {
  if (!isPrimitive(type)) throw unsupported(`column ${column}: defaults of ${type.type} columns cannot be given in SQL`, { column });
  const value = await constantAs(session, `(${expr})`, type);
  if (value === undefined) throw invalidInput(`column ${column}: DEFAULT ${expr} is not a constant of the column's type`, { column });
  return value;
}

/** The schema of a query's result: every column optional, types from DuckDB's. */
export async function schemaOfQuery(session: DuckDBSession, sql: string): Promise<Schema> {
  const described = await session.query(`DESCRIBE ${sql}`);
  const next = { id: 1 };
  const fields = described.rows.map((row): NestedField => {
    const name = String(row[0]);
    let type: IcebergType;
    try {
      type = sqlTypeToIceberg(String(row[1]));
    } catch (error) {
      throw invalidInput(`column ${name} of the query has type ${String(row[1])}, which no Iceberg type holds: cast it (${(error as Error).message})`, { column: name });
    }
    return { id: next.id++, name, required: false, type: numberFields(type, next) };
  });
  const names = new Set<string>();
  for (const f of fields) {
    if (names.has(f.name)) throw invalidInput(`the query has two columns named ${f.name}: give them distinct names with AS`, { column: f.name });
    names.add(f.name);
  }
  return new Schema(fields);
}

/** The partition spec of `PARTITIONED BY (...)` over `schema`. */
export function specFromTerms(schema: Schema, terms: readonly PartitionTerm[]): PartitionSpec {
  const fields: PartitionField[] = terms.map((term, i) => {
    const source = schema.findFieldByName(term.column);
    if (source === undefined) throw invalidInput(`PARTITIONED BY ${term.transform}(${term.column}): the table has no column ${term.column}`, { column: term.column });
    const transform = parseTransform(term.transform);
    return {
      sourceId: source.id,
      fieldId: PARTITION_DATA_ID_START + i,
      name: term.name ?? defaultPartitionName(term.column, transform),
      transform: term.transform,
    };
  });
  return new PartitionSpec(0, fields);
}

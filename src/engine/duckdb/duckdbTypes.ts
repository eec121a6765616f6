import { unsupported } from "../../core/errors/FloeError.js";
import type { IcebergType } from "../../table/spec/types.js";

/** DuckDB's name for an Iceberg type, used in schema maps and casts. */
export function duckdbTypeOf(type: IcebergType): string {
  switch (type.type) {
    case "boolean":
      return "BOOLEAN";
    case "int":
      return "INTEGER";
    case "long":
      return "BIGINT";
    case "float":
      return "FLOAT";
    case "double":
      return "DOUBLE";
    case "decimal":
      return `DECIMAL(${type.precision},${type.scale})`;
    case "date":
      return "DATE";
    case "time":
      return "TIME";
    case "timestamp":
      return "TIMESTAMP";
    case "timestamptz":
      return "TIMESTAMPTZ";
    case "timestamp_ns":
      return "TIMESTAMP_NS";
    case "timestamptz_ns":
      // DuckDB has no nanosecond type with a zone; the instant is kept, in UTC.
      return "TIMESTAMP_NS";
    case "string":
      return "VARCHAR";
    case "uuid":
      return "UUID";
    case "fixed":
    case "binary":
      return "BLOB";
    case "unknown":
      return "INTEGER";
    case "struct":
      if (type.fields.length === 0) throw unsupported("an empty struct has no DuckDB type");
      return `STRUCT(${type.fields.map((f) => `${quoteIdentifier(f.name)} ${duckdbTypeOf(f.type)}`).join(", ")})`;
    case "list":
      return `${duckdbTypeOf(type.element)}[]`;
    case "map":
      return `MAP(${duckdbTypeOf(type.key)}, ${duckdbTypeOf(type.value)})`;
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

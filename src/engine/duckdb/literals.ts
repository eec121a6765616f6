import type { IcebergType } from "../../table/spec/types.js";
import { duckdbTypeOf, quoteString } from "./duckdbTypes.js";

/** Formats an unscaled decimal as text with exactly `scale` fraction digits: (12345n, 2) → "123.45". */
export function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, "0");
  const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

/** A DuckDB SQL literal of the right type for an in-memory Iceberg value (see table/spec/types.ts). */
export function sqlLiteral(type: IcebergType, value: unknown): string {
  if (value === null || value === undefined) return `CAST(NULL AS ${duckdbTypeOf(type)})`;
  switch (type.type) {
    case "boolean":
      return value ? "TRUE" : "FALSE";
    case "int":
      return `CAST(${Number(value)} AS INTEGER)`;
    case "long":
      return `CAST(${BigInt(value as bigint)} AS BIGINT)`;
    case "float":
    case "double":
      return `CAST(${quoteString(String(value))} AS ${duckdbTypeOf(type)})`;
    case "decimal":
      return `CAST(${quoteString(decimalText(BigInt(value as bigint), type.scale))} AS ${duckdbTypeOf(type)})`;
    case "date":
      return `CAST(DATE '1970-01-01' + ${Number(value)} AS DATE)`;
    case "time":
      return `CAST(TIME '00:00:00' + to_microseconds(${BigInt(value as bigint)}) AS TIME)`;
    case "timestamp":
      return `make_timestamp(${BigInt(value as bigint)})`;
    case "timestamptz":
      return `CAST(make_timestamp(${BigInt(value as bigint)}) AS TIMESTAMPTZ)`;
    case "timestamp_ns":
    case "timestamptz_ns":
      return `make_timestamp_ns(${BigInt(value as bigint)})`;
    case "string":
      return quoteString(String(value));
    case "uuid":
      return `CAST(${quoteString(String(value))} AS UUID)`;
    case "fixed":
    case "binary":
      return `from_hex(${quoteString(Buffer.from(value as Uint8Array).toString("hex"))})`;
    case "unknown":
      return "NULL";
    case "struct": {
      const record = value as Record<string, unknown>;
      const fields = type.fields.map((f) => `${quoteString(f.name)}: ${sqlLiteral(f.type, record[f.name])}`);
      return `CAST({${fields.join(", ")}} AS ${duckdbTypeOf(type)})`;
    }
    case "list":
      return `CAST([${(value as unknown[]).map((e) => sqlLiteral(type.element, e)).join(", ")}] AS ${duckdbTypeOf(type)})`;
    case "map": {
      const entries = [...(value as Map<unknown, unknown>).entries()];
      return `CAST(MAP {${entries.map(([k, v]) => `${sqlLiteral(type.key, k)}: ${sqlLiteral(type.value, v)}`).join(", ")}} AS ${duckdbTypeOf(type)})`;
    }
  }
}

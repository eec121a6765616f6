/**
 * Partition transforms as DuckDB SQL, so rows are partitioned where they are written.
 *
 * Each partition field becomes one column of the written query holding the field's exact
 * value in a type whose text DuckDB reports back losslessly (integers for the temporal
 * transforms and buckets, epoch microseconds or nanoseconds for timestamps, hex for bytes).
 * The text comes back per file from COPY's statistics and is parsed into the in-memory value
 * of the partition field's type.
 *
 * - identity: the value;
 * - bucket[N]: the `floe_bucket_*` functions (bucketFunctions.ts) on the value in its hash form;
 * - truncate[W]: `v - ((v % W) + W) % W` for int, long and decimal (W in units of the scale),
 *   `left(s, W)` for strings (DuckDB counts code points, as Iceberg does), the first W bytes of binary;
 * - year, month: calendar fields of the UTC date; day: the date part of a timestamp, floor
 *   division of epoch microseconds (nanoseconds) for the others, and hour: floor division, so
 *   instants before 1970 fall in the unit that holds them (DuckDB's `//` truncates, and a
 *   cast of a timestamptz to a date would depend on the session's time zone);
 * - void: no column, always null.
 */
import { unsupported } from "../../core/errors/FloeError.js";
import type { PartitionField, PartitionSpec } from "../../table/spec/partitionSpec.js";
import type { Schema } from "../../table/spec/schema.js";
import { parseDecimalText } from "../../table/spec/valueCodecs.js";
import { hexToBytes } from "../../table/spec/valueCodecs.js";
import { isPrimitive, typeToString, type PrimitiveType } from "../../table/spec/types.js";
import { parseTransform } from "../../table/transform/parseTransform.js";
import { BucketTransform } from "../../table/transform/BucketTransform.js";
import type { Transform } from "../../table/transform/Transform.js";
import { TruncateTransform } from "../../table/transform/TruncateTransform.js";
import { quoteIdentifier } from "../duckdb/duckdbTypes.js";
import { BUCKET_FUNCTIONS } from "./bucketFunctions.js";

export interface PartitionColumn {
  field: PartitionField;
  /** The column's name in the written query; undefined for `void` fields (always null). */
  column?: string;
  /** The SQL expression computing the value from the row's columns. */
  sql?: string;
  /** The partition value from its text in COPY's partition keys (null for a null value). */
  parse: (text: string | null) => unknown;
  /** Whether the expression calls the bucket functions. */
  usesBucketFunctions: boolean;
}

/** The SQL reference to a (possibly nested) source column: `"a"`, `"point"."x"`. */
export function columnReference(schema: Schema, fieldId: number, qualifier?: string): string {
  const path: string[] = [];
  let id: number | undefined = fieldId;
  while (id !== undefined) {
    const field = schema.findField(id);
    if (field === undefined) break;
    path.unshift(field.name);
    const parent = schema.parentId(id);
    if (parent !== undefined && schema.findField(parent)?.type.type !== "struct") {
      throw unsupported(`partitioning by ${schema.findColumnName(fieldId)}, a field inside a list or map, is not supported`, { fieldId });
    }
    id = parent;
  }
  const names = path.map(quoteIdentifier);
  return qualifier === undefined ? names.join(".") : `${qualifier}.${names.join(".")}`;
}

const MICROS_PER_DAY = 86_400_000_000n;
const MICROS_PER_HOUR = 3_600_000_000n;
const NANOS_PER_DAY = 86_400_000_000_000n;
const NANOS_PER_HOUR = 3_600_000_000_000n;

/**
 * ⌊x / d⌋ for BIGINT x and a positive constant d. DuckDB's `//` truncates toward zero, which is
 * the floor for x ≥ 0; below zero, (x + 1) // d - 1 is. One division per row: this runs for
 * every row written to a table partitioned by day or hour of a timestamptz.
 */
export function floorDivSql(x: string, d: bigint): string {
  return `(CASE WHEN ${x} >= 0 THEN ${x} // ${d} ELSE (${x} + 1) // ${d} - 1 END)`;
}

const parseInt32 = (text: string | null): unknown => (text === null ? null : Number(text));
const parseInt64 = (text: string | null): unknown => (text === null ? null : BigInt(text));

function parseFloatText(text: string, single: boolean): number {
  const t = text.trim().toLowerCase();
  const value = t === "nan" || t === "-nan" ? NaN : t === "inf" || t === "infinity" ? Infinity : t === "-inf" || t === "-infinity" ? -Infinity : Number(t);
  return single ? Math.fround(value) : value;
}

function epochValue(type: PrimitiveType, ref: string): { sql: string; nanos: boolean } {
  switch (type.type) {
    case "timestamp":
    case "timestamptz":
      return { sql: `epoch_us(${ref})`, nanos: false };
    case "timestamp_ns":
    case "timestamptz_ns":
      return { sql: `epoch_ns(${ref})`, nanos: true };
    default:
      throw new Error(`not a timestamp type: ${type.type}`);
  }
}

function identity(type: PrimitiveType, ref: string): { sql: string; parse: (text: string | null) => unknown } {
  switch (type.type) {
    case "boolean":
      return { sql: ref, parse: (t) => (t === null ? null : t === "true" || t === "1") };
    case "int":
      return { sql: ref, parse: parseInt32 };
    case "long":
      return { sql: ref, parse: parseInt64 };
    case "float":
    case "double":
      return { sql: ref, parse: (t) => (t === null ? null : parseFloatText(t, type.type === "float")) };
    case "decimal":
      return { sql: `CAST(${ref} AS VARCHAR)`, parse: (t) => (t === null ? null : parseDecimalText(t, type.scale)) };
    case "date":
      return { sql: `CAST(${ref} - DATE '1970-01-01' AS INTEGER)`, parse: parseInt32 };
    case "time":
      return { sql: `CAST(datediff('microsecond', TIME '00:00:00', ${ref}) AS BIGINT)`, parse: parseInt64 };
    case "timestamp":
    case "timestamptz":
    case "timestamp_ns":
    case "timestamptz_ns":
      return { sql: epochValue(type, ref).sql, parse: parseInt64 };
    case "string":
      return { sql: ref, parse: (t) => t };
    case "uuid":
      return { sql: `CAST(${ref} AS VARCHAR)`, parse: (t) => (t === null ? null : t.toLowerCase()) };
    case "fixed":
    case "binary":
      return { sql: `hex(${ref})`, parse: (t) => (t === null ? null : (hexToBytes(t) ?? null)) };
    case "unknown":
      return { sql: "CAST(NULL AS INTEGER)", parse: () => null };
  }
}

/** The value in the form the bucket functions take, and the function to call. */
function bucket(type: PrimitiveType, ref: string, n: number): string {
  switch (type.type) {
    case "int":
    case "long":
      return `${BUCKET_FUNCTIONS.long}(CAST(${ref} AS BIGINT), ${n})`;
    case "date":
      return `${BUCKET_FUNCTIONS.long}(CAST(${ref} - DATE '1970-01-01' AS BIGINT), ${n})`;
    case "time":
      return `${BUCKET_FUNCTIONS.long}(CAST(datediff('microsecond', TIME '00:00:00', ${ref}) AS BIGINT), ${n})`;
    case "timestamp":
    case "timestamptz":
      return `${BUCKET_FUNCTIONS.long}(epoch_us(${ref}), ${n})`;
    case "timestamp_ns":
    case "timestamptz_ns":
      return `${BUCKET_FUNCTIONS.long}(${floorDivSql(`epoch_ns(${ref})`, 1000n)}, ${n})`;
    case "decimal":
      return `${BUCKET_FUNCTIONS.decimal}(CAST(${ref} AS VARCHAR), ${n}, ${type.scale})`;
    case "string":
      return `${BUCKET_FUNCTIONS.string}(${ref}, ${n})`;
    case "uuid":
      return `${BUCKET_FUNCTIONS.uuid}(CAST(${ref} AS VARCHAR), ${n})`;
    case "fixed":
    case "binary":
      return `${BUCKET_FUNCTIONS.bytes}(${ref}, ${n})`;
    default:
      throw unsupported(`bucket[${n}] of a ${type.type} column`);
  }
}

/** truncate[W] of a decimal as its unscaled HUGEINT; W counts units of the last digit (W = 50 at scale 2 is 0.50). */
export function truncatedUnscaledDecimal(ref: string, w: number): string {
  const width = `CAST(${w} AS HUGEINT)`;
  const unscaled = `CAST(replace(CAST(${ref} AS VARCHAR), '.', '') AS HUGEINT)`;
  return `(${unscaled} - (((${unscaled} % ${width}) + ${width}) % ${width}))`;
}

function truncate(type: PrimitiveType, ref: string, w: number): { sql: string; parse: (text: string | null) => unknown } {
  switch (type.type) {
    case "int": {
      // computed in BIGINT; a result below the int range wraps as in 32-bit arithmetic
      const r = `(CAST(${ref} AS BIGINT) - (((CAST(${ref} AS BIGINT) % ${w}) + ${w}) % ${w}))`;
      return { sql: `CAST(CASE WHEN ${r} < -2147483648 THEN ${r} + 4294967296 ELSE ${r} END AS INTEGER)`, parse: parseInt32 };
    }
    case "long": {
      const r = `(CAST(${ref} AS HUGEINT) - (((CAST(${ref} AS HUGEINT) % ${w}) + ${w}) % ${w}))`;
      return { sql: `CAST(CASE WHEN ${r} < -9223372036854775808 THEN ${r} + 18446744073709551616 ELSE ${r} END AS BIGINT)`, parse: parseInt64 };
    }
    case "decimal":
      return { sql: `CAST(${truncatedUnscaledDecimal(ref, w)} AS VARCHAR)`, parse: (t) => (t === null ? null : BigInt(t)) };
    case "string":
      return { sql: `left(${ref}, ${w})`, parse: (t) => t };
    case "binary":
      return { sql: `left(hex(${ref}), ${2 * w})`, parse: (t) => (t === null ? null : (hexToBytes(t) ?? null)) };
    default:
      throw unsupported(`truncate[${w}] of a ${type.type} column`);
  }
}

function temporal(unit: "year" | "month" | "day" | "hour", type: PrimitiveType, ref: string): string {
  if (type.type === "date") {
    switch (unit) {
      case "year":
        return `CAST(year(${ref}) - 1970 AS INTEGER)`;
      case "month":
        return `CAST((year(${ref}) - 1970) * 12 + month(${ref}) - 1 AS INTEGER)`;
      case "day":
        return `CAST(${ref} - DATE '1970-01-01' AS INTEGER)`;
      default:
        throw unsupported(`hour of a date column`);
    }
  }
  if (type.type === "timestamp" && unit === "day") {
    // a timestamp's date part is the day that holds it, before 1970 too
    return `CAST(CAST(${ref} AS DATE) - DATE '1970-01-01' AS INTEGER)`;
  }
  const { sql: epoch, nanos } = epochValue(type, ref);
  const perDay = nanos ? NANOS_PER_DAY : MICROS_PER_DAY;
  const days = floorDivSql(epoch, perDay);
  switch (unit) {
    case "day":
      return `CAST(${days} AS INTEGER)`;
    case "hour":
      return `CAST(${floorDivSql(epoch, nanos ? NANOS_PER_HOUR : MICROS_PER_HOUR)} AS INTEGER)`;
    default: {
      // the calendar date in UTC, whatever the session's time zone
      const date = type.type === "timestamp" ? ref : `(DATE '1970-01-01' + CAST(${days} AS INTEGER))`;
      return unit === "year" ? `CAST(year(${date}) - 1970 AS INTEGER)` : `CAST((year(${date}) - 1970) * 12 + month(${date}) - 1 AS INTEGER)`;
    }
  }
}

/** A transform's value in SQL, and how to read its text back. */
export interface TransformSql {
  sql: string;
  parse: (text: string | null) => unknown;
  usesBucketFunctions: boolean;
}

/**
 * `transform` (neither void nor unknown) applied in SQL to `ref`, a value of `type`; the
 * caller has checked that the transform applies to the type.
 */
export function transformSql(transform: Transform, type: PrimitiveType, ref: string): TransformSql {
  if (transform instanceof BucketTransform) return { sql: bucket(type, ref, transform.numBuckets), parse: parseInt32, usesBucketFunctions: true };
  if (transform instanceof TruncateTransform) return { ...truncate(type, ref, transform.width), usesBucketFunctions: false };
  if (transform.isIdentity) return { ...identity(type, ref), usesBucketFunctions: false };
  const unit = transform.kind as "year" | "month" | "day" | "hour";
  return { sql: temporal(unit, type, ref), parse: parseInt32, usesBucketFunctions: false };
}

/**
 * The partition columns of `spec` over rows whose columns are named as in `schema`
 * (`qualifier` prefixes the column references). Columns are named `__floe_p0`, `__floe_p1`, ...
 */
export function partitionColumns(spec: PartitionSpec, schema: Schema, qualifier?: string): PartitionColumn[] {
  return spec.fields.map((field, i) => {
    const transform = parseTransform(field.transform);
    if (transform.isVoid) return { field, parse: () => null, usesBucketFunctions: false };
    if (transform.isUnknown) throw unsupported(`cannot write partition field ${field.name}: unknown transform ${field.transform}`);
    const source = schema.findField(field.sourceId);
    if (source === undefined) {
      throw unsupported(`cannot write partition field ${field.name}: its source column id ${field.sourceId} is not in the schema`);
    }
    if (!isPrimitive(source.type) || !transform.canTransform(source.type)) {
      throw unsupported(`cannot write partition field ${field.name}: ${field.transform} of ${source.name} (${typeToString(source.type)})`);
    }
    return { field, column: `__floe_p${i}`, ...transformSql(transform, source.type, columnReference(schema, field.sourceId, qualifier)) };
  });
}

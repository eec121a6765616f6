/**
 * Rows of an Apache Arrow table as records for a table's schema: each value read in the
 * in-memory form of the column's Iceberg type. Timestamps are read from their raw 64-bit
 * values (Arrow's JavaScript accessors round them to milliseconds); decimals as unscaled
 * bigints; 64-bit integers as bigints.
 */
import { Type, type Table, type Vector } from "apache-arrow";
import type { Schema } from "../../table/spec/schema.js";
import type { IcebergType } from "../../table/spec/types.js";

/** Arrow's time units: seconds, milliseconds, microseconds, nanoseconds. */
const NANOS_PER_UNIT = [1_000_000_000n, 1_000_000n, 1_000n, 1n];

export function* arrowRecords(table: Table, schema: Schema): Generator<Record<string, unknown>> {
  const columns = table.schema.fields.map((field) => {
    const target = schema.fields.find((f) => f.name === field.name)?.type;
    return { name: field.name, read: reader(table.getChild(field.name)!, target) };
  });
  for (let row = 0; row < table.numRows; row++) {
    const record: Record<string, unknown> = {};
    for (const column of columns) record[column.name] = column.read(row);
    yield record;
  }
}

/** A function reading row `i` of a column, in the form `target` wants (undefined: a column the schema lacks; left as Arrow gives it). */
function reader(vector: Vector, target: IcebergType | undefined): (i: number) => unknown {
  const typeId = vector.type.typeId;
  const nullable = (read: (i: number) => unknown) => (i: number) => (vector.isValid(i) ? read(i) : null);
  if (typeId === Type.Timestamp) {
    const unit = (vector.type as { unit: number }).unit;
    const perTarget = target?.type === "timestamp_ns" || target?.type === "timestamptz_ns" ? 1n : 1000n;
    return nullable((i) => (raw64(vector, i) * NANOS_PER_UNIT[unit]) / perTarget);
  }
  if (typeId === Type.Date) return nullable((i) => Math.floor(Number(vector.get(i)) / 86_400_000));
  if (typeId === Type.Decimal) return nullable((i) => BigInt(vector.get(i) as bigint));
  if (typeId === Type.Int && (vector.type as { bitWidth: number }).bitWidth === 64) return nullable((i) => BigInt(vector.get(i) as bigint));
  if (typeId === Type.Struct || typeId === Type.List || typeId === Type.Map || typeId === Type.FixedSizeList) {
    return nullable((i) => plain(vector.get(i)));
  }
  return nullable((i) => vector.get(i));
}

/** The raw 64-bit value of row `i` of a column stored as 64-bit integers. */
function raw64(vector: Vector, i: number): bigint {
  let row = i;
  for (const chunk of vector.data) {
    if (row < chunk.length) return BigInt((chunk.values as BigInt64Array)[chunk.offset + row]);
    row -= chunk.length;
  }
  throw new RangeError(`row ${i} is beyond the column's ${vector.length} rows`);
}

/** Nested Arrow values (struct rows, list vectors, map rows) as plain objects, arrays and Maps. */
function plain(value: unknown): unknown {
  if (value === null || value === undefined || value instanceof Uint8Array) return value ?? null;
  if (value instanceof Map) return new Map([...value.entries()].map(([k, v]) => [plain(k), plain(v)]));
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return Array.from(value as ArrayLike<unknown>, plain);
  if (typeof value === "object" && "toJSON" in value) {
    const json = (value as { toJSON: () => unknown }).toJSON();
    if (Array.isArray(json) || ArrayBuffer.isView(json)) return Array.from(json as ArrayLike<unknown>, plain);
    return Object.fromEntries(Object.entries(json as object).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/**
 * Plain, printable forms of the values metadata tables show: timestamps as ISO text,
 * partition values and column bounds in the readable form of their type.
 */
import { bytesToHex } from "../stats/bytes.js";
import { deserializeValue } from "../stats/singleValue.js";
import { decodeLowerBound } from "../stats/bounds.js";
import type { PartitionField, PartitionSpec } from "../spec/partitionSpec.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import { formatIsoDate, formatIsoTime, formatIsoTimestamp } from "../spec/temporal.js";
import { isPrimitive, type IcebergType, type PrimitiveType } from "../spec/types.js";
import { formatDecimalText } from "../spec/valueCodecs.js";
import { parseTransform } from "../transform/parseTransform.js";
import type { Transform } from "../transform/Transform.js";

/** What every metadata table function returns: column names and each row's values in column order. */
export interface InspectResult {
  columns: string[];
  rows: unknown[][];
}

/** Epoch milliseconds as ISO-8601 UTC text. */
export function isoTimestamp(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

/**
 * Field ids the spec reserves for metadata columns: the columns of position delete
 * files carry bounds under them.
 */
const RESERVED_FIELD_TYPES: ReadonlyMap<number, PrimitiveType> = new Map([
  [2147483646, { type: "string" }], // _file
  [2147483645, { type: "long" }], // _pos
  [2147483546, { type: "string" }], // file_path of a position delete
  [2147483545, { type: "long" }], // pos of a position delete
]);

/**
 * The type of every field id the table has ever had: the current schema first, then
 * older schemas (newest first) for columns since dropped, then the reserved metadata columns.
 */
export function fieldTypes(metadata: TableMetadata): Map<number, IcebergType> {
  const types = new Map<number, IcebergType>(RESERVED_FIELD_TYPES);
  const schemas = [metadata.currentSchema(), ...[...metadata.schemas].reverse()];
  for (const schema of schemas) {
    for (const id of schema.allFieldIds()) if (!types.has(id)) types.set(id, schema.findType(id) as IcebergType);
  }
  return types;
}

/** The readable form of an in-memory value of a primitive type (see ../spec/types.ts). */
export function readableValue(type: PrimitiveType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type.type) {
    case "decimal":
      return typeof value === "bigint" ? formatDecimalText(value, type.scale) : genericValue(value);
    case "date":
      return typeof value === "number" ? formatIsoDate(value) : genericValue(value);
    case "time":
      return typeof value === "bigint" ? formatIsoTime(value, 6) : genericValue(value);
    case "timestamp":
    case "timestamptz":
      return typeof value === "bigint" ? formatIsoTimestamp(value, 6, type.type === "timestamptz") : genericValue(value);
    case "timestamp_ns":
    case "timestamptz_ns":
      return typeof value === "bigint" ? formatIsoTimestamp(value, 9, type.type === "timestamptz_ns") : genericValue(value);
    case "unknown":
      return null;
    default:
      return genericValue(value);
  }
}

/** A value whose type is not known: bytes as hex, everything else as it is. */
function genericValue(value: unknown): unknown {
  return value instanceof Uint8Array ? bytesToHex(value) : value;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/**
 * The readable form of a partition value: what the transform's value means, as Iceberg
 * writes it in partition paths (`year` 2024, `month` 2024-03, `hour` 2024-03-01-10, `day`
 * a date), and the value's readable form for the other transforms.
 */
export function readablePartitionValue(transform: Transform | undefined, type: IcebergType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (transform !== undefined && typeof value === "number" && Number.isInteger(value)) {
    switch (transform.kind) {
      case "year":
        return String(1970 + value);
      case "month": {
        const year = 1970 + Math.floor(value / 12);
        return `${year}-${pad(value - (year - 1970) * 12 + 1, 2)}`;
      }
      case "hour": {
        const days = Math.floor(value / 24);
        return `${formatIsoDate(days)}-${pad(value - days * 24, 2)}`;
      }
    }
  }
  return isPrimitive(type) ? readableValue(type, value) : genericValue(value);
}

/** A column bound in the binary single-value form, decoded and written as text; hex when it cannot be read. */
export function boundText(type: IcebergType | undefined, bytes: Uint8Array): string {
  if (type !== undefined && isPrimitive(type) && type.type !== "unknown") {
    try {
      return String(readableValue(type, deserializeValue(type, bytes)));
    } catch {
      // a string bound cut inside a character still has a readable prefix
      const prefix = decodeLowerBound(type, bytes);
      if (prefix !== undefined) return String(readableValue(type, prefix));
    }
  }
  return bytesToHex(bytes);
}

/** A field id → value map as a plain object (keys in ascending id order). */
export function idMap<V>(map: ReadonlyMap<number, V> | undefined, value: (v: V, id: number) => unknown = (v) => v): Record<string, unknown> | null {
  if (map === undefined) return null;
  const out: Record<string, unknown> = {};
  for (const id of [...map.keys()].sort((a, b) => a - b)) out[String(id)] = value(map.get(id) as V, id);
  return out;
}

/** A partition field with its transform and the type of its values. */
export interface ResolvedPartitionField {
  field: PartitionField;
  transform: Transform | undefined;
  type: IcebergType;
}

function transformOf(field: PartitionField): Transform | undefined {
  try {
    return parseTransform(field.transform);
  } catch {
    return undefined;
  }
}

/** The fields of a spec with their transforms and value types, source types looked up across all schemas. */
export function resolvePartitionFields(spec: PartitionSpec, types: ReadonlyMap<number, IcebergType>): ResolvedPartitionField[] {
  return spec.fields.map((field) => {
    const transform = transformOf(field);
    const source = types.get(field.sourceId);
    let type: IcebergType = { type: "unknown" };
    if (transform !== undefined && source !== undefined && !transform.isUnknown) {
      try {
        type = transform.isVoid ? source : transform.resultType(source);
      } catch {
        // a transform that does not fit its source leaves the type unknown
      }
    }
    return { field, transform, type };
  });
}

/**
 * The partition type of the whole table, as Spark's metadata tables show it: every
 * partition field of every spec, by field id, where a field that some spec replaced
 * with `void` takes its other transform.
 */
export function unifiedPartitionFields(metadata: TableMetadata, types: ReadonlyMap<number, IcebergType>): ResolvedPartitionField[] {
  const byId = new Map<number, ResolvedPartitionField>();
  for (const spec of metadata.partitionSpecs) {
    for (const resolved of resolvePartitionFields(spec, types)) {
      const known = byId.get(resolved.field.fieldId);
      if (known === undefined || (known.transform?.isVoid && !resolved.transform?.isVoid)) byId.set(resolved.field.fieldId, resolved);
    }
  }
  return [...byId.values()].sort((a, b) => a.field.fieldId - b.field.fieldId);
}

/** A partition tuple as an object keyed by partition field name, with readable values. */
export function partitionObject(fields: readonly ResolvedPartitionField[], partition: Readonly<Record<number, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { field, transform, type } of fields) out[field.name] = readablePartitionValue(transform, type, partition[field.fieldId]);
  return out;
}

/** Text that is equal for equal partition objects (bigints included). */
export function partitionKey(partition: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(partition, (_key, value: unknown) =>
    typeof value === "bigint" ? `${value}n` : typeof value === "number" && !Number.isFinite(value) ? String(value) : value,
  );
}

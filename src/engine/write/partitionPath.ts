/**
 * Directory names of partitions, Hive style as Iceberg writers lay them out:
 * `<field>=<value>/...`, each value in the transform's human form and URL-encoded (as Java's
 * `URLEncoder`: letters, digits and `.-*_` stay, a space becomes `+`, every other byte `%XX`).
 * Only people read these names; readers take partition values from the manifests.
 */
import { formatIsoDate, formatIsoTime, formatIsoTimestamp } from "../../table/spec/temporal.js";
import type { PartitionData } from "../../table/manifest/dataFile.js";
import type { PartitionField, PartitionSpec } from "../../table/spec/partitionSpec.js";
import type { Schema } from "../../table/spec/schema.js";
import { formatDecimalText } from "../../table/spec/valueCodecs.js";
import type { IcebergType } from "../../table/spec/types.js";
import { parseTransform } from "../../table/transform/parseTransform.js";

function pad(n: number, width: number): string {
  const text = String(Math.abs(n)).padStart(width, "0");
  return n < 0 ? `-${text}` : text;
}

/** Year, month, day and hour values (units since 1970) as Iceberg prints them. */
function temporalText(kind: string, value: number): string {
  switch (kind) {
    case "year":
      return pad(1970 + value, 4);
    case "month": {
      const year = 1970 + Math.floor(value / 12);
      const month = value - (year - 1970) * 12 + 1;
      return `${pad(year, 4)}-${pad(month, 2)}`;
    }
    case "day":
      return formatIsoDate(value);
    default: {
      const days = Math.floor(value / 24);
      return `${formatIsoDate(days)}-${pad(value - days * 24, 2)}`;
    }
  }
}

function valueText(type: IcebergType, value: unknown): string {
  switch (type.type) {
    case "date":
      return formatIsoDate(value as number);
    case "time":
      return formatIsoTime(value as bigint, 6);
    case "timestamp":
    case "timestamptz":
      return formatIsoTimestamp(value as bigint, 6, type.type === "timestamptz");
    case "timestamp_ns":
    case "timestamptz_ns":
      return formatIsoTimestamp(value as bigint, 9, type.type === "timestamptz_ns");
    case "decimal":
      return formatDecimalText(value as bigint, type.scale);
    case "fixed":
    case "binary":
      return Buffer.from(value as Uint8Array).toString("base64");
    default:
      return String(value);
  }
}

/** The human form of one partition value. */
export function partitionValueText(field: PartitionField, schema: Schema, value: unknown): string {
  if (value === null || value === undefined) return "null";
  const transform = parseTransform(field.transform);
  switch (transform.kind) {
    case "year":
    case "month":
    case "hour":
      return temporalText(transform.kind, value as number);
    case "day":
      return formatIsoDate(value as number);
    case "bucket":
      return String(value);
    default: {
      const source = schema.findField(field.sourceId);
      return source === undefined ? String(value) : valueText(source.type, value);
    }
  }
}

const KEEP = /[A-Za-z0-9.\-*_]/;

/** URL-encodes `text` the way Java's `URLEncoder.encode(text, UTF_8)` does. */
export function escapePathValue(text: string): string {
  let out = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const char = String.fromCharCode(byte);
    if (byte < 0x80 && KEEP.test(char)) out += char;
    else if (byte === 0x20) out += "+";
    else out += `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

/** `ts_day=2024-01-01/id_bucket=3`; empty for an unpartitioned spec. */
export function partitionPath(spec: PartitionSpec, schema: Schema, partition: PartitionData): string {
  return spec.fields
    .map((field) => `${escapePathValue(field.name)}=${escapePathValue(partitionValueText(field, schema, partition[field.fieldId]))}`)
    .join("/");
}

/**
 * Column metrics of written data files (value, null and NaN counts, sizes, lower and upper
 * bounds) from the statistics DuckDB reports for each file it writes, shaped by the table's
 * metrics modes.
 */
import type { DataFile } from "../../table/manifest/dataFile.js";
import type { Schema } from "../../table/spec/schema.js";
import { parseIsoDate, parseIsoTime, parseIsoTimestamp } from "../../table/spec/temporal.js";
import type { PrimitiveType } from "../../table/spec/types.js";
import { hexToBytes, normalizeUuid, parseDecimalText } from "../../table/spec/valueCodecs.js";
import { serializeValue } from "../../table/stats/singleValue.js";
import { codePointLength, truncateCodePoints } from "../../table/stats/unicode.js";
import { pathKey, type LeafColumn } from "./schemaColumns.js";
import {
  METRICS_COLUMN_PREFIX,
  METRICS_DEFAULT,
  METRICS_DEFAULT_MODE,
  METRICS_MAX_INFERRED_COLUMNS,
  METRICS_MAX_INFERRED_COLUMNS_DEFAULT,
  parseMetricsMode,
  positiveIntegerProperty,
  type MetricsMode,
} from "./writeProperties.js";

/** What DuckDB reports about one column of one written file. */
export interface ColumnWriteStats {
  min?: string;
  max?: string;
  nullCount?: bigint;
  numValues?: bigint;
  columnSizeBytes?: bigint;
  /** Float and double columns: whether any value is NaN (min and max leave NaN out). */
  hasNan?: boolean;
}

/** The metrics mode of each leaf column (by field id), from the table properties. */
export function metricsModes(schema: Schema, leaves: readonly LeafColumn[], properties: Readonly<Record<string, string>>): Map<number, MetricsMode> {
  const defaultMode = parseMetricsMode(properties[METRICS_DEFAULT] ?? METRICS_DEFAULT_MODE, METRICS_DEFAULT);
  const maxInferred = positiveIntegerProperty(properties, METRICS_MAX_INFERRED_COLUMNS, METRICS_MAX_INFERRED_COLUMNS_DEFAULT);
  const modes = new Map<number, MetricsMode>();
  leaves.forEach((leaf, i) => {
    const key = METRICS_COLUMN_PREFIX + leaf.name;
    const configured = properties[key];
    modes.set(leaf.fieldId, configured !== undefined ? parseMetricsMode(configured, key) : i < maxInferred ? defaultMode : { kind: "none" });
  });
  for (const key of Object.keys(properties)) {
    if (!key.startsWith(METRICS_COLUMN_PREFIX)) continue;
    const name = key.slice(METRICS_COLUMN_PREFIX.length);
    // a mode set on a struct, list or map applies to the leaves under it that have none of their own
    const parent = schema.findFieldByName(name);
    if (parent === undefined || parent.type.type === "struct" || parent.type.type === "list" || parent.type.type === "map") {
      const mode = parseMetricsMode(properties[key], key);
      for (const leaf of leaves) {
        if (leaf.name.startsWith(`${name}.`) && properties[METRICS_COLUMN_PREFIX + leaf.name] === undefined) modes.set(leaf.fieldId, mode);
      }
    }
  }
  return modes;
}

/** A statistics value (DuckDB's text of it) as the in-memory value of the column's type; undefined when unusable. */
export function parseStatValue(type: PrimitiveType, text: string): unknown {
  switch (type.type) {
    case "boolean":
      return text === "true" || text === "1" ? true : text === "false" || text === "0" ? false : undefined;
    case "int":
    case "date": {
      if (type.type === "date") return parseIsoDate(text);
      const n = Number(text);
      return Number.isInteger(n) ? n : undefined;
    }
    case "long":
      return /^-?\d+$/.test(text) ? BigInt(text) : undefined;
    case "float":
    case "double": {
      const t = text.toLowerCase();
      const n = t === "inf" || t === "infinity" ? Infinity : t === "-inf" || t === "-infinity" ? -Infinity : Number(text);
      if (Number.isNaN(n)) return undefined;
      return type.type === "float" ? Math.fround(n) : n;
    }
    case "decimal":
      return parseDecimalText(text, type.scale);
    case "time":
      return parseIsoTime(text, 6);
    case "timestamp":
      return parseIsoTimestamp(text, 6, "none");
    case "timestamptz":
      return parseIsoTimestamp(withMinutes(text), 6, "required") ?? parseIsoTimestamp(text, 6, "none");
    case "timestamp_ns":
    case "timestamptz_ns":
      return parseIsoTimestamp(text, 9, "none") ?? parseIsoTimestamp(withMinutes(text), 9, "required");
    case "string":
      return text;
    case "uuid":
      return normalizeUuid(text);
    case "fixed":
    case "binary":
      return hexToBytes(text);
    case "unknown":
      return undefined;
  }
}

/** DuckDB prints a `+00` offset; ISO wants `+00:00`. */
function withMinutes(text: string): string {
  return /[+-]\d{2}$/.test(text) ? `${text}:00` : text;
}

/** The first `length` code points: still a lower bound. */
export function truncateLowerString(value: string, length: number): string {
  return truncateCodePoints(value, length);
}

/**
 * An upper bound of at most `length` code points: the value itself when short enough, else its
 * prefix with the last code point that can be incremented incremented (surrogates skipped);
 * undefined when there is none.
 */
export function truncateUpperString(value: string, length: number): string | undefined {
  if (codePointLength(value) <= length) return value;
  const points = Array.from(truncateCodePoints(value, length));
  for (let i = points.length - 1; i >= 0; i--) {
    let next = (points[i].codePointAt(0) as number) + 1;
    if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
    if (next <= 0x10ffff) return points.slice(0, i).join("") + String.fromCodePoint(next);
  }
  return undefined;
}

export function truncateLowerBytes(value: Uint8Array, length: number): Uint8Array {
  return value.length <= length ? value : value.slice(0, length);
}

/** Like truncateUpperString for bytes: the prefix with its last byte below 0xFF incremented. */
export function truncateUpperBytes(value: Uint8Array, length: number): Uint8Array | undefined {
  if (value.length <= length) return value;
  for (let i = length - 1; i >= 0; i--) {
    if (value[i] < 0xff) {
      const out = value.slice(0, i + 1);
      out[i]++;
      return out;
    }
  }
  return undefined;
}

type FileMetrics = Pick<DataFile, "columnSizes" | "valueCounts" | "nullValueCounts" | "nanValueCounts" | "lowerBounds" | "upperBounds">;

/**
 * The metrics of one file from its column statistics (keyed by `pathKey` of the column's
 * names). `nanCounts` holds counted NaNs of float columns that have some. Bounds are recorded
 * for columns outside lists and maps only.
 */
export function fileMetrics(
  leaves: readonly LeafColumn[],
  stats: ReadonlyMap<string, ColumnWriteStats>,
  modes: ReadonlyMap<number, MetricsMode>,
  nanCounts: ReadonlyMap<number, bigint> = new Map(),
): FileMetrics {
  const columnSizes = new Map<number, bigint>();
  const valueCounts = new Map<number, bigint>();
  const nullValueCounts = new Map<number, bigint>();
  const nanValueCounts = new Map<number, bigint>();
  const lowerBounds = new Map<number, Uint8Array>();
  const upperBounds = new Map<number, Uint8Array>();
  for (const leaf of leaves) {
    const mode = modes.get(leaf.fieldId) ?? { kind: "none" };
    if (mode.kind === "none") continue;
    const s = stats.get(pathKey(leaf.path));
    if (s === undefined) continue;
    if (s.columnSizeBytes !== undefined) columnSizes.set(leaf.fieldId, s.columnSizeBytes);
    if (s.numValues !== undefined) valueCounts.set(leaf.fieldId, s.numValues);
    if (s.nullCount !== undefined) nullValueCounts.set(leaf.fieldId, s.nullCount);
    const isFloat = leaf.type.type === "float" || leaf.type.type === "double";
    if (isFloat) {
      const nans = s.hasNan === false ? 0n : nanCounts.get(leaf.fieldId);
      if (nans !== undefined) nanValueCounts.set(leaf.fieldId, nans);
    }
    if (mode.kind === "counts" || leaf.repeated) continue;
    const bounds = boundsOf(leaf.type, s, mode);
    if (bounds.lower !== undefined) lowerBounds.set(leaf.fieldId, bounds.lower);
    if (bounds.upper !== undefined) upperBounds.set(leaf.fieldId, bounds.upper);
  }
  return { columnSizes, valueCounts, nullValueCounts, nanValueCounts, lowerBounds, upperBounds };
}

function boundsOf(type: PrimitiveType, s: ColumnWriteStats, mode: MetricsMode): { lower?: Uint8Array; upper?: Uint8Array } {
  let lower = s.min === undefined ? undefined : parseStatValue(type, s.min);
  let upper = s.max === undefined ? undefined : parseStatValue(type, s.max);
  if (mode.kind === "truncate") {
    if (type.type === "string") {
      lower = lower === undefined ? undefined : truncateLowerString(lower as string, mode.length);
      upper = upper === undefined ? undefined : truncateUpperString(upper as string, mode.length);
    } else if (type.type === "binary") {
      lower = lower === undefined ? undefined : truncateLowerBytes(lower as Uint8Array, mode.length);
      upper = upper === undefined ? undefined : truncateUpperBytes(upper as Uint8Array, mode.length);
    }
  }
  const out: { lower?: Uint8Array; upper?: Uint8Array } = {};
  if (lower !== undefined) out.lower = serializeValue(type, lower);
  if (upper !== undefined) out.upper = serializeValue(type, upper);
  return out;
}

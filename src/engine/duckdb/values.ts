import {
  DuckDBArrayValue,
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBDecimalValue,
  DuckDBIntervalValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimeTZValue,
  DuckDBTimeValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBUUIDValue,
  type DuckDBValue,
} from "@duckdb/node-api";

/**
 * Turns a DuckDB value into the plain value floe returns from queries:
 * integers as number (bigint when beyond 2^53), decimals as strings with exactly `scale`
 * fraction digits, dates as "YYYY-MM-DD", times and timestamps as text with six fraction
 * digits when there is a fraction, timestamptz in UTC with "+00", blobs as Uint8Array,
 * lists as arrays, structs and maps as objects.
 */
export function toPlainValue(value: DuckDBValue): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "bigint":
      return Number.isSafeInteger(Number(value)) ? Number(value) : value;
    case "number":
    case "boolean":
    case "string":
      return value;
  }
  if (value instanceof DuckDBDecimalValue) return value.toString();
  if (value instanceof DuckDBDateValue) return value.toString();
  if (value instanceof DuckDBTimeValue || value instanceof DuckDBTimeTZValue) return sixDigitFraction(value.toString());
  if (value instanceof DuckDBTimestampTZValue) return sixDigitFraction(value.toString());
  if (
    value instanceof DuckDBTimestampValue ||
    value instanceof DuckDBTimestampMillisecondsValue ||
    value instanceof DuckDBTimestampSecondsValue
  ) {
    return sixDigitFraction(value.toString());
  }
  if (value instanceof DuckDBTimestampNanosecondsValue) return value.toString();
  if (value instanceof DuckDBBlobValue) return new Uint8Array(value.bytes);
  if (value instanceof DuckDBUUIDValue) return value.toString();
  if (value instanceof DuckDBIntervalValue) return value.toString();
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) return value.items.map(toPlainValue);
  if (value instanceof DuckDBStructValue) {
    return Object.fromEntries(Object.entries(value.entries).map(([k, v]) => [k, toPlainValue(v)]));
  }
  if (value instanceof DuckDBMapValue) {
    return Object.fromEntries(value.entries.map(({ key, value: v }) => [String(plainKey(toPlainValue(key))), toPlainValue(v)]));
  }
  return String(value);
}

function plainKey(key: unknown): unknown {
  return key instanceof Uint8Array ? Buffer.from(key).toString("hex") : key;
}

/** DuckDB prints as few fraction digits as needed ("10:00:00.5"); floe always prints six when there is a fraction. */
function sixDigitFraction(text: string): string {
  return text.replace(/(\d{2}:\d{2}:\d{2})\.(\d{1,6})(?!\d)/, (_m, hms: string, frac: string) => `${hms}.${frac.padEnd(6, "0")}`);
}

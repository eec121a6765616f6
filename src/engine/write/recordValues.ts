/**
 * Rows given from TypeScript, checked against a table's schema and brought to floe's
 * in-memory value form (table/spec/types.ts) before anything is written. What people pass is
 * accepted as well as the in-memory form itself: numbers and bigints for longs, `Date`s and
 * ISO strings for dates and timestamps, strings or numbers for decimals, `Uint8Array`s for
 * binary, objects for structs, arrays for lists, `Map`s or objects for maps. A value that
 * does not fit is an error naming the row (1-based) and the column.
 */
import { invalidInput } from "../../core/errors/FloeError.js";
import type { Schema } from "../../table/spec/schema.js";
import type { IcebergType, NestedField } from "../../table/spec/types.js";

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const MICROS_PER_DAY = 86_400_000_000n;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^(-?\d{4,})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const TIMESTAMP = /^(-?\d{4,}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Why a value does not fit; the caller adds the row and the column. */
class ValueError extends Error {}

/** The records as rows of the schema's top-level columns, in its order, each value in the in-memory form. */
export function recordsToRows(schema: Schema, records: Iterable<Record<string, unknown>>): unknown[][] {
  const fields = schema.fields;
  const byName = new Map(fields.map((f, i) => [f.name, i]));
  const rows: unknown[][] = [];
  let rowNumber = 0;
  for (const record of records) {
    rowNumber++;
    if (record === null || typeof record !== "object" || Array.isArray(record)) {
      throw invalidInput(`row ${rowNumber}: expected an object of column values, got ${describe(record)}`, { row: rowNumber });
    }
    for (const key of Object.keys(record)) {
      if (!byName.has(key)) {
        throw invalidInput(`row ${rowNumber}: unknown column ${JSON.stringify(key)} (the table's columns: ${fields.map((f) => f.name).join(", ")})`, {
          row: rowNumber,
          column: key,
        });
      }
    }
    rows.push(
      fields.map((field) => {
        const given = Object.prototype.hasOwnProperty.call(record, field.name) ? record[field.name] : undefined;
        const value = given === undefined ? (field.writeDefault ?? null) : given;
        try {
          return fieldValue(field, value, field.name);
        } catch (error) {
          if (!(error instanceof ValueError)) throw error;
          throw invalidInput(`row ${rowNumber}, column ${JSON.stringify(field.name)}: ${error.message}`, { row: rowNumber, column: field.name });
        }
      }),
    );
  }
  return rows;
}

function fieldValue(field: NestedField, value: unknown, path: string): unknown {
  if (value === null || value === undefined) {
    if (field.required) throw new ValueError(path === field.name ? "null in a required column" : `${path} is required but null`);
    return null;
  }
  return typedValue(field.type, value, path);
}

function typedValue(type: IcebergType, value: unknown, path: string): unknown {
  switch (type.type) {
    case "boolean":
      if (typeof value !== "boolean") throw new ValueError(`expected a boolean, got ${describe(value)}`);
      return value;
    case "int": {
      const n = typeof value === "bigint" ? Number(value) : value;
      if (typeof n !== "number" || !Number.isInteger(n) || n < INT_MIN || n > INT_MAX) throw new ValueError(`expected an int (32-bit integer), got ${describe(value)}`);
      return n;
    }
    case "long": {
      const n = typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value) : value;
      if (typeof n !== "bigint" || n < LONG_MIN || n > LONG_MAX) throw new ValueError(`expected a long (64-bit integer; a bigint beyond 2^53), got ${describe(value)}`);
      return n;
    }
    case "float":
    case "double":
      if (typeof value !== "number") throw new ValueError(`expected a ${type.type}, got ${describe(value)}`);
      return value;
    case "decimal":
      return decimalValue(value, type.precision, type.scale);
    case "string":
      if (typeof value !== "string") throw new ValueError(`expected a string, got ${describe(value)}`);
      return value;
    case "uuid":
      if (typeof value !== "string" || !UUID.test(value)) throw new ValueError(`expected a UUID string, got ${describe(value)}`);
      return value.toLowerCase();
    case "binary":
    case "fixed": {
      if (!(value instanceof Uint8Array)) throw new ValueError(`expected bytes (a Uint8Array or Buffer), got ${describe(value)}`);
      if (type.type === "fixed" && value.length !== type.length) throw new ValueError(`expected exactly ${type.length} bytes, got ${value.length}`);
      return value;
    }
    case "date":
      return dateValue(value);
    case "time":
      return timeValue(value);
    case "timestamp":
    case "timestamptz":
      return timestampValue(value, 1n);
    case "timestamp_ns":
    case "timestamptz_ns":
      return timestampValue(value, 1000n);
    case "unknown":
      return null;
    case "struct": {
      if (typeof value !== "object" || Array.isArray(value) || value instanceof Uint8Array || value instanceof Date || value instanceof Map) {
        throw new ValueError(`expected an object for struct ${path}, got ${describe(value)}`);
      }
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        if (!type.fields.some((f) => f.name === key)) throw new ValueError(`struct ${path} has no field ${JSON.stringify(key)}`);
      }
      return Object.fromEntries(type.fields.map((f) => [f.name, fieldValue(f, record[f.name] ?? f.writeDefault ?? null, `${path}.${f.name}`)]));
    }
    case "list": {
      if (!Array.isArray(value)) throw new ValueError(`expected an array for list ${path}, got ${describe(value)}`);
      return value.map((element, i) => {
        if (element === null || element === undefined) {
          if (type.elementRequired) throw new ValueError(`element ${i} of ${path} is null, but the list's elements are required`);
          return null;
        }
        return typedValue(type.element, element, `${path}[${i}]`);
      });
    }
    case "map": {
      const entries = value instanceof Map ? [...value.entries()] : typeof value === "object" && !Array.isArray(value) ? Object.entries(value as object) : undefined;
      if (entries === undefined) throw new ValueError(`expected a Map or an object for map ${path}, got ${describe(value)}`);
      return new Map(
        entries.map(([k, v]) => {
          if (k === null || k === undefined) throw new ValueError(`map ${path} has a null key`);
          if ((v === null || v === undefined) && type.valueRequired) throw new ValueError(`map ${path} has a null value for key ${String(k)}, but its values are required`);
          return [typedValue(type.key, k, `${path} key`), v === null || v === undefined ? null : typedValue(type.value, v, `${path}[${String(k)}]`)];
        }),
      );
    }
  }
}

/** An unscaled bigint: a bigint is taken as unscaled already; numbers and strings are decimal text. */
function decimalValue(value: unknown, precision: number, scale: number): bigint {
  let unscaled: bigint;
  if (typeof value === "bigint") unscaled = value;
  else {
    const text = typeof value === "number" && Number.isFinite(value) ? String(value) : typeof value === "string" ? value.trim() : undefined;
    const match = text === undefined ? null : /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
    if (match === null || (match[2] === "" && (match[3] ?? "") === "")) throw new ValueError(`expected a decimal(${precision}, ${scale}) as a string, number or unscaled bigint, got ${describe(value)}`);
    const fraction = (match[3] ?? "").replace(/0+$/, "");
    if (fraction.length > scale) throw new ValueError(`${text} has more than ${scale} digits after the point for decimal(${precision}, ${scale})`);
    unscaled = BigInt(`${match[1]}${match[2] || "0"}${fraction.padEnd(scale, "0")}`);
  }
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().length;
  if (digits > precision) throw new ValueError(`${describe(value)} has more than ${precision} digits for decimal(${precision}, ${scale})`);
  return unscaled;
}

function dateValue(value: unknown): number {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return Math.floor(value.getTime() / 86_400_000);
  if (typeof value === "string") {
    const match = DATE.exec(value.trim());
    if (match !== null) {
      const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
      const check = new Date(ms);
      if (check.getUTCMonth() === Number(match[2]) - 1 && check.getUTCDate() === Number(match[3])) return Math.round(ms / 86_400_000);
    }
  }
  throw new ValueError(`expected a date ('YYYY-MM-DD', a Date or days since 1970-01-01), got ${describe(value)}`);
}

function timeValue(value: unknown): bigint {
  if (typeof value === "bigint" && value >= 0n && value < MICROS_PER_DAY) return value;
  const match = typeof value === "string" ? TIME.exec(value.trim()) : null;
  if (match !== null && Number(match[1]) < 24 && Number(match[2]) < 60 && Number(match[3]) < 60) {
    return BigInt(match[1]) * 3_600_000_000n + BigInt(match[2]) * 60_000_000n + BigInt(match[3]) * 1_000_000n + BigInt((match[4] ?? "").padEnd(6, "0").slice(0, 6) || "0");
  }
  throw new ValueError(`expected a time ('HH:MM:SS[.ffffff]' or microseconds since midnight as a bigint), got ${describe(value)}`);
}

/** Microseconds (`perMicro` 1) or nanoseconds (1000) since the epoch. */
function timestampValue(value: unknown, perMicro: bigint): bigint {
  if (typeof value === "bigint") return value;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return BigInt(value.getTime()) * 1000n * perMicro;
  const match = typeof value === "string" ? TIMESTAMP.exec(value.trim()) : null;
  if (match !== null) {
    const [, day, clock, zone] = match;
    const [whole, fraction = ""] = clock.split(".");
    const ms = Date.parse(`${day}T${whole}${zone === undefined ? "Z" : zone.toUpperCase() === "Z" ? "Z" : normalizeZone(zone)}`);
    if (!Number.isNaN(ms)) {
      const units = BigInt(fraction.padEnd(9, "0").slice(0, perMicro === 1n ? 6 : 9) || "0");
      return BigInt(ms) * 1000n * perMicro + units;
    }
  }
  throw new ValueError(
    `expected a timestamp (an ISO 8601 string, a Date, or ${perMicro === 1n ? "microseconds" : "nanoseconds"} since the epoch as a bigint), got ${describe(value)}`,
  );
}

function normalizeZone(zone: string): string {
  const digits = zone.slice(1).replace(":", "").padEnd(4, "0");
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2, 4)}`;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? "invalid" : value.toISOString()})`;
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return "an array";
  if (value instanceof Map) return "a Map";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/**
 * The spec's JSON single-value serialization (Appendix D), used for `initial-default`
 * and `write-default`, converted to and from the in-memory values of types.ts.
 *
 * Nested values: a struct is a record keyed by field id (`{ 1: 34, 2: "bar" }`, the
 * JSON form's keys as numbers), a list an array, a map a `Map`.
 */
import { isLosslessNumber } from "lossless-json";
import type { IcebergType } from "./types.js";
import { typeToString } from "./types.js";
import { isJsonObject, numberText, toBigIntExact, toNumber } from "./json.js";
import {
  bytesToHex,
  decimalDigits,
  formatDecimalText,
  hexToBytes,
  normalizeUuid,
  parseDecimalText,
} from "./valueCodecs.js";
import {
  formatIsoDate,
  formatIsoTime,
  formatIsoTimestamp,
  parseIsoDate,
  parseIsoTime,
  parseIsoTimestamp,
} from "./temporal.js";

/** Thrown with a message saying what is wrong with the value; callers add where it was. */
export class SingleValueError extends Error {}

function fail(json: unknown, type: IcebergType, why?: string): never {
  const shown = numberText(json) ?? (typeof json === "string" ? JSON.stringify(json) : Array.isArray(json) ? "an array" : typeof json);
  throw new SingleValueError(`${shown} is not a valid ${typeToString(type)} value${why ? ` (${why})` : ""}`);
}

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Parses the JSON form of a single value of `type`; JSON null gives null. */
export function parseJsonSingleValue(json: unknown, type: IcebergType): unknown {
  if (json === null || json === undefined) return null;
  switch (type.type) {
    case "unknown":
      return fail(json, type, "unknown values are always null");
    case "boolean":
      if (typeof json !== "boolean") fail(json, type);
      return json;
    case "int": {
      const v = toBigIntExact(json);
      if (v === undefined || v < INT32_MIN || v > INT32_MAX) fail(json, type);
      return Number(v);
    }
    case "long": {
      const v = toBigIntExact(json);
      if (v === undefined || v < INT64_MIN || v > INT64_MAX) fail(json, type);
      return v;
    }
    case "float":
    case "double": {
      const v = toNumber(json);
      if (v === undefined) fail(json, type);
      return v;
    }
    case "decimal": {
      const text = typeof json === "string" ? json : isLosslessNumber(json) ? numberText(json) : undefined;
      if (text === undefined) fail(json, type);
      const v = parseDecimalText(text, type.scale);
      if (v === undefined) fail(json, type, `needs scale ${type.scale}`);
      if (decimalDigits(v) > type.precision) fail(json, type, `more than ${type.precision} digits`);
      return v;
    }
    case "date": {
      const v = typeof json === "string" ? parseIsoDate(json) : undefined;
      if (v === undefined) fail(json, type, "expected YYYY-MM-DD");
      return v;
    }
    case "time": {
      const v = typeof json === "string" ? parseIsoTime(json, 6) : undefined;
      if (v === undefined) fail(json, type, "expected HH:MM:SS.ffffff");
      return v;
    }
    case "timestamp":
    case "timestamp_ns": {
      const v = typeof json === "string" ? parseIsoTimestamp(json, type.type === "timestamp" ? 6 : 9, "none") : undefined;
      if (v === undefined) fail(json, type, "expected an ISO-8601 timestamp without zone offset");
      return v;
    }
    case "timestamptz":
    case "timestamptz_ns": {
      const v = typeof json === "string" ? parseIsoTimestamp(json, type.type === "timestamptz" ? 6 : 9, "required") : undefined;
      if (v === undefined) fail(json, type, "expected an ISO-8601 timestamp with zone offset");
      return v;
    }
    case "string":
      if (typeof json !== "string") fail(json, type);
      return json;
    case "uuid": {
      const v = typeof json === "string" ? normalizeUuid(json) : undefined;
      if (v === undefined) fail(json, type);
      return v;
    }
    case "fixed":
    case "binary": {
      const v = typeof json === "string" ? hexToBytes(json) : undefined;
      if (v === undefined) fail(json, type, "expected hexadecimal text");
      if (type.type === "fixed" && v.length !== type.length) fail(json, type, `has ${v.length} bytes`);
      return v;
    }
    case "struct": {
      if (!isJsonObject(json)) fail(json, type);
      const out: Record<number, unknown> = {};
      for (const field of type.fields) {
        const key = String(field.id);
        if (Object.prototype.hasOwnProperty.call(json, key)) out[field.id] = parseJsonSingleValue(json[key], field.type);
      }
      return out;
    }
    case "list": {
      if (!Array.isArray(json)) fail(json, type);
      return json.map((item) => parseJsonSingleValue(item, type.element));
    }
    case "map": {
      if (!isJsonObject(json) || !Array.isArray(json.keys) || !Array.isArray(json.values) || json.keys.length !== json.values.length) {
        fail(json, type, "expected {keys: [...], values: [...]}");
      }
      const values = json.values as unknown[];
      return new Map((json.keys as unknown[]).map((k, i) => [parseJsonSingleValue(k, type.key), parseJsonSingleValue(values[i], type.value)]));
    }
  }
}

/**
 * The JSON form of an in-memory value of `type`, ready for `stringifyJson`
 * (longs stay bigint so they are written exactly).
 */
export function jsonSingleValue(value: unknown, type: IcebergType): unknown {
  if (value === null || value === undefined) return null;
  const bad = (): never => {
    throw new SingleValueError(`${String(value)} is not an in-memory ${typeToString(type)} value`);
  };
  switch (type.type) {
    case "unknown":
      return null;
    case "boolean":
      return typeof value === "boolean" ? value : bad();
    case "int":
    case "float":
    case "double":
      if (typeof value !== "number") bad();
      if (!Number.isFinite(value)) throw new SingleValueError(`${value} has no JSON form`);
      return value;
    case "long":
      return typeof value === "bigint" ? value : typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value) : bad();
    case "decimal":
      return typeof value === "bigint" ? formatDecimalText(value, type.scale) : bad();
    case "date":
      return typeof value === "number" ? formatIsoDate(value) : bad();
    case "time":
      return typeof value === "bigint" ? formatIsoTime(value, 6) : bad();
    case "timestamp":
    case "timestamptz":
      return typeof value === "bigint" ? formatIsoTimestamp(value, 6, type.type === "timestamptz") : bad();
    case "timestamp_ns":
    case "timestamptz_ns":
      return typeof value === "bigint" ? formatIsoTimestamp(value, 9, type.type === "timestamptz_ns") : bad();
    case "string":
      return typeof value === "string" ? value : bad();
    case "uuid":
      return typeof value === "string" ? value.toLowerCase() : bad();
    case "fixed":
    case "binary":
      return value instanceof Uint8Array ? bytesToHex(value) : bad();
    case "struct": {
      if (typeof value !== "object") bad();
      const record = value as Record<number, unknown>;
      const out: Record<string, unknown> = {};
      for (const field of type.fields) {
        if (record[field.id] !== undefined) out[String(field.id)] = jsonSingleValue(record[field.id], field.type);
      }
      return out;
    }
    case "list":
      return Array.isArray(value) ? value.map((v) => jsonSingleValue(v, type.element)) : bad();
    case "map": {
      if (!(value instanceof Map)) bad();
      const entries = [...(value as Map<unknown, unknown>).entries()];
      return { keys: entries.map(([k]) => jsonSingleValue(k, type.key)), values: entries.map(([, v]) => jsonSingleValue(v, type.value)) };
    }
  }
}

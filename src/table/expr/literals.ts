/**
 * Conversion of caller-given literals to a column's type, exactly: a literal that falls between
 * two values of the type (`1.5` for an int, `10.005` for a decimal(9,2), a nanosecond instant for
 * a microsecond column) or outside its range is reported with its nearest neighbours, so binding
 * can rewrite `int_col < 1.5` to `int_col <= 1` instead of rounding or failing.
 */

import { invalidInput } from "../../core/errors/FloeError.js";
import { isUuidString, uuidFromBytes } from "../stats/bytes.js";
import { primitiveTypeToString, type PrimitiveType } from "../spec/types.js";
import type { LiteralInput } from "./Expression.js";
import { NANOS_PER_DAY, parseInstant, parseTimeOfDay } from "./temporalText.js";

export type LiteralConversion =
  | { readonly exact: true; readonly value: unknown }
  /** `below`: the greatest value of the type less than the literal; `above`: the least greater. */
  | { readonly exact: false; readonly below: unknown; readonly above: unknown };

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;
const TIME_MAX = 86_400_000_000n - 1n;
const MAX_DECIMAL_EXPONENT = 400;

export function describeLiteral(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "string") return `'${value}'`;
  if (value instanceof Uint8Array) return `bytes[${value.length}]`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  return String(value);
}

class Mismatch extends Error {}

function mismatch(expected: string): never {
  throw new Mismatch(expected);
}

/**
 * An integer-valued literal known to lie in [floor, ceil] (equal when exact; null for ±∞),
 * fitted into [min, max] and mapped to the in-memory form by `wrap`.
 */
function integral(
  floor: bigint | null,
  ceil: bigint | null,
  infinity: -1 | 0 | 1,
  min: bigint,
  max: bigint,
  wrap: (v: bigint) => unknown,
): LiteralConversion {
  if (infinity > 0) return { exact: false, below: wrap(max), above: undefined };
  if (infinity < 0) return { exact: false, below: undefined, above: wrap(min) };
  const lo = floor as bigint;
  const hi = ceil as bigint;
  if (lo === hi && lo >= min && lo <= max) return { exact: true, value: wrap(lo) };
  let below: bigint | undefined = lo === hi ? lo - 1n : lo;
  let above: bigint | undefined = lo === hi ? hi + 1n : hi;
  if (below > max) below = max;
  if (below < min) below = undefined;
  if (above < min) above = min;
  if (above > max) above = undefined;
  return {
    exact: false,
    below: below === undefined ? undefined : wrap(below),
    above: above === undefined ? undefined : wrap(above),
  };
}

const toNumber = (v: bigint): number => Number(v);
const toBigint = (v: bigint): bigint => v;

function integerFromNumberOrBigint(input: LiteralInput, min: bigint, max: bigint, wrap: (v: bigint) => unknown, expected: string) {
  if (typeof input === "bigint") return integral(input, input, 0, min, max, wrap);
  if (typeof input === "number") {
    if (Number.isNaN(input)) mismatch(`${expected} (NaN is not a value; use isNaN/notNaN)`);
    if (!Number.isFinite(input)) return integral(null, null, input > 0 ? 1 : -1, min, max, wrap);
    return integral(BigInt(Math.floor(input)), BigInt(Math.ceil(input)), 0, min, max, wrap);
  }
  return mismatch(expected);
}

/** floor and ceil of `nanos / unit`. */
function divideNanos(nanos: bigint, unit: bigint): [bigint, bigint] {
  let q = nanos / unit;
  if (nanos % unit < 0n) q -= 1n;
  return nanos % unit === 0n ? [q, q] : [q, q + 1n];
}

function instantNanos(input: LiteralInput, allowOffset: boolean, expected: string): bigint | undefined {
  if (input instanceof Date) {
    const ms = input.getTime();
    if (Number.isNaN(ms)) mismatch(expected);
    return BigInt(ms) * 1_000_000n;
  }
  if (typeof input === "string") {
    const parsed = parseInstant(input);
    if (parsed === undefined) mismatch(expected);
    if (parsed.hasOffset && !allowOffset) mismatch(`${expected} without a zone offset (the column has no time zone)`);
    return parsed.nanos;
  }
  return undefined;
}

function temporal(
  input: LiteralInput,
  unitNanos: bigint,
  min: bigint,
  max: bigint,
  wrap: (v: bigint) => unknown,
  allowOffset: boolean,
  expected: string,
): LiteralConversion {
  const nanos = instantNanos(input, allowOffset, expected);
  if (nanos === undefined) mismatch(expected);
  const [floor, ceil] = divideNanos(nanos, unitNanos);
  return integral(floor, ceil, 0, min, max, wrap);
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

function decimal(input: LiteralInput, precision: number, scale: number, expected: string): LiteralConversion {
  let text: string;
  if (typeof input === "bigint") text = input.toString();
  else if (typeof input === "number") {
    if (Number.isNaN(input)) mismatch(`${expected} (NaN is not a value)`);
    if (!Number.isFinite(input)) text = "";
    else text = String(input);
  } else if (typeof input === "string") text = input.trim();
  else return mismatch(expected);

  const limit = 10n ** BigInt(precision) - 1n;
  if (typeof input === "number" && !Number.isFinite(input)) {
    return integral(null, null, input > 0 ? 1 : -1, -limit, limit, toBigint);
  }
  const match = DECIMAL_TEXT.exec(text);
  if (match === null || (match[2] === "" && (match[3] ?? "") === "")) mismatch(expected);
  const [, sign, whole, fraction = "", exponentText] = match;
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  if (Math.abs(exponent) > MAX_DECIMAL_EXPONENT) mismatch(`${expected} (exponent out of range)`);
  const unscaled = BigInt(`${sign}${whole}${fraction}` || "0");
  const literalScale = fraction.length - exponent;
  if (literalScale <= scale) {
    const v = unscaled * 10n ** BigInt(scale - literalScale);
    return integral(v, v, 0, -limit, limit, toBigint);
  }
  const [floor, ceil] = divideNanos(unscaled, 10n ** BigInt(literalScale - scale));
  return integral(floor, ceil, 0, -limit, limit, toBigint);
}

/**
 * Converts `input` to the in-memory form of `type`. Throws an invalid-input error naming `column`
 * when the literal is not of a kind the type accepts.
 */
export function convertLiteral(type: PrimitiveType, input: LiteralInput, column: string): LiteralConversion {
  try {
    return convert(type, input);
  } catch (error) {
    if (!(error instanceof Mismatch)) throw error;
    throw invalidInput(
      `cannot compare column '${column}' (${primitiveTypeToString(type)}) with ${describeLiteral(input)}: expected ${error.message}`,
      { column, type: primitiveTypeToString(type), literal: describeLiteral(input) },
    );
  }
}

function convert(type: PrimitiveType, input: LiteralInput): LiteralConversion {
  switch (type.type) {
    case "boolean":
      if (typeof input !== "boolean") mismatch("a boolean");
      return { exact: true, value: input };
    case "int":
      return integerFromNumberOrBigint(input, INT_MIN, INT_MAX, toNumber, "an integer (number or bigint)");
    case "long":
      return integerFromNumberOrBigint(input, LONG_MIN, LONG_MAX, toBigint, "an integer (number or bigint)");
    case "float":
    case "double":
      if (typeof input === "number") {
        if (Number.isNaN(input)) mismatch("a number (NaN is not a value; use isNaN/notNaN)");
        return { exact: true, value: input };
      }
      if (typeof input === "bigint" && BigInt(Number(input)) === input) return { exact: true, value: Number(input) };
      return mismatch("a number");
    case "decimal":
      return decimal(input, type.precision, type.scale, `a decimal (string such as '14.20', number or bigint)`);
    case "date": {
      const expected = "a date: 'YYYY-MM-DD' or a whole number of days since 1970-01-01";
      if (typeof input === "number" || typeof input === "bigint") {
        return integerFromNumberOrBigint(input, INT_MIN, INT_MAX, toNumber, expected);
      }
      return temporal(input, NANOS_PER_DAY, INT_MIN, INT_MAX, toNumber, false, expected);
    }
    case "time": {
      const expected = "a time of day: 'HH:MM:SS[.ffffff]' or a bigint of microseconds since midnight";
      if (typeof input === "bigint") return integral(input, input, 0, 0n, TIME_MAX, toBigint);
      if (typeof input !== "string") return mismatch(expected);
      const nanos = parseTimeOfDay(input);
      if (nanos === undefined) mismatch(expected);
      const [floor, ceil] = divideNanos(nanos, 1000n);
      return integral(floor, ceil, 0, 0n, TIME_MAX, toBigint);
    }
    case "timestamp":
    case "timestamptz":
    case "timestamp_ns":
    case "timestamptz_ns": {
      const nanos = type.type === "timestamp_ns" || type.type === "timestamptz_ns";
      const zoned = type.type === "timestamptz" || type.type === "timestamptz_ns";
      const expected = `an ISO-8601 timestamp, a Date or a bigint of ${nanos ? "nanoseconds" : "microseconds"} since 1970-01-01`;
      if (typeof input === "bigint") return integral(input, input, 0, LONG_MIN, LONG_MAX, toBigint);
      return temporal(input, nanos ? 1n : 1000n, LONG_MIN, LONG_MAX, toBigint, zoned, expected);
    }
    case "string":
      if (typeof input !== "string") mismatch("a string");
      return { exact: true, value: input };
    case "uuid":
      if (typeof input === "string" && isUuidString(input)) return { exact: true, value: input.toLowerCase() };
      if (input instanceof Uint8Array && input.length === 16) return { exact: true, value: uuidFromBytes(input) };
      return mismatch("a UUID string such as 'f79c3e09-677c-4bbd-a479-3f349cb785e7'");
    case "fixed":
    case "binary":
      if (!(input instanceof Uint8Array)) mismatch("a Uint8Array");
      return { exact: true, value: input.slice() };
    case "unknown":
      return mismatch("nothing: a column of type unknown is always null");
  }
}

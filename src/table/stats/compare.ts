/**
 * Ordering of in-memory values of one primitive type, as used for bounds and predicates.
 *
 * - strings: by Unicode code point (the order of their UTF-8 bytes, as Iceberg's Java comparators);
 * - fixed, binary: unsigned lexicographic bytes, a proper prefix first;
 * - uuid: by the 16 big-endian bytes (the lowercase hex form sorts the same way);
 * - float, double: numeric, with -0 equal to 0 and NaN after every other value and equal to
 *   itself (the SQL engines floe targets order NaN last);
 * - boolean: false before true.
 */

import { primitiveTypeToString, type PrimitiveType } from "../spec/types.js";
import { unsupported } from "../../core/errors/FloeError.js";
import { compareBytes } from "./bytes.js";
import { compareStrings } from "./unicode.js";

export type Comparator = (a: any, b: any) => number;

/** Numbers and bigints (mixed operands compare correctly in JavaScript). */
export function compareNumbers(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareFloats(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  const aNaN = a !== a;
  const bNaN = b !== b;
  return aNaN ? (bNaN ? 0 : 1) : -1;
}

function compareBooleans(a: boolean, b: boolean): number {
  return a === b ? 0 : a ? 1 : -1;
}

function compareUuids(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The comparator for values of `type`; resolve it once and reuse it on hot paths. */
export function comparatorFor(type: PrimitiveType): Comparator {
  switch (type.type) {
    case "boolean":
      return compareBooleans;
    case "int":
    case "date":
    case "long":
    case "time":
    case "timestamp":
    case "timestamptz":
    case "timestamp_ns":
    case "timestamptz_ns":
    case "decimal":
      return compareNumbers;
    case "float":
    case "double":
      return compareFloats;
    case "string":
      return compareStrings;
    case "uuid":
      return compareUuids;
    case "fixed":
    case "binary":
      return compareBytes;
    case "unknown":
      throw unsupported(`values of type ${primitiveTypeToString(type)} cannot be compared`);
  }
}

/** Negative, zero or positive as `a` sorts before, with or after `b`. */
export function compareValues(type: PrimitiveType, a: unknown, b: unknown): number {
  return comparatorFor(type)(a, b);
}

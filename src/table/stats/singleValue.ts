/**
 * Binary single-value serialization (format/spec.md, Appendix D): the form of column bounds in
 * data-file metrics and of partition-field bounds in manifest lists.
 *
 * Values are in floe's in-memory form (see `../spec/types.ts`).
 */

import { invalidInput, malformed, unsupported } from "../../core/errors/FloeError.js";
import { primitiveTypeToString, type PrimitiveType } from "../spec/types.js";
import { bigintFromTwosComplement, bigintToMinimalBytes, isUuidString, uuidFromBytes, uuidToBytes } from "./bytes.js";
import { decodeUtf8Strict, encodeUtf8 } from "./unicode.js";

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const MICROS_PER_DAY = 86_400_000_000n;
const NANOS_PER_DAY = 86_400_000_000_000n;

function wrongValue(type: PrimitiveType, value: unknown, expected: string): never {
  const shown = typeof value === "bigint" ? `${value}n` : typeof value === "string" ? `'${value}'` : String(value);
  throw invalidInput(`cannot serialize ${shown} as ${primitiveTypeToString(type)}: expected ${expected}`, {
    type: primitiveTypeToString(type),
  });
}

function int32Value(type: PrimitiveType, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < INT_MIN || value > INT_MAX) {
    wrongValue(type, value, "an integer number in the 32-bit range");
  }
  return value;
}

function int64Value(type: PrimitiveType, value: unknown): bigint {
  if (typeof value !== "bigint" || BigInt.asIntN(64, value) !== value) {
    wrongValue(type, value, "a bigint in the 64-bit range");
  }
  return value;
}

function littleEndian(length: number, write: (view: DataView) => void): Uint8Array {
  const out = new Uint8Array(length);
  write(new DataView(out.buffer));
  return out;
}

/** Serializes one value of a primitive type to its Appendix D bytes. */
export function serializeValue(type: PrimitiveType, value: unknown): Uint8Array {
  if (value === null || value === undefined) {
    throw invalidInput(`cannot serialize a null ${primitiveTypeToString(type)} value`);
  }
  switch (type.type) {
    case "boolean":
      if (typeof value !== "boolean") wrongValue(type, value, "a boolean");
      return Uint8Array.of(value ? 1 : 0);
    case "int":
    case "date": {
      const v = int32Value(type, value);
      return littleEndian(4, (view) => view.setInt32(0, v, true));
    }
    case "long":
    case "time":
    case "timestamp":
    case "timestamptz":
    case "timestamp_ns":
    case "timestamptz_ns": {
      const v = int64Value(type, value);
      return littleEndian(8, (view) => view.setBigInt64(0, v, true));
    }
    case "float":
      if (typeof value !== "number") wrongValue(type, value, "a number");
      return littleEndian(4, (view) => view.setFloat32(0, value, true));
    case "double":
      if (typeof value !== "number") wrongValue(type, value, "a number");
      return littleEndian(8, (view) => view.setFloat64(0, value, true));
    case "decimal":
      if (typeof value !== "bigint") wrongValue(type, value, "a bigint unscaled value");
      return bigintToMinimalBytes(value);
    case "string":
      if (typeof value !== "string") wrongValue(type, value, "a string");
      return encodeUtf8(value);
    case "uuid":
      if (typeof value !== "string" || !isUuidString(value)) wrongValue(type, value, "a UUID string");
      return uuidToBytes(value);
    case "fixed":
    case "binary":
      if (!(value instanceof Uint8Array)) wrongValue(type, value, "a Uint8Array");
      return value.slice();
    case "unknown":
      throw unsupported("values of type unknown have no binary form");
  }
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function readInt32(bytes: Uint8Array): number {
  return bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24);
}

const TWO_32 = 4294967296;

function readInt64(bytes: Uint8Array): bigint {
  const low = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
  const high = bytes[4] | (bytes[5] << 8) | (bytes[6] << 16) | (bytes[7] << 24);
  // below 2^53 in magnitude the value is exact as a double: one conversion instead of bigint arithmetic
  if (high >= -0x200000 && high < 0x200000) return BigInt(high * TWO_32 + low);
  return (BigInt(high) << 32n) | BigInt(low);
}

function wrongLength(type: PrimitiveType, bytes: Uint8Array, expected: string): never {
  throw malformed(`a ${primitiveTypeToString(type)} value must be ${expected}, got ${bytes.length} bytes`, {
    type: primitiveTypeToString(type),
    length: bytes.length,
  });
}

/**
 * Reads Appendix D bytes back into an in-memory value.
 *
 * Bounds written before a type promotion keep their old width (spec, "Schema Evolution"): a 4-byte
 * value of a `long` column is an `int`, of a `double` column a `float`, of a `timestamp` or
 * `timestamp_ns` column a `date`; they are widened to the column's type here.
 */
export function deserializeValue(type: PrimitiveType, bytes: Uint8Array): unknown {
  switch (type.type) {
    case "boolean":
      if (bytes.length !== 1) wrongLength(type, bytes, "1 byte");
      return bytes[0] !== 0;
    case "int":
    case "date":
      if (bytes.length !== 4) wrongLength(type, bytes, "4 bytes");
      return readInt32(bytes);
    case "long":
      if (bytes.length === 8) return readInt64(bytes);
      if (bytes.length === 4) return BigInt(readInt32(bytes));
      return wrongLength(type, bytes, "8 bytes (or 4 when written as int)");
    case "time":
    case "timestamptz":
    case "timestamptz_ns":
      if (bytes.length !== 8) wrongLength(type, bytes, "8 bytes");
      return readInt64(bytes);
    case "timestamp":
    case "timestamp_ns":
      if (bytes.length === 8) return readInt64(bytes);
      if (bytes.length === 4) {
        const days = BigInt(readInt32(bytes));
        return days * (type.type === "timestamp" ? MICROS_PER_DAY : NANOS_PER_DAY);
      }
      return wrongLength(type, bytes, "8 bytes (or 4 when written as date)");
    case "float":
      if (bytes.length !== 4) wrongLength(type, bytes, "4 bytes");
      return view(bytes).getFloat32(0, true);
    case "double":
      if (bytes.length === 8) return view(bytes).getFloat64(0, true);
      if (bytes.length === 4) return view(bytes).getFloat32(0, true);
      return wrongLength(type, bytes, "8 bytes (or 4 when written as float)");
    case "decimal":
      if (bytes.length === 0) wrongLength(type, bytes, "at least 1 byte");
      return bigintFromTwosComplement(bytes);
    case "string":
      try {
        return decodeUtf8Strict(bytes);
      } catch (cause) {
        throw malformed("a string value is not valid UTF-8", { type: "string" }, cause);
      }
    case "uuid":
      if (bytes.length !== 16) wrongLength(type, bytes, "16 bytes");
      return uuidFromBytes(bytes);
    case "fixed":
    case "binary":
      return bytes.slice();
    case "unknown":
      throw unsupported("values of type unknown have no binary form");
  }
}

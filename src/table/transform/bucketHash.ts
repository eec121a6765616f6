/**
 * The 32-bit hash of a value by type (format/spec.md, Appendix B):
 *
 * - int, long, date, time, timestamp, timestamptz: the 8 little-endian bytes of the value as a long
 *   (so `34` and `34L` hash alike);
 * - timestamp_ns, timestamptz_ns: first converted to microseconds (floor), so they hash like the
 *   microsecond types;
 * - decimal: the minimal two's-complement big-endian bytes of the unscaled value;
 * - string: UTF-8 bytes; uuid: 16 big-endian bytes; fixed, binary: the bytes themselves;
 * - boolean, float, double (not valid bucket sources, hashed as the spec's table says):
 *   `hashLong(0|1)` and `hashLong(doubleToLongBits(v))` with NaN and -0 canonicalized.
 */

import { invalidInput, unsupported } from "../../core/errors/FloeError.js";
import { bigintToMinimalBytes, uuidToBytesInto } from "../stats/bytes.js";
import { encodeUtf8, encodeUtf8Into } from "../stats/unicode.js";
import { primitiveTypeToString, type PrimitiveType } from "../spec/types.js";
import { murmur3x86_32, murmur3x86_32Long } from "./murmur3.js";

const TWO_32 = 4294967296;

function hashSafeInteger(n: number): number {
  return murmur3x86_32Long(n | 0, Math.floor(n / TWO_32) | 0);
}

function hashBigint(v: bigint): number {
  const n = Number(v);
  if (Number.isSafeInteger(n)) return hashSafeInteger(n);
  return murmur3x86_32Long(Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n)));
}

/** Hash of an integer value (int, long and the temporal types), given as number or bigint. */
export function hashInteger(value: unknown): number {
  if (typeof value === "bigint") return hashBigint(value);
  if (typeof value === "number" && Number.isSafeInteger(value)) return hashSafeInteger(value);
  throw invalidInput(`cannot hash ${String(value)} as an integer`);
}

function hashNanosAsMicros(value: unknown): number {
  if (typeof value !== "bigint") throw invalidInput(`cannot hash ${String(value)} as a nanosecond timestamp`);
  let micros = value / 1000n;
  if (value % 1000n < 0n) micros -= 1n;
  return hashBigint(micros);
}

function hashDecimal(value: unknown): number {
  if (typeof value !== "bigint") throw invalidInput(`cannot hash ${String(value)} as a decimal's unscaled value`);
  return murmur3x86_32(bigintToMinimalBytes(value));
}

let stringScratch = new Uint8Array(256);

function hashString(value: unknown): number {
  if (typeof value !== "string") throw invalidInput(`cannot hash ${String(value)} as a string`);
  let written = encodeUtf8Into(value, stringScratch);
  if (written < 0) {
    if (value.length * 3 > 1 << 20) return murmur3x86_32(encodeUtf8(value));
    stringScratch = new Uint8Array(value.length * 3);
    written = encodeUtf8Into(value, stringScratch);
  }
  return murmur3x86_32(stringScratch, 0, written);
}

const uuidScratch = new Uint8Array(16);

function hashUuid(value: unknown): number {
  if (typeof value !== "string") throw invalidInput(`cannot hash ${String(value)} as a UUID`);
  uuidToBytesInto(value, uuidScratch);
  return murmur3x86_32(uuidScratch);
}

function hashBytes(value: unknown): number {
  if (!(value instanceof Uint8Array)) throw invalidInput(`cannot hash ${String(value)} as bytes`);
  return murmur3x86_32(value);
}

function hashBoolean(value: unknown): number {
  if (typeof value !== "boolean") throw invalidInput(`cannot hash ${String(value)} as a boolean`);
  return murmur3x86_32Long(value ? 1 : 0, 0);
}

const doubleBits = new DataView(new ArrayBuffer(8));

function hashDouble(value: unknown): number {
  if (typeof value !== "number") throw invalidInput(`cannot hash ${String(value)} as a floating-point number`);
  if (value !== value) return murmur3x86_32Long(0, 0x7ff80000);
  doubleBits.setFloat64(0, value === 0 ? 0 : value, true);
  return murmur3x86_32Long(doubleBits.getInt32(0, true), doubleBits.getInt32(4, true));
}

/** The hash function for values of `type`; resolve once, call per value. */
export function hashFunctionFor(type: PrimitiveType): (value: unknown) => number {
  switch (type.type) {
    case "int":
    case "long":
    case "date":
    case "time":
    case "timestamp":
    case "timestamptz":
      return hashInteger;
    case "timestamp_ns":
    case "timestamptz_ns":
      return hashNanosAsMicros;
    case "decimal":
      return hashDecimal;
    case "string":
      return hashString;
    case "uuid":
      return hashUuid;
    case "fixed":
    case "binary":
      return hashBytes;
    case "boolean":
      return hashBoolean;
    case "float":
    case "double":
      return hashDouble;
    case "unknown":
      throw unsupported(`values of type ${primitiveTypeToString(type)} have no hash`);
  }
}

/** The Appendix B hash of one non-null value. */
export function hashValue(type: PrimitiveType, value: unknown): number {
  return hashFunctionFor(type)(value);
}

/**
 * Byte forms shared by single-value serialization and bucket hashing: the minimal two's-complement
 * big-endian form of a decimal's unscaled value, and the 16 big-endian bytes of a UUID.
 */

import { invalidInput, malformed } from "../../core/errors/FloeError.js";

/** Number of bytes in the minimal two's-complement form of `v` (0 and -1 take one byte). */
export function minimalTwosComplementLength(v: bigint): number {
  const magnitude = v < 0n ? -v - 1n : v;
  const bitLength = magnitude === 0n ? 0 : magnitude.toString(2).length;
  return (bitLength >> 3) + 1;
}

/** Minimal two's-complement big-endian bytes of `v`, as Java's `BigInteger.toByteArray()`. */
export function bigintToMinimalBytes(v: bigint): Uint8Array {
  const length = minimalTwosComplementLength(v);
  const out = new Uint8Array(length);
  let rest = BigInt.asUintN(length * 8, v);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

/** Reads a big-endian two's-complement integer of any length. */
export function bigintFromTwosComplement(bytes: Uint8Array): bigint {
  if (bytes.length === 0) throw malformed("a decimal value needs at least one byte");
  let v = 0n;
  for (let i = 0; i < bytes.length; i++) v = (v << 8n) | BigInt(bytes[i]);
  return BigInt.asIntN(bytes.length * 8, v);
}

const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export function isUuidString(s: string): boolean {
  return s.length === 36 && UUID_PATTERN.test(s);
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/** Writes the 16 big-endian bytes of a canonical UUID string into `target` (at offset 0). */
export function uuidToBytesInto(uuid: string, target: Uint8Array): void {
  if (!isUuidString(uuid)) throw invalidInput(`not a UUID: '${uuid}'`, { value: uuid });
  let j = 0;
  for (let i = 0; i < 36; ) {
    if (uuid.charCodeAt(i) === 45 /* - */) {
      i++;
      continue;
    }
    target[j++] = (hexValue(uuid.charCodeAt(i)) << 4) | hexValue(uuid.charCodeAt(i + 1));
    i += 2;
  }
}

export function uuidToBytes(uuid: string): Uint8Array {
  const out = new Uint8Array(16);
  uuidToBytesInto(uuid, out);
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** The lowercase canonical string of 16 big-endian UUID bytes. */
export function uuidFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw malformed(`a UUID value must be 16 bytes, got ${bytes.length}`);
  let s = "";
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += "-";
    s += HEX[bytes[i]];
  }
  return s;
}

/** Unsigned lexicographic order; a proper prefix sorts first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

export function bytesStartWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (prefix.length > bytes.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix[i]) return false;
  return true;
}

export function bytesToHex(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]];
  return s;
}

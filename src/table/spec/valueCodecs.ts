/**
 * Small exact conversions shared by the JSON and Avro forms of single values:
 * hex text, UUIDs, decimals (unscaled bigint ⇄ text ⇄ two's-complement bytes).
 */

export function bytesToHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** Undefined when the text is not an even-length hexadecimal string. */
export function hexToBytes(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const UUID_RE = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The canonical lowercase form of a UUID string; undefined when it is not one. */
export function normalizeUuid(text: string): string | undefined {
  return UUID_RE.test(text) ? text.toLowerCase() : undefined;
}

/** A UUID string as its 16 big-endian bytes. */
export function uuidToBytes(uuid: string): Uint8Array {
  const canonical = normalizeUuid(uuid);
  if (canonical === undefined) throw new RangeError(`not a UUID: ${JSON.stringify(uuid)}`);
  return hexToBytes(canonical.replace(/-/g, "")) as Uint8Array;
}

export function bytesToUuid(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError(`a UUID has 16 bytes, got ${bytes.length}`);
  const h = bytesToHex(bytes);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A big-endian two's-complement integer of any length (Avro decimal, Iceberg decimal bounds). */
export function bigIntFromTwosComplement(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  if (bytes[0] & 0x80) value -= 1n << BigInt(bytes.length * 8);
  return value;
}

/**
 * Big-endian two's complement of `value`: in exactly `size` bytes when given (sign-extended),
 * else in the fewest bytes that hold it.
 */
export function bigIntToTwosComplement(value: bigint, size?: number): Uint8Array {
  let n = 1;
  while (value >= 1n << BigInt(8 * n - 1) || value < -(1n << BigInt(8 * n - 1))) n++;
  if (size !== undefined) {
    if (n > size) throw new RangeError(`${value} does not fit in ${size} bytes`);
    n = size;
  }
  const out = new Uint8Array(n);
  let v = BigInt.asUintN(8 * n, value);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/** The fewest bytes a fixed-size two's-complement decimal of precision P needs (Avro/Parquet decimal). */
export function decimalRequiredBytes(precision: number): number {
  const limit = 10n ** BigInt(precision);
  let n = 1;
  while (1n << BigInt(8 * n - 1) < limit) n++;
  return n;
}

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Decimal text ("14.20", "-5", "2E+20") → the unscaled value at `scale`.
 * Undefined when the text is not a number or cannot be represented at that scale
 * without losing digits.
 */
export function parseDecimalText(text: string, scale: number): bigint | undefined {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m) return undefined;
  const [, sign, intPart = "", fracPart = "", exp] = m;
  if (intPart === "" && fracPart === "") return undefined;
  let digits = BigInt(intPart + fracPart || "0");
  const shift = (exp === undefined ? 0 : Number(exp)) - fracPart.length + scale;
  if (shift >= 0) {
    digits *= 10n ** BigInt(shift);
  } else {
    const div = 10n ** BigInt(-shift);
    if (digits % div !== 0n) return undefined;
    digits /= div;
  }
  return sign === "-" ? -digits : digits;
}

/** An unscaled value as decimal text with exactly `scale` fraction digits ("14.20"); scientific for negative scales. */
export function formatDecimalText(unscaled: bigint, scale: number): string {
  if (scale < 0) return `${unscaled}E+${-scale}`;
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, "0");
  const intPart = digits.slice(0, digits.length - scale);
  const fracPart = digits.slice(digits.length - scale);
  return `${negative ? "-" : ""}${intPart}${scale > 0 ? "." + fracPart : ""}`;
}

/** Number of decimal digits of |value|. */
export function decimalDigits(value: bigint): number {
  return (value < 0n ? -value : value).toString().length;
}

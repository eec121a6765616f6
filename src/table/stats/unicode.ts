/**
 * Strings as Iceberg sees them: sequences of Unicode code points, stored as UTF-8.
 * JavaScript strings are UTF-16, so lengths and prefixes are counted here in code points.
 */

const utf8Encoder = new TextEncoder();
/** `ignoreBOM` keeps a leading U+FEFF, which is data, not a byte-order mark, in a bound. */
const strictUtf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** Number of code points in `s` (a lone surrogate counts as one). */
export function codePointLength(s: string): number {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    if (isHighSurrogate(s.charCodeAt(i)) && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) i++;
    count++;
  }
  return count;
}

/** The first `n` code points of `s`; never splits a surrogate pair. */
export function truncateCodePoints(s: string, n: number): string {
  if (s.length <= n) return s;
  let i = 0;
  let count = 0;
  while (i < s.length && count < n) {
    i += isHighSurrogate(s.charCodeAt(i)) && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1)) ? 2 : 1;
    count++;
  }
  return i >= s.length ? s : s.slice(0, i);
}

/**
 * Orders strings by code point, which is also the order of their UTF-8 bytes (the order Iceberg
 * bounds use). UTF-16 unit order differs only where a surrogate meets a unit in U+E000..U+FFFF.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x !== y) {
      if (x >= 0xd800 && y >= 0xd800) {
        // surrogates (supplementary code points) sort after U+E000..U+FFFF
        x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
        y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

export function encodeUtf8(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

/**
 * Encodes `s` into `target` when it fits; returns the number of bytes written, or -1 when `target`
 * is too small. Lets hot paths reuse one buffer.
 */
export function encodeUtf8Into(s: string, target: Uint8Array): number {
  // a UTF-16 unit encodes to at most 3 UTF-8 bytes
  if (s.length * 3 > target.length) return -1;
  return utf8Encoder.encodeInto(s, target).written;
}

/** Decodes UTF-8, throwing a TypeError on invalid sequences. */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  return strictUtf8Decoder.decode(bytes);
}

/**
 * 32-bit MurmurHash3, x86 variant, seed 0 unless given: the hash behind Iceberg's bucket transform
 * (format/spec.md, Appendix B). Results are signed 32-bit integers, as Java reports them.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH(h: number, k: number): number {
  h ^= mixK(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finalize(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Hash of the first `length` bytes of `bytes` (all of them by default). */
export function murmur3x86_32(bytes: Uint8Array, seed = 0, length = bytes.length): number {
  let h = seed | 0;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    h = mixH(h, bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
  }
  const tail = length & 3;
  if (tail !== 0) {
    let k = bytes[blocks];
    if (tail >= 2) k ^= bytes[blocks + 1] << 8;
    if (tail === 3) k ^= bytes[blocks + 2] << 16;
    h ^= mixK(k);
  }
  return finalize(h, length);
}

/** Hash of the 8 little-endian bytes of a 64-bit value given as its low and high 32-bit words. */
export function murmur3x86_32Long(low: number, high: number, seed = 0): number {
  let h = seed | 0;
  h = mixH(h, low | 0);
  h = mixH(h, high | 0);
  return finalize(h, 8);
}

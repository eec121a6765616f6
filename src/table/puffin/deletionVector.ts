import zlib from "node:zlib";
import { malformed } from "../../core/errors/FloeError.js";

/** Magic bytes that open a `deletion-vector-v1` blob's vector. */
const DV_MAGIC = [0xd1, 0xd3, 0x39, 0x64];
const SERIAL_COOKIE_NO_RUN = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;

/**
 * Decodes a Puffin `deletion-vector-v1` blob (format/puffin-spec.md): a big-endian length,
 * the magic, a 64-bit Roaring bitmap in the portable serialization, and a CRC-32. Returns
 * the deleted row positions in ascending order. `source` names the file in errors.
 */
export function decodeDeletionVector(blob: Uint8Array, source: string): bigint[] {
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.length < 12) throw malformed(`${source}: deletion vector blob of ${blob.length} bytes is too short`);
  const length = view.getUint32(0, false);
  if (length + 8 !== blob.length) throw malformed(`${source}: deletion vector length ${length} does not match its blob of ${blob.length} bytes`);
  for (let i = 0; i < 4; i++) {
    if (blob[4 + i] !== DV_MAGIC[i]) throw malformed(`${source}: deletion vector blob lacks the magic bytes`);
  }
  const expectedCrc = view.getUint32(4 + length, false);
  const actualCrc = crc32(blob.subarray(4, 4 + length));
  if (expectedCrc !== actualCrc) throw malformed(`${source}: deletion vector CRC mismatch`);
  return decodeRoaring64(blob.subarray(8, 4 + length), source);
}

/** The portable 64-bit Roaring format: a count of 32-bit bitmaps, each preceded by its high 32 bits. */
export function decodeRoaring64(bytes: Uint8Array, source: string): bigint[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = view.getBigUint64(0, true);
  let offset = 8;
  const out: bigint[] = [];
  for (let b = 0n; b < count; b++) {
    const high = BigInt(view.getUint32(offset, true)) << 32n;
    offset += 4;
    const { values, end } = decodeRoaring32(bytes, offset, source);
    offset = end;
    for (const v of values) out.push(high | BigInt(v));
  }
  return out;
}

/** The portable 32-bit Roaring format (RoaringFormatSpec): containers of 2^16 values each. */
export function decodeRoaring32(bytes: Uint8Array, start: number, source: string): { values: number[]; end: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = start;
  const cookie = view.getUint32(offset, true);
  offset += 4;
  let size: number;
  let runFlags: Uint8Array | undefined;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    size = (cookie >>> 16) + 1;
    const flagBytes = Math.ceil(size / 8);
    runFlags = bytes.subarray(offset, offset + flagBytes);
    offset += flagBytes;
  } else if (cookie === SERIAL_COOKIE_NO_RUN) {
    size = view.getUint32(offset, true);
    offset += 4;
  } else {
    throw malformed(`${source}: not a Roaring bitmap (cookie ${cookie})`);
  }
  const keys: number[] = [];
  const cardinalities: number[] = [];
  for (let i = 0; i < size; i++) {
    keys.push(view.getUint16(offset, true));
    cardinalities.push(view.getUint16(offset + 2, true) + 1);
    offset += 4;
  }
  if (!runFlags || size >= NO_OFFSET_THRESHOLD) offset += 4 * size; // container offsets: not needed when reading in order
  const values: number[] = [];
  for (let i = 0; i < size; i++) {
    const high = keys[i] << 16;
    const isRun = runFlags !== undefined && (runFlags[i >> 3] & (1 << (i & 7))) !== 0;
    if (isRun) {
      const runs = view.getUint16(offset, true);
      offset += 2;
      for (let r = 0; r < runs; r++) {
        const first = view.getUint16(offset, true);
        const extra = view.getUint16(offset + 2, true);
        offset += 4;
        for (let v = first; v <= first + extra; v++) values.push((high | v) >>> 0);
      }
    } else if (cardinalities[i] <= 4096) {
      for (let c = 0; c < cardinalities[i]; c++) {
        values.push((high | view.getUint16(offset, true)) >>> 0);
        offset += 2;
      }
    } else {
      for (let word = 0; word < 1024; word++) {
        const bits = view.getBigUint64(offset, true);
        offset += 8;
        if (bits === 0n) continue;
        for (let bit = 0; bit < 64; bit++) {
          if ((bits >> BigInt(bit)) & 1n) values.push((high | (word * 64 + bit)) >>> 0);
        }
      }
    }
  }
  return { values, end: offset };
}

/** Encodes positions as a `deletion-vector-v1` blob (array and bitmap containers, no runs). */
export function encodeDeletionVector(positions: Iterable<bigint>): Uint8Array {
  const vector = encodeRoaring64(positions);
  const blob = new Uint8Array(vector.length + 12);
  const view = new DataView(blob.buffer);
  view.setUint32(0, vector.length + 4, false);
  blob.set(DV_MAGIC, 4);
  blob.set(vector, 8);
  view.setUint32(8 + vector.length, crc32(blob.subarray(4, 8 + vector.length)), false);
  return blob;
}

export function encodeRoaring64(positions: Iterable<bigint>): Uint8Array {
  const byHigh = new Map<number, number[]>();
  for (const p of [...new Set(positions)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const high = Number(p >> 32n);
    const list = byHigh.get(high) ?? [];
    list.push(Number(p & 0xffffffffn));
    byHigh.set(high, list);
  }
  const chunks: Uint8Array[] = [];
  const head = new Uint8Array(8);
  new DataView(head.buffer).setBigUint64(0, BigInt(byHigh.size), true);
  chunks.push(head);
  for (const [high, lows] of byHigh) {
    const key = new Uint8Array(4);
    new DataView(key.buffer).setUint32(0, high, true);
    chunks.push(key, encodeRoaring32(lows));
  }
  return Buffer.concat(chunks);
}

function encodeRoaring32(sorted: number[]): Uint8Array {
  const containers = new Map<number, number[]>();
  for (const v of sorted) {
    const list = containers.get(v >>> 16) ?? [];
    list.push(v & 0xffff);
    containers.set(v >>> 16, list);
  }
  const size = containers.size;
  const bodies = [...containers.values()].map((lows) => {
    if (lows.length <= 4096) {
      const body = new Uint8Array(lows.length * 2);
      const view = new DataView(body.buffer);
      lows.forEach((low, i) => view.setUint16(i * 2, low, true));
      return body;
    }
    const body = new Uint8Array(8192);
    for (const low of lows) body[low >> 3] |= 1 << (low & 7);
    return body;
  });
  const header = new Uint8Array(8 + 4 * size + 4 * size);
  const view = new DataView(header.buffer);
  view.setUint32(0, SERIAL_COOKIE_NO_RUN, true);
  view.setUint32(4, size, true);
  let i = 0;
  let offset = header.length;
  for (const [key, lows] of containers) {
    view.setUint16(8 + 4 * i, key, true);
    view.setUint16(10 + 4 * i, lows.length - 1, true);
    view.setUint32(8 + 4 * size + 4 * i, offset, true);
    offset += bodies[i].length;
    i++;
  }
  return Buffer.concat([header, ...bodies]);
}

/** CRC-32 (IEEE), as the deletion vector blob carries. */
function crc32(bytes: Uint8Array): number {
  return zlib.crc32(bytes) >>> 0;
}

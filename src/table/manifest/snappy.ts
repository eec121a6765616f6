/**
 * Snappy block decompression (the raw format, as the Avro `snappy` codec uses it).
 * floe writes deflate; this is for reading files other writers compressed with snappy.
 */

/** Decompresses one raw snappy block; throws a RangeError when the input is corrupt. */
export function snappyDecompress(input: Uint8Array): Uint8Array {
  let pos = 0;
  // preamble: the uncompressed length as a little-endian base-128 varint
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= input.length || shift > 35) throw new RangeError("snappy: bad length preamble");
    const b = input[pos++];
    length += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) break;
  }
  const out = new Uint8Array(length);
  let op = 0;
  while (pos < input.length) {
    const tag = input[pos++];
    const kind = tag & 0x03;
    if (kind === 0) {
      // literal
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        if (pos + extra > input.length) throw new RangeError("snappy: truncated literal length");
        len = 0;
        for (let i = 0; i < extra; i++) len += input[pos++] * 2 ** (8 * i);
      }
      len += 1;
      if (pos + len > input.length || op + len > length) throw new RangeError("snappy: literal out of bounds");
      out.set(input.subarray(pos, pos + len), op);
      pos += len;
      op += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (pos >= input.length) throw new RangeError("snappy: truncated copy");
      len = ((tag >>> 2) & 0x07) + 4;
      offset = ((tag >>> 5) << 8) | input[pos++];
    } else if (kind === 2) {
      if (pos + 2 > input.length) throw new RangeError("snappy: truncated copy");
      len = (tag >>> 2) + 1;
      offset = input[pos] | (input[pos + 1] << 8);
      pos += 2;
    } else {
      if (pos + 4 > input.length) throw new RangeError("snappy: truncated copy");
      len = (tag >>> 2) + 1;
      offset = (input[pos] | (input[pos + 1] << 8) | (input[pos + 2] << 16) | (input[pos + 3] << 24)) >>> 0;
      pos += 4;
    }
    if (offset === 0 || offset > op || op + len > length) throw new RangeError("snappy: copy out of bounds");
    // byte by byte: a copy may overlap its own output
    for (let i = 0; i < len; i++, op++) out[op] = out[op - offset];
  }
  if (op !== length) throw new RangeError(`snappy: expected ${length} bytes, got ${op}`);
  return out;
}

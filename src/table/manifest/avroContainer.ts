/**
 * The Avro object container file format (header, metadata, compressed blocks), over
 * in-memory bytes, with `avsc` encoding and decoding the records.
 *
 * Avro `long` is decoded to and encoded from BigInt, so 64-bit values (snapshot ids,
 * file sizes) never pass through a JS number. Codecs: `null` and `deflate` both ways;
 * `snappy` (and `zstandard` where the Node runtime has it) for reading.
 */
import { randomBytes } from "node:crypto";
import * as zlib from "node:zlib";
import avro from "avsc";
import { isFloeError, malformed, unsupported } from "../../core/errors/FloeError.js";
import { parseJsonPlain } from "../spec/json.js";
import { snappyDecompress } from "./snappy.js";
import type { IcebergType } from "../spec/types.js";
import { prepareForDecoding } from "./avroSchema.js";
import { compileReader, decodeBlock, type ValueReader } from "./avroReader.js";

const MAGIC = [0x4f, 0x62, 0x6a, 0x01]; // "Obj" 1
const SYNC_SIZE = 16;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export type AvroCodec = "null" | "deflate";

/** An avsc `long` type whose values are bigints; a new instance per schema. */
function bigintLongType(): avro.Type {
  return avro.types.LongType.__with({
    fromBuffer: (buf: Buffer) => buf.readBigInt64LE(0),
    toBuffer: (value: bigint) => {
      const buf = Buffer.alloc(8);
      buf.writeBigInt64LE(value);
      return buf;
    },
    fromJSON: (json: unknown) => BigInt(json as number | string),
    toJSON: (value: bigint) => (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()),
    isValid: (value: unknown) => typeof value === "bigint" && value >= INT64_MIN && value <= INT64_MAX,
    compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
  });
}

/** An avsc type for an Avro schema (JSON), with BigInt longs and plain (unwrapped) `["null", T]` unions. */
export function avroType(schema: unknown): avro.Type {
  const long = bigintLongType();
  return avro.Type.forSchema(schema as avro.Schema, {
    registry: { long },
    wrapUnions: "never",
    // `{"type": "long", "logicalType": ...}` too, which the registry alone does not cover
    typeHook: (node: unknown) =>
      node === "long" || (typeof node === "object" && node !== null && (node as { type?: unknown }).type === "long") ? long : undefined,
  });
}

// --- header and blocks --------------------------------------------------------------------

class ByteReader {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly source: string,
  ) {}

  fail(problem: string): never {
    throw malformed(`${this.source}: not a valid Avro file: ${problem}`, { file: this.source });
  }

  /** A zig-zag varint long; sizes and counts here fit a JS number. */
  long(): number {
    let value = 0; // the unsigned varint, exact as a double while below 2^53
    for (let scale = 1; ; scale *= 0x80) {
      if (this.pos >= this.bytes.length) this.fail("unexpected end of file");
      if (scale > 2 ** 63) this.fail("varint too long");
      const b = this.bytes[this.pos++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) break;
    }
    if (value >= 2 ** 53) this.fail("length out of range");
    return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }

  take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.bytes.length) this.fail("unexpected end of file");
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/** A block of records, decompressed. */
export interface AvroBlock {
  count: number;
  data: Uint8Array;
}

export interface AvroContainer {
  /** The writer schema (`avro.schema`), parsed on first use. */
  readonly schema: unknown;
  /** The writer schema as written: the key under which compiled readers are cached. */
  readonly schemaText: string;
  readonly blocks: readonly AvroBlock[];
  /** The file's key-value metadata as text (`avro.schema`, `avro.codec` and the writer's own keys). */
  metadata: Map<string, string>;
  /**
   * Decodes every record. `readSchema` must have the same binary layout as the writer
   * schema (it may rename fields and types or drop defaults); by default it is the writer schema.
   */
  records(readSchema?: unknown): unknown[];
  /** Decodes every record straight into in-memory values of `expected` (see avroReader.ts). */
  decode(expected: IcebergType | undefined): unknown[];
}

function decompress(codec: string, data: Uint8Array, reader: ByteReader): Uint8Array {
  switch (codec) {
    case "null":
      return data;
    case "deflate":
      try {
        return zlib.inflateRawSync(data);
      } catch (error) {
        return reader.fail(`bad deflate block: ${(error as Error).message}`);
      }
    case "snappy": {
      if (data.length < 4) reader.fail("snappy block without checksum");
      let out: Uint8Array;
      try {
        out = snappyDecompress(data.subarray(0, data.length - 4));
      } catch (error) {
        return reader.fail((error as Error).message);
      }
      const crc32 = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;
      if (crc32 !== undefined) {
        const expected = Buffer.from(data.subarray(data.length - 4)).readUInt32BE(0);
        if (crc32(out) >>> 0 !== expected) reader.fail("snappy block checksum mismatch");
      }
      return out;
    }
    case "zstandard": {
      const zstd = (zlib as unknown as { zstdDecompressSync?: (d: Uint8Array) => Uint8Array }).zstdDecompressSync;
      if (zstd === undefined) {
        throw unsupported(`${reader.source}: Avro codec zstandard needs a newer Node.js runtime`, { file: reader.source });
      }
      return zstd(data);
    }
    default:
      throw unsupported(`${reader.source}: Avro codec ${JSON.stringify(codec)} is not supported`, { file: reader.source });
  }
}

/** Reads an Avro container file's header and blocks; `source` names the file in errors. */
export function readAvroContainer(bytes: Uint8Array, source: string): AvroContainer {
  const reader: ByteReader = new ByteReader(bytes, source);
  if (bytes.length < MAGIC.length || !MAGIC.every((b, i) => bytes[i] === b)) reader.fail("missing the Avro magic bytes");
  reader.take(MAGIC.length);
  const metadata = new Map<string, string>();
  const decoder = new TextDecoder();
  for (;;) {
    let count = reader.long();
    if (count === 0) break;
    if (count < 0) {
      count = -count;
      reader.long(); // block size in bytes
    }
    for (let i = 0; i < count; i++) {
      const key = decoder.decode(reader.take(reader.long()));
      metadata.set(key, decoder.decode(reader.take(reader.long())));
    }
  }
  const sync = reader.take(SYNC_SIZE);
  const schemaText = metadata.get("avro.schema");
  if (schemaText === undefined) reader.fail("no avro.schema in the header");
  let parsedSchema: unknown;
  const schema = () => (parsedSchema ??= parseJsonPlain(schemaText, `${source} (avro.schema)`));
  const codec = metadata.get("avro.codec") ?? "null";

  const blocks: AvroBlock[] = [];
  while (reader.pos < bytes.length) {
    const count = reader.long();
    const size = reader.long();
    const data = decompress(codec, reader.take(size), reader);
    const marker = reader.take(SYNC_SIZE);
    if (!marker.every((b, i) => b === sync[i])) reader.fail("block sync marker does not match the header");
    blocks.push({ count, data });
  }

  return {
    get schema() {
      return schema();
    },
    schemaText,
    blocks,
    metadata,
    decode(expected: IcebergType | undefined): unknown[] {
      let read: ValueReader;
      try {
        read = compileReader(schemaText, () => prepareForDecoding(schema()), expected);
      } catch (error) {
        if (isFloeError(error, "malformed")) throw error; // the schema is not JSON
        throw malformed(`${source}: unusable Avro schema: ${(error as Error).message}`, { file: source }, error);
      }
      const out: unknown[] = [];
      for (const block of blocks) decodeBlock(block.data, block.count, read, source, out.length, out);
      return out;
    },
    records(readSchema?: unknown): unknown[] {
      let type: avro.Type;
      try {
        type = avroType(readSchema ?? schema());
      } catch (error) {
        throw malformed(`${source}: unusable Avro schema: ${(error as Error).message}`, { file: source }, error);
      }
      const out: unknown[] = [];
      for (const block of blocks) {
        const buf = Buffer.from(block.data.buffer, block.data.byteOffset, block.data.byteLength);
        let pos = 0;
        for (let i = 0; i < block.count; i++) {
          let decoded: { value: unknown; offset: number };
          try {
            decoded = type.decode(buf, pos);
          } catch (error) {
            throw malformed(`${source}: record ${out.length} cannot be decoded: ${(error as Error).message}`, { file: source }, error);
          }
          if (decoded.offset < 0) reader.fail(`record ${out.length} is truncated`);
          out.push(decoded.value);
          pos = decoded.offset;
        }
      }
      return out;
    },
  };
}

function zigzag(n: number): Buffer {
  let v = (BigInt(n) << 1n) ^ (BigInt(n) >> 63n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return Buffer.from(out);
}

function lengthPrefixed(text: string | Uint8Array): Buffer {
  const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : Buffer.from(text);
  return Buffer.concat([zigzag(bytes.length), bytes]);
}

export interface AvroWriteOptions {
  /** Key-value metadata besides `avro.schema` and `avro.codec`. */
  metadata?: Record<string, string>;
  /** Default `deflate`, as Java writes manifests. */
  codec?: AvroCodec;
  /** The 16-byte sync marker; random by default. */
  syncMarker?: Uint8Array;
  /** Records per block; default 4096. */
  blockRecords?: number;
}

/**
 * Encodes records into an Avro container file. `records` must be valid for `schema`
 * (longs as bigint); an invalid record gives an error naming its position and path.
 */
export function writeAvroContainer(schema: unknown, records: readonly unknown[], options: AvroWriteOptions = {}): Uint8Array {
  const type = avroType(schema);
  const codec = options.codec ?? "deflate";
  const sync = Buffer.from(options.syncMarker ?? randomBytes(SYNC_SIZE));
  if (sync.length !== SYNC_SIZE) throw new RangeError("an Avro sync marker has 16 bytes");
  const meta: [string, string][] = [
    ["avro.schema", JSON.stringify(schema)],
    ["avro.codec", codec],
    ...Object.entries(options.metadata ?? {}),
  ];
  const parts: Buffer[] = [Buffer.from(MAGIC), zigzag(meta.length)];
  for (const [k, v] of meta) parts.push(lengthPrefixed(k), lengthPrefixed(v));
  parts.push(zigzag(0), sync);

  const perBlock = options.blockRecords ?? 4096;
  for (let start = 0; start < records.length; start += perBlock) {
    const chunk = records.slice(start, start + perBlock);
    const encoded = chunk.map((record, i) => {
      const paths: string[] = [];
      if (!type.isValid(record, { errorHook: (path: string[]) => paths.push(path.join(".")) })) {
        throw new TypeError(`record ${start + i} does not fit the Avro schema at ${paths.join(", ") || "its root"}`);
      }
      return type.toBuffer(record);
    });
    const raw = Buffer.concat(encoded);
    const data = codec === "deflate" ? zlib.deflateRawSync(raw) : raw;
    parts.push(zigzag(chunk.length), zigzag(data.length), data, sync);
  }
  return new Uint8Array(Buffer.concat(parts));
}

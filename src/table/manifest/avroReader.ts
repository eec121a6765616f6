/**
 * A schema-compiled Avro binary reader for manifests and manifest lists. Each writer
 * schema (normalized by `prepareForDecoding`) is compiled once into a tree of closures
 * that decode a record straight into floe's in-memory values — records keyed by field
 * id, longs as bigint, decimals as unscaled bigint — in one pass, with no intermediate
 * objects. It decodes manifest lists, and the fields of manifest entries a reader asks for
 * (manifestEntryLayout.ts finds them without decoding the rest); avsc still writes
 * manifests and serves as the reference in tests.
 */
import { malformed, unsupported } from "../../core/errors/FloeError.js";
import type { IcebergType, NestedField, StructType } from "../spec/types.js";
import { bigIntFromTwosComplement, bytesToUuid, normalizeUuid } from "../spec/valueCodecs.js";
import type { AvroSchema, DecodingSchema } from "./avroSchema.js";

/** Read position in a decompressed block. */
export class AvroCursor {
  pos = 0;
  readonly view: DataView;
  constructor(readonly bytes: Buffer) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** A zig-zag varint as a JS number when it fits in 53 bits, else as a bigint. */
  varint(): number | bigint {
    const bytes = this.bytes;
    let b = bytes[this.pos++];
    if (b < 0x80) return (b >>> 1) ^ -(b & 1);
    let value = b & 0x7f;
    // Up to 7 bytes (49 bits) stay exact in doubles.
    for (let scale = 0x80; scale < 2 ** 49; scale *= 0x80) {
      b = bytes[this.pos++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    }
    return this.bigVarint(value);
  }

  /** The rest of a varint too long for a double, `low` holding its first 49 bits. */
  private bigVarint(low: number): bigint {
    const bytes = this.bytes;
    let big = BigInt(low);
    let shift = 49n;
    for (;;) {
      if (this.pos >= bytes.length) throw new RangeError("varint runs past the end of the block");
      const b = bytes[this.pos++];
      big |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) break;
      shift += 7n;
      if (shift > 70n) throw new RangeError("varint too long");
    }
    return BigInt.asIntN(64, (big >> 1n) ^ -(big & 1n));
  }

  int(): number {
    const v = this.varint();
    return typeof v === "bigint" ? Number(v) : v;
  }

  long(): bigint {
    const v = this.varint();
    return typeof v === "bigint" ? v : BigInt(v);
  }

  /** `length` bytes as a plain view into the block (cheaper to make than a Buffer). */
  viewOf(length: number): Uint8Array {
    if (length < 0 || this.pos + length > this.bytes.length) throw new RangeError("length runs past the end of the block");
    const out = new Uint8Array(this.bytes.buffer, this.bytes.byteOffset + this.pos, length);
    this.pos += length;
    return out;
  }

  bytesOf(length: number): Buffer {
    if (length < 0 || this.pos + length > this.bytes.length) throw new RangeError("length runs past the end of the block");
    const out = this.bytes.subarray(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }
}

export type ValueReader = (cursor: AvroCursor) => unknown;

const cache = new Map<string, ValueReader>();
const typeKeys = new WeakMap<object, string>();

/**
 * The reader for a writer schema (its `avro.schema` text) producing values of `expected`,
 * compiled once per (schema, expected): the manifests of a table share a few schemas.
 */
export function compileReader(schemaText: string, prepare: () => DecodingSchema, expected: IcebergType | undefined): ValueReader {
  const key = schemaText + "\u0000" + typeKey(expected);
  let reader = cache.get(key);
  if (!reader) {
    const schema = prepare();
    reader = compile(schema.schema, expected, schema);
    if (cache.size > 256) cache.clear();
    cache.set(key, reader);
  }
  return reader;
}

function typeKey(type: IcebergType | undefined): string {
  if (type === undefined) return "";
  let key = typeKeys.get(type);
  if (key === undefined) {
    key = JSON.stringify(type, (_k, v) => (typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? [...v] : v));
    typeKeys.set(type, key);
  }
  return key;
}

function usable(type: IcebergType | undefined): IcebergType | undefined {
  return type === undefined || type.type === "unknown" ? undefined : type;
}

function compile(node: AvroSchema, expected: IcebergType | undefined, schema: DecodingSchema): ValueReader {
  const want = usable(expected);
  if (typeof node === "string") {
    const def = schema.named.get(node);
    if (def !== undefined) return compile(def, expected, schema);
    return primitive(node, undefined, want);
  }
  if (Array.isArray(node)) return union(node, expected, schema);
  const type = node.type as string;
  switch (type) {
    case "record":
      return record(node, want, schema);
    case "array":
      return array(node, want, schema);
    case "map": {
      const valueType = want?.type === "map" ? want.value : undefined;
      const readValue = compile(node.values as AvroSchema, valueType, schema);
      return (c) => {
        const out = new Map<unknown, unknown>();
        readBlocks(c, () => {
          const key = c.bytesOf(c.int()).toString("utf8");
          out.set(key, readValue(c));
        });
        return out;
      };
    }
    case "enum": {
      const symbols = node.symbols as string[];
      return (c) => symbols[c.int()];
    }
    case "fixed": {
      const size = Number(node.size);
      const convert = bytesConverter(node.logicalType, want);
      return (c) => convert(c.bytesOf(size));
    }
    default:
      return primitive(type, node.logicalType, want);
  }
}

function union(branches: AvroSchema[], expected: IcebergType | undefined, schema: DecodingSchema): ValueReader {
  const readers = branches.map((b) => (b === "null" ? () => null : compile(b, expected, schema)));
  return (c) => {
    const index = c.int();
    const read = readers[index];
    if (read === undefined) throw new RangeError(`union branch ${index} does not exist`);
    return read(c);
  };
}

function readBlocks(c: AvroCursor, readItem: () => void): void {
  for (;;) {
    let count = c.int();
    if (count === 0) return;
    if (count < 0) {
      count = -count;
      c.varint(); // block size in bytes
    }
    for (let i = 0; i < count; i++) readItem();
  }
}

function array(node: Record<string, unknown>, want: IcebergType | undefined, schema: DecodingSchema): ValueReader {
  const items = node.items as AvroSchema;
  const itemDef = typeof items === "string" ? schema.named.get(items) : items;
  // Iceberg writes maps with non-string keys as arrays of key/value records.
  if (node.logicalType === "map" && itemDef !== undefined && !Array.isArray(itemDef) && typeof itemDef === "object" && itemDef.type === "record") {
    const [keyField, valueField] = itemDef.fields as Record<string, unknown>[];
    const map = want?.type === "map" ? want : undefined;
    const readKey = compile(keyField.type as AvroSchema, map?.key, schema);
    const readValue = compile(valueField.type as AvroSchema, map?.value, schema);
    return (c) => {
      const out = new Map<unknown, unknown>();
      readBlocks(c, () => {
        const key = readKey(c);
        out.set(key, readValue(c));
      });
      return out;
    };
  }
  const readItem = compile(items, want?.type === "list" ? want.element : undefined, schema);
  return (c) => {
    const out: unknown[] = [];
    readBlocks(c, () => out.push(readItem(c)));
    return out;
  };
}

/** A record field of a writer schema: the Iceberg field id it carries and the reader of its value. */
export interface FieldReader {
  id: number | undefined;
  read: ValueReader;
}

/**
 * The fields of a writer record in writer order. A field without a `field-id` is matched to
 * `want` by name, else by position.
 */
export function recordFieldReaders(node: Record<string, unknown>, want: IcebergType | undefined, schema: DecodingSchema): FieldReader[] {
  const fields = node.fields as Record<string, unknown>[];
  const struct: StructType | undefined = want?.type === "struct" ? want : undefined;
  const byId = new Map<number, NestedField>((struct?.fields ?? []).map((f) => [f.id, f]));
  return fields.map((f, i) => {
    const id =
      typeof f["field-id"] === "number" ? (f["field-id"] as number) : (struct?.fields.find((e) => e.name === f["floe-name"])?.id ?? struct?.fields[i]?.id);
    return { id, read: compile(f.type as AvroSchema, id === undefined ? undefined : byId.get(id)?.type, schema) };
  });
}

function record(node: Record<string, unknown>, want: IcebergType | undefined, schema: DecodingSchema): ValueReader {
  const steps = recordFieldReaders(node, want, schema);
  return (c) => {
    const out: Record<number, unknown> = {};
    for (const step of steps) {
      const value = step.read(c);
      if (step.id !== undefined) out[step.id] = value;
    }
    return out;
  };
}

function primitive(avroType: string, logicalType: unknown, want: IcebergType | undefined): ValueReader {
  switch (avroType) {
    case "null":
      return () => null;
    case "boolean":
      return (c) => c.bytes[c.pos++] !== 0;
    case "int":
      if (want?.type === "long" || want?.type === "time" || want?.type === "timestamp" || want?.type === "timestamptz") return (c) => BigInt(c.int());
      if (want?.type === "float" || want?.type === "double") return (c) => c.int();
      return (c) => c.int();
    case "long":
      if (want?.type === "int" || want?.type === "date" || want?.type === "float" || want?.type === "double") return (c) => c.int();
      return (c) => c.long();
    case "float":
      return (c) => {
        const v = c.view.getFloat32(c.pos, true);
        c.pos += 4;
        return v;
      };
    case "double":
      return (c) => {
        const v = c.view.getFloat64(c.pos, true);
        c.pos += 8;
        return v;
      };
    case "string":
      if (logicalType === "uuid" || want?.type === "uuid") return (c) => { const s = c.bytesOf(c.int()).toString("utf8"); return normalizeUuid(s) ?? s; };
      return (c) => c.bytesOf(c.int()).toString("utf8");
    case "bytes": {
      const convert = bytesConverter(logicalType, want);
      return (c) => convert(c.bytesOf(c.int()));
    }
    default:
      throw unsupported(`Avro type ${JSON.stringify(avroType)} is not used by Iceberg and not supported`);
  }
}

/** Bytes (or fixed) in the in-memory form the reader wants: decimal → bigint, uuid → string, string → text, else a copy. */
function bytesConverter(logicalType: unknown, want: IcebergType | undefined): (bytes: Buffer) => unknown {
  if (want?.type === "decimal" || (want === undefined && logicalType === "decimal")) return (b) => bigIntFromTwosComplement(b);
  if (want?.type === "uuid" || (want === undefined && logicalType === "uuid")) return (b) => (b.length === 16 ? bytesToUuid(b) : new Uint8Array(b));
  if (want?.type === "string") return (b) => b.toString("utf8");
  return (b) => new Uint8Array(b);
}

/** Decodes `count` records from a block with `read`; errors name the file and the record. */
export function decodeBlock(data: Uint8Array, count: number, read: ValueReader, source: string, firstIndex: number, out: unknown[]): void {
  const cursor = new AvroCursor(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  for (let i = 0; i < count; i++) {
    try {
      out.push(read(cursor));
    } catch (error) {
      throw malformed(`${source}: record ${firstIndex + i} cannot be decoded: ${(error as Error).message}`, { file: source }, error);
    }
    if (cursor.pos > data.byteLength) throw malformed(`${source}: record ${firstIndex + i} is truncated`, { file: source });
  }
}

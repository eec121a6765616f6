/**
 * Moving past Avro values without decoding them. A manifest entry is decoded field by
 * field only when a planner needs the field; everything else is stepped over.
 *
 * A writer schema compiles to a flat program of steps (`SkipProgram`) that one loop runs:
 * tens of thousands of entries of a few dozen fields each make this the innermost loop of
 * scan planning, and a single monomorphic loop gets optimized early, where a tree of
 * closures calls each other through megamorphic call sites.
 */
import { unsupported } from "../../core/errors/FloeError.js";
import type { AvroCursor } from "./avroReader.js";
import type { AvroSchema, DecodingSchema } from "./avroSchema.js";

/**
 * Steps, each an opcode and its operands:
 * - VARINT: an int, long or enum;
 * - LENGTH_PREFIXED: bytes or string;
 * - FIXED n: n bytes (fixed, float, double, boolean);
 * - UNION n start×n: go on at the start of the branch the union index selects; each
 *   branch ends with a JUMP past the union;
 * - OPTIONAL null end: a union of null and one other type, whose steps follow: go on at
 *   `end` when the union index is `null`;
 * - JUMP to;
 * - BLOCKS next: array or map blocks; go on at the BLOCKS_NEXT step at `next`;
 * - BLOCKS_NEXT item: the item steps start at `item` and end here; repeats them for every
 *   item of every block, then goes on after this step;
 * - KEYED_MAP values noteAt: the array of key/value records Iceberg writes for a map
 *   with int keys (column metrics), walked in one tight loop; when `noteAt` is not -1, the
 *   position of the value of the i-th noted key is noted in `at[noteAt + i]`;
 * - MARK slot: note the position in `at[slot]`;
 * - UNMARK slot: note `at[slot]` as absent (-1).
 * Nothing recurses: the items left in the blocks being walked are on a stack.
 *
 * Ints (lengths, counts, union indexes, keys) are read in place: most are a single byte,
 * `(b >>> 1) ^ -(b & 1)`; longer ones go through `intAt` and `varintEnd`.
 */
const VARINT = 0;
const LENGTH_PREFIXED = 1;
const FIXED = 2;
const UNION = 3;
const JUMP = 4;
const BLOCKS = 5;
const BLOCKS_NEXT = 6;
const MARK = 7;
const UNMARK = 8;
const KEYED_MAP = 9;
const OPTIONAL = 10;

/** How a keyed map's values are laid out: a varint (counts) or length-prefixed bytes (bounds). */
const VARINT_VALUES = 0;
const LENGTH_PREFIXED_VALUES = 1;

export type SkipProgram = Int32Array;

/** Builds a skip program; `skip` appends the steps that move past a value of a schema node. */
export class SkipProgramBuilder {
  private readonly code: number[] = [];

  constructor(private readonly schema: DecodingSchema) {}

  /**
   * Appends the steps that move past a value of `node`. When the value is (or may be) an
   * int-keyed map, the positions of the values of the noted keys are noted from `noteAt`
   * on (see KEYED_MAP).
   */
  skip(node: AvroSchema, noteAt = -1): void {
    const schema = this.schema;
    if (typeof node === "string") {
      const def = schema.named.get(node);
      if (def !== undefined) this.skip(def, noteAt);
      else this.primitive(node);
      return;
    }
    if (Array.isArray(node)) {
      const nullBranch = node.findIndex((b) => b === "null");
      if (node.length === 2 && nullBranch >= 0) this.optional(nullBranch, () => this.skip(node[1 - nullBranch], noteAt));
      else this.union(node.map((branch) => () => this.skip(branch, noteAt)));
      return;
    }
    const type = node.type as string;
    switch (type) {
      case "record":
        for (const f of node.fields as Record<string, unknown>[]) this.skip(f.type as AvroSchema);
        return;
      case "array": {
        const values = keyedMapItemValues(node.items as AvroSchema, schema);
        if (values !== undefined) this.code.push(KEYED_MAP, values === "varint" ? VARINT_VALUES : LENGTH_PREFIXED_VALUES, noteAt);
        else this.blocks(() => this.skip(node.items as AvroSchema));
        return;
      }
      case "map":
        this.blocks(() => {
          this.code.push(LENGTH_PREFIXED);
          this.skip(node.values as AvroSchema);
        });
        return;
      case "enum":
        this.code.push(VARINT);
        return;
      case "fixed":
        this.code.push(FIXED, Number(node.size));
        return;
      default:
        this.primitive(type);
    }
  }

  /** A union whose branches append their own steps. */
  union(branches: readonly (() => void)[]): void {
    const code = this.code;
    code.push(UNION, branches.length);
    const table = code.length;
    for (let i = 0; i < branches.length; i++) code.push(0);
    const jumpsToEnd: number[] = [];
    branches.forEach((appendBranch, i) => {
      code[table + i] = code.length;
      appendBranch();
      code.push(JUMP, 0);
      jumpsToEnd.push(code.length - 1);
    });
    for (const at of jumpsToEnd) code[at] = code.length;
  }

  /** A union of null (branch `nullBranch`) and one other type, whose steps `appendOther` appends. */
  optional(nullBranch: number, appendOther: () => void): void {
    const code = this.code;
    code.push(OPTIONAL, nullBranch, 0);
    const end = code.length - 1;
    appendOther();
    code[end] = code.length;
  }

  mark(slot: number): void {
    this.code.push(MARK, slot);
  }

  unmark(slot: number): void {
    this.code.push(UNMARK, slot);
  }

  build(): SkipProgram {
    return Int32Array.from(this.code);
  }

  private blocks(appendItem: () => void): void {
    const code = this.code;
    code.push(BLOCKS, 0);
    const item = code.length;
    appendItem();
    code[item - 1] = code.length;
    code.push(BLOCKS_NEXT, item);
  }

  private primitive(type: string): void {
    switch (type) {
      case "null":
        return;
      case "boolean":
        this.code.push(FIXED, 1);
        return;
      case "int":
      case "long":
        this.code.push(VARINT);
        return;
      case "float":
        this.code.push(FIXED, 4);
        return;
      case "double":
        this.code.push(FIXED, 8);
        return;
      case "bytes":
      case "string":
        this.code.push(LENGTH_PREFIXED);
        return;
      default:
        throw unsupported(`Avro type ${JSON.stringify(type)} is not used by Iceberg and not supported`);
    }
  }
}

/** How the values of an int-keyed map are encoded: varints (counts) or length-prefixed (bounds). */
export type KeyedMapValues = "varint" | "length-prefixed";

const resolve = (node: AvroSchema, schema: DecodingSchema): AvroSchema => (typeof node === "string" ? (schema.named.get(node) ?? node) : node);

/** The values of the map when `items` is a record of an int key and a long or bytes value (Iceberg's metrics maps); else undefined. */
function keyedMapItemValues(items: AvroSchema, schema: DecodingSchema): KeyedMapValues | undefined {
  const item = resolve(items, schema);
  if (typeof item !== "object" || Array.isArray(item) || item.type !== "record") return undefined;
  const fields = item.fields as Record<string, unknown>[];
  if (fields.length !== 2) return undefined;
  const key = resolve(fields[0].type as AvroSchema, schema);
  const value = resolve(fields[1].type as AvroSchema, schema);
  if (key !== "int" && key !== "long") return undefined;
  if (value === "int" || value === "long") return "varint";
  if (value === "bytes" || value === "string") return "length-prefixed";
  return undefined;
}

/** The values of `node` when it is an int-keyed map that KEYED_MAP walks (nullable or not); else undefined. */
export function keyedMapValues(node: AvroSchema, schema: DecodingSchema): KeyedMapValues | undefined {
  let resolved = resolve(node, schema);
  if (Array.isArray(resolved)) {
    const branches = resolved.map((b) => resolve(b, schema));
    const nonNull = branches.filter((b) => b !== "null");
    if (nonNull.length !== 1) return undefined;
    resolved = nonNull[0];
  }
  if (typeof resolved !== "object" || Array.isArray(resolved) || resolved.type !== "array") return undefined;
  return keyedMapItemValues(resolved.items as AvroSchema, schema);
}

/** Items left in each block being walked, innermost last; programs never run inside each other. */
const itemsLeft = new Int32Array(64);
const NO_MARKS = new Int32Array(0);

/**
 * Runs `program` from the cursor: moves it past the value, noting marked positions in `at`
 * and the positions of the values of `notedKeys` in the keyed maps that note them. Nothing
 * is decoded but union indexes, lengths, block counts and map keys.
 */
export function runSkipProgram(program: SkipProgram, c: AvroCursor, at: Int32Array = NO_MARKS, notedKeys: Int32Array = NO_MARKS): void {
  const bytes = c.bytes;
  const end = program.length;
  let pos = c.pos;
  let pc = 0;
  let depth = 0;
  while (pc < end) {
    switch (program[pc]) {
      case VARINT:
        while (bytes[pos++] >= 0x80);
        pc += 1;
        break;
      case LENGTH_PREFIXED: {
        const first = bytes[pos];
        const length = first < 0x80 ? (first >>> 1) ^ -(first & 1) : intAt(bytes, pos);
        pos = first < 0x80 ? pos + 1 : varintEnd(bytes, pos);
        if (length < 0) throw new RangeError("negative length");
        pos += length;
        pc += 1;
        break;
      }
      case FIXED:
        pos += program[pc + 1];
        pc += 2;
        break;
      case UNION: {
        const first = bytes[pos];
        const branch = first < 0x80 ? (first >>> 1) ^ -(first & 1) : intAt(bytes, pos);
        pos = first < 0x80 ? pos + 1 : varintEnd(bytes, pos);
        if (branch < 0 || branch >= program[pc + 1]) throw new RangeError(`union branch ${branch} does not exist`);
        pc = program[pc + 2 + branch];
        break;
      }
      case OPTIONAL: {
        const branch = bytes[pos++];
        // the index of a two-branch union is one byte: 0 or 2 (zig-zag 0 or 1)
        if (branch === program[pc + 1] << 1) pc = program[pc + 2];
        else if (branch === (1 - program[pc + 1]) << 1) pc += 3;
        else throw new RangeError(`union branch ${branch === undefined ? "past the end of the block" : (branch >>> 1) ^ -(branch & 1)} does not exist`);
        break;
      }
      case JUMP:
        pc = program[pc + 1];
        break;
      case BLOCKS:
        if (depth === itemsLeft.length) throw new RangeError("arrays and maps nest too deep");
        itemsLeft[depth++] = 1; // BLOCKS_NEXT counts it down and reads the first block count
        pc = program[pc + 1];
        break;
      case BLOCKS_NEXT: {
        if (pos > bytes.length) throw new RangeError("array or map runs past the end of the block");
        let left = itemsLeft[depth - 1] - 1;
        while (left === 0) {
          const first = bytes[pos];
          const count = first < 0x80 ? (first >>> 1) ^ -(first & 1) : intAt(bytes, pos);
          pos = first < 0x80 ? pos + 1 : varintEnd(bytes, pos);
          if (count === 0) break;
          if (count > 0) left = count;
          else {
            // a block that gives its size in bytes is jumped over whole
            const size = intAt(bytes, pos);
            pos = varintEnd(bytes, pos);
            if (size < 0) throw new RangeError("negative block size");
            pos += size;
          }
        }
        if (left > 0) {
          itemsLeft[depth - 1] = left;
          pc = program[pc + 1];
        } else {
          depth--;
          pc += 2;
        }
        break;
      }
      case MARK:
        at[program[pc + 1]] = pos;
        pc += 2;
        break;
      case UNMARK:
        at[program[pc + 1]] = -1;
        pc += 2;
        break;
      case KEYED_MAP: {
        const varintValues = program[pc + 1] === VARINT_VALUES;
        const noteAt = program[pc + 2];
        for (;;) {
          let first = bytes[pos];
          let count = first < 0x80 ? (first >>> 1) ^ -(first & 1) : intAt(bytes, pos);
          pos = first < 0x80 ? pos + 1 : varintEnd(bytes, pos);
          if (count === 0) break;
          if (count < 0) {
            count = -count;
            pos = varintEnd(bytes, pos); // block size in bytes
          }
          for (let i = 0; i < count; i++) {
            first = bytes[pos];
            const key = first < 0x80 ? (first >>> 1) ^ -(first & 1) : intAt(bytes, pos);
            pos = first < 0x80 ? pos + 1 : varintEnd(bytes, pos);
            if (noteAt >= 0) {
              for (let k = 0; k < notedKeys.length; k++) if (notedKeys[k] === key) at[noteAt + k] = pos;
            }
            if (varintValues) {
              while (bytes[pos++] >= 0x80);
            } else {
              first = bytes[pos];
              const length = first < 0x80 ? (first >>> 1) ^ -(first & 1) : intAt(bytes, pos);
              if (length < 0) throw new RangeError("negative length");
              pos = (first < 0x80 ? pos + 1 : varintEnd(bytes, pos)) + length;
            }
          }
          if (pos > bytes.length) throw new RangeError("map runs past the end of the block");
        }
        pc += 3;
        break;
      }
      default:
        throw new RangeError(`bad skip program step ${program[pc]}`);
    }
  }
  c.pos = pos;
}

/** The zig-zag int whose varint starts at `pos` (lengths, counts and indexes fit 32 bits). */
function intAt(bytes: Uint8Array, pos: number): number {
  let value = 0;
  for (let scale = 1; scale < 2 ** 35; scale *= 0x80) {
    if (pos >= bytes.length) throw new RangeError("varint runs past the end of the block");
    const b = bytes[pos++];
    value += (b & 0x7f) * scale;
    if (b < 0x80) return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
  }
  throw new RangeError("varint too long for an int");
}

function varintEnd(bytes: Uint8Array, pos: number): number {
  while (bytes[pos++] >= 0x80);
  return pos;
}

import { describe, expect, it } from "vitest";
import { readAvroContainer, writeAvroContainer } from "./avroContainer.js";
import { AvroCursor, compileReader, type ValueReader } from "./avroReader.js";
import { prepareForDecoding, type AvroSchema, type DecodingSchema } from "./avroSchema.js";
import { runSkipProgram, SkipProgramBuilder, type SkipProgram } from "./avroSkipper.js";

const kv = (name: string, value: AvroSchema) => ({
  type: "array",
  logicalType: "map",
  items: { type: "record", name, fields: [{ name: "key", type: "int" }, { name: "value", type: value }] },
});

/** Every kind of Avro value, nested, nullable, and the int-keyed maps Iceberg writes. */
const SCHEMA = {
  type: "record",
  name: "r",
  fields: [
    { name: "i", type: "int" },
    { name: "l", type: ["null", "long"] },
    { name: "s", type: ["string", "null"] },
    { name: "b", type: "boolean" },
    { name: "f", type: "float" },
    { name: "d", type: "double" },
    { name: "by", type: "bytes" },
    { name: "fx", type: { type: "fixed", name: "fx3", size: 3 } },
    { name: "e", type: { type: "enum", name: "e", symbols: ["A", "B", "C"] } },
    { name: "u", type: ["null", "int", "string"] },
    { name: "arr", type: { type: "array", items: ["null", { type: "record", name: "inner", fields: [{ name: "x", type: "long" }, { name: "y", type: { type: "array", items: "string" } }] }] } },
    { name: "m", type: { type: "map", values: ["null", "double"] } },
    { name: "counts", type: ["null", kv("k1_v2", "long")] },
    { name: "bounds", type: ["null", kv("k3_v4", "bytes")] },
    { name: "again", type: ["null", "inner"] },
  ],
};

let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)];
const many = <T>(make: () => T) => Array.from({ length: pick([0, 1, 3, 70]) }, make);
const bigLong = () => pick([0n, -1n, 63n, 64n, 9007199254740993n, -(2n ** 63n), 2n ** 63n - 1n]);
const inner = () => ({ x: bigLong(), y: many(() => pick(["", "a", "é".repeat(40)])) });

function randomRecord() {
  return {
    i: pick([0, -1, 64, -2147483648, 2147483647]),
    l: pick([null, bigLong()]),
    s: pick([null, "", "x".repeat(200)]),
    b: random() < 0.5,
    f: 1.5,
    d: -2.25,
    by: Buffer.from(many(() => 7)),
    fx: Buffer.from([1, 2, 3]),
    e: pick(["A", "C"]),
    u: pick([null, 5, "five"]),
    arr: many(() => pick([null, inner()])),
    m: Object.fromEntries(many(() => [`k${Math.floor(random() * 1e6)}`, pick([null, 0.5])])),
    counts: pick([null, many(() => ({ key: pick([1, 2, 64, 1000, 70000]), value: bigLong() }))]),
    bounds: pick([null, many(() => ({ key: pick([1, 5, 200]), value: Buffer.from(many(() => 1)) }))]),
    again: pick([null, inner()]),
  };
}

function programFor(schema: DecodingSchema, build: (b: SkipProgramBuilder) => void): SkipProgram {
  const builder = new SkipProgramBuilder(schema);
  build(builder);
  return builder.build();
}

describe("skip programs", () => {
  it("move past every record exactly where the decoder does", () => {
    const records = Array.from({ length: 300 }, randomRecord);
    const bytes = writeAvroContainer(SCHEMA, records, { codec: "null", blockRecords: 1000 });
    const container = readAvroContainer(bytes, "r.avro");
    const schema = prepareForDecoding(container.schema);
    const program = programFor(schema, (b) => b.skip(schema.schema));
    const read: ValueReader = compileReader(container.schemaText, () => schema, undefined);
    const data = Buffer.from(container.blocks[0].data);
    const skipping = new AvroCursor(data);
    const decoding = new AvroCursor(data);
    for (let i = 0; i < records.length; i++) {
      runSkipProgram(program, skipping);
      read(decoding);
      expect(skipping.pos).toBe(decoding.pos);
    }
    expect(skipping.pos).toBe(data.length);
  });

  it("jump over blocks that give their size, and note the values of noted keys in int-keyed maps", () => {
    const schema = prepareForDecoding({ type: "record", name: "r", fields: [{ name: "a", type: { type: "array", items: "long" } }, { name: "m", type: kv("kv", "long") }] });
    const fields = (schema.schema as { fields: { type: AvroSchema }[] }).fields;
    const program = programFor(schema, (b) => {
      b.mark(0);
      b.skip(fields[0].type);
      b.mark(1);
      b.skip(fields[1].type, 2);
    });
    // a: one block of -2 items in 3 bytes (2, 300), then the end; m: {1: 5}, then a sized block {7: 9, 1: 6}
    const data = Buffer.from([3, 6, 4, 0xd8, 0x04, 0, 2, 2, 10, 3, 8, 14, 18, 2, 12, 0]);
    const at = new Int32Array(4).fill(-1);
    const c = new AvroCursor(data);
    runSkipProgram(program, c, at, Int32Array.from([1, 7]));
    expect(c.pos).toBe(data.length);
    expect([at[0], at[1]]).toEqual([0, 6]);
    // the last value of a repeated key counts, as in a Map
    c.pos = at[2];
    expect(c.varint()).toBe(6);
    c.pos = at[3];
    expect(c.varint()).toBe(9);
  });

  it("stop with an error at bad union indexes and at the end of the block", () => {
    const schema = prepareForDecoding(SCHEMA);
    const program = programFor(schema, (b) => b.skip(schema.schema));
    const bytes = writeAvroContainer(SCHEMA, [randomRecord()], { codec: "null" });
    const data = Buffer.from(readAvroContainer(bytes, "r.avro").blocks[0].data);
    for (let cut = 0; cut < data.length; cut++) {
      const c = new AvroCursor(data.subarray(0, cut));
      let failed = false;
      try {
        runSkipProgram(program, c);
      } catch (error) {
        expect(error).toBeInstanceOf(RangeError);
        failed = true;
      }
      expect(failed || c.pos > cut).toBe(true);
    }
    const one = writeAvroContainer(SCHEMA, [{ ...randomRecord(), i: 0 }], { codec: "null" });
    const badUnion = Buffer.from(readAvroContainer(one, "r.avro").blocks[0].data);
    badUnion[1] = 8; // `l`, after the one byte of `i`: branch 4 of a two-branch union
    expect(() => runSkipProgram(program, new AvroCursor(badUnion))).toThrow(/union branch 4 does not exist/);
  });
});

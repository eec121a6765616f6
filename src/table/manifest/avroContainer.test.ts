import { describe, expect, it } from "vitest";
import { isFloeError } from "../../core/errors/FloeError.js";
import { readAvroContainer, writeAvroContainer } from "./avroContainer.js";
import { avroName, fromAvro, icebergToAvroSchema, prepareForDecoding, toAvro } from "./avroSchema.js";
import { snappyDecompress } from "./snappy.js";
import type { StructType } from "../spec/types.js";

const LONGS = [-9223372036854775808n, 9223372036854775807n, 0n, -1n, 9007199254740993n, -9007199254740993n];

describe("Avro container", () => {
  it("round trips longs at the edges of the 64-bit range exactly", () => {
    const schema = {
      type: "record",
      name: "r",
      fields: [
        { name: "a", type: "long" },
        { name: "b", type: ["null", "long"], default: null },
        { name: "c", type: { type: "long", logicalType: "timestamp-micros" } },
        { name: "d", type: { type: "array", items: "long" } },
      ],
    };
    const records = LONGS.map((v) => ({ a: v, b: v, c: v, d: [v, -v - 1n] }));
    for (const codec of ["null", "deflate"] as const) {
      const bytes = writeAvroContainer(schema, records, { codec, blockRecords: 4, metadata: { k: "v" } });
      const container = readAvroContainer(bytes, "longs.avro");
      expect(container.metadata.get("k")).toBe("v");
      expect(container.metadata.get("avro.codec")).toBe(codec);
      expect(container.records().map((r) => ({ ...(r as object) }))).toEqual(records);
    }
  });

  it("refuses longs out of range with an error naming the field", () => {
    const schema = { type: "record", name: "r", fields: [{ name: "a", type: "long" }] };
    expect(() => writeAvroContainer(schema, [{ a: 2n ** 63n }])).toThrow("record 0 does not fit the Avro schema at a");
  });

  it("names the file in errors about broken files", () => {
    const schema = { type: "record", name: "r", fields: [{ name: "a", type: "string" }] };
    const bytes = writeAvroContainer(schema, [{ a: "x" }], { codec: "null" });
    const broken = bytes.slice();
    broken[broken.length - 1] ^= 0xff; // the trailing sync marker
    for (const [bad, pattern] of [
      [new TextEncoder().encode("{}"), /^f\.avro: not a valid Avro file: missing the Avro magic bytes$/],
      [broken, /^f\.avro: not a valid Avro file: block sync marker does not match the header$/],
    ] as const) {
      try {
        readAvroContainer(bad, "f.avro");
        throw new Error("expected an error");
      } catch (error) {
        expect(isFloeError(error, "malformed")).toBe(true);
        expect((error as Error).message).toMatch(pattern);
      }
    }
  });

  it("decodes snappy blocks", () => {
    // "abcabcabcX": literal "abc", copy(offset 3, length 6), literal "X"
    const block = Uint8Array.from([10, (3 - 1) << 2, 0x61, 0x62, 0x63, ((6 - 4) << 2) | 1, 3, 0, 0x58]);
    expect(new TextDecoder().decode(snappyDecompress(block))).toBe("abcabcabcX");
    expect(() => snappyDecompress(Uint8Array.from([5, 0, 0x61]))).toThrow(/snappy/);
  });

  it("reads files whose field names are not valid Avro names, by field id", () => {
    // a writer schema with names avsc would refuse, and the same binary layout as "long, string"
    const writer = {
      type: "record",
      name: "my.ns.rec",
      fields: [
        { name: "a b", type: "long", "field-id": 7 },
        { name: "c-d", type: ["null", "string"], default: "not null", "field-id": 8 },
      ],
    };
    const layout = { type: "record", name: "x", fields: [{ name: "p", type: "long" }, { name: "q", type: ["null", "string"] }] };
    const bytes = writeAvroContainer(layout, [{ p: 5n, q: "s" }], { codec: "deflate" });
    const patched = readAvroContainer(bytes, "x.avro");
    const decoding = prepareForDecoding(writer);
    const [raw] = patched.records(decoding.schema);
    expect(fromAvro(raw, decoding.schema, undefined, decoding)).toEqual({ 7: 5n, 8: "s" });
  });
});

describe("Iceberg types in Avro", () => {
  const struct: StructType = {
    type: "struct",
    fields: [
      { id: 1, name: "Breed Name", required: true, type: { type: "string" } },
      { id: 2, name: "1st", required: false, type: { type: "list", elementId: 3, elementRequired: false, element: { type: "int" } } },
      {
        id: 4,
        name: "m",
        required: false,
        type: { type: "map", keyId: 5, key: { type: "string" }, valueId: 6, valueRequired: true, value: { type: "long" } },
      },
      {
        id: 7,
        name: "n",
        required: false,
        type: {
          type: "map",
          keyId: 8,
          key: { type: "int" },
          valueId: 9,
          valueRequired: false,
          value: { type: "struct", fields: [{ id: 10, name: "u", required: true, type: { type: "uuid" } }] },
        },
      },
      { id: 11, name: "d", required: false, type: { type: "decimal", precision: 9, scale: 2 } },
      { id: 12, name: "d2", required: false, type: { type: "decimal", precision: 9, scale: 2 } },
    ],
  };

  it("spells names as Java does", () => {
    expect(avroName("Breed Name")).toBe("Breed_x20Name");
    expect(avroName("1st")).toBe("_1st");
    expect(avroName("ok_name9")).toBe("ok_name9");
  });

  it("writes and reads nested values by field id", () => {
    const schema = icebergToAvroSchema(struct, "row");
    const value = {
      1: "Lop",
      2: [1, null, 3],
      4: new Map([["a", 1n]]),
      7: new Map<number, unknown>([
        [1, { 10: "f79c3e09-677c-4bbd-a479-3f349cb785e7" }],
        [2, null],
      ]),
      11: -12345n,
      12: null,
    };
    const bytes = writeAvroContainer(schema, [toAvro(value, struct, "row")]);
    const container = readAvroContainer(bytes, "row.avro");
    const decoding = prepareForDecoding(container.schema);
    const [raw] = container.records(decoding.schema);
    expect(fromAvro(raw, decoding.schema, struct, decoding)).toEqual(value);
    // the decimal fixed type is defined once and referenced by name after
    expect(JSON.stringify(schema).match(/"name":"decimal_9_2"/g)).toHaveLength(1);
  });
});

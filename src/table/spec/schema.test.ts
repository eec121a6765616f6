import { describe, expect, it } from "vitest";
import {
  jsonSingleValue,
  parseJsonLossless,
  parseJsonSingleValue,
  parsePartitionSpec,
  parseSchema,
  parseSortOrder,
  parseType,
  partitionSpecToJson,
  PartitionSpec,
  schemaToJson,
  sortOrderToJson,
  stringifyJson,
  typeToJson,
  type IcebergType,
} from "./index.js";

const schemaJson = {
  type: "struct",
  "schema-id": 4,
  "identifier-field-ids": [1],
  fields: [
    { id: 1, name: "id", required: true, type: "long" },
    {
      id: 2,
      name: "location",
      required: false,
      type: {
        type: "struct",
        fields: [
          { id: 3, name: "lat", required: false, type: "double" },
          { id: 4, name: "Long", required: false, type: "double", doc: "longitude" },
        ],
      },
    },
    {
      id: 5,
      name: "points",
      required: false,
      type: {
        type: "list",
        "element-id": 6,
        "element-required": true,
        element: { type: "struct", fields: [{ id: 7, name: "x", required: true, type: "int" }] },
      },
    },
    {
      id: 8,
      name: "attrs",
      required: false,
      type: { type: "map", "key-id": 9, key: "string", "value-id": 10, "value-required": false, value: "decimal(9, 2)" },
    },
    { id: 11, name: "a.b", required: false, type: "fixed[ 16 ]" },
  ],
};

describe("Schema", () => {
  const schema = parseSchema(parseJsonLossless(JSON.stringify(schemaJson), "s"), "s");

  it("parses ids, identifier fields and the highest field id", () => {
    expect(schema.schemaId).toBe(4);
    expect(schema.identifierFieldIds).toEqual([1]);
    expect(schema.highestFieldId).toBe(11);
    expect(schema.findType(10)).toEqual({ type: "decimal", precision: 9, scale: 2 });
    expect(schema.findType(11)).toEqual({ type: "fixed", length: 16 });
    expect(schema.findField(4)?.doc).toBe("longitude");
  });

  it("finds fields by id at any depth, including list elements and map keys and values", () => {
    expect(schema.findField(3)?.name).toBe("lat");
    expect(schema.findField(6)).toMatchObject({ name: "element", required: true });
    expect(schema.findField(9)).toMatchObject({ name: "key", required: true, type: { type: "string" } });
    expect(schema.findColumnName(7)).toBe("points.element.x");
    expect(schema.findColumnName(10)).toBe("attrs.value");
    expect(schema.parentId(3)).toBe(2);
    expect(schema.parentId(1)).toBeUndefined();
    expect(schema.findField(99)).toBeUndefined();
    expect(() => schema.field(99)).toThrow("schema 4 has no field with id 99");
  });

  it("finds fields by dotted name, with and without case", () => {
    expect(schema.findFieldByName("location.lat")?.id).toBe(3);
    expect(schema.findFieldByName("location.long")).toBeUndefined();
    expect(schema.findFieldByName("LOCATION.long", false)?.id).toBe(4);
    expect(schema.findFieldByName("points.element.x")?.id).toBe(7);
    expect(schema.findFieldByName("points.x")?.id).toBe(7);
    expect(schema.findFieldByName("attrs.key")?.id).toBe(9);
    expect(schema.findFieldByName("a.b")?.id).toBe(11);
  });

  it("serializes back to the same JSON", () => {
    const again = parseSchema(parseJsonLossless(stringifyJson(schemaToJson(schema)), "again"));
    expect(again).toEqual(schema);
    expect(schemaToJson(again)).toMatchObject({ "schema-id": 4, "identifier-field-ids": [1] });
    expect(typeToJson(schema.findType(10)!)).toBe("decimal(9,2)");
  });

  it("refuses types floe does not support with an unsupported error", () => {
    expect(() => parseType("variant", "t.json")).toThrow("t.json: type has type variant, which floe does not support yet");
    expect(() => parseType("geometry(srid:4326)", "t.json")).toThrow(/not support/);
  });
});

describe("partition specs and sort orders", () => {
  it("round trip, with v3 multi-argument source ids", () => {
    const json = {
      "spec-id": 2,
      fields: [
        { "source-id": 1, "field-id": 1000, name: "id_bucket", transform: "bucket[16]" },
        { "source-ids": [1, 2], "field-id": 1001, name: "multi", transform: "zorder" },
      ],
    };
    const spec = parsePartitionSpec(parseJsonLossless(JSON.stringify(json), "p"));
    expect(spec.fields[1]).toEqual({ sourceId: 1, sourceIds: [1, 2], fieldId: 1001, name: "multi", transform: "zorder" });
    expect(partitionSpecToJson(spec)).toEqual(json);
    expect(spec.lastAssignedFieldId()).toBe(1001);
    const order = { "order-id": 1, fields: [{ transform: "identity", "source-id": 2, direction: "desc", "null-order": "nulls-last" }] };
    expect(sortOrderToJson(parseSortOrder(parseJsonLossless(JSON.stringify(order), "o")))).toEqual(order);
    expect(() => parseSortOrder(parseJsonLossless(JSON.stringify({ ...order, fields: [{ ...order.fields[0], direction: "up" }] }), "o.json"), "o.json")).toThrow(
      'o.json: fields[0].direction must be "asc" or "desc", got "up"',
    );
  });

  it("give partition result types as Java writes them", () => {
    const schema = parseSchema(
      parseJsonLossless(
        JSON.stringify({
          type: "struct",
          fields: [
            { id: 1, name: "ts", required: false, type: "timestamptz" },
            { id: 2, name: "s", required: false, type: "string" },
            { id: 3, name: "dec", required: false, type: "decimal(10,2)" },
          ],
        }),
        "s",
      ),
    );
    const spec = new PartitionSpec(0, [
      { sourceId: 1, fieldId: 1000, name: "day", transform: "day" },
      { sourceId: 1, fieldId: 1001, name: "hour", transform: "hour" },
      { sourceId: 2, fieldId: 1002, name: "b", transform: "bucket[4]" },
      { sourceId: 2, fieldId: 1003, name: "t", transform: "truncate[3]" },
      { sourceId: 3, fieldId: 1004, name: "v", transform: "void" },
      { sourceId: 3, fieldId: 1005, name: "x", transform: "some_future_transform" },
      { sourceId: 42, fieldId: 1006, name: "gone", transform: "identity" },
    ]);
    expect(spec.partitionType(schema).fields.map((f) => [f.id, f.required, f.type])).toEqual([
      [1000, false, { type: "date" }],
      [1001, false, { type: "int" }],
      [1002, false, { type: "int" }],
      [1003, false, { type: "string" }],
      [1004, false, { type: "decimal", precision: 10, scale: 2 }],
      [1005, false, { type: "unknown" }],
      [1006, false, { type: "unknown" }],
    ]);
  });
});

describe("JSON single values", () => {
  const cases: [IcebergType, unknown, unknown][] = [
    [{ type: "boolean" }, true, true],
    [{ type: "int" }, 34, 34],
    [{ type: "long" }, "9223372036854775807", 9223372036854775807n],
    [{ type: "double" }, 1.5, 1.5],
    [{ type: "decimal", precision: 9, scale: 2 }, "14.20", 1420n],
    [{ type: "decimal", precision: 9, scale: 2 }, "-0.05", -5n],
    [{ type: "decimal", precision: 21, scale: -20 }, "2E+20", 2n],
    [{ type: "date" }, "2017-11-16", 17486],
    [{ type: "date" }, "1969-12-31", -1],
    [{ type: "time" }, "22:31:08.123456", 81068123456n],
    [{ type: "timestamp" }, "2017-11-16T22:31:08.123456", 1510871468123456n],
    [{ type: "timestamp" }, "1969-12-31T23:59:59.999999", -1n],
    [{ type: "timestamptz" }, "2017-11-16T22:31:08.123456+00:00", 1510871468123456n],
    [{ type: "timestamp_ns" }, "2017-11-16T22:31:08.123456789", 1510871468123456789n],
    [{ type: "timestamptz_ns" }, "2017-11-16T22:31:08.123456789+00:00", 1510871468123456789n],
    [{ type: "string" }, "iceberg", "iceberg"],
    [{ type: "uuid" }, "f79c3e09-677c-4bbd-a479-3f349cb785e7", "f79c3e09-677c-4bbd-a479-3f349cb785e7"],
    [{ type: "fixed", length: 4 }, "000102ff", new Uint8Array([0, 1, 2, 255])],
    [{ type: "binary" }, "000102ff", new Uint8Array([0, 1, 2, 255])],
    [{ type: "list", elementId: 1, elementRequired: true, element: { type: "int" } }, [1, 2, 3], [1, 2, 3]],
    [
      { type: "map", keyId: 1, key: { type: "string" }, valueId: 2, valueRequired: true, value: { type: "int" } },
      { keys: ["a", "b"], values: [1, 2] },
      new Map([
        ["a", 1],
        ["b", 2],
      ]),
    ],
    [{ type: "struct", fields: [{ id: 1, name: "x", required: true, type: { type: "int" } }] }, { "1": 1 }, { 1: 1 }],
  ];

  it.each(cases.map(([type, json, value]) => [JSON.stringify(json), type, json, value] as const))("%s", (_name, type, json, value) => {
    const text = typeof json === "string" && type.type === "long" ? json : JSON.stringify(json);
    const parsed = parseJsonSingleValue(parseJsonLossless(text, "v"), type);
    expect(parsed).toEqual(value);
    const back = parseJsonSingleValue(parseJsonLossless(stringifyJson(jsonSingleValue(parsed, type)), "v"), type);
    expect(back).toEqual(value);
  });

  it("writes the spec's canonical forms", () => {
    expect(jsonSingleValue(1420n, { type: "decimal", precision: 9, scale: 2 })).toBe("14.20");
    expect(jsonSingleValue(-5n, { type: "decimal", precision: 9, scale: 2 })).toBe("-0.05");
    expect(jsonSingleValue(12345n, { type: "timestamptz" })).toBe("1970-01-01T00:00:00.012345+00:00");
    expect(jsonSingleValue(-1n, { type: "timestamp" })).toBe("1969-12-31T23:59:59.999999");
    expect(jsonSingleValue(17486, { type: "date" })).toBe("2017-11-16");
    expect(jsonSingleValue(new Uint8Array([0xab]), { type: "binary" })).toBe("ab");
  });

  it("converts zone offsets and refuses values that do not fit", () => {
    expect(parseJsonSingleValue("2017-11-16T23:31:08+01:00", { type: "timestamptz" })).toBe(1510871468000000n);
    expect(parseJsonSingleValue("2017-11-16T22:31:08Z", { type: "timestamptz" })).toBe(1510871468000000n);
    expect(() => parseJsonSingleValue("2017-11-16T22:31:08+00:00", { type: "timestamp" })).toThrow(/without zone offset/);
    expect(() => parseJsonSingleValue("2017-02-30", { type: "date" })).toThrow(/not a valid date/);
    expect(() => parseJsonSingleValue("1.234", { type: "decimal", precision: 9, scale: 2 })).toThrow(/needs scale 2/);
    expect(() => parseJsonSingleValue("0102", { type: "fixed", length: 3 })).toThrow(/has 2 bytes/);
    expect(() => parseJsonSingleValue(parseJsonLossless("2147483648", "v"), { type: "int" })).toThrow(/not a valid int/);
  });
});

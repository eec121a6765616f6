import { describe, expect, it } from "vitest";
import { isFloeError } from "../../../core/errors/FloeError.js";
import type { IcebergType } from "../../../table/spec/types.js";
import { sqlTypeToIceberg } from "./sqlTypes.js";

const list = (element: IcebergType): IcebergType => ({ type: "list", elementId: 0, elementRequired: false, element });
const map = (key: IcebergType, value: IcebergType): IcebergType => ({ type: "map", keyId: 0, key, valueId: 0, valueRequired: false, value });
const int: IcebergType = { type: "int" };
const string: IcebergType = { type: "string" };

describe("sqlTypeToIceberg", () => {
  it.each<[string, IcebergType["type"]]>([
    ["BOOLEAN", "boolean"],
    ["bool", "boolean"],
    ["TINYINT", "int"],
    ["SMALLINT", "int"],
    ["INTEGER", "int"],
    ["int", "int"],
    ["INT4", "int"],
    ["BIGINT", "long"],
    ["LONG", "long"],
    ["INT8", "long"],
    ["REAL", "float"],
    ["FLOAT", "float"],
    ["FLOAT4", "float"],
    ["DOUBLE", "double"],
    ["FLOAT8", "double"],
    ["DOUBLE PRECISION", "double"],
    ["VARCHAR", "string"],
    ["STRING", "string"],
    ["TEXT", "string"],
    ["CHAR(10)", "string"],
    ["VARCHAR(255)", "string"],
    ["BLOB", "binary"],
    ["BYTEA", "binary"],
    ["BINARY", "binary"],
    ["VARBINARY", "binary"],
    ["DATE", "date"],
    ["TIME", "time"],
    ["TIMESTAMP", "timestamp"],
    ["DATETIME", "timestamp"],
    ["TIMESTAMP_NTZ", "timestamp"],
    ["TIMESTAMP WITHOUT TIME ZONE", "timestamp"],
    ["TIMESTAMPTZ", "timestamptz"],
    ["timestamp with time zone", "timestamptz"],
    ["TIMESTAMP_LTZ", "timestamptz"],
    ["TIMESTAMP_NS", "timestamp_ns"],
    ["TIMESTAMPTZ_NS", "timestamptz_ns"],
    ["UUID", "uuid"],
  ])("%s → %s", (text, type) => {
    expect(sqlTypeToIceberg(text)).toEqual({ type });
  });

  it.each<[string, IcebergType]>([
    ["DECIMAL(9, 2)", { type: "decimal", precision: 9, scale: 2 }],
    ["numeric(38,10)", { type: "decimal", precision: 38, scale: 10 }],
    ["DECIMAL(5)", { type: "decimal", precision: 5, scale: 0 }],
    ["DECIMAL", { type: "decimal", precision: 18, scale: 3 }],
    ["FIXED(16)", { type: "fixed", length: 16 }],
    ["INT[]", list(int)],
    ["VARCHAR[][]", list(list(string))],
    ["LIST(INT)", list(int)],
    ["ARRAY<STRING>", list(string)],
    ["ARRAY<ARRAY<INT>>", list(list(int))],
    ["MAP(VARCHAR, INT)", map(string, int)],
    ["MAP<STRING, ARRAY<INT>>", map(string, list(int))],
    ["MAP<STRING, MAP<STRING, INT>>", map(string, map(string, int))],
    [
      "STRUCT(a INT, \"B c\" VARCHAR)",
      {
        type: "struct",
        fields: [
          { id: 0, name: "a", required: false, type: int },
          { id: 0, name: "B c", required: false, type: string },
        ],
      },
    ],
    [
      "STRUCT<x: DOUBLE NOT NULL COMMENT 'east', `y`: STRUCT<z: INT>>",
      {
        type: "struct",
        fields: [
          { id: 0, name: "x", required: true, type: { type: "double" }, doc: "east" },
          { id: 0, name: "y", required: false, type: { type: "struct", fields: [{ id: 0, name: "z", required: false, type: int }] } },
        ],
      },
    ],
    ["STRUCT(a INT)[]", list({ type: "struct", fields: [{ id: 0, name: "a", required: false, type: int }] })],
  ])("%s", (text, type) => {
    expect(sqlTypeToIceberg(text)).toEqual(type);
  });

  it("returns a fresh object each time, so callers may assign ids in place", () => {
    const a = sqlTypeToIceberg("INT");
    expect(a).not.toBe(sqlTypeToIceberg("INT"));
  });

  it.each([
    ["GEOMETRY", 'unknown type "GEOMETRY" at 1:1'],
    ["STRUCT(a FOO)", 'unknown type "FOO" at 1:10'],
    ["DECIMAL(39, 2)", "DECIMAL precision 39 is out of range 1..38 at 1:1"],
    ["DECIMAL(5, 6)", "DECIMAL scale 6 is out of range 0..5 at 1:1"],
    ["HUGEINT", "type HUGEINT has no Iceberg equivalent at 1:1"],
    ["TIME WITH TIME ZONE", "type TIME WITH TIME ZONE has no Iceberg equivalent at 1:1"],
    ["MAP(INT)", 'expected "," after "INT" at 1:8 (found ")")'],
    ["ARRAY<INT", 'expected ">" after "INT" at 1:10 (end of statement)'],
    ["INT NOT NULL", 'expected the end of the statement after "INT" at 1:5 (found "NOT")'],
    ["", "expected a type at 1:1 (end of statement)"],
  ])("rejects %j", (text, message) => {
    try {
      sqlTypeToIceberg(text);
      expect.unreachable();
    } catch (error) {
      expect(isFloeError(error, "invalid-input")).toBe(true);
      expect((error as Error).message).toBe(message);
    }
  });
});

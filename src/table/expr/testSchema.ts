import type { StructType } from "../spec/types.js";
import { FieldIndex } from "./FieldIndex.js";

/** A schema with one column of most types, shared by the expression tests. */
export const TEST_STRUCT: StructType = {
  type: "struct",
  fields: [
    { id: 1, name: "id", required: true, type: { type: "long" } },
    { id: 2, name: "ts", required: false, type: { type: "timestamp" } },
    { id: 3, name: "name", required: false, type: { type: "string" } },
    { id: 4, name: "price", required: false, type: { type: "decimal", precision: 9, scale: 2 } },
    { id: 5, name: "score", required: false, type: { type: "double" } },
    { id: 6, name: "d", required: false, type: { type: "date" } },
    { id: 7, name: "n", required: false, type: { type: "int" } },
    { id: 8, name: "tstz", required: false, type: { type: "timestamptz" } },
    { id: 9, name: "ts_ns", required: false, type: { type: "timestamp_ns" } },
    { id: 10, name: "u", required: false, type: { type: "uuid" } },
    {
      id: 11,
      name: "location",
      required: false,
      type: {
        type: "struct",
        fields: [
          { id: 12, name: "city", required: true, type: { type: "string" } },
          { id: 13, name: "zip", required: false, type: { type: "string" } },
        ],
      },
    },
    {
      id: 14,
      name: "tags",
      required: false,
      type: { type: "list", elementId: 15, elementRequired: true, element: { type: "string" } },
    },
    { id: 16, name: "bin", required: false, type: { type: "binary" } },
    { id: 17, name: "f", required: false, type: { type: "float" } },
    { id: 18, name: "flag", required: true, type: { type: "boolean" } },
    { id: 19, name: "t", required: false, type: { type: "time" } },
    { id: 20, name: "nothing", required: false, type: { type: "unknown" } },
  ],
};

export const TEST_SCHEMA = FieldIndex.fromStruct(TEST_STRUCT);

/**
 * The Iceberg type system (format/spec.md, "Schemas and Data Types") as plain data.
 *
 * In-memory values of each type, used everywhere floe holds a single value
 * (partition tuples, column bounds, literals in expressions, defaults):
 *
 * | type                                   | TypeScript value                          |
 * |----------------------------------------|-------------------------------------------|
 * | boolean                                | boolean                                   |
 * | int, date (days since 1970-01-01)      | number                                    |
 * | long                                   | bigint                                    |
 * | time (µs since midnight)               | bigint                                    |
 * | timestamp, timestamptz (µs since epoch)| bigint                                    |
 * | timestamp_ns, timestamptz_ns (ns)      | bigint                                    |
 * | float, double                          | number                                    |
 * | decimal(P,S)                           | bigint (the unscaled value)               |
 * | string                                 | string                                    |
 * | uuid                                   | string, lowercase canonical form          |
 * | fixed(L), binary                       | Uint8Array                                |
 * | unknown                                | null (always null)                        |
 *
 * 64-bit quantities are bigint so that nothing above 2^53 is ever rounded.
 */

export type PrimitiveTypeName =
  | "boolean"
  | "int"
  | "long"
  | "float"
  | "double"
  | "decimal"
  | "date"
  | "time"
  | "timestamp"
  | "timestamptz"
  | "timestamp_ns"
  | "timestamptz_ns"
  | "string"
  | "uuid"
  | "fixed"
  | "binary"
  | "unknown";

export type PrimitiveType =
  | { type: "boolean" }
  | { type: "int" }
  | { type: "long" }
  | { type: "float" }
  | { type: "double" }
  | { type: "decimal"; precision: number; scale: number }
  | { type: "date" }
  | { type: "time" }
  | { type: "timestamp" }
  | { type: "timestamptz" }
  | { type: "timestamp_ns" }
  | { type: "timestamptz_ns" }
  | { type: "string" }
  | { type: "uuid" }
  | { type: "fixed"; length: number }
  | { type: "binary" }
  | { type: "unknown" };

export interface NestedField {
  id: number;
  name: string;
  required: boolean;
  type: IcebergType;
  doc?: string;
  /** Value for rows written before the field existed (v3 `initial-default`), in the in-memory form above. */
  initialDefault?: unknown;
  /** Value a writer uses when a row omits the field (v3 `write-default`). */
  writeDefault?: unknown;
}

export interface StructType {
  type: "struct";
  fields: NestedField[];
}

export interface ListType {
  type: "list";
  elementId: number;
  elementRequired: boolean;
  element: IcebergType;
}

export interface MapType {
  type: "map";
  keyId: number;
  key: IcebergType;
  valueId: number;
  valueRequired: boolean;
  value: IcebergType;
}

export type NestedType = StructType | ListType | MapType;
export type IcebergType = PrimitiveType | NestedType;

export function isPrimitive(type: IcebergType): type is PrimitiveType {
  return type.type !== "struct" && type.type !== "list" && type.type !== "map";
}

/** The spec's string form of a primitive type: `decimal(9,2)`, `fixed[16]`, `long`. */
export function primitiveTypeToString(type: PrimitiveType): string {
  switch (type.type) {
    case "decimal":
      return `decimal(${type.precision},${type.scale})`;
    case "fixed":
      return `fixed[${type.length}]`;
    default:
      return type.type;
  }
}

export function typeToString(type: IcebergType): string {
  switch (type.type) {
    case "struct":
      return `struct<${type.fields.map((f) => `${f.name}: ${typeToString(f.type)}`).join(", ")}>`;
    case "list":
      return `list<${typeToString(type.element)}>`;
    case "map":
      return `map<${typeToString(type.key)}, ${typeToString(type.value)}>`;
    default:
      return primitiveTypeToString(type);
  }
}

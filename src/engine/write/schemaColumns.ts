/**
 * The Parquet view of an Iceberg schema: the leaf columns a data file stores (with the path
 * of names DuckDB reports for them), and DuckDB's FIELD_IDS option that gives every column
 * its field id.
 */
import type { Schema } from "../../table/spec/schema.js";
import type { IcebergType, NestedField, PrimitiveType } from "../../table/spec/types.js";
import { quoteString } from "../duckdb/duckdbTypes.js";

/** A step from a column down to a nested one: a struct field, or into a list's elements or a map's keys or values. */
export type ColumnStep = { kind: "field"; name: string } | { kind: "element" } | { kind: "key" } | { kind: "value" };

export interface LeafColumn {
  fieldId: number;
  /** Names from the top-level column down: `["point", "x"]`, `["tags", "element"]`, `["attrs", "value"]`. */
  path: string[];
  /** The schema's full dotted name (`point.x`), used by per-column properties. */
  name: string;
  type: PrimitiveType;
  /** Under a list or a map: values repeat per row. */
  repeated: boolean;
  /** The steps from the top-level column (`path[0]`) to the leaf. */
  steps: ColumnStep[];
}

/** The primitive leaves of the schema in schema order (columns of type `unknown` are never stored). */
export function leafColumns(schema: Schema): LeafColumn[] {
  const out: LeafColumn[] = [];
  const visit = (id: number, type: IcebergType, path: string[], repeated: boolean, steps: ColumnStep[]) => {
    switch (type.type) {
      case "struct":
        for (const f of type.fields) visit(f.id, f.type, [...path, f.name], repeated, [...steps, { kind: "field", name: f.name }]);
        return;
      case "list":
        visit(type.elementId, type.element, [...path, "element"], true, [...steps, { kind: "element" }]);
        return;
      case "map":
        visit(type.keyId, type.key, [...path, "key"], true, [...steps, { kind: "key" }]);
        visit(type.valueId, type.value, [...path, "value"], true, [...steps, { kind: "value" }]);
        return;
      case "unknown":
        return;
      default:
        out.push({ fieldId: id, path, name: schema.findColumnName(id) ?? path.join("."), type, repeated, steps });
    }
  };
  for (const field of schema.fields) visit(field.id, field.type, [field.name], false, []);
  return out;
}

/** The top-level fields a data file stores (all but `unknown` ones). */
export function storedFields(schema: Schema): NestedField[] {
  return schema.fields.filter((f) => f.type.type !== "unknown");
}

/** DuckDB's `FIELD_IDS {...}` value for the stored columns, nested ones included. */
export function fieldIdsOption(fields: readonly NestedField[]): string {
  const entry = (name: string, id: number, type: IcebergType): string => `${quoteString(name)}: ${idsOf(id, type)}`;
  const idsOf = (id: number, type: IcebergType): string => {
    switch (type.type) {
      case "struct":
        return `{__duckdb_field_id: ${id}${type.fields
          .filter((f) => f.type.type !== "unknown")
          .map((f) => `, ${entry(f.name, f.id, f.type)}`)
          .join("")}}`;
      case "list":
        return `{__duckdb_field_id: ${id}, element: ${idsOf(type.elementId, type.element)}}`;
      case "map":
        return `{__duckdb_field_id: ${id}, key: ${idsOf(type.keyId, type.key)}, value: ${idsOf(type.valueId, type.value)}}`;
      default:
        return String(id);
    }
  };
  return `{${fields.map((f) => entry(f.name, f.id, f.type)).join(", ")}}`;
}

/**
 * Splits a column key of DuckDB's write statistics (`"point"."x"`, `"a""b"`, `"tags"."element"`)
 * into its names.
 */
export function parseColumnKey(key: string): string[] {
  const names: string[] = [];
  let i = 0;
  while (i < key.length) {
    if (key[i] === '"') {
      let name = "";
      i++;
      for (;;) {
        if (i >= key.length) return [...names, name];
        if (key[i] === '"') {
          if (key[i + 1] === '"') {
            name += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        name += key[i++];
      }
      names.push(name);
    } else {
      const dot = key.indexOf(".", i);
      names.push(key.slice(i, dot === -1 ? key.length : dot));
      i = dot === -1 ? key.length : dot;
    }
    if (key[i] === ".") i++;
  }
  return names;
}

/** A stable key for a path of names. */
export function pathKey(path: readonly string[]): string {
  return JSON.stringify(path);
}

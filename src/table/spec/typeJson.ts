/**
 * The JSON form of types and schemas (format/spec.md, Appendix C), including field
 * defaults in the JSON single-value form.
 */
import { unsupported } from "../../core/errors/FloeError.js";
import { JsonFields } from "./json.js";
import { Schema } from "./schema.js";
import { jsonSingleValue, parseJsonSingleValue, SingleValueError } from "./singleValueJson.js";
import type { IcebergType, NestedField, PrimitiveType, StructType } from "./types.js";
import { primitiveTypeToString } from "./types.js";

const SIMPLE_TYPES = new Set([
  "boolean",
  "int",
  "long",
  "float",
  "double",
  "date",
  "time",
  "timestamp",
  "timestamptz",
  "timestamp_ns",
  "timestamptz_ns",
  "string",
  "uuid",
  "binary",
  "unknown",
]);
const DECIMAL_RE = /^decimal\s*\(\s*(\d+)\s*,\s*(-?\d+)\s*\)$/;
const FIXED_RE = /^fixed\s*\[\s*(\d+)\s*\]$/;
const UNSUPPORTED_RE = /^(variant|geometry|geography)\b/;

/** A primitive type from its string form; undefined when the string names no primitive type floe knows. */
export function parsePrimitiveType(text: string): PrimitiveType | undefined {
  const t = text.trim();
  if (SIMPLE_TYPES.has(t)) return { type: t } as PrimitiveType;
  const d = DECIMAL_RE.exec(t);
  if (d) return { type: "decimal", precision: Number(d[1]), scale: Number(d[2]) };
  const f = FIXED_RE.exec(t);
  if (f) return { type: "fixed", length: Number(f[1]) };
  return undefined;
}

/**
 * Parses a type's JSON form. `json` is the value of the key `key` of `parent`, so that
 * errors name the file and field path.
 */
export function parseTypeAt(parent: JsonFields, key: string): IcebergType {
  const json = parent.raw(key);
  if (typeof json === "string") {
    const p = parsePrimitiveType(json);
    if (p !== undefined) return p;
    if (UNSUPPORTED_RE.test(json.trim())) {
      throw unsupported(`${parent.source}: ${parent.pathOf(key)} has type ${json}, which floe does not support yet`, {
        file: parent.source,
        field: parent.pathOf(key),
      });
    }
    throw parent.error(key, `names an unknown type ${JSON.stringify(json)}`);
  }
  const obj = parent.object(key);
  const kind = obj.string("type");
  switch (kind) {
    case "struct":
      return parseStructType(obj);
    case "list":
      return {
        type: "list",
        elementId: obj.int("element-id"),
        elementRequired: obj.bool("element-required"),
        element: parseTypeAt(obj, "element"),
      };
    case "map":
      return {
        type: "map",
        keyId: obj.int("key-id"),
        key: parseTypeAt(obj, "key"),
        valueId: obj.int("value-id"),
        valueRequired: obj.bool("value-required"),
        value: parseTypeAt(obj, "value"),
      };
    default:
      throw obj.error("type", `names an unknown nested type ${JSON.stringify(kind)}`);
  }
}

function parseStructType(obj: JsonFields): StructType {
  return { type: "struct", fields: obj.objects("fields").map(parseField) };
}

function parseField(obj: JsonFields): NestedField {
  const type = parseTypeAt(obj, "type");
  const field: NestedField = {
    id: obj.int("id"),
    name: obj.string("name"),
    required: obj.bool("required"),
    type,
  };
  const doc = obj.optString("doc");
  if (doc !== undefined) field.doc = doc;
  for (const [key, prop] of [
    ["initial-default", "initialDefault"],
    ["write-default", "writeDefault"],
  ] as const) {
    if (!obj.has(key)) continue;
    try {
      field[prop] = parseJsonSingleValue(obj.raw(key), type);
    } catch (error) {
      if (error instanceof SingleValueError) throw obj.error(key, error.message);
      throw error;
    }
  }
  return field;
}

/** Parses a type from a JSON value that stands alone (e.g. `"decimal(9,2)"` or a struct object). */
export function parseType(json: unknown, source = "type"): IcebergType {
  return parseTypeAt(JsonFields.of({ type: json }, source), "type");
}

/** Parses a schema object: a struct with `schema-id` and `identifier-field-ids`. */
export function parseSchemaJson(obj: JsonFields): Schema {
  const struct = parseStructType(obj);
  return new Schema(struct.fields, {
    schemaId: obj.optInt("schema-id") ?? 0,
    identifierFieldIds: obj.optInts("identifier-field-ids") ?? [],
  });
}

/** Parses a schema from a parsed JSON value; `source` names where it came from in errors. */
export function parseSchema(json: unknown, source = "schema"): Schema {
  return parseSchemaJson(JsonFields.of(json, source));
}

/** The JSON form of a type. Longs in defaults stay bigint: serialize with `stringifyJson`. */
export function typeToJson(type: IcebergType): unknown {
  switch (type.type) {
    case "struct":
      return { type: "struct", fields: type.fields.map(fieldToJson) };
    case "list":
      return { type: "list", "element-id": type.elementId, element: typeToJson(type.element), "element-required": type.elementRequired };
    case "map":
      return {
        type: "map",
        "key-id": type.keyId,
        key: typeToJson(type.key),
        "value-id": type.valueId,
        value: typeToJson(type.value),
        "value-required": type.valueRequired,
      };
    default:
      return primitiveTypeToString(type);
  }
}

function fieldToJson(field: NestedField): Record<string, unknown> {
  const out: Record<string, unknown> = { id: field.id, name: field.name, required: field.required, type: typeToJson(field.type) };
  if (field.doc !== undefined) out.doc = field.doc;
  if (field.initialDefault !== undefined && field.initialDefault !== null) out["initial-default"] = jsonSingleValue(field.initialDefault, field.type);
  if (field.writeDefault !== undefined && field.writeDefault !== null) out["write-default"] = jsonSingleValue(field.writeDefault, field.type);
  return out;
}

/** The JSON form of a schema. */
export function schemaToJson(schema: Schema): Record<string, unknown> {
  return {
    type: "struct",
    "schema-id": schema.schemaId,
    "identifier-field-ids": [...schema.identifierFieldIds],
    fields: schema.fields.map(fieldToJson),
  };
}

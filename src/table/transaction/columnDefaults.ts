/**
 * Column default values (`initial-default`, `write-default`; format/spec.md, "Default values")
 * of columns that schema evolution adds or changes: checked against the column's type and the
 * table's format version, and brought to the in-memory form of the type (a `long` given as a
 * number becomes a bigint).
 */
import { invalidInput } from "../../core/errors/FloeError.js";
import { jsonSingleValue, parseJsonSingleValue, SingleValueError } from "../spec/singleValueJson.js";
import type { FormatVersion } from "../spec/tableMetadata.js";
import type { IcebergType, NestedField } from "../spec/types.js";

/** Defaults other than null exist from this format version on. */
export const DEFAULT_VALUES_FORMAT_VERSION = 3;

export type DefaultKind = "initial default" | "write default";

/** `value` as a default of `column`; undefined for no default (null and undefined alike). */
export function checkDefault(value: unknown, type: IcebergType, column: string, kind: DefaultKind, formatVersion: FormatVersion): unknown {
  if (value === undefined || value === null) return undefined;
  const where = `column ${JSON.stringify(column)}`;
  if (formatVersion < DEFAULT_VALUES_FORMAT_VERSION) {
    throw invalidInput(`${where}: a non-null ${kind} needs format version ${DEFAULT_VALUES_FORMAT_VERSION}, and the table is version ${formatVersion}`, {
      column,
    });
  }
  if (type.type === "unknown") throw invalidInput(`${where}: a column of type unknown can only default to null`, { column });
  if (type.type === "struct") {
    // a struct's default holds no field values: each field has its own default
    if (typeof value !== "object" || Array.isArray(value) || Object.keys(value as object).length > 0) {
      throw invalidInput(`${where}: the ${kind} of a struct can only be null or an empty struct ({}); give its fields defaults of their own`, { column });
    }
    return {};
  }
  try {
    return parseJsonSingleValue(jsonSingleValue(value, type), type);
  } catch (error) {
    if (error instanceof SingleValueError) throw invalidInput(`${where}: invalid ${kind}: ${error.message}`, { column });
    throw error;
  }
}

/**
 * A field being added, with its defaults and those of the struct fields inside it checked;
 * a write default left out starts as the initial default. `existingRows` says whether rows
 * written before the field existed will read it through its initial default: true for the
 * added column itself, and for the fields of a struct whose initial default is `{}`. A
 * required field read that way needs a non-null initial default.
 */
export function checkAddedFieldDefaults(field: NestedField, column: string, formatVersion: FormatVersion, existingRows: boolean): NestedField {
  const initialDefault = checkDefault(field.initialDefault, field.type, column, "initial default", formatVersion);
  const writeDefault =
    field.writeDefault === undefined ? initialDefault : checkDefault(field.writeDefault, field.type, column, "write default", formatVersion);
  if (existingRows && field.required && initialDefault === undefined) {
    const hint =
      formatVersion < DEFAULT_VALUES_FORMAT_VERSION
        ? `; defaults need format version ${DEFAULT_VALUES_FORMAT_VERSION} (the table is version ${formatVersion}), so add it as optional`
        : "";
    throw invalidInput(`cannot add required column ${JSON.stringify(column)} without an initial default: rows written before it would have no value${hint}`, {
      column,
    });
  }
  const out: NestedField = { id: field.id, name: field.name, required: field.required, type: field.type };
  if (field.doc !== undefined) out.doc = field.doc;
  if (initialDefault !== undefined) out.initialDefault = initialDefault;
  if (writeDefault !== undefined) out.writeDefault = writeDefault;
  const type = field.type;
  if (type.type === "struct") {
    const fieldsRead = existingRows && initialDefault !== undefined;
    out.type = { type: "struct", fields: type.fields.map((f) => checkAddedFieldDefaults(f, `${column}.${f.name}`, formatVersion, fieldsRead)) };
  } else if (type.type === "list" || type.type === "map") {
    out.type = checkNestedDefaults(type, column, formatVersion);
  }
  return out;
}

/** Struct fields inside lists and maps are never read through defaults for old rows; their defaults are only checked. */
function checkNestedDefaults(type: IcebergType, column: string, formatVersion: FormatVersion): IcebergType {
  switch (type.type) {
    case "struct":
      return { type: "struct", fields: type.fields.map((f) => checkAddedFieldDefaults(f, `${column}.${f.name}`, formatVersion, false)) };
    case "list":
      return { ...type, element: checkNestedDefaults(type.element, `${column}.element`, formatVersion) };
    case "map":
      return { ...type, key: checkNestedDefaults(type.key, `${column}.key`, formatVersion), value: checkNestedDefaults(type.value, `${column}.value`, formatVersion) };
    default:
      return type;
  }
}

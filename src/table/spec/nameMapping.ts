/**
 * Name mapping (table property `schema.name-mapping.default`): field ids for data
 * files written without them, found by column name path.
 */
import { isJsonObject, JsonFields, parseJsonLossless, stringifyJson } from "./json.js";
import type { Schema } from "./schema.js";
import type { IcebergType } from "./types.js";

export const NAME_MAPPING_PROPERTY = "schema.name-mapping.default";

export interface MappedField {
  /** Absent for names that map to no field (the spec allows it). */
  fieldId?: number;
  names: string[];
  /** Mappings of nested fields: struct fields, `element` of a list, `key`/`value` of a map. */
  fields?: MappedField[];
}

export class NameMapping {
  readonly fields: readonly MappedField[];

  constructor(fields: readonly MappedField[]) {
    this.fields = fields;
  }

  /** The mapping at a name path, e.g. `["location", "lat"]`, `["tags", "element"]`, `["attrs", "key"]`. */
  find(path: readonly string[]): MappedField | undefined {
    let level: readonly MappedField[] | undefined = this.fields;
    let found: MappedField | undefined;
    for (const name of path) {
      found = level?.find((f) => f.names.includes(name));
      if (found === undefined) return undefined;
      level = found.fields;
    }
    return found;
  }

  /** The field id at a name path; undefined when unmapped. */
  fieldIdOf(path: readonly string[]): number | undefined {
    return this.find(path)?.fieldId;
  }

  /** A mapping with each field of `schema` under its current name. */
  static fromSchema(schema: Schema): NameMapping {
    return new NameMapping(schema.fields.map((f) => ({ fieldId: f.id, names: [f.name], ...nestedMapping(f.type) })));
  }
}

function nestedMapping(type: IcebergType): { fields?: MappedField[] } {
  switch (type.type) {
    case "struct":
      return { fields: type.fields.map((f) => ({ fieldId: f.id, names: [f.name], ...nestedMapping(f.type) })) };
    case "list":
      return { fields: [{ fieldId: type.elementId, names: ["element"], ...nestedMapping(type.element) }] };
    case "map":
      return {
        fields: [
          { fieldId: type.keyId, names: ["key"], ...nestedMapping(type.key) },
          { fieldId: type.valueId, names: ["value"], ...nestedMapping(type.value) },
        ],
      };
    default:
      return {};
  }
}

function parseMappedFields(holder: JsonFields, key: string): MappedField[] {
  return holder.objects(key).map((obj) => {
    const names = obj.array("names").map((n, i) => {
      if (typeof n !== "string") throw obj.error(`names[${i}]`, "must be a string");
      return n;
    });
    const field: MappedField = { names };
    const fieldId = obj.optInt("field-id");
    if (fieldId !== undefined) field.fieldId = fieldId;
    if (obj.has("fields")) field.fields = parseMappedFields(obj, "fields");
    return field;
  });
}

/**
 * Parses the JSON text of a name mapping: a list of field mappings (some writers wrap
 * the list as `{"type": "struct", "fields": [...]}`, which is accepted too).
 */
export function parseNameMapping(text: string, source = NAME_MAPPING_PROPERTY): NameMapping {
  const json = parseJsonLossless(text, source);
  const holder = JsonFields.of({ fields: isJsonObject(json) && "fields" in json ? json.fields : json }, source);
  return new NameMapping(parseMappedFields(holder, "fields"));
}

function mappedFieldToJson(field: MappedField): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (field.fieldId !== undefined) out["field-id"] = field.fieldId;
  out.names = [...field.names];
  if (field.fields !== undefined) out.fields = field.fields.map(mappedFieldToJson);
  return out;
}

export function nameMappingToJson(mapping: NameMapping): string {
  return stringifyJson(mapping.fields.map(mappedFieldToJson));
}

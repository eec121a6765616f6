/**
 * A table schema: a struct with a schema id and identifier fields, indexed for
 * lookups by field id and by (dotted) column name.
 */
import { invalidInput } from "../../core/errors/FloeError.js";
import type { IcebergType, NestedField, StructType } from "./types.js";

interface IndexedField {
  field: NestedField;
  /** Full dotted name: `a.b`, `tags.element`, `attrs.key`, `attrs.value.x`. */
  name: string;
  parentId: number | undefined;
}

export class Schema {
  readonly schemaId: number;
  readonly fields: readonly NestedField[];
  readonly identifierFieldIds: readonly number[];
  /** The highest field id anywhere in the schema (nested fields, list elements and map keys/values included); 0 when empty. */
  readonly highestFieldId: number;

  private readonly byId: ReadonlyMap<number, IndexedField>;
  private readonly byName: ReadonlyMap<string, number>;
  private readonly byLowerName: ReadonlyMap<string, number[]>;

  constructor(fields: readonly NestedField[], options: { schemaId?: number; identifierFieldIds?: readonly number[] } = {}) {
    this.schemaId = options.schemaId ?? 0;
    this.fields = fields;
    this.identifierFieldIds = options.identifierFieldIds ?? [];
    const byId = new Map<number, IndexedField>();
    const fullNames = new Map<string, number>();
    const shortNames = new Map<string, number>();
    indexFields(fields, [], [], undefined, byId, fullNames, shortNames);
    const byName = new Map(fullNames);
    for (const [name, id] of shortNames) if (!byName.has(name)) byName.set(name, id);
    const byLowerName = new Map<string, number[]>();
    for (const [name, id] of byName) {
      const key = name.toLowerCase();
      const ids = byLowerName.get(key);
      if (ids === undefined) byLowerName.set(key, [id]);
      else if (!ids.includes(id)) ids.push(id);
    }
    this.byId = byId;
    this.byName = byName;
    this.byLowerName = byLowerName;
    let highest = 0;
    for (const id of byId.keys()) highest = Math.max(highest, id);
    this.highestFieldId = highest;
    // the indexes are derived data: keep them out of equality checks and enumeration
    for (const key of ["byId", "byName", "byLowerName"]) Object.defineProperty(this, key, { enumerable: false });
  }

  /** The schema as a struct type. */
  asStruct(): StructType {
    return { type: "struct", fields: [...this.fields] };
  }

  /**
   * The field with this id at any depth. List elements and map keys/values are
   * returned as fields named `element`, `key` and `value`.
   */
  findField(id: number): NestedField | undefined {
    return this.byId.get(id)?.field;
  }

  /** Like `findField`, but an `invalid-input` error when the id is unknown. */
  field(id: number): NestedField {
    const f = this.findField(id);
    if (f === undefined) throw invalidInput(`schema ${this.schemaId} has no field with id ${id}`, { fieldId: id });
    return f;
  }

  findType(id: number): IcebergType | undefined {
    return this.findField(id)?.type;
  }

  /** The full dotted name of a field id (`location.lat`, `tags.element`). */
  findColumnName(id: number): string | undefined {
    return this.byId.get(id)?.name;
  }

  /** Id of the struct, list or map that directly holds the field; undefined for top-level fields. */
  parentId(id: number): number | undefined {
    return this.byId.get(id)?.parentId;
  }

  /**
   * The field with a dotted name (`a.b`; `tags.element`, `m.key`, `m.value`, and the short
   * forms that leave out `element`/`value` inside lists and maps of structs).
   * Case-insensitive lookups prefer an exact match and throw when the name matches
   * several fields that differ only by case.
   */
  findFieldByName(name: string, caseSensitive = true): NestedField | undefined {
    const id = this.findFieldIdByName(name, caseSensitive);
    return id === undefined ? undefined : this.findField(id);
  }

  findFieldIdByName(name: string, caseSensitive = true): number | undefined {
    const exact = this.byName.get(name);
    if (exact !== undefined || caseSensitive) return exact;
    const ids = this.byLowerName.get(name.toLowerCase());
    if (ids === undefined) return undefined;
    if (ids.length > 1) {
      const names = ids.map((i) => JSON.stringify(this.findColumnName(i))).join(", ");
      throw invalidInput(`column name ${JSON.stringify(name)} is ambiguous without case: it matches ${names}`, { name });
    }
    return ids[0];
  }

  /** Every field id of the schema (all depths), ascending. */
  allFieldIds(): number[] {
    return [...this.byId.keys()].sort((a, b) => a - b);
  }

  /** Top-level and nested field ids mapped to their full dotted names. */
  idToName(): ReadonlyMap<number, string> {
    return new Map([...this.byId].map(([id, f]) => [id, f.name]));
  }
}

function indexFields(
  fields: readonly NestedField[],
  fullPath: string[],
  shortPath: string[],
  parentId: number | undefined,
  byId: Map<number, IndexedField>,
  fullNames: Map<string, number>,
  shortNames: Map<string, number>,
): void {
  for (const field of fields) visit(field, [...fullPath, field.name], [...shortPath, field.name], parentId, byId, fullNames, shortNames);
}

function visit(
  field: NestedField,
  fullPath: string[],
  shortPath: string[],
  parentId: number | undefined,
  byId: Map<number, IndexedField>,
  fullNames: Map<string, number>,
  shortNames: Map<string, number>,
): void {
  const name = fullPath.join(".");
  byId.set(field.id, { field, name, parentId });
  fullNames.set(name, field.id);
  shortNames.set(shortPath.join("."), field.id);
  const type = field.type;
  if (type.type === "struct") {
    indexFields(type.fields, fullPath, shortPath, field.id, byId, fullNames, shortNames);
  } else if (type.type === "list") {
    const element: NestedField = { id: type.elementId, name: "element", required: type.elementRequired, type: type.element };
    // inside a list of structs, `list.field` is a short name for `list.element.field`
    const elementShort = type.element.type === "struct" ? shortPath : [...shortPath, "element"];
    visit(element, [...fullPath, "element"], elementShort, field.id, byId, fullNames, shortNames);
  } else if (type.type === "map") {
    const key: NestedField = { id: type.keyId, name: "key", required: true, type: type.key };
    const value: NestedField = { id: type.valueId, name: "value", required: type.valueRequired, type: type.value };
    visit(key, [...fullPath, "key"], [...shortPath, "key"], field.id, byId, fullNames, shortNames);
    const valueShort = type.value.type === "struct" ? shortPath : [...shortPath, "value"];
    visit(value, [...fullPath, "value"], valueShort, field.id, byId, fullNames, shortNames);
  }
}

/**
 * The view of a schema that binding needs: fields by id and by full dotted name.
 */

import { invalidInput } from "../../core/errors/FloeError.js";
import type { IcebergType, NestedField } from "../spec/types.js";

export interface SchemaFieldInfo {
  /** Full dotted name from the schema root (`address.city`). */
  readonly name: string;
  readonly type: IcebergType;
  /** False when the field, or any struct that contains it, is optional. */
  readonly required: boolean;
  /** True for fields inside a list or map (their statistics cover elements, not rows). */
  readonly repeated?: boolean;
}

export interface IndexedField extends SchemaFieldInfo {
  readonly id: number;
}

export class FieldIndex {
  private readonly byIdMap = new Map<number, IndexedField>();
  private readonly byNameMap = new Map<string, IndexedField>();
  private readonly byLowerNameMap = new Map<string, IndexedField[]>();

  private constructor(fields: Iterable<IndexedField>) {
    for (const field of fields) {
      this.byIdMap.set(field.id, field);
      this.byNameMap.set(field.name, field);
      const lower = field.name.toLowerCase();
      const same = this.byLowerNameMap.get(lower);
      if (same === undefined) this.byLowerNameMap.set(lower, [field]);
      else same.push(field);
    }
  }

  /** Indexes a schema's struct: every field, nested ones under dotted names. */
  static fromStruct(struct: { readonly fields: readonly NestedField[] }): FieldIndex {
    const out: IndexedField[] = [];
    const visit = (type: IcebergType, prefix: string, required: boolean, repeated: boolean): void => {
      switch (type.type) {
        case "struct":
          for (const f of type.fields) {
            const name = prefix + f.name;
            const fieldRequired = required && f.required;
            out.push({ id: f.id, name, type: f.type, required: fieldRequired, repeated });
            visit(f.type, `${name}.`, fieldRequired, repeated);
          }
          return;
        case "list":
          out.push({ id: type.elementId, name: `${prefix}element`, type: type.element, required: false, repeated: true });
          visit(type.element, `${prefix}element.`, false, true);
          return;
        case "map":
          out.push({ id: type.keyId, name: `${prefix}key`, type: type.key, required: false, repeated: true });
          visit(type.key, `${prefix}key.`, false, true);
          out.push({ id: type.valueId, name: `${prefix}value`, type: type.value, required: false, repeated: true });
          visit(type.value, `${prefix}value.`, false, true);
          return;
        default:
          return;
      }
    };
    visit({ type: "struct", fields: [...struct.fields] }, "", true, false);
    return new FieldIndex(out);
  }

  /** Indexes fields given by id; names must be full dotted names, `required` as seen from the root. */
  static fromFields(fields: ReadonlyMap<number, SchemaFieldInfo> | Iterable<readonly [number, SchemaFieldInfo]>): FieldIndex {
    return new FieldIndex(Array.from(fields, ([id, info]) => ({ ...info, id })));
  }

  byId(id: number): IndexedField | undefined {
    return this.byIdMap.get(id);
  }

  /** The field named `name`; case-insensitively, two names differing only in case are ambiguous. */
  byName(name: string, caseSensitive = true): IndexedField | undefined {
    if (caseSensitive) return this.byNameMap.get(name);
    const matches = this.byLowerNameMap.get(name.toLowerCase());
    if (matches === undefined) return undefined;
    if (matches.length > 1) {
      throw invalidInput(`column name '${name}' is ambiguous: it matches ${matches.map((f) => `'${f.name}'`).join(", ")}`, {
        column: name,
      });
    }
    return matches[0];
  }

  /** A field whose name matches `name` ignoring case, for "did you mean" hints. */
  similarName(name: string): string | undefined {
    return this.byLowerNameMap.get(name.toLowerCase())?.[0]?.name;
  }
}

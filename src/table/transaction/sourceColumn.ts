/**
 * The source column of a partition or sort field, looked up by name in the current schema,
 * and the transform applied to it: the column must be a primitive outside lists and maps
 * (one value per row), and the transform known and able to take the column's type.
 */
import { invalidInput, unsupported } from "../../core/errors/FloeError.js";
import type { Schema } from "../spec/schema.js";
import { isPrimitive, typeToString, type NestedField } from "../spec/types.js";
import { parseTransform, type Transform } from "../transform/index.js";

export interface BoundSource {
  field: NestedField;
  /** The column's full dotted name. */
  name: string;
  transform: Transform;
}

/** Reads a transform given as text or as a Transform; unknown transforms are refused. */
export function transformOf(transform: string | Transform, what: string): Transform {
  const parsed = typeof transform === "string" ? parseTransform(transform.trim()) : transform;
  if (parsed.isUnknown) throw unsupported(`${what}: unknown transform ${JSON.stringify(String(transform))}`, { transform: String(transform) });
  return parsed;
}

/** `what` names the field being made, for messages: `partition field day(ts)`, `sort field ts`. */
export function bindSource(schema: Schema, column: string, transform: string | Transform, caseSensitive: boolean, what: string): BoundSource {
  const id = schema.findFieldIdByName(column, caseSensitive);
  if (id === undefined) throw invalidInput(`${what}: the table has no column ${JSON.stringify(column)}`, { column });
  const field = schema.field(id);
  const name = schema.findColumnName(id) ?? column;
  if (!isPrimitive(field.type)) {
    throw invalidInput(`${what}: column ${JSON.stringify(name)} is a ${typeToString(field.type)}; only primitive columns can be used`, { column: name });
  }
  for (let parent = schema.parentId(id); parent !== undefined; parent = schema.parentId(parent)) {
    const type = schema.field(parent).type;
    if (type.type === "list" || type.type === "map") {
      throw invalidInput(`${what}: column ${JSON.stringify(name)} is inside ${type.type} ${JSON.stringify(schema.findColumnName(parent))}, which holds many values per row`, {
        column: name,
      });
    }
  }
  const bound = transformOf(transform, what);
  if (!bound.canTransform(field.type)) {
    throw invalidInput(`${what}: transform ${bound.toString()} cannot be applied to column ${JSON.stringify(name)} of type ${typeToString(field.type)}`, {
      column: name,
      transform: bound.toString(),
    });
  }
  return { field, name, transform: bound };
}

/**
 * A table at a glance: its columns (nested ones by their dotted path), the partition
 * spec, the sort order, the properties and the table-level facts, one row each.
 */
import type { TableMetadata } from "../spec/tableMetadata.js";
import { primitiveTypeToString, type IcebergType, type NestedField } from "../spec/types.js";
import { isoTimestamp, type InspectResult } from "./values.js";

const DESCRIBE_COLUMNS = ["section", "id", "name", "type", "required", "doc", "value"];

/**
 * One row per column (section `column`: field id, dotted name, type, required, doc),
 * per field of the default partition spec (`partition`: partition field id and name,
 * the type of its values, and the transform of its source column as `value`), per field
 * of the default sort order (`sort`), per property (`property`: name and value) and per
 * table-level fact (`table`: location, format version, uuid, current snapshot, ...).
 */
export function describeTable(metadata: TableMetadata): InspectResult {
  const rows: unknown[][] = [];
  const schema = metadata.currentSchema();
  for (const { field, path } of walkFields(schema.fields, [])) {
    rows.push(["column", field.id, path, shortTypeName(field.type), field.required, field.doc ?? null, null]);
  }
  const columnName = (id: number) => schema.findColumnName(id) ?? `<dropped column ${id}>`;
  const spec = metadata.defaultSpec();
  const partitionType = spec.partitionType(schema);
  for (const [i, field] of spec.fields.entries()) {
    const sources = (field.sourceIds ?? [field.sourceId]).map(columnName).join(", ");
    rows.push(["partition", field.fieldId, field.name, shortTypeName(partitionType.fields[i].type), null, null, `${field.transform}(${sources})`]);
  }
  for (const field of metadata.defaultSortOrder().fields) {
    const sources = (field.sourceIds ?? [field.sourceId]).map(columnName).join(", ");
    const term = field.transform === "identity" ? sources : `${field.transform}(${sources})`;
    rows.push(["sort", null, columnName(field.sourceId), null, null, null, `${term} ${field.direction} ${field.nullOrder}`]);
  }
  for (const key of Object.keys(metadata.properties).sort()) rows.push(["property", null, key, null, null, null, metadata.properties[key]]);
  const current = metadata.currentSnapshot();
  const facts: [string, unknown][] = [
    ["location", metadata.location],
    ["format-version", metadata.formatVersion],
    ["table-uuid", metadata.tableUuid ?? null],
    ["current-snapshot-id", metadata.currentSnapshotId ?? null],
    ["current-snapshot-timestamp", isoTimestamp(current?.timestampMs)],
    ["current-schema-id", metadata.currentSchemaId],
    ["default-spec-id", metadata.defaultSpecId],
    ["default-sort-order-id", metadata.defaultSortOrderId],
    ["last-sequence-number", metadata.lastSequenceNumber],
    ["last-updated", isoTimestamp(metadata.lastUpdatedMs)],
    ["snapshots", metadata.snapshots.length],
  ];
  for (const [name, value] of facts) rows.push(["table", null, name, null, null, null, value]);
  return { columns: [...DESCRIBE_COLUMNS], rows };
}

/** Every field at every depth, parents before children; list elements and map keys/values named `element`, `key`, `value`. */
function* walkFields(fields: readonly NestedField[], parent: string[]): Generator<{ field: NestedField; path: string }> {
  for (const field of fields) yield* walkField(field, [...parent, field.name]);
}

function* walkField(field: NestedField, path: string[]): Generator<{ field: NestedField; path: string }> {
  yield { field, path: path.join(".") };
  const type = field.type;
  if (type.type === "struct") yield* walkFields(type.fields, path);
  else if (type.type === "list") {
    yield* walkField({ id: type.elementId, name: "element", required: type.elementRequired, type: type.element }, [...path, "element"]);
  } else if (type.type === "map") {
    yield* walkField({ id: type.keyId, name: "key", required: true, type: type.key }, [...path, "key"]);
    yield* walkField({ id: type.valueId, name: "value", required: type.valueRequired, type: type.value }, [...path, "value"]);
  }
}

/** A type's name with nested structs left as `struct` (their fields have rows of their own). */
export function shortTypeName(type: IcebergType): string {
  switch (type.type) {
    case "struct":
      return "struct";
    case "list":
      return `list<${shortTypeName(type.element)}>`;
    case "map":
      return `map<${shortTypeName(type.key)}, ${shortTypeName(type.value)}>`;
    default:
      return primitiveTypeToString(type);
  }
}

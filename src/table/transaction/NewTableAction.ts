/**
 * Creating a table: the updates that make its first metadata, with fresh field ids.
 */
import { randomUUID } from "node:crypto";
import { invalidInput, unsupported } from "../../core/errors/FloeError.js";
import { PARTITION_DATA_ID_START, PartitionSpec, type PartitionField } from "../spec/partitionSpec.js";
import { Schema } from "../spec/schema.js";
import type { SortField, SortOrder } from "../spec/sortOrder.js";
import { DEFAULT_FORMAT_VERSION, SUPPORTED_FORMAT_VERSIONS, type FormatVersion } from "../spec/tableMetadata.js";
import { typeToString, type IcebergType, type NestedField } from "../spec/types.js";
import { parseTransform } from "../transform/parseTransform.js";
import type { ActionContext, TransactionAction } from "./TransactionAction.js";
import { LAST_ADDED, type ActionCommit, type TableUpdate } from "./updates.js";

/** The table property that picks the format version at creation; it is not stored. */
export const FORMAT_VERSION_PROPERTY = "format-version";

export interface NewTableOptions {
  /** Field ids are reassigned: 1..n, each struct's fields before the fields nested in them. */
  schema: Schema;
  /** Source ids refer to `schema`'s field ids; partition field ids are reassigned from 1000. */
  spec?: PartitionSpec;
  /** Source ids refer to `schema`'s field ids. */
  sortOrder?: SortOrder;
  location: string;
  properties?: Record<string, string>;
  /** Default 2 (or the `format-version` property). */
  formatVersion?: FormatVersion;
}

/** The schema with fresh ids, and the old id → new id mapping. */
export function assignFreshIds(schema: Schema): { schema: Schema; ids: Map<number, number> } {
  const ids = new Map<number, number>();
  let next = 1;
  const fresh = (old: number): number => {
    const id = next++;
    ids.set(old, id);
    return id;
  };
  const visitFields = (fields: readonly NestedField[]): NestedField[] => {
    const names = new Set<string>();
    for (const f of fields) {
      if (f.name === "") throw invalidInput("a column name must not be empty");
      if (names.has(f.name)) throw invalidInput(`the schema has two columns named ${JSON.stringify(f.name)} side by side`, { column: f.name });
      names.add(f.name);
    }
    // a struct's own fields are numbered before the fields nested in them
    const newIds = fields.map((f) => fresh(f.id));
    return fields.map((f, i) => ({ ...f, id: newIds[i], type: visitType(f.type) }));
  };
  const visitType = (type: IcebergType): IcebergType => {
    switch (type.type) {
      case "struct":
        return { type: "struct", fields: visitFields(type.fields) };
      case "list": {
        const elementId = fresh(type.elementId);
        return { ...type, elementId, element: visitType(type.element) };
      }
      case "map": {
        const keyId = fresh(type.keyId);
        const valueId = fresh(type.valueId);
        return { ...type, keyId, valueId, key: visitType(type.key), value: visitType(type.value) };
      }
      default:
        return type;
    }
  };
  const fields = visitFields(schema.fields);
  const identifierFieldIds = schema.identifierFieldIds.map((id) => {
    const mapped = ids.get(id);
    if (mapped === undefined) throw invalidInput(`identifier field id ${id} is not a field of the schema`, { fieldId: id });
    return mapped;
  });
  return { schema: new Schema(fields, { schemaId: 0, identifierFieldIds }), ids };
}

function mapSourceId(ids: Map<number, number>, sourceId: number, what: string): number {
  const mapped = ids.get(sourceId);
  if (mapped === undefined) throw invalidInput(`${what} refers to column id ${sourceId}, which the schema does not have`, { sourceId });
  return mapped;
}

function checkTransform(transformText: string, schema: Schema, sourceId: number, what: string): void {
  const transform = parseTransform(transformText);
  if (transform.isUnknown) throw unsupported(`${what}: unknown transform ${transformText}`, { transform: transformText });
  const source = schema.field(sourceId);
  if (!transform.canTransform(source.type) && !transform.isVoid) {
    throw invalidInput(`${what}: transform ${transformText} cannot be applied to column ${source.name} of type ${typeToString(source.type)}`, {
      transform: transformText,
      column: source.name,
    });
  }
}

/** The spec on the fresh schema: source ids mapped, partition field ids 1000, 1001, ..., spec id 0. */
export function freshSpec(spec: PartitionSpec | undefined, schema: Schema, ids: Map<number, number>): PartitionSpec {
  if (spec === undefined) return PartitionSpec.unpartitioned(0);
  const names = new Set<string>();
  const fields: PartitionField[] = spec.fields.map((field, i) => {
    const what = `partition field ${JSON.stringify(field.name)}`;
    if (field.name === "") throw invalidInput("a partition field name must not be empty");
    if (names.has(field.name)) throw invalidInput(`the partition spec has two fields named ${JSON.stringify(field.name)}`, { field: field.name });
    names.add(field.name);
    const sourceId = mapSourceId(ids, field.sourceId, what);
    checkTransform(field.transform, schema, sourceId, what);
    const sameName = schema.findFieldByName(field.name);
    const transform = parseTransform(field.transform);
    if (sameName !== undefined && !((transform.isIdentity || transform.isVoid) && sameName.id === sourceId)) {
      throw invalidInput(`${what} has the name of a column; only an identity partition of that column may`, { field: field.name });
    }
    const out: PartitionField = { sourceId, fieldId: PARTITION_DATA_ID_START + i, name: field.name, transform: field.transform };
    if (field.sourceIds !== undefined && field.sourceIds.length > 1) out.sourceIds = field.sourceIds.map((id) => mapSourceId(ids, id, what));
    return out;
  });
  return new PartitionSpec(0, fields);
}

/** The sort order on the fresh schema: source ids mapped; order id 1, or 0 when unsorted. */
export function freshSortOrder(order: SortOrder | undefined, schema: Schema, ids: Map<number, number>): SortOrder {
  if (order === undefined || order.fields.length === 0) return { orderId: 0, fields: [] };
  const fields: SortField[] = order.fields.map((field) => {
    const sourceId = mapSourceId(ids, field.sourceId, "sort field");
    checkTransform(field.transform, schema, sourceId, "sort field");
    const out: SortField = { ...field, sourceId };
    if (field.sourceIds !== undefined) out.sourceIds = field.sourceIds.map((id) => mapSourceId(ids, id, "sort field"));
    return out;
  });
  return { orderId: 1, fields };
}

/** Creates a table: fails with `commit-conflict` (assert-create) when it already exists. */
export class NewTableAction implements TransactionAction {
  readonly kind = "create-table";
  readonly uuid = randomUUID();
  readonly schema: Schema;
  readonly spec: PartitionSpec;
  readonly sortOrder: SortOrder;
  readonly location: string;
  readonly properties: Record<string, string>;
  readonly formatVersion: FormatVersion;

  constructor(options: NewTableOptions) {
    if (options.location.trim() === "") throw invalidInput("a table needs a location");
    const { schema, ids } = assignFreshIds(options.schema);
    this.schema = schema;
    this.spec = freshSpec(options.spec, schema, ids);
    this.sortOrder = freshSortOrder(options.sortOrder, schema, ids);
    this.location = options.location.length > 1 ? options.location.replace(/\/+$/, "") : options.location;
    const properties = { ...(options.properties ?? {}) };
    const versionText = properties[FORMAT_VERSION_PROPERTY];
    delete properties[FORMAT_VERSION_PROPERTY];
    const version = options.formatVersion ?? (versionText === undefined ? DEFAULT_FORMAT_VERSION : Number(versionText));
    if (!SUPPORTED_FORMAT_VERSIONS.includes(version as FormatVersion)) {
      throw unsupported(`format version ${versionText ?? version} is not supported (floe writes versions 1 to 3)`);
    }
    this.formatVersion = version as FormatVersion;
    this.properties = properties;
  }

  async commit(_context: ActionContext): Promise<ActionCommit> {
    const updates: TableUpdate[] = [
      { action: "assign-uuid", uuid: this.uuid },
      { action: "upgrade-format-version", formatVersion: this.formatVersion },
      { action: "add-schema", schema: this.schema, lastColumnId: this.schema.highestFieldId },
      { action: "set-current-schema", schemaId: LAST_ADDED },
      { action: "add-spec", spec: this.spec },
      { action: "set-default-spec", specId: LAST_ADDED },
      { action: "add-sort-order", sortOrder: this.sortOrder },
      { action: "set-default-sort-order", sortOrderId: LAST_ADDED },
      { action: "set-location", location: this.location },
    ];
    if (Object.keys(this.properties).length > 0) updates.push({ action: "set-properties", updates: { ...this.properties } });
    return { updates, requirements: [{ type: "assert-create" }] };
  }
}

/** The action that creates a table (see NewTableAction). */
export function newTable(
  schema: Schema,
  spec: PartitionSpec | undefined,
  sortOrder: SortOrder | undefined,
  location: string,
  properties: Record<string, string> = {},
  formatVersion?: FormatVersion,
): NewTableAction {
  return new NewTableAction({ schema, spec, sortOrder, location, properties, formatVersion });
}

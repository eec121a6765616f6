/**
 * The working copy of a schema update: the table's current schema with the changes made so
 * far, one change at a time, each checked against the schema as the earlier changes left it,
 * and the field ids handed out (from the table's `last-column-id`, never reused).
 * UpdateSchemaAction replays its recorded changes on a fresh editor every time it commits.
 */
import { invalidInput } from "../../core/errors/FloeError.js";
import { Schema } from "../spec/schema.js";
import type { FormatVersion, TableMetadata } from "../spec/tableMetadata.js";
import { isPrimitive, primitiveTypeToString, typeToString, type IcebergType, type NestedField } from "../spec/types.js";
import { checkAddedFieldDefaults, checkDefault } from "./columnDefaults.js";
import { allowedPromotions, describePromotion, isPromotionAllowed, promoteValue, promotionChangesTransformValues } from "./typePromotion.js";

/**
 * A column: its dotted name as Schema lookups read it (`point.x`, `tags.element`, and
 * `events.x` for a field of the structs in list `events`), or the names along its path
 * (`["point", "x"]`), which also reaches names that contain dots.
 */
export type ColumnPath = string | readonly string[];

/** Where a column goes among the fields of its struct. */
export type ColumnPlacement = { first: true } | { before: ColumnPath } | { after: ColumnPath };

export interface NewColumn {
  /** Default false. A required column needs a non-null `initialDefault` (format version 3). */
  required?: boolean;
  doc?: string;
  /** The value rows written before the column existed read (format version 3). */
  initialDefault?: unknown;
  /** The value writers use when a row leaves the column out; default `initialDefault` (format version 3). */
  writeDefault?: unknown;
}

/** Iceberg reserves the field ids above this one for metadata columns. */
export const MAX_FIELD_ID = 2_147_483_447;

/** The types a table needs format version 3 for. */
const V3_TYPES = new Set(["unknown", "timestamp_ns", "timestamptz_ns"]);

const quote = (name: string): string => JSON.stringify(name);
const show = (path: ColumnPath): string => (typeof path === "string" ? path : path.join("."));

export class SchemaEditor {
  /** How names are matched; a change may switch it for the changes after it. */
  caseSensitive: boolean;
  readonly formatVersion: FormatVersion;
  private readonly metadata: TableMetadata;
  private fields: NestedField[];
  private index: Schema;
  private identifierIds: number[];
  /** Identifier fields deleted (with the struct they were in, or themselves), by id: their names, for the error. */
  private readonly deletedIdentifiers = new Map<number, string>();
  private lastId: number;

  constructor(metadata: TableMetadata, caseSensitive = true) {
    const schema = metadata.currentSchema();
    this.metadata = metadata;
    this.formatVersion = metadata.formatVersion;
    this.caseSensitive = caseSensitive;
    this.fields = [...schema.fields];
    this.index = schema;
    this.identifierIds = [...schema.identifierFieldIds];
    this.lastId = Math.max(metadata.lastColumnId, schema.highestFieldId);
  }

  /** The highest field id handed out: the table's, or the last one this update assigned. */
  get lastColumnId(): number {
    return this.lastId;
  }

  /** The schema the changes make, with `schemaId`; checks the identifier fields. */
  result(schemaId: number): Schema {
    for (const id of this.identifierIds) this.checkIdentifierField(id);
    return new Schema(this.fields, { schemaId, identifierFieldIds: [...this.identifierIds] });
  }

  // ---------------------------------------------------------------------------------------
  // changes

  /** Adds a column to the struct `parent` (the table when undefined; the element or value struct of a list or map); returns its id. */
  addColumn(parent: ColumnPath | undefined, name: string, type: IcebergType, column: NewColumn = {}, placement?: ColumnPlacement): number {
    const holderId = parent === undefined ? undefined : this.structToAddTo(parent, name);
    const id = this.addField(holderId, name, type, column);
    if (placement !== undefined) this.moveField(id, placement);
    return id;
  }

  deleteColumn(path: ColumnPath): void {
    const id = this.requireId(path, "delete");
    const name = this.nameOf(id);
    const container = this.containerOf(id);
    if (container !== undefined && container.type.type !== "struct") {
      throw invalidInput(`cannot delete ${quote(name)}: only fields of structs can be deleted, not the ${this.roleIn(id, container)} of ${quote(this.nameOf(container.id))}`, {
        column: name,
      });
    }
    this.checkNotInUse(id, name);
    for (const identifierId of this.identifierIds) {
      if (identifierId === id || this.isInside(identifierId, id)) this.deletedIdentifiers.set(identifierId, this.nameOf(identifierId));
    }
    this.editStruct(container?.id, (fields) => fields.filter((f) => f.id !== id));
  }

  renameColumn(path: ColumnPath, newName: string): void {
    const id = this.requireId(path, "rename");
    const name = this.nameOf(id);
    const container = this.containerOf(id);
    if (container !== undefined && container.type.type !== "struct") {
      throw invalidInput(`cannot rename ${quote(name)}: the ${this.roleIn(id, container)} of a ${container.type.type} has a fixed name`, { column: name });
    }
    if (newName === "") throw invalidInput(`cannot rename column ${quote(name)} to an empty name`, { column: name });
    const clash = this.siblingNamed(container?.id, newName, id);
    if (clash !== undefined) {
      throw invalidInput(`cannot rename column ${quote(name)} to ${quote(newName)}: ${this.describeHolder(container?.id)} already has a column ${quote(clash.name)}`, {
        column: name,
      });
    }
    this.rewrite(id, (f) => ({ ...f, name: newName }));
  }

  updateColumnType(path: ColumnPath, newType: IcebergType): void {
    this.changeType(this.requireId(path, "change the type of"), newType);
  }

  /** Makes a required column (or list element, or map value) optional; an optional one stays as it is. */
  makeOptional(path: ColumnPath): void {
    this.makeFieldOptional(this.requireId(path, "make optional"));
  }

  updateDoc(path: ColumnPath, doc: string | undefined): void {
    const id = this.requireId(path, "document");
    this.checkStructField(id, "have a doc");
    this.setDoc(id, doc);
  }

  /** Sets the value writers use when a row leaves the column out (format version 3); null or undefined removes it. */
  updateWriteDefault(path: ColumnPath, value: unknown): void {
    const id = this.requireId(path, "set the write default of");
    this.checkStructField(id, "have a default");
    const field = this.index.field(id);
    const writeDefault = checkDefault(value, field.type, this.nameOf(id), "write default", this.formatVersion);
    this.rewrite(id, (f) => withDefaults(f, f.initialDefault, writeDefault));
  }

  move(path: ColumnPath, placement: ColumnPlacement): void {
    this.moveField(this.requireId(path, "move"), placement);
  }

  /** Replaces the identifier fields; the names are looked up in the schema as the earlier changes left it. */
  setIdentifierFields(paths: readonly ColumnPath[]): void {
    const ids: number[] = [];
    for (const path of paths) {
      const id = this.findId(path);
      if (id === undefined) throw invalidInput(`cannot make ${quote(show(path))} an identifier field: the schema has no such column`, { column: show(path) });
      if (!ids.includes(id)) ids.push(id);
    }
    this.identifierIds = ids;
  }

  /**
   * Makes the schema hold everything `incoming` has, matching fields by name at every level:
   * missing fields are added (optional, without defaults), types are widened where a
   * promotion allows, required fields become optional where the incoming one is optional
   * (identifier fields excepted: they stay required).
   * Nothing is dropped or renamed; a field whose incoming type neither is nor widens to the
   * table's is an error.
   */
  unionByName(incoming: Schema): void {
    this.unionFields(undefined, incoming.fields);
  }

  // ---------------------------------------------------------------------------------------
  // lookups

  /** The field id of a column path, or undefined. */
  findId(path: ColumnPath): number | undefined {
    if (typeof path === "string") return this.index.findFieldIdByName(path, this.caseSensitive);
    if (path.length === 0) return undefined;
    let candidates: readonly NestedField[] = this.fields;
    let found: NestedField | undefined;
    for (const part of path) {
      found = this.matchName(candidates, part, path);
      if (found === undefined) return undefined;
      candidates = childrenOf(found.type);
    }
    return found?.id;
  }

  private requireId(path: ColumnPath, doing: string): number {
    const id = this.findId(path);
    if (id === undefined) throw invalidInput(`cannot ${doing} column ${quote(show(path))}: the schema has no such column`, { column: show(path) });
    return id;
  }

  private matchName(fields: readonly NestedField[], name: string, path: ColumnPath): NestedField | undefined {
    const exact = fields.find((f) => f.name === name);
    if (exact !== undefined || this.caseSensitive) return exact;
    const lower = name.toLowerCase();
    const matches = fields.filter((f) => f.name.toLowerCase() === lower);
    if (matches.length > 1) {
      throw invalidInput(`column name ${quote(show(path))} is ambiguous without case: ${quote(name)} matches ${matches.map((f) => quote(f.name)).join(", ")}`, {
        column: show(path),
      });
    }
    return matches[0];
  }

  /** The sibling of `exceptId` in `holderId`'s struct that `name` would clash with. */
  private siblingNamed(holderId: number | undefined, name: string, exceptId?: number): NestedField | undefined {
    const lower = name.toLowerCase();
    return this.structFields(holderId).find((f) => f.id !== exceptId && (f.name === name || (!this.caseSensitive && f.name.toLowerCase() === lower)));
  }

  private nameOf(id: number): string {
    return this.index.findColumnName(id) ?? `field ${id}`;
  }

  /** The struct, list or map holding field `id`; undefined for a top-level field. */
  private containerOf(id: number): NestedField | undefined {
    const parentId = this.index.parentId(id);
    return parentId === undefined ? undefined : this.index.field(parentId);
  }

  private isInside(id: number, ancestorId: number): boolean {
    for (let parent = this.index.parentId(id); parent !== undefined; parent = this.index.parentId(parent)) {
      if (parent === ancestorId) return true;
    }
    return false;
  }

  private roleIn(id: number, container: NestedField): string {
    const type = container.type;
    if (type.type === "list") return "element";
    if (type.type === "map") return id === type.keyId ? "key" : "value";
    return "field";
  }

  private structFields(holderId: number | undefined): readonly NestedField[] {
    if (holderId === undefined) return this.fields;
    const type = this.index.field(holderId).type;
    return type.type === "struct" ? type.fields : [];
  }

  private describeHolder(holderId: number | undefined): string {
    return holderId === undefined ? "the table" : `struct ${quote(this.nameOf(holderId))}`;
  }

  /** The id of the struct a column named `name` goes into when added under `parent`. */
  private structToAddTo(parent: ColumnPath, name: string): number {
    const id = this.requireId(parent, `add ${quote(name)} to`);
    let holder = this.index.field(id);
    if (holder.type.type === "list") holder = this.index.field(holder.type.elementId);
    else if (holder.type.type === "map") holder = this.index.field(holder.type.valueId);
    if (holder.type.type !== "struct") {
      throw invalidInput(`cannot add column ${quote(name)} to ${quote(show(parent))}: it is a ${typeToString(this.index.field(id).type)}, not a struct`, {
        column: `${show(parent)}.${name}`,
      });
    }
    return holder.id;
  }

  private checkStructField(id: number, what: string): void {
    const container = this.containerOf(id);
    if (container !== undefined && container.type.type !== "struct") {
      throw invalidInput(`${quote(this.nameOf(id))} is the ${this.roleIn(id, container)} of a ${container.type.type}, which cannot ${what}`, {
        column: this.nameOf(id),
      });
    }
  }

  // ---------------------------------------------------------------------------------------
  // changes by id

  private addField(holderId: number | undefined, name: string, type: IcebergType, column: NewColumn): number {
    const fullName = holderId === undefined ? name : `${this.nameOf(holderId)}.${name}`;
    if (name === "") throw invalidInput(`cannot add a column with an empty name to ${this.describeHolder(holderId)}`);
    const clash = this.siblingNamed(holderId, name);
    if (clash !== undefined) {
      throw invalidInput(`cannot add column ${quote(fullName)}: ${this.describeHolder(holderId)} already has a column ${quote(clash.name)}`, { column: fullName });
    }
    this.checkTypeVersion(type, fullName);
    const id = this.assignId();
    const field: NestedField = { id, name, required: column.required ?? false, type: this.freshIds(type) };
    if (column.doc !== undefined) field.doc = column.doc;
    if (column.initialDefault !== undefined) field.initialDefault = column.initialDefault;
    if (column.writeDefault !== undefined) field.writeDefault = column.writeDefault;
    const checked = checkAddedFieldDefaults(field, fullName, this.formatVersion, true);
    this.editStruct(holderId, (fields) => [...fields, checked]);
    return id;
  }

  private changeType(id: number, newType: IcebergType): void {
    const name = this.nameOf(id);
    const field = this.index.field(id);
    const from = field.type;
    if (!isPrimitive(from)) {
      throw invalidInput(`cannot change the type of column ${quote(name)}: it is a ${typeToString(from)}, and only primitive types can be promoted`, { column: name });
    }
    if (!isPrimitive(newType)) {
      throw invalidInput(`cannot change column ${quote(name)} from ${primitiveTypeToString(from)} to ${typeToString(newType)}: a primitive cannot become a nested type`, {
        column: name,
      });
    }
    if (primitiveTypeToString(from) === primitiveTypeToString(newType)) return;
    const container = this.containerOf(id);
    if (container?.type.type === "map" && container.type.keyId === id) {
      throw invalidInput(`cannot change the type of ${quote(name)}: map keys cannot change`, { column: name });
    }
    if (!isPromotionAllowed(from, newType, this.formatVersion)) {
      const allowed = allowedPromotions(from, this.formatVersion);
      const rule = allowed.length === 0 ? `a ${primitiveTypeToString(from)} column cannot change type` : `a ${primitiveTypeToString(from)} column can only become ${allowed.join(" or ")}`;
      throw invalidInput(`cannot change column ${quote(name)} from ${describePromotion(from, newType)}: ${rule} (format version ${this.formatVersion})`, {
        column: name,
      });
    }
    for (const spec of this.metadata.partitionSpecs) {
      for (const partitionField of spec.fields) {
        const sources = partitionField.sourceIds ?? [partitionField.sourceId];
        if (sources.includes(id) && promotionChangesTransformValues(from, newType, partitionField.transform)) {
          throw invalidInput(
            `cannot change column ${quote(name)} from ${describePromotion(from, newType)}: partition field ${quote(partitionField.name)} ` +
              `(${partitionField.transform}) of partition spec ${spec.specId} would produce different values`,
            { column: name, partitionField: partitionField.name },
          );
        }
      }
    }
    this.rewrite(id, (f) => withDefaults({ ...f, type: newType }, promoteValue(f.initialDefault, from, newType), promoteValue(f.writeDefault, from, newType)));
  }

  private makeFieldOptional(id: number): void {
    const container = this.containerOf(id);
    if (container?.type.type === "map" && container.type.keyId === id) {
      throw invalidInput(`cannot make ${quote(this.nameOf(id))} optional: map keys are always required`, { column: this.nameOf(id) });
    }
    if (!this.index.field(id).required) return;
    this.rewrite(id, (f) => ({ ...f, required: false }));
  }

  private setDoc(id: number, doc: string | undefined): void {
    this.rewrite(id, (f) => {
      const { doc: _old, ...rest } = f;
      return doc === undefined ? rest : { ...rest, doc };
    });
  }

  private moveField(id: number, placement: ColumnPlacement): void {
    const name = this.nameOf(id);
    const container = this.containerOf(id);
    if (container !== undefined && container.type.type !== "struct") {
      throw invalidInput(`cannot move ${quote(name)}: it is the ${this.roleIn(id, container)} of a ${container.type.type}`, { column: name });
    }
    if ("first" in placement) {
      this.editStruct(container?.id, (fields) => [...fields.filter((f) => f.id === id), ...fields.filter((f) => f.id !== id)]);
      return;
    }
    const [where, reference] = "before" in placement ? (["before", placement.before] as const) : (["after", placement.after] as const);
    const referenceId = this.findId(reference);
    if (referenceId === undefined) {
      throw invalidInput(`cannot move column ${quote(name)} ${where} ${quote(show(reference))}: the schema has no such column`, { column: name });
    }
    if (referenceId === id) throw invalidInput(`cannot move column ${quote(name)} ${where} itself`, { column: name });
    if (this.index.parentId(referenceId) !== this.index.parentId(id)) {
      throw invalidInput(`cannot move column ${quote(name)} ${where} ${quote(this.nameOf(referenceId))}: they are in different structs`, { column: name });
    }
    this.editStruct(container?.id, (fields) => {
      const moved = fields.find((f) => f.id === id) as NestedField;
      const rest = fields.filter((f) => f.id !== id);
      const at = rest.findIndex((f) => f.id === referenceId) + (where === "after" ? 1 : 0);
      return [...rest.slice(0, at), moved, ...rest.slice(at)];
    });
  }

  private unionFields(holderId: number | undefined, incoming: readonly NestedField[]): void {
    for (const field of incoming) {
      const existing = this.matchName(this.structFields(holderId), field.name, field.name);
      if (existing === undefined) this.addField(holderId, field.name, withoutDefaults(field.type), field.doc === undefined ? {} : { doc: field.doc });
      else this.unionField(existing.id, field);
    }
  }

  private unionField(id: number, incoming: NestedField): void {
    this.unionType(id, incoming.type);
    const current = this.index.field(id);
    // identifier fields (and the structs around them) must stay required; rows without them are refused at write time
    const holdsIdentifier = this.identifierIds.some((identifierId) => identifierId === id || this.isInside(identifierId, id));
    if (current.required && !incoming.required && !holdsIdentifier) this.makeFieldOptional(id);
    const container = this.containerOf(id);
    const holdsDoc = container === undefined || container.type.type === "struct";
    if (holdsDoc && incoming.doc !== undefined && incoming.doc !== current.doc) this.setDoc(id, incoming.doc);
  }

  private unionType(id: number, incoming: IcebergType): void {
    const name = this.nameOf(id);
    const current = this.index.field(id).type;
    const mismatch = (why: string) =>
      invalidInput(`cannot union column ${quote(name)}: the table has ${typeToString(current)} and the new schema ${typeToString(incoming)}; ${why}`, { column: name });
    if (current.type === "struct" && incoming.type === "struct") {
      this.unionFields(id, incoming.fields);
    } else if (current.type === "list" && incoming.type === "list") {
      this.unionField(current.elementId, { id: incoming.elementId, name: "element", required: incoming.elementRequired, type: incoming.element });
    } else if (current.type === "map" && incoming.type === "map") {
      const sameKey = typeToString(current.key) === typeToString(incoming.key);
      const narrowerKey = isPrimitive(current.key) && isPrimitive(incoming.key) && isPromotionAllowed(incoming.key, current.key, this.formatVersion);
      if (!sameKey && !narrowerKey) throw mismatch("map keys cannot change");
      this.unionField(current.valueId, { id: incoming.valueId, name: "value", required: incoming.valueRequired, type: incoming.value });
    } else if (isPrimitive(current) && isPrimitive(incoming)) {
      if (primitiveTypeToString(current) === primitiveTypeToString(incoming)) return;
      if (isPromotionAllowed(current, incoming, this.formatVersion)) this.changeType(id, incoming);
      // a narrower incoming type (int into a long column) fits as it is
      else if (!isPromotionAllowed(incoming, current, this.formatVersion)) throw mismatch("neither type promotes to the other");
    } else {
      throw mismatch("a column cannot change between primitive and nested types");
    }
  }

  // ---------------------------------------------------------------------------------------
  // checks

  /** A column the current partition spec or sort order reads from cannot go. */
  private checkNotInUse(id: number, name: string): void {
    const uses = (sourceId: number) => sourceId === id || this.isInside(sourceId, id);
    for (const field of this.metadata.defaultSpec().fields) {
      if (field.transform.trim().toLowerCase() === "void") continue;
      const source = (field.sourceIds ?? [field.sourceId]).find(uses);
      if (source !== undefined) {
        throw invalidInput(
          `cannot delete column ${quote(name)}: partition field ${quote(field.name)} (${field.transform} of ${quote(this.nameOf(source))}) ` +
            `of the current partition spec uses it; remove the partition field first`,
          { column: name, partitionField: field.name },
        );
      }
    }
    const order = this.metadata.defaultSortOrder();
    for (const field of order.fields) {
      const source = (field.sourceIds ?? [field.sourceId]).find(uses);
      if (source !== undefined) {
        throw invalidInput(
          `cannot delete column ${quote(name)}: the table's sort order ${order.orderId} sorts by ${quote(this.nameOf(source))}; replace the sort order first`,
          { column: name },
        );
      }
    }
  }

  /** format/spec.md, "Identifier Field IDs": required primitive fields, not float or double, not in lists, maps or optional structs. */
  private checkIdentifierField(id: number): void {
    const field = this.index.findField(id);
    if (field === undefined) {
      const deleted = this.deletedIdentifiers.get(id);
      if (deleted !== undefined) {
        throw invalidInput(`cannot delete column ${quote(deleted)}: it is an identifier field; leave it out of setIdentifierFields first`, { column: deleted });
      }
      throw invalidInput(`identifier field id ${id} is not a column of the schema`, { fieldId: id });
    }
    const name = this.nameOf(id);
    const fail = (why: string) => invalidInput(`column ${quote(name)} cannot be an identifier field: ${why}`, { column: name });
    if (!isPrimitive(field.type)) throw fail(`it is a ${typeToString(field.type)}, not a primitive`);
    if (field.type.type === "float" || field.type.type === "double") throw fail(`it is a ${field.type.type}`);
    const containers: NestedField[] = [];
    for (let parent = this.containerOf(id); parent !== undefined; parent = this.containerOf(parent.id)) containers.push(parent);
    const repeated = containers.find((c) => c.type.type !== "struct");
    if (repeated !== undefined) throw fail(`it is inside ${repeated.type.type} ${quote(this.nameOf(repeated.id))}`);
    if (!field.required) throw fail("it is optional");
    const optional = containers.find((c) => !c.required);
    if (optional !== undefined) throw fail(`it is inside optional struct ${quote(this.nameOf(optional.id))}`);
  }

  private checkTypeVersion(type: IcebergType, column: string): void {
    if (this.formatVersion >= 3) return;
    const visit = (t: IcebergType): void => {
      if (V3_TYPES.has(t.type)) {
        throw invalidInput(`cannot add column ${quote(column)}: type ${t.type} needs format version 3, and the table is version ${this.formatVersion}`, { column });
      }
      if (t.type === "struct") t.fields.forEach((f) => visit(f.type));
      else if (t.type === "list") visit(t.element);
      else if (t.type === "map") {
        visit(t.key);
        visit(t.value);
      }
    };
    visit(type);
  }

  // ---------------------------------------------------------------------------------------
  // editing the field tree

  private assignId(): number {
    if (this.lastId >= MAX_FIELD_ID) throw invalidInput(`the table has used every field id up to ${MAX_FIELD_ID}; no column can be added`);
    return ++this.lastId;
  }

  /** The type with new ids: a struct's fields before the fields nested in them, as a table's first schema is numbered. */
  private freshIds(type: IcebergType): IcebergType {
    switch (type.type) {
      case "struct": {
        const ids = type.fields.map(() => this.assignId());
        return { type: "struct", fields: type.fields.map((f, i) => ({ ...f, id: ids[i], type: this.freshIds(f.type) })) };
      }
      case "list": {
        const elementId = this.assignId();
        return { ...type, elementId, element: this.freshIds(type.element) };
      }
      case "map": {
        const keyId = this.assignId();
        const valueId = this.assignId();
        return { ...type, keyId, valueId, key: this.freshIds(type.key), value: this.freshIds(type.value) };
      }
      default:
        return type;
    }
  }

  private editStruct(holderId: number | undefined, edit: (fields: NestedField[]) => NestedField[]): void {
    if (holderId === undefined) {
      this.setFields(edit([...this.fields]));
      return;
    }
    this.rewrite(holderId, (f) => (f.type.type === "struct" ? { ...f, type: { type: "struct", fields: edit([...f.type.fields]) } } : f));
  }

  private rewrite(id: number, change: (field: NestedField) => NestedField): void {
    this.setFields(rewriteFields(this.fields, id, change));
  }

  private setFields(fields: NestedField[]): void {
    this.fields = fields;
    this.index = new Schema(fields);
  }
}

/** The fields a path step can name below a field of this type (list elements and map values that are structs lend their fields). */
function childrenOf(type: IcebergType): readonly NestedField[] {
  switch (type.type) {
    case "struct":
      return type.fields;
    case "list":
      return [
        { id: type.elementId, name: "element", required: type.elementRequired, type: type.element },
        ...(type.element.type === "struct" ? type.element.fields : []),
      ];
    case "map":
      return [
        { id: type.keyId, name: "key", required: true, type: type.key },
        { id: type.valueId, name: "value", required: type.valueRequired, type: type.value },
        ...(type.value.type === "struct" ? type.value.fields : []),
      ];
    default:
      return [];
  }
}

/** `fields` with the field (or list element, map key or value) `id` replaced by `change` of it. */
function rewriteFields(fields: readonly NestedField[], id: number, change: (field: NestedField) => NestedField): NestedField[] {
  return fields.map((f) => (f.id === id ? change(f) : { ...f, type: rewriteType(f.type, id, change) }));
}

function rewriteType(type: IcebergType, id: number, change: (field: NestedField) => NestedField): IcebergType {
  switch (type.type) {
    case "struct":
      return { type: "struct", fields: rewriteFields(type.fields, id, change) };
    case "list": {
      if (type.elementId !== id) return { ...type, element: rewriteType(type.element, id, change) };
      const element = change({ id, name: "element", required: type.elementRequired, type: type.element });
      return { ...type, elementRequired: element.required, element: element.type };
    }
    case "map": {
      if (type.keyId === id) return { ...type, key: change({ id, name: "key", required: true, type: type.key }).type };
      if (type.valueId !== id) return { ...type, key: rewriteType(type.key, id, change), value: rewriteType(type.value, id, change) };
      const value = change({ id, name: "value", required: type.valueRequired, type: type.value });
      return { ...type, valueRequired: value.required, value: value.type };
    }
    default:
      return type;
  }
}

function withDefaults(field: NestedField, initialDefault: unknown, writeDefault: unknown): NestedField {
  const { initialDefault: _i, writeDefault: _w, ...rest } = field;
  const out: NestedField = rest;
  if (initialDefault !== undefined && initialDefault !== null) out.initialDefault = initialDefault;
  if (writeDefault !== undefined && writeDefault !== null) out.writeDefault = writeDefault;
  return out;
}

/** A type with the defaults of its nested fields left out: unionByName adds structure, not defaults. */
function withoutDefaults(type: IcebergType): IcebergType {
  switch (type.type) {
    case "struct":
      return { type: "struct", fields: type.fields.map((f) => ({ ...withDefaults(f, undefined, undefined), type: withoutDefaults(f.type) })) };
    case "list":
      return { ...type, element: withoutDefaults(type.element) };
    case "map":
      return { ...type, key: withoutDefaults(type.key), value: withoutDefaults(type.value) };
    default:
      return type;
  }
}

/**
 * The working copy of a partition spec update, after Iceberg Java's `UpdatePartitionSpec`:
 * fields added, removed and renamed relative to the table's default spec, made into the new
 * spec at the end. New fields take ids after the table's `last-partition-id`, or, from format
 * version 2 on, the id of an equal field (same source and transform) of an earlier spec, so a
 * partition that comes back keeps its id. Format version 1 specs never drop or reorder fields:
 * a removed field stays with the `void` transform.
 */
import { invalidInput, unsupported } from "../../core/errors/FloeError.js";
import { PartitionSpec, type PartitionField } from "../spec/partitionSpec.js";
import type { Schema } from "../spec/schema.js";
import type { FormatVersion, TableMetadata } from "../spec/tableMetadata.js";
import { parseTransform, type Transform } from "../transform/index.js";
import { defaultPartitionName, describeTerm, parsePartitionTerm, type PartitionTerm } from "./partitionTerms.js";
import { bindSource } from "./sourceColumn.js";

const TIME_TRANSFORMS = new Set(["year", "month", "day", "hour"]);
const quote = (name: string): string => JSON.stringify(name);

function isVoid(field: PartitionField): boolean {
  return field.transform.trim().toLowerCase() === "void";
}

function sourcesOf(field: PartitionField): number[] {
  return field.sourceIds ?? [field.sourceId];
}

function transformKey(sourceIds: readonly number[], transform: string): string {
  return `${sourceIds.join(",")}|${parseTransform(transform).toString()}`;
}

export class PartitionSpecEditor {
  caseSensitive: boolean;
  private readonly base: PartitionSpec;
  private readonly schema: Schema;
  private readonly formatVersion: FormatVersion;
  private readonly history: readonly PartitionSpec[];
  private readonly byName = new Map<string, PartitionField>();
  private readonly byTransform = new Map<string, PartitionField>();
  private readonly adds: PartitionField[] = [];
  private readonly addedByName = new Map<string, PartitionField>();
  private readonly addedByTransform = new Map<string, PartitionField>();
  /** Source id → the time partition this update adds on it. */
  private readonly addedTimeFields = new Map<number, PartitionField>();
  private readonly deletes = new Set<number>();
  private readonly renames = new Map<string, string>();
  private lastId: number;

  constructor(metadata: TableMetadata, caseSensitive = true) {
    this.caseSensitive = caseSensitive;
    this.base = metadata.defaultSpec();
    this.schema = metadata.currentSchema();
    this.formatVersion = metadata.formatVersion;
    this.history = metadata.partitionSpecs;
    this.lastId = Math.max(metadata.lastPartitionId, this.base.lastAssignedFieldId());
    for (const field of this.base.fields) {
      if (parseTransform(field.transform).isUnknown) {
        throw unsupported(`cannot update partition spec ${this.base.specId}: its field ${quote(field.name)} has transform ${field.transform}, which floe does not know`, {
          partitionField: field.name,
        });
      }
      this.byName.set(field.name, field);
      this.byTransform.set(transformKey(sourcesOf(field), field.transform), field);
    }
  }

  /** The highest partition field id handed out: the table's, or the last one this update assigned. */
  get lastPartitionId(): number {
    return this.lastId;
  }

  addField(sourceColumn: string, transform: string | Transform, name?: string): void {
    const term = describeTerm({ sourceColumn, transform });
    const what = `cannot add partition field ${name === undefined ? term : `${quote(name)} (${term})`}`;
    if (name !== undefined && name === "") throw invalidInput(`${what}: a partition field name must not be empty`);
    if (name !== undefined && this.addedByName.has(name)) throw invalidInput(`${what}: this update already adds a field of that name`, { partitionField: name });
    const source = bindSource(this.schema, sourceColumn, transform, this.caseSensitive, what);
    if (source.transform.isVoid) throw invalidInput(`${what}: a void partition field partitions nothing; to stop partitioning by a field, remove it`);
    const transformText = source.transform.toString();
    const key = transformKey([source.field.id], transformText);

    const existing = this.byTransform.get(key);
    if (existing !== undefined && this.deletes.has(existing.fieldId)) {
      // removed and added back in one update: the field simply stays
      this.deletes.delete(existing.fieldId);
      if (name !== undefined && name !== existing.name) this.renameField(existing.name, name);
      return;
    }
    if (existing !== undefined) {
      throw invalidInput(`${what}: the current partition spec already has it, as ${quote(existing.name)}`, { partitionField: existing.name, column: source.name });
    }
    const added = this.addedByTransform.get(key);
    if (added !== undefined) throw invalidInput(`${what}: this update already adds it, as ${quote(added.name)}`, { partitionField: added.name });
    if (TIME_TRANSFORMS.has(source.transform.kind)) {
      const other = this.addedTimeFields.get(source.field.id);
      if (other !== undefined) {
        throw invalidInput(`${what}: this update already adds ${other.transform}(${source.name}) as ${quote(other.name)}; two time partitions of one column are redundant`, {
          column: source.name,
        });
      }
    }

    const field = this.recycled(source.field.id, transformText, name) ?? {
      sourceId: source.field.id,
      fieldId: ++this.lastId,
      name: name ?? defaultPartitionName(source.name, source.transform),
      transform: transformText,
    };
    if (this.addedByName.has(field.name)) throw invalidInput(`${what}: this update already adds a field named ${quote(field.name)}`, { partitionField: field.name });
    const sameName = this.byName.get(field.name);
    if (sameName !== undefined) {
      if (this.deletes.has(sameName.fieldId) || isVoid(sameName)) {
        // the old field gives up its name (it only lives on in v1 specs, as void)
        this.renames.set(sameName.name, `${sameName.name}_${sameName.fieldId}`);
      } else {
        throw invalidInput(`${what}: the current partition spec already has a field named ${quote(field.name)}`, { partitionField: field.name });
      }
    }
    this.checkNameAgainstColumns(field);
    this.adds.push(field);
    this.addedByName.set(field.name, field);
    this.addedByTransform.set(key, field);
    if (TIME_TRANSFORMS.has(source.transform.kind)) this.addedTimeFields.set(source.field.id, field);
  }

  /** Removes a field of the current spec, named by its name or by its term (`day(ts)`, `bucket(16, id)`). */
  removeField(nameOrTerm: string | PartitionTerm): void {
    const shown = typeof nameOrTerm === "string" ? nameOrTerm : describeTerm(nameOrTerm);
    const what = `cannot remove partition field ${quote(shown)}`;
    let field: PartitionField | undefined;
    if (typeof nameOrTerm === "string") {
      if (this.addedByName.has(nameOrTerm)) throw invalidInput(`${what}: this update adds it`, { partitionField: nameOrTerm });
      field = this.byName.get(nameOrTerm);
    }
    const term = typeof nameOrTerm === "string" ? (field === undefined ? parsePartitionTerm(nameOrTerm) : undefined) : nameOrTerm;
    if (term !== undefined) {
      const source = bindSource(this.schema, term.sourceColumn, term.transform, this.caseSensitive, what);
      const key = transformKey([source.field.id], source.transform.toString());
      if (this.addedByTransform.has(key)) throw invalidInput(`${what}: this update adds it`, { partitionField: shown });
      field = this.byTransform.get(key);
    }
    if (field === undefined) {
      throw invalidInput(`${what}: the current partition spec (id ${this.base.specId}) has no field of that name or term`, { partitionField: shown });
    }
    if (this.renames.has(field.name)) throw invalidInput(`${what}: this update renames it`, { partitionField: field.name });
    this.deletes.add(field.fieldId);
  }

  renameField(name: string, newName: string): void {
    const what = `cannot rename partition field ${quote(name)} to ${quote(newName)}`;
    if (newName === "") throw invalidInput(`${what}: a partition field name must not be empty`, { partitionField: name });
    if (this.addedByName.has(name)) throw invalidInput(`${what}: this update adds it; give the name to addField`, { partitionField: name });
    const field = this.byName.get(name);
    if (field === undefined) throw invalidInput(`${what}: the current partition spec (id ${this.base.specId}) has no such field`, { partitionField: name });
    if (this.deletes.has(field.fieldId)) throw invalidInput(`${what}: this update removes it`, { partitionField: name });
    const holder = this.byName.get(newName);
    // a v1 void field gives up its name, as it does to an added field
    if (holder !== undefined && holder !== field && isVoid(holder)) this.renames.set(holder.name, `${holder.name}_${holder.fieldId}`);
    this.checkNameAgainstColumns({ ...field, name: newName });
    this.renames.set(name, newName);
  }

  /** The new spec, with id `specId`. */
  result(specId: number): PartitionSpec {
    const fields: PartitionField[] = [];
    for (const field of this.base.fields) {
      const name = this.renames.get(field.name) ?? field.name;
      if (!this.deletes.has(field.fieldId)) fields.push({ ...field, name });
      // v1 readers number partition fields by position: a removed field keeps its place, producing nulls
      else if (this.formatVersion < 2) fields.push({ ...field, name, transform: "void" });
    }
    fields.push(...this.adds);
    const seen = new Set<string>();
    for (const field of fields) {
      if (seen.has(field.name)) throw invalidInput(`the new partition spec would have two fields named ${quote(field.name)}`, { partitionField: field.name });
      seen.add(field.name);
    }
    return new PartitionSpec(specId, fields);
  }

  /** From format version 2 on, the field an earlier spec had for the same source and transform (and name, when one is given). */
  private recycled(sourceId: number, transform: string, name: string | undefined): PartitionField | undefined {
    if (this.formatVersion < 2) return undefined;
    const key = transformKey([sourceId], transform);
    for (const spec of this.history) {
      for (const field of spec.fields) {
        if (transformKey(sourcesOf(field), field.transform) === key && (name === undefined || field.name === name)) {
          return { sourceId: field.sourceId, fieldId: field.fieldId, name: field.name, transform };
        }
      }
    }
    return undefined;
  }

  /** A partition field may have a column's name only when it is an identity (or void) partition of that column. */
  private checkNameAgainstColumns(field: PartitionField): void {
    const column = this.schema.findFieldByName(field.name);
    if (column === undefined) return;
    const transform = parseTransform(field.transform);
    if ((transform.isIdentity || transform.isVoid) && column.id === field.sourceId) return;
    throw invalidInput(
      `partition field ${quote(field.name)} (${field.transform}) cannot have the name of column ${quote(field.name)}; only an identity partition of that column may`,
      { partitionField: field.name },
    );
  }
}

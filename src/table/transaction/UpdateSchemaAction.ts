/**
 * Schema evolution as a transaction action, in the manner of Iceberg Java's `UpdateSchema`:
 * add, delete, rename, reorder and promote columns, make them optional, change docs, defaults
 * and identifier fields, or union in the columns of another schema. The changes are recorded
 * and made into one new schema each time the action commits, against the metadata it is given.
 * Metadata only: no data file is rewritten, since columns are read by field id.
 *
 * The commit requires that the current schema and the last assigned field id are still those
 * the action first saw, as Iceberg does: a retry after another commit changed the schema fails
 * with `commit-conflict` rather than apply changes meant for the old schema. An action belongs
 * to one transaction.
 */
import { invalidInput } from "../../core/errors/FloeError.js";
import { stringifyJson } from "../spec/json.js";
import type { Schema } from "../spec/schema.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import { schemaToJson } from "../spec/typeJson.js";
import type { IcebergType, PrimitiveType } from "../spec/types.js";
import { SchemaEditor, type ColumnPath, type ColumnPlacement, type NewColumn } from "./SchemaEditor.js";
import type { ActionContext, TransactionAction } from "./TransactionAction.js";
import { LAST_ADDED, type ActionCommit, type TableRequirement } from "./updates.js";

export type { ColumnPath } from "./SchemaEditor.js";

export interface AddColumnOptions extends NewColumn {
  /** Put the column first in its struct. */
  first?: boolean;
  /** Put the column just before this sibling (a path from the table's root). */
  before?: ColumnPath;
  /** Put the column just after this sibling (a path from the table's root). */
  after?: ColumnPath;
}

export interface UpdateSchemaOptions {
  /** Whether column names match only with the same case; default true. */
  caseSensitive?: boolean;
}

type Change = (editor: SchemaEditor) => void;

const show = (path: ColumnPath): string => (typeof path === "string" ? path : path.join("."));

export class UpdateSchemaAction implements TransactionAction {
  readonly kind = "update-schema";
  private readonly changes: Change[] = [];
  private readonly caseSensitiveAtStart: boolean;
  /** The schema and last field id of the first metadata the action committed against. */
  private startedFrom?: { schemaId: number; lastColumnId: number };

  constructor(options: UpdateSchemaOptions = {}) {
    this.caseSensitiveAtStart = options.caseSensitive ?? true;
  }

  /** Whether the column names of the changes that follow match only with the same case. */
  caseSensitive(value: boolean): this {
    return this.record((editor) => {
      editor.caseSensitive = value;
    });
  }

  /**
   * Adds a column: `path` is the new column's path (`"point.z"`, `["point", "z"]`) inside a
   * struct, or inside the struct elements or values of a list or map. It gets the next field
   * ids of the table (nested types get fresh ids for every field inside them) and is optional
   * unless `required`, which needs a non-null `initialDefault`; defaults need format version 3.
   */
  addColumn(path: ColumnPath, type: IcebergType, options: AddColumnOptions = {}): this {
    const parts = typeof path === "string" ? path.split(".") : [...path];
    const name = parts.pop();
    if (name === undefined || name === "") throw invalidInput(`cannot add a column with an empty name (${JSON.stringify(show(path))})`);
    const parent: ColumnPath | undefined = parts.length === 0 ? undefined : typeof path === "string" ? parts.join(".") : parts;
    const placements = [options.first ? "first" : undefined, options.before, options.after].filter((p) => p !== undefined);
    if (placements.length > 1) throw invalidInput(`column ${JSON.stringify(show(path))}: give at most one of first, before and after`, { column: show(path) });
    const placement: ColumnPlacement | undefined = options.first
      ? { first: true }
      : options.before !== undefined
        ? { before: options.before }
        : options.after !== undefined
          ? { after: options.after }
          : undefined;
    const column: NewColumn = { required: options.required, doc: options.doc, initialDefault: options.initialDefault, writeDefault: options.writeDefault };
    return this.record((editor) => void editor.addColumn(parent, name, type, column, placement));
  }

  /** Deletes a column (and everything inside it). Columns the current partition spec or sort order reads, and identifier fields, cannot go. */
  deleteColumn(path: ColumnPath): this {
    return this.record((editor) => editor.deleteColumn(path));
  }

  /** Renames a column in place: same field id, same struct. Later changes name it by its new name. */
  renameColumn(path: ColumnPath, newName: string): this {
    return this.record((editor) => editor.renameColumn(path, newName));
  }

  /** Promotes a primitive column: int → long, float → double, decimal(P,S) → decimal(P',S) with P' > P; in v3 also date → timestamp(_ns) and unknown → any. */
  updateColumnType(path: ColumnPath, newType: PrimitiveType): this {
    return this.record((editor) => editor.updateColumnType(path, newType));
  }

  /** Makes a required column, list element or map value optional. The reverse would break existing rows and is not offered. */
  makeOptional(path: ColumnPath): this {
    return this.record((editor) => editor.makeOptional(path));
  }

  /** Sets a column's doc; undefined removes it. */
  updateDoc(path: ColumnPath, doc: string | undefined): this {
    return this.record((editor) => editor.updateDoc(path, doc));
  }

  /** Sets the value writers use for a row that leaves the column out (format version 3); null removes it. */
  updateWriteDefault(path: ColumnPath, value: unknown): this {
    return this.record((editor) => editor.updateWriteDefault(path, value));
  }

  moveFirst(path: ColumnPath): this {
    return this.record((editor) => editor.move(path, { first: true }));
  }

  /** Moves a column just before `reference`, a column of the same struct. */
  moveBefore(path: ColumnPath, reference: ColumnPath): this {
    return this.record((editor) => editor.move(path, { before: reference }));
  }

  /** Moves a column just after `reference`, a column of the same struct. */
  moveAfter(path: ColumnPath, reference: ColumnPath): this {
    return this.record((editor) => editor.move(path, { after: reference }));
  }

  /** Replaces the identifier fields: required primitive columns, not float or double, outside lists, maps and optional structs. */
  setIdentifierFields(paths: readonly ColumnPath[]): this {
    const copy = [...paths];
    return this.record((editor) => editor.setIdentifierFields(copy));
  }

  /**
   * Adds every field of `schema` that the table lacks (matched by name, level by level, as
   * optional columns), widens types where a promotion allows and makes required columns
   * optional where `schema` has them optional (identifier fields stay required). Never drops or renames: for loading data whose
   * schema grows.
   */
  unionByName(schema: Schema): this {
    return this.record((editor) => editor.unionByName(schema));
  }

  /** The schema the changes make of `metadata`'s current schema (its id the next free one); the current schema when nothing changes. */
  apply(metadata: TableMetadata): Schema {
    return this.evolve(metadata).schema;
  }

  async commit(context: ActionContext): Promise<ActionCommit> {
    const metadata = context.metadata;
    if (metadata === undefined) throw invalidInput("cannot update the schema of a table that does not exist");
    this.startedFrom ??= { schemaId: metadata.currentSchemaId, lastColumnId: metadata.lastColumnId };
    const requirements: TableRequirement[] = [
      { type: "assert-current-schema-id", currentSchemaId: this.startedFrom.schemaId },
      { type: "assert-last-assigned-field-id", lastAssignedFieldId: this.startedFrom.lastColumnId },
    ];
    // another commit changed the schema: the requirements refuse the commit, the changes are not replayed on it
    if (metadata.currentSchemaId !== this.startedFrom.schemaId || metadata.lastColumnId !== this.startedFrom.lastColumnId) {
      return { updates: [], requirements };
    }
    const { schema, lastColumnId, changed } = this.evolve(metadata);
    if (!changed) return { updates: [], requirements };
    return {
      updates: [
        { action: "add-schema", schema, lastColumnId },
        { action: "set-current-schema", schemaId: LAST_ADDED },
      ],
      requirements,
    };
  }

  private record(change: Change): this {
    this.changes.push(change);
    return this;
  }

  private evolve(metadata: TableMetadata): { schema: Schema; lastColumnId: number; changed: boolean } {
    const editor = new SchemaEditor(metadata, this.caseSensitiveAtStart);
    for (const change of this.changes) change(editor);
    const current = metadata.currentSchema();
    const nextId = Math.max(...metadata.schemas.map((s) => s.schemaId)) + 1;
    const schema = editor.result(nextId);
    if (sameContent(schema, current)) return { schema: current, lastColumnId: metadata.lastColumnId, changed: false };
    return { schema, lastColumnId: editor.lastColumnId, changed: true };
  }
}

/** Whether two schemas have the same fields and identifier fields, whatever their ids. */
function sameContent(a: Schema, b: Schema): boolean {
  const json = (s: Schema) => {
    const { "schema-id": _id, ...rest } = schemaToJson(s);
    return stringifyJson(rest);
  };
  return json(a) === json(b);
}

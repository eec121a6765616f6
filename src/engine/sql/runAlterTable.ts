/**
 * ALTER TABLE on a catalog table: schema, partition spec, write order, properties,
 * identifier fields, branches and tags, each committed as one transaction through the
 * catalog (metadata only: no data file is rewritten), and RENAME TO through the catalog.
 */
import type { Catalog, TableIdentifier } from "../../catalog/Catalog.js";
import { formatTableIdentifier } from "../../catalog/identifiers.js";
import { FloeError, invalidInput } from "../../core/errors/FloeError.js";
import type { PrimitiveType } from "../../table/spec/types.js";
import { isPrimitive } from "../../table/spec/types.js";
import { Transaction } from "../../table/transaction/Transaction.js";
import type { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { tableIdentifier } from "./CatalogTableViews.js";
import { constantValue, numberFields } from "./schemaFromSql.js";
import type { AlterTableAction, PartitionTerm, RefOptions } from "./statements/index.js";

const WRITE_DISTRIBUTION_MODE = "write.distribution-mode";

export async function runAlterTable(
  catalog: Catalog,
  session: DuckDBSession,
  identifier: TableIdentifier,
  action: AlterTableAction,
  clock?: () => number,
): Promise<string> {
  const name = formatTableIdentifier(identifier);
  const table = await catalog.loadTable(identifier);
  const metadata = table.metadata;
  const transaction = new Transaction({ io: table.io, base: table, clock });
  const term = (t: PartitionTerm) => ({ sourceColumn: t.column, transform: t.transform });
  const what = `ALTER TABLE ${name}`;

  switch (action.kind) {
    case "add-columns": {
      // a DEFAULT is what rows written before the column existed read, and what writers fill in
      const defaults = new Map<number, unknown>();
      for (const [i, column] of action.columns.entries()) {
        if (column.default !== undefined) defaults.set(i, await constantValue(session, column.default, column.type, column.path.join(".")));
      }
      transaction.updateSchema((schema) => {
        action.columns.forEach((column, i) => {
          const placement = column.position;
          const value = defaults.get(i);
          schema.addColumn(column.path, numberFields(column.type, { id: 1 }), {
            required: column.required,
            doc: column.comment,
            ...(value !== undefined ? { initialDefault: value, writeDefault: value } : {}),
            first: placement?.kind === "first" ? true : undefined,
            after: placement?.kind === "after" ? [...column.path.slice(0, -1), placement.column] : undefined,
          });
        });
      });
      break;
    }
    case "drop-column": {
      const schema = metadata.currentSchema();
      const present = action.columns.filter((c) => schema.findFieldByName(c.join(".")) !== undefined);
      const missing = action.columns.filter((c) => !present.includes(c));
      if (missing.length > 0 && !action.ifExists) {
        throw invalidInput(`${what}: there is no column ${missing[0].join(".")} to drop`, { column: missing[0].join(".") });
      }
      if (present.length === 0) return `${what} (no such column)`;
      transaction.updateSchema((s) => present.forEach((c) => s.deleteColumn(c)));
      break;
    }
    case "rename-column":
      transaction.updateSchema((s) => s.renameColumn(action.column, action.newName));
      break;
    case "alter-column-type":
      if (!isPrimitive(action.type)) throw invalidInput(`${what}: a column's type can only change to another primitive type`, { column: action.column.join(".") });
      transaction.updateSchema((s) => {
        s.updateColumnType(action.column, action.type as PrimitiveType);
        if (action.comment !== undefined) s.updateDoc(action.column, action.comment);
      });
      break;
    case "alter-column-nullability":
      if (action.required) {
        throw invalidInput(`${what}: ${action.column.join(".")} cannot be made NOT NULL: rows already written may hold nulls (Iceberg allows only required → optional)`, {
          column: action.column.join("."),
        });
      }
      transaction.updateSchema((s) => s.makeOptional(action.column));
      break;
    case "alter-column-position":
      transaction.updateSchema((s) =>
        action.position.kind === "first" ? s.moveFirst(action.column) : s.moveAfter(action.column, [...action.column.slice(0, -1), action.position.column]),
      );
      break;
    case "alter-column-comment":
      transaction.updateSchema((s) => s.updateDoc(action.column, action.comment));
      break;
    case "alter-column-default": {
      const field = metadata.currentSchema().findFieldByName(action.column.join("."));
      if (field === undefined) throw invalidInput(`${what}: there is no column ${action.column.join(".")}`, { column: action.column.join(".") });
      const value = action.default === undefined ? null : await constantValue(session, action.default, field.type, action.column.join("."));
      transaction.updateSchema((s) => s.updateWriteDefault(action.column, value));
      break;
    }
    case "add-partition-field":
      transaction.updateSpec((spec) => spec.addField(action.term.column, action.term.transform, action.term.name));
      break;
    case "drop-partition-field": {
      // a bare name may be a partition field's name rather than an identity term
      const byName = action.term.transform === "identity" && metadata.defaultSpec().fields.some((f) => f.name === action.term.column);
      transaction.updateSpec((spec) => spec.removeField(byName ? action.term.column : term(action.term)));
      break;
    }
    case "replace-partition-field": {
      const byName = action.term.transform === "identity" && metadata.defaultSpec().fields.some((f) => f.name === action.term.column);
      transaction.updateSpec((spec) => {
        spec.removeField(byName ? action.term.column : term(action.term));
        spec.addField(action.replacement.column, action.replacement.transform, action.replacement.name);
      });
      break;
    }
    case "write-ordered-by":
      transaction.replaceSortOrder((order) => {
        for (const t of action.order) {
          if (t.direction === "asc") order.asc(t.column, t.nullOrder, t.transform);
          else order.desc(t.column, t.nullOrder, t.transform);
        }
      });
      if (action.distributionMode !== undefined) transaction.setProperties({ [WRITE_DISTRIBUTION_MODE]: action.distributionMode });
      break;
    case "set-properties":
      transaction.setProperties(action.properties);
      break;
    case "unset-properties": {
      const missing = action.keys.filter((k) => metadata.properties[k] === undefined);
      if (missing.length > 0 && !action.ifExists) throw invalidInput(`${what}: the table has no property ${JSON.stringify(missing[0])} to unset`);
      const keys = action.keys.filter((k) => metadata.properties[k] !== undefined);
      if (keys.length === 0) return `${what} (nothing to unset)`;
      transaction.removeProperties(keys);
      break;
    }
    case "set-identifier-fields":
      transaction.updateSchema((s) => s.setIdentifierFields(action.columns));
      break;
    case "drop-identifier-fields": {
      const schema = metadata.currentSchema();
      const dropped = new Set(action.columns.map((c) => schema.findFieldIdByName(c.join("."))));
      const kept = schema.identifierFieldIds.filter((id) => !dropped.has(id)).map((id) => schema.findColumnName(id)!);
      transaction.updateSchema((s) => s.setIdentifierFields(kept));
      break;
    }
    case "rename-table": {
      const to = tableIdentifier(action.newName, identifier.namespace);
      if (to === undefined) throw invalidInput(`${what} RENAME TO: give the new name`);
      await catalog.renameTable(identifier, action.newName.length === 1 ? { namespace: identifier.namespace, name: action.newName[0] } : to);
      return `${what} RENAME TO ${formatTableIdentifier(action.newName.length === 1 ? { namespace: identifier.namespace, name: action.newName[0] } : to)}`;
    }
    case "create-branch":
    case "create-tag": {
      const isBranch = action.kind === "create-branch";
      const existing = metadata.ref(action.name);
      if (existing !== undefined && action.ifNotExists) return `${what} (${action.name} exists)`;
      const snapshotId = action.snapshotId ?? metadata.currentSnapshotId;
      transaction.manageSnapshots((m) => {
        if (existing !== undefined && action.orReplace) {
          if (isBranch) m.replaceBranch(action.name, snapshotId ?? requireSnapshot(what));
          else m.replaceTag(action.name, snapshotId ?? requireSnapshot(what));
        } else if (isBranch) m.createBranch(action.name, snapshotId, branchRetention(action));
        else m.createTag(action.name, snapshotId ?? requireSnapshot(what), tagRetention(action));
        applyRetention(m, action.name, isBranch, action);
      });
      break;
    }
    case "replace-branch":
    case "replace-tag": {
      const snapshotId = action.snapshotId ?? metadata.currentSnapshotId ?? requireSnapshot(what);
      transaction.manageSnapshots((m) => {
        if (action.kind === "replace-branch") m.replaceBranch(action.name, snapshotId);
        else m.replaceTag(action.name, snapshotId);
        applyRetention(m, action.name, action.kind === "replace-branch", action);
      });
      break;
    }
    case "drop-branch":
    case "drop-tag": {
      if (metadata.ref(action.name) === undefined) {
        if (action.ifExists) return `${what} (${action.name} did not exist)`;
        throw new FloeError("not-found", `${what}: there is no ${action.kind === "drop-branch" ? "branch" : "tag"} ${action.name}`);
      }
      transaction.manageSnapshots((m) => (action.kind === "drop-branch" ? m.removeBranch(action.name) : m.removeTag(action.name)));
      break;
    }
  }
  await transaction.commit(catalog.tableCommitter(identifier));
  return what;
}

function requireSnapshot(what: string): never {
  throw invalidInput(`${what}: the table has no snapshot yet; write to it first or give AS OF VERSION`);
}

function branchRetention(options: RefOptions) {
  return { minSnapshotsToKeep: options.minSnapshotsToKeep, maxSnapshotAgeMs: options.maxSnapshotAgeMs, maxRefAgeMs: options.maxRefAgeMs };
}

function tagRetention(options: RefOptions) {
  return { maxRefAgeMs: options.maxRefAgeMs };
}

/** Retention given with OR REPLACE / REPLACE, which the create calls do not take. */
function applyRetention(
  m: { setMinSnapshotsToKeep(b: string, n: number): unknown; setMaxSnapshotAgeMs(b: string, ms: bigint): unknown; setMaxRefAgeMs(n: string, ms: bigint): unknown },
  name: string,
  isBranch: boolean,
  options: RefOptions,
): void {
  if (isBranch && options.minSnapshotsToKeep !== undefined) m.setMinSnapshotsToKeep(name, options.minSnapshotsToKeep);
  if (isBranch && options.maxSnapshotAgeMs !== undefined) m.setMaxSnapshotAgeMs(name, options.maxSnapshotAgeMs);
  if (options.maxRefAgeMs !== undefined) m.setMaxRefAgeMs(name, options.maxRefAgeMs);
}

/**
 * Writing query results into a table: append (INSERT INTO), dynamic partition overwrite
 * (INSERT OVERWRITE: the partitions the rows fall in are replaced), overwrite by filter
 * (the rows matching a condition are replaced by the new rows), and upsert by key
 * (merge-on-read with equality deletes, for blind upserts where the writer does not look
 * up the rows it replaces).
 */
import { randomUUID } from "node:crypto";
import { invalidInput } from "../../core/errors/FloeError.js";
import { DataFileContent, type DataFile } from "../../table/manifest/dataFile.js";
import { MAIN_BRANCH } from "../../table/spec/refs.js";
import { Schema } from "../../table/spec/schema.js";
import type { TableMetadata } from "../../table/spec/tableMetadata.js";
import { FastAppendAction } from "../../table/transaction/FastAppendAction.js";
import { ReplacePartitionsAction } from "../../table/transaction/ReplacePartitionsAction.js";
import { RowDeltaAction } from "../../table/transaction/RowDeltaAction.js";
import type { CommittedTable } from "../../table/transaction/TableCommitter.js";
import type { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { quoteIdentifier } from "../duckdb/duckdbTypes.js";
import { writeDataFiles } from "../write/DataFileWriter.js";
import { commitRowChanges } from "./commitRowChanges.js";
import { commitWritten, removeWrittenFiles } from "./commitWritten.js";
import { withRecords, type RecordSource } from "./recordSources.js";
import { dropScan, FILE_COLUMN, POS_COLUMN, scanTarget } from "./scanTarget.js";
import { loadTarget, unchanged, type ChangeResult, type TableTarget } from "./TableTarget.js";

/** Writes the rows of `sql` (the table's columns, by name) as data files of the table's current schema and spec. */
export async function writeTableFiles(session: DuckDBSession, io: TableTarget["io"], metadata: TableMetadata, sql: string, columns?: Schema): Promise<DataFile[]> {
  const schema = columns ?? metadata.currentSchema();
  const order = metadata.defaultSortOrder();
  return writeDataFiles(session, {
    sql,
    schema,
    spec: metadata.defaultSpec(),
    location: metadata.location,
    io,
    properties: metadata.properties,
    // rows are written in the table's sort order when it has one (not the key-only files of equality deletes)
    sortOrder: columns === undefined && order.fields.length > 0 ? order : undefined,
  });
}


function result(table: CommittedTable, target: TableTarget, fields: Partial<ChangeResult>): ChangeResult {
  return { ...unchanged(table), snapshotId: table.metadata.snapshotByRef(target.branch ?? MAIN_BRANCH)?.snapshotId, ...fields };
}

/**
 * Appends rows given from TypeScript — records or an Apache Arrow table — in a new snapshot.
 * They are checked against the schema first: a value that does not fit, a null in a required
 * column or an unknown column is an error naming the row and the column, and nothing is written.
 */
export async function appendRecords(session: DuckDBSession, target: TableTarget, source: RecordSource): Promise<ChangeResult> {
  const table = await loadTarget(target);
  return withRecords(session, table.metadata.currentSchema(), source, (sql) => appendRows(session, { ...target, base: table }, sql));
}

/** INSERT INTO: appends the rows in a new snapshot (nothing is committed for no rows). */
export async function appendRows(session: DuckDBSession, target: TableTarget, sql: string): Promise<ChangeResult> {
  const table = await loadTarget(target);
  const files = await writeTableFiles(session, target.io, table.metadata, sql);
  if (files.length === 0) return unchanged(table);
  const committed = await commitWritten(target, table, files, new FastAppendAction(files, { branch: target.branch }));
  return result(committed, target, { insertedRows: sum(files), addedDataFiles: files.length });
}

/**
 * INSERT OVERWRITE: replaces the partitions the rows fall in (all of an unpartitioned
 * table). A concurrent commit that wrote to one of those partitions makes it fail.
 */
export async function overwritePartitions(session: DuckDBSession, target: TableTarget, sql: string): Promise<ChangeResult> {
  const table = await loadTarget(target);
  const files = await writeTableFiles(session, target.io, table.metadata, sql);
  if (files.length === 0) return unchanged(table);
  const startingSnapshotId = table.metadata.snapshotByRef(target.branch ?? MAIN_BRANCH)?.snapshotId ?? null;
  const action = new ReplacePartitionsAction({ branch: target.branch, startingSnapshotId }).validateNoConflictingData().validateNoConflictingDeletes();
  for (const file of files) action.add(file);
  const committed = await commitWritten(target, table, files, action);
  const summary = committed.metadata.snapshotByRef(target.branch ?? MAIN_BRANCH)?.summary ?? {};
  return result(committed, target, {
    insertedRows: sum(files),
    deletedRows: BigInt(summary["deleted-records"] ?? "0"),
    addedDataFiles: files.length,
    removedDataFiles: Number(summary["deleted-data-files"] ?? "0"),
  });
}

/** Replaces the rows matching `where` (all rows when undefined) with the rows of `sql`, in one snapshot. */
export async function overwriteRows(session: DuckDBSession, target: TableTarget, sql: string, where?: string): Promise<ChangeResult> {
  const scan = await scanTarget(session, target, where);
  try {
    const removedTable = `${scan.prefix}_removed`;
    const condition = where === undefined ? "" : ` WHERE coalesce((${where}), false)`;
    await session.run(`CREATE TEMP TABLE ${quoteIdentifier(removedTable)} AS SELECT ${FILE_COLUMN} AS file, ${POS_COLUMN} AS pos FROM ${quoteIdentifier(scan.view)}${condition}`);
    return await commitRowChanges(session, target, scan, { removedTable, addedSql: sql, mode: "copy-on-write" });
  } finally {
    await dropScan(session, scan);
  }
}

/**
 * Upsert by key, merge-on-read: the rows of `sql` are added, and an equality delete file of
 * their keys removes every older row with the same key — without reading the table. The key
 * must include every partition source column (an older row with the same key must be in the
 * same partition for the partition-scoped equality delete to reach it), and the rows of
 * `sql` must have distinct keys.
 */
export async function upsertRows(session: DuckDBSession, target: TableTarget, sql: string, key: readonly string[]): Promise<ChangeResult> {
  const table = await loadTarget(target);
  const metadata = table.metadata;
  if (metadata.formatVersion < 2) throw invalidInput("upserts need equality deletes, which format version 1 tables cannot hold");
  if (key.length === 0) throw invalidInput("an upsert needs at least one key column");
  const schema = metadata.currentSchema();
  const keyFields = key.map((name) => {
    const field = schema.fields.find((f) => f.name === name);
    if (field === undefined) throw invalidInput(`upsert key column ${JSON.stringify(name)} is not a top-level column of the table`, { column: name });
    return field;
  });
  const spec = metadata.defaultSpec();
  for (const field of spec.fields) {
    if (!keyFields.some((k) => k.id === field.sourceId)) {
      const source = schema.findField(field.sourceId)?.name ?? String(field.sourceId);
      throw invalidInput(`the upsert key must include the partition source column ${JSON.stringify(source)}`, { column: source });
    }
  }
  const staged = `__floe_upsert_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  await session.run(`CREATE TEMP TABLE ${quoteIdentifier(staged)} AS ${sql}`);
  try {
    const keys = keyFields.map((f) => quoteIdentifier(f.name)).join(", ");
    const duplicate = await session.query(`SELECT ${keys} FROM ${quoteIdentifier(staged)} GROUP BY ALL HAVING count(*) > 1 LIMIT 1`);
    if (duplicate.rows.length > 0) {
      throw invalidInput(`the upserted rows have the key (${duplicate.rows[0].map(String).join(", ")}) more than once; an upsert needs distinct keys`);
    }
    const written: DataFile[] = [];
    try {
      const dataFiles = await writeTableFiles(session, target.io, metadata, `SELECT * FROM ${quoteIdentifier(staged)}`);
      written.push(...dataFiles);
      if (dataFiles.length === 0) return unchanged(table);
      // the equality delete files: the key columns only, partitioned like the data
      const keySchema = new Schema(keyFields, { schemaId: schema.schemaId });
      const deleteFiles = (await writeTableFiles(session, target.io, metadata, `SELECT ${keys} FROM ${quoteIdentifier(staged)}`, keySchema)).map(
        (file): DataFile => ({ ...file, content: DataFileContent.EQUALITY_DELETES, equalityIds: keyFields.map((f) => f.id) }),
      );
      written.push(...deleteFiles);
      const action = new RowDeltaAction({ branch: target.branch });
      for (const file of dataFiles) action.addRows(file);
      for (const file of deleteFiles) action.addDeletes(file);
      const committed = await commitWritten(target, table, written, action);
      return result(committed, target, { insertedRows: sum(dataFiles), addedDataFiles: dataFiles.length, addedDeleteFiles: deleteFiles.length });
    } catch (error) {
      await removeWrittenFiles(target, written, error);
      throw error;
    }
  } finally {
    await session.run(`DROP TABLE IF EXISTS ${quoteIdentifier(staged)}`);
  }
}

function sum(files: readonly DataFile[]): bigint {
  return files.reduce((total, f) => total + f.recordCount, 0n);
}

import { malformed, unsupported } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import { DataFileContent, type DataFile } from "../../table/manifest/dataFile.js";
import type { FileScanTask, ScanPlan } from "../../table/scan/TableScan.js";
import type { NameMapping } from "../../table/spec/nameMapping.js";
import type { NestedField } from "../../table/spec/types.js";
import type { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { duckdbTypeOf, quoteIdentifier, quoteString } from "../duckdb/duckdbTypes.js";
import { sqlLiteral } from "../duckdb/literals.js";
import { caseCollisionNames } from "../sql/columnRenames.js";
import { readDeletionVector } from "../../table/puffin/readDeletionVector.js";

export interface ScanView {
  /** Column name → the internal name the view uses for it (only columns whose names differ from another's by case alone). */
  renames: Map<string, string>;
  /** Local path DuckDB reads → the file's location in the table, to name files in errors. */
  locations: Map<string, string>;
}

/** Columns the reader adds to find rows that deletes name; in the view only when `rowIdentity` asks for them. */
export const FILE_COLUMN = "__floe_file";
export const POS_COLUMN = "__floe_pos";

export interface ScanViewOptions {
  /** The table's name mapping, for data files written without Parquet field ids. */
  nameMapping?: NameMapping;
  /** How many files are fetched to local paths at once (object stores). */
  fetchConcurrency?: number;
  /**
   * Adds the columns `__floe_file` (the local path DuckDB read; `locations` maps it to the
   * file's location) and `__floe_pos` (the row's position in that file) to the view, so
   * row-level changes can name the rows they delete.
   */
  rowIdentity?: boolean;
}

/**
 * Turns a scan plan into a DuckDB view with the snapshot schema's columns:
 * data files are read by Parquet field id (so renamed, reordered, dropped and re-added
 * columns, promoted types and `initial-default` values come out right), identity
 * partition values fill columns the files do not store, and position deletes, deletion
 * vectors and equality deletes remove the rows they name.
 */
export async function createScanView(
  session: DuckDBSession,
  io: FileIO,
  plan: ScanPlan,
  viewName: string,
  options: ScanViewOptions = {},
): Promise<ScanView> {
  const prefix = `__floe_${viewName.replace(/\W/g, "_")}`;
  // DuckDB names are case-insensitive: columns that differ only by case get internal names in the view.
  const internalNames = caseCollisionNames(plan.schema.fields);
  const columns = plan.schema.fields.map((f) => (internalNames.has(f.id) ? { ...f, name: internalNames.get(f.id)! } : f));
  const renames = new Map(plan.schema.fields.filter((f) => internalNames.has(f.id)).map((f) => [f.name, internalNames.get(f.id)!]));
  if (columns.length === 0) throw unsupported(`table ${viewName} has a schema with no columns`);
  const localPaths = await fetchLocalPaths(io, plan.tasks, options.fetchConcurrency ?? 8);
  const local = (file: DataFile) => localPaths.get(file.filePath)!;
  const locations = new Map([...localPaths].map(([location, localPath]) => [localPath, location]));

  const withDeletes = plan.tasks.filter((t) => t.deletes.length > 0);
  const needRowIdentity = withDeletes.length > 0 || options.rowIdentity === true;
  const parts: string[] = [];

  const withoutIds = options.nameMapping ? await filesWithoutFieldIds(session, plan.tasks.map((t) => local(t.dataFile))) : new Set<string>();
  const byFieldId = plan.tasks.filter((t) => !withoutIds.has(local(t.dataFile)));
  for (const group of groupByConstants(byFieldId, columns).values()) {
    const files = group.tasks.map((t) => quoteString(local(t.dataFile)));
    const schemaMap = columns
      .map((field) => `${field.id}: {name: ${quoteString(field.name)}, type: ${quoteString(duckdbTypeOf(field.type))}, default_value: ${defaultFor(field, group.constants)}}`)
      .join(", ");
    const extra = needRowIdentity ? `, ${FILE_COLUMN}, ${POS_COLUMN}` : "";
    const identity = needRowIdentity ? `, filename AS ${FILE_COLUMN}, file_row_number AS ${POS_COLUMN}` : "";
    parts.push(
      `SELECT ${columns.map((f) => quoteIdentifier(f.name)).join(", ")}${extra} FROM (SELECT *${identity} FROM read_parquet([${files.join(", ")}], schema = MAP {${schemaMap}}${needRowIdentity ? ", filename = true, file_row_number = true" : ""}))`,
    );
  }
  for (const task of plan.tasks.filter((t) => withoutIds.has(local(t.dataFile)))) {
    parts.push(await nameMappedSelect(session, local(task.dataFile), task, columns, options.nameMapping!, needRowIdentity));
  }
  if (parts.length === 0) {
    const empty = [
      ...columns.map((f) => `CAST(NULL AS ${duckdbTypeOf(f.type)}) AS ${quoteIdentifier(f.name)}`),
      ...(options.rowIdentity ? [`CAST(NULL AS VARCHAR) AS ${FILE_COLUMN}`, `CAST(NULL AS BIGINT) AS ${POS_COLUMN}`] : []),
    ].join(", ");
    await session.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdentifier(viewName)} AS SELECT ${empty} WHERE false`);
    return { renames, locations };
  }

  const deletes = needRowIdentity ? await loadDeletes(session, io, prefix, withDeletes, columns, local) : { conditions: [], positionTable: undefined };
  const body = parts.join("\nUNION ALL\n");
  const select = [
    ...columns.map((f) => `d.${quoteIdentifier(f.name)}`),
    ...(options.rowIdentity ? [`d.${FILE_COLUMN}`, `d.${POS_COLUMN}`] : []),
  ].join(", ");
  // an anti join on (file, position): DuckDB plans it as one hash join, where NOT EXISTS groups every row read
  const antiJoin = deletes.positionTable === undefined ? "" : ` ANTI JOIN ${deletes.positionTable} AS p ON p.file = d.${FILE_COLUMN} AND p.pos = d.${POS_COLUMN}`;
  const where = deletes.conditions.length ? ` WHERE ${deletes.conditions.join(" AND ")}` : "";
  await session.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdentifier(viewName)} AS SELECT ${select} FROM (${body}) AS d${antiJoin}${where}`);
  return { renames, locations };
}

/** Fetches every data and delete file to a local path (a no-op for local files). */
async function fetchLocalPaths(io: FileIO, tasks: readonly FileScanTask[], concurrency: number): Promise<Map<string, string>> {
  const paths = new Set<string>();
  for (const t of tasks) {
    paths.add(t.dataFile.filePath);
    for (const d of t.deletes) paths.add(d.filePath);
  }
  const list = [...paths];
  const out = new Map<string, string>();
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, list.length) }, async () => {
      while (next < list.length) {
        const path = list[next++];
        out.set(path, await io.localPath(path));
      }
    }),
  );
  return out;
}

/**
 * Groups tasks by the constant values their files may lack: identity partition values
 * (writers may leave identity-partitioned columns out of data files). Tables without
 * identity partitions read as one group, in one `read_parquet`.
 */
function groupByConstants(tasks: readonly FileScanTask[], columns: readonly NestedField[]) {
  const topLevel = new Set(columns.map((c) => c.id));
  const groups = new Map<string, { constants: Map<number, unknown>; tasks: FileScanTask[] }>();
  for (const task of tasks) {
    const constants = new Map<number, unknown>();
    for (const field of task.spec.fields) {
      if (field.transform === "identity" && topLevel.has(field.sourceId)) constants.set(field.sourceId, task.dataFile.partition[field.fieldId]);
    }
    const key = [...constants].map(([id, v]) => `${id}=${typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString("hex") : JSON.stringify(v)}`).join(",");
    const group = groups.get(key) ?? { constants, tasks: [] };
    group.tasks.push(task);
    groups.set(key, group);
  }
  return groups;
}

/**
 * The value of a column a file does not store: its identity partition value, else its
 * `initial-default`, else null. Written as text because every entry of read_parquet's
 * schema map must have one type; DuckDB casts it to the column's type.
 */
function defaultFor(field: NestedField, constants: Map<number, unknown>): string {
  if (constants.has(field.id)) return `CAST(${sqlLiteral(field.type, constants.get(field.id))} AS VARCHAR)`;
  if (field.initialDefault !== undefined && field.type.type !== "struct" && field.type.type !== "list" && field.type.type !== "map") {
    return `CAST(${sqlLiteral(field.type, field.initialDefault)} AS VARCHAR)`;
  }
  return "CAST(NULL AS VARCHAR)";
}

/** Local files among `files` whose Parquet schema has no field ids (read through the name mapping). */
async function filesWithoutFieldIds(session: DuckDBSession, files: string[]): Promise<Set<string>> {
  if (files.length === 0) return new Set();
  const result = await session.query(
    `SELECT file_name FROM parquet_schema([${files.map(quoteString).join(", ")}]) GROUP BY file_name HAVING count(field_id) = 0`,
  );
  return new Set(result.rows.map((r) => String(r[0])));
}

/** A SELECT over one file without field ids: each column found by the names the mapping gives its id. */
async function nameMappedSelect(
  session: DuckDBSession,
  file: string,
  task: FileScanTask,
  columns: readonly NestedField[],
  mapping: NameMapping,
  needRowIdentity: boolean,
): Promise<string> {
  const described = await session.query(`DESCRIBE SELECT * FROM read_parquet(${quoteString(file)})`);
  const present = new Set(described.rows.map((r) => String(r[0])));
  const constants = groupByConstants([task], columns).values().next().value!.constants;
  const byId = new Map<number, string[]>();
  const collect = (fields: readonly { fieldId?: number; names: string[] }[]) => {
    for (const f of fields) if (f.fieldId !== undefined) byId.set(f.fieldId, f.names);
  };
  collect(mapping.fields);
  const select = columns.map((field) => {
    const name = (byId.get(field.id) ?? []).find((n) => present.has(n));
    const value = `CAST(${name !== undefined ? quoteIdentifier(name) : defaultFor(field, constants)} AS ${duckdbTypeOf(field.type)})`;
    return `${value} AS ${quoteIdentifier(field.name)}`;
  });
  if (needRowIdentity) select.push(`filename AS ${FILE_COLUMN}`, `file_row_number AS ${POS_COLUMN}`);
  const flags = needRowIdentity ? ", filename = true, file_row_number = true" : "";
  return `SELECT ${select.join(", ")} FROM read_parquet(${quoteString(file)}${flags})`;
}

/**
 * Loads delete files into temporary tables: position deletes (and deletion vectors) into one
 * table of (local data file, position) the view anti-joins, and each equality delete file
 * into a table of its key columns plus the data files it applies to, returned as conditions.
 * All position delete files are read in one `read_parquet`, each row kept only for the data
 * files the planner applied that delete file to (by sequence number and partition).
 */
async function loadDeletes(
  session: DuckDBSession,
  io: FileIO,
  prefix: string,
  tasks: readonly FileScanTask[],
  columns: readonly NestedField[],
  local: (file: DataFile) => string,
): Promise<{ conditions: string[]; positionTable: string | undefined }> {
  const conditions: string[] = [];
  const positionTable = `${prefix}_positions`;
  await session.run(`CREATE OR REPLACE TEMP TABLE ${positionTable} (file VARCHAR, pos BIGINT)`);
  let havePositions = false;

  // Which data files each delete file applies to (the planner decided, by sequence number and partition).
  const targets = new Map<string, { file: DataFile; dataFiles: DataFile[] }>();
  for (const task of tasks) {
    for (const d of task.deletes) {
      const key = `${d.filePath}#${d.contentOffset ?? ""}`;
      const entry = targets.get(key) ?? { file: d, dataFiles: [] };
      entry.dataFiles.push(task.dataFile);
      targets.set(key, entry);
    }
  }

  const positionFiles: { file: DataFile; dataFiles: DataFile[] }[] = [];
  let equalityIndex = 0;
  for (const { file, dataFiles } of targets.values()) {
    if (file.content === DataFileContent.POSITION_DELETES && file.contentOffset !== undefined) {
      // A deletion vector: a bitmap of positions in one data file, stored as a Puffin blob.
      const target = dataFiles.find((d) => d.filePath === file.referencedDataFile) ?? dataFiles[0];
      const positions = await readDeletionVector(io, file);
      await insertPositions(session, positionTable, local(target), positions);
      havePositions = true;
    } else if (file.content === DataFileContent.POSITION_DELETES) {
      positionFiles.push({ file, dataFiles });
    } else if (file.content === DataFileContent.EQUALITY_DELETES) {
      const ids = file.equalityIds ?? [];
      const keyColumns = ids.map((id) => {
        const column = columns.find((c) => c.id === id);
        if (!column) throw unsupported(`equality delete file ${file.filePath} deletes by field ${id}, which is not a top-level column of the schema read`);
        return column;
      });
      if (keyColumns.length === 0) throw malformed(`equality delete file ${file.filePath} has no equality_ids`);
      const table = `${prefix}_eq${equalityIndex++}`;
      const schemaMap = keyColumns
        .map((c) => `${c.id}: {name: ${quoteString(c.name)}, type: ${quoteString(duckdbTypeOf(c.type))}, default_value: NULL}`)
        .join(", ");
      await session.run(
        `CREATE OR REPLACE TEMP TABLE ${table} AS SELECT DISTINCT ${keyColumns.map((c) => quoteIdentifier(c.name)).join(", ")} FROM read_parquet(${quoteString(local(file))}, schema = MAP {${schemaMap}})`,
      );
      await session.run(`CREATE OR REPLACE TEMP TABLE ${table}_files AS SELECT unnest([${dataFiles.map((d) => quoteString(local(d))).join(", ")}]) AS file`);
      const match = keyColumns.map((c) => `e.${quoteIdentifier(c.name)} IS NOT DISTINCT FROM d.${quoteIdentifier(c.name)}`).join(" AND ");
      conditions.push(`NOT (d.${FILE_COLUMN} IN (SELECT file FROM ${table}_files) AND EXISTS (SELECT 1 FROM ${table} AS e WHERE ${match}))`);
    }
  }
  if (positionFiles.length > 0) {
    // (delete file, data file it applies to): one read of every position delete file, joined to it
    const mapTable = `${prefix}_map`;
    await session.run(`CREATE OR REPLACE TEMP TABLE ${mapTable} (delete_file VARCHAR, original VARCHAR, local VARCHAR)`);
    const pairs = positionFiles.flatMap(({ file, dataFiles }) => dataFiles.map((d) => `(${quoteString(local(file))}, ${quoteString(d.filePath)}, ${quoteString(local(d))})`));
    for (let i = 0; i < pairs.length; i += 1000) await session.run(`INSERT INTO ${mapTable} VALUES ${pairs.slice(i, i + 1000).join(", ")}`);
    const files = positionFiles.map(({ file }) => quoteString(local(file))).join(", ");
    await session.run(
      `INSERT INTO ${positionTable} SELECT m.local, p.pos FROM read_parquet([${files}], filename = true) AS p JOIN ${mapTable} AS m ON p.filename = m.delete_file AND p.file_path = m.original`,
    );
    havePositions = true;
  }
  return { conditions, positionTable: havePositions ? positionTable : undefined };
}

async function insertPositions(session: DuckDBSession, table: string, file: string, positions: BigUint64Array | bigint[]): Promise<void> {
  const batch = 10_000;
  for (let i = 0; i < positions.length; i += batch) {
    const slice = Array.from(positions.slice(i, i + batch) as ArrayLike<bigint>);
    await session.run(`INSERT INTO ${table} SELECT ${quoteString(file)}, unnest([${slice.join(", ")}]::BIGINT[])`);
  }
}

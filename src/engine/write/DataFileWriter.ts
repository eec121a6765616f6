/**
 * Writes the rows of a DuckDB query into Parquet data files of an Iceberg table and describes
 * them as DataFiles, ready for a FastAppend.
 *
 * One `COPY ... TO` does the work:
 * - the query's columns are matched to the schema by name and cast to the Iceberg types'
 *   DuckDB types; `FIELD_IDS` gives every column, nested ones included, its field id;
 * - a partitioned table's partition tuple is computed per row in SQL (partitionColumns.ts)
 *   and `PARTITION_BY` writes one directory per tuple, leaving those columns out of the files;
 * - `RETURN_STATS` reports, per file, its rows, size, partition values and per-column
 *   statistics (counts, sizes, min and max without NaN, whether there are NaNs), from which
 *   the metrics are made (metrics.ts) without reading the files again; NaNs are counted with
 *   a query only in float columns of files that have some.
 *
 * Rolling at `write.target-file-size-bytes` (default 512 MiB): an unpartitioned write uses
 * DuckDB's `FILE_SIZE_BYTES`; DuckDB cannot roll partitioned writes, so a partition file that
 * came out larger than the target is rewritten into target-sized files (one extra pass over
 * that file only, never for partitions below the target).
 *
 * Sorted writes (`sortOrder`, sortKeys.ts): DuckDB keeps the order of a query only when it
 * writes one file, and interleaves its threads' rows in partitioned and rolling writes. So an
 * unpartitioned write is one ordered COPY to one file, and a partitioned one stages its
 * partition files unsorted (with a codec cheap to write and read) and rewrites each in order;
 * a sorted file above the target size is cut into consecutive runs of rows.
 *
 * Files are written to a staging directory (inside the data directory for a local table, so
 * moving them into place is a rename; in a local temporary directory for a remote one, from
 * which they are uploaded through the FileIO), then moved to
 * `<data>/<field>=<value>/.../<n>-<write id>.parquet`. On any failure the staged and moved
 * files are removed and the error names the column at fault: a value that does not convert
 * to the column's type, a null in a required column.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { FloeError, invalidInput, isFloeError } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import { schemeOf, toLocalFilePath } from "../../io/location.js";
import { DataFileContent, type DataFile, type PartitionData } from "../../table/manifest/dataFile.js";
import type { PartitionSpec } from "../../table/spec/partitionSpec.js";
import type { Schema } from "../../table/spec/schema.js";
import type { SortOrder } from "../../table/spec/sortOrder.js";
import { typeToString, type NestedField } from "../../table/spec/types.js";
import type { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { duckdbTypeOf, quoteIdentifier, quoteString } from "../duckdb/duckdbTypes.js";
import { sqlLiteral } from "../duckdb/literals.js";
import { registerBucketFunctions } from "./bucketFunctions.js";
import { fileMetrics, metricsModes, type ColumnWriteStats } from "./metrics.js";
import { partitionColumns, type PartitionColumn } from "./partitionColumns.js";
import { partitionPath } from "./partitionPath.js";
import { sortKeys } from "./sortKeys.js";
import { checkedColumn, parseRowCheckError } from "./rowChecks.js";
import { fieldIdsOption, leafColumns, parseColumnKey, pathKey, storedFields, type ColumnStep, type LeafColumn } from "./schemaColumns.js";
import {
  duckdbCompression,
  PARQUET_COMPRESSION_LEVEL,
  positiveIntegerProperty,
  dataLocation,
  WRITE_TARGET_FILE_SIZE_BYTES,
  WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT,
} from "./writeProperties.js";

export interface WriteDataFilesOptions {
  /** A query whose columns are the table's, by name. Optional columns it leaves out are written as null (or their write default). */
  sql: string;
  schema: Schema;
  spec: PartitionSpec;
  /** The table location; files go under `<location>/data/` unless the `write.data.path` property says otherwise. */
  location: string;
  io: FileIO;
  /** Table properties: target file size, compression, metrics modes, data path. */
  properties?: Readonly<Record<string, string>>;
  /** Rows per Parquet row group; DuckDB's default when unset. */
  rowGroupSize?: number;
  /** Where the files of a table in a remote store are staged before upload; default the OS temporary directory. */
  stagingDirectory?: string;
  /** How many files are moved (default 32) or uploaded (default 8) at once. */
  concurrency?: number;
  /**
   * The order rows are written in within each file (the table's default sort order): each
   * file is sorted by it and records its id. Without it files are unsorted and record no id.
   */
  sortOrder?: SortOrder;
}

/** A file as COPY reported it, staged and not yet in place. */
interface StagedFile {
  localPath: string;
  recordCount: bigint;
  sizeInBytes: bigint;
  partition: PartitionData;
  stats: Map<string, ColumnWriteStats>;
}

/** Files of at least this size get exact split offsets from their footer; smaller ones (never split by readers) the first row group's. */
const SPLIT_OFFSETS_MIN_SIZE = 16n * 1024n * 1024n;
/** Where the first row group of a Parquet file starts, after the `PAR1` magic. */
const FIRST_ROW_GROUP_OFFSET = 4n;

/**
 * Writes the rows of `options.sql` as Parquet data files of the table and returns them as
 * DataFiles (partition tuples, record counts, sizes, metrics, split offsets). Nothing is
 * committed: pass them to a FastAppend. Writes nothing (and returns []) for no rows.
 */
export async function writeDataFiles(session: DuckDBSession, options: WriteDataFilesOptions): Promise<DataFile[]> {
  const properties = options.properties ?? {};
  const { schema, spec, io } = options;
  const targetFileSize = positiveIntegerProperty(properties, WRITE_TARGET_FILE_SIZE_BYTES, WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT);
  const compression = duckdbCompression(properties);
  const compressionLevel = properties[PARQUET_COMPRESSION_LEVEL];
  const leaves = leafColumns(schema);
  const modes = metricsModes(schema, leaves, properties);
  const fields = storedFields(schema);
  if (fields.length === 0) throw invalidInput("the table schema has no columns to write");

  const dataDirectory = dataLocation(options.location, properties);
  const local = schemeOf(dataDirectory) === "file";
  const writeId = randomUUID();
  const staging = local
    ? path.join(toLocalFilePath(dataDirectory), `.floe-staging-${writeId}`)
    : path.join(options.stagingDirectory ?? os.tmpdir(), `floe-write-${writeId}`);

  const sql = options.sql.replace(/[\s;]+$/, "");
  const source = await describeQuery(session, sql);
  const ignored = new Set(schema.fields.filter((f) => f.type.type === "unknown").map((f) => f.name));
  const projection = projectColumns(fields, source.filter((c) => !ignored.has(c.name)));
  const partitions = partitionColumns(spec, schema);
  const partitionBy = partitions.filter((p) => p.column !== undefined);
  const order = options.sortOrder === undefined ? undefined : sortKeys(options.sortOrder, schema);
  const orderBy = order !== undefined && order.keys.length > 0 ? order.keys : undefined;
  if (partitionBy.some((p) => p.usesBucketFunctions) || order?.usesBucketFunctions) registerBucketFunctions(session.connection);

  const rows = `SELECT ${projection.join(", ")} FROM (${sql}) AS __floe_src`;
  const written = [...fields.map(checkedColumn), ...partitionBy.map((p) => `${p.sql} AS ${p.column}`)];
  const parquetOptions = (codec: string, level: string | undefined) => [
    "FORMAT parquet",
    `COMPRESSION ${codec}`,
    ...(level !== undefined ? [`COMPRESSION_LEVEL ${Number(level)}`] : []),
    `FIELD_IDS ${fieldIdsOption(fields)}`,
    "RETURN_STATS true",
    ...(options.rowGroupSize !== undefined ? [`ROW_GROUP_SIZE ${Math.floor(options.rowGroupSize)}`] : []),
  ];
  const fileOptions = parquetOptions(compression, compressionLevel);
  const fileNames = `FILENAME_PATTERN ${quoteString(`${writeId}-{i}`)}`;
  const select = `SELECT ${written.join(", ")} FROM (${rows}) AS __floe_rows`;
  let copy: string;
  if (partitionBy.length > 0) {
    // a sorted write rewrites every partition file, so it stages them with a codec cheap to write and read
    const stagingOptions = orderBy !== undefined ? parquetOptions("snappy", undefined) : fileOptions;
    const partitionClause = `PARTITION_BY (${partitionBy.map((p) => p.column).join(", ")})`;
    copy = `COPY (${select}) TO ${quoteString(staging)} (${[...stagingOptions, fileNames, partitionClause].join(", ")})`;
  } else if (orderBy !== undefined) {
    // one file keeps the order (DuckDB's rolling and partitioned writes interleave its threads' rows)
    copy = `COPY (${select} ORDER BY ${orderBy.join(", ")}) TO ${quoteString(path.join(staging, `${writeId}-0.parquet`))} (${fileOptions.join(", ")})`;
  } else {
    copy = `COPY (${select}) TO ${quoteString(staging)} (${[...fileOptions, fileNames, `FILE_SIZE_BYTES ${targetFileSize}`].join(", ")})`;
  }
  const rewrite: RewritePlan = { fields, fileOptions, targetFileSize, orderBy, staging, writeId };

  const moved: string[] = [];
  try {
    await fs.mkdir(partitionBy.length === 0 && orderBy !== undefined ? staging : path.dirname(staging), { recursive: true });
    let staged: StagedFile[];
    try {
      staged = readCopyResult(await session.query(copy), partitions);
    } catch (error) {
      throw await explainWriteError(session, error, sql, fields, source);
    }
    checkRequiredColumns(fields, staged);
    staged = await removeEmpty(staged);
    if (partitionBy.length > 0 || orderBy !== undefined) staged = await rewriteStaged(session, staged, rewrite, partitionBy.length > 0);
    const nanCounts = await countNaNs(session, staged, leaves, modes);
    const splitOffsets = await readSplitOffsets(session, staged);

    const files: DataFile[] = [];
    let sequence = 0;
    const placed = staged.map((file) => {
      const dir = spec.fields.length > 0 ? partitionPath(spec, schema, file.partition) : "";
      const name = `${String(sequence++).padStart(5, "0")}-${writeId}.parquet`;
      const relative = dir === "" ? name : `${dir}/${name}`;
      return { file, relative, location: `${dataDirectory}/${relative}` };
    });
    const localData = local ? toLocalFilePath(dataDirectory) : "";
    const localTarget = (relative: string) => path.join(localData, ...relative.split("/"));
    if (local) {
      const dirs = new Set(placed.map((p) => path.dirname(localTarget(p.relative))));
      await forEachLimited([...dirs], 32, (d) => fs.mkdir(d, { recursive: true }).then(() => undefined));
    }
    await forEachLimited(placed, options.concurrency ?? (local ? 32 : 8), async ({ file, relative, location }) => {
      let size: bigint;
      if (local) {
        await fs.rename(file.localPath, localTarget(relative));
        moved.push(location);
        // the size DuckDB reports for the file it wrote: one stat call per file less
        size = file.sizeInBytes;
      } else {
        const bytes = await fs.readFile(file.localPath);
        await io.write(location, bytes, { ifNotExists: true });
        moved.push(location);
        size = BigInt(bytes.length);
      }
      const dataFile: DataFile = {
        content: DataFileContent.DATA,
        filePath: location,
        fileFormat: "parquet",
        specId: spec.specId,
        partition: file.partition,
        recordCount: file.recordCount,
        fileSizeInBytes: size,
        ...fileMetrics(leaves, file.stats, modes, nanCounts.get(file.localPath)),
        splitOffsets: splitOffsets.get(file.localPath) ?? [FIRST_ROW_GROUP_OFFSET],
        ...(options.sortOrder !== undefined ? { sortOrderId: options.sortOrder.orderId } : {}),
      };
      files.push(dataFile);
    });
    files.sort((a, b) => (a.filePath < b.filePath ? -1 : a.filePath > b.filePath ? 1 : 0));
    return files;
  } catch (error) {
    await Promise.all(moved.map((location) => io.delete(location).catch(() => undefined)));
    throw error;
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

interface SourceColumn {
  name: string;
  type: string;
}

async function describeQuery(session: DuckDBSession, sql: string): Promise<SourceColumn[]> {
  const result = await session.query(`DESCRIBE SELECT * FROM (${sql}) AS __floe_src`);
  const nameAt = result.columns.indexOf("column_name");
  const typeAt = result.columns.indexOf("column_type");
  return result.rows.map((row) => ({ name: String(row[nameAt]), type: String(row[typeAt]) }));
}

/** The query's columns cast to the schema's types, in schema order; an error names a column that does not fit. */
function projectColumns(fields: readonly NestedField[], source: readonly SourceColumn[]): string[] {
  const byName = new Map<string, SourceColumn>();
  const byLowerName = new Map<string, SourceColumn[]>();
  for (const column of source) {
    if (byName.has(column.name)) throw invalidInput(`the query has two columns named ${column.name}`, { column: column.name });
    byName.set(column.name, column);
    const lower = column.name.toLowerCase();
    byLowerName.set(lower, [...(byLowerName.get(lower) ?? []), column]);
  }
  const used = new Set<string>();
  const projection = fields.map((field) => {
    const match = byName.get(field.name) ?? uniqueMatch(byLowerName.get(field.name.toLowerCase()));
    const target = duckdbTypeOf(field.type);
    if (match === undefined) {
      if (field.required && field.writeDefault === undefined) {
        throw invalidInput(`the query has no column ${field.name}, which the table requires`, { column: field.name });
      }
      const value = field.writeDefault !== undefined && field.type.type !== "struct" && field.type.type !== "list" && field.type.type !== "map"
        ? sqlLiteral(field.type, field.writeDefault)
        : `CAST(NULL AS ${target})`;
      return `${value} AS ${quoteIdentifier(field.name)}`;
    }
    used.add(match.name);
    const ref = `__floe_src.${quoteIdentifier(match.name)}`;
    return `${sameType(match.type, target) ? ref : `CAST(${ref} AS ${target})`} AS ${quoteIdentifier(field.name)}`;
  });
  const extra = source.filter((c) => !used.has(c.name));
  if (extra.length > 0) {
    throw invalidInput(
      `the query has column${extra.length === 1 ? "" : "s"} ${extra.map((c) => c.name).join(", ")} that the table does not (its columns: ${fields.map((f) => f.name).join(", ")})`,
      { columns: extra.map((c) => c.name) },
    );
  }
  return projection;
}

function uniqueMatch(columns: SourceColumn[] | undefined): SourceColumn | undefined {
  return columns !== undefined && columns.length === 1 ? columns[0] : undefined;
}

function sameType(sourceType: string, target: string): boolean {
  const normalize = (t: string) => t.replace(/"/g, "").replace(/\s+/g, " ").toUpperCase().replace("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ");
  return normalize(sourceType) === normalize(target);
}

/** COPY's RETURN_STATS rows as staged files. */
function readCopyResult(result: { columns: string[]; rows: unknown[][] }, partitions: readonly PartitionColumn[]): StagedFile[] {
  const at = (name: string) => result.columns.indexOf(name);
  const [fileAt, countAt, sizeAt, statsAt, keysAt] = ["filename", "count", "file_size_bytes", "column_statistics", "partition_keys"].map(at);
  return result.rows.map((row) => {
    const keys = (row[keysAt] ?? {}) as Record<string, string | null>;
    const partition: PartitionData = {};
    for (const p of partitions) partition[p.field.fieldId] = p.column === undefined ? null : p.parse(keys[p.column] ?? null);
    return {
      localPath: String(row[fileAt]),
      recordCount: BigInt(row[countAt] as number | bigint),
      sizeInBytes: BigInt(row[sizeAt] as number | bigint),
      partition,
      stats: columnStats(row[statsAt]),
    };
  });
}

function columnStats(value: unknown): Map<string, ColumnWriteStats> {
  const out = new Map<string, ColumnWriteStats>();
  for (const [key, raw] of Object.entries((value ?? {}) as Record<string, Record<string, string | null> | null>)) {
    if (raw === null) continue;
    const count = (k: string) => (raw[k] === undefined || raw[k] === null ? undefined : BigInt(raw[k] as string));
    const s: ColumnWriteStats = {};
    if (raw.min !== undefined && raw.min !== null) s.min = raw.min;
    if (raw.max !== undefined && raw.max !== null) s.max = raw.max;
    const nulls = count("null_count");
    if (nulls !== undefined) s.nullCount = nulls;
    const values = count("num_values");
    if (values !== undefined) s.numValues = values;
    const size = count("column_size_bytes");
    if (size !== undefined) s.columnSizeBytes = size;
    if (raw.has_nan !== undefined && raw.has_nan !== null) s.hasNan = raw.has_nan === "true";
    out.set(pathKey(parseColumnKey(key)), s);
  }
  return out;
}

/** Nulls in required top-level columns of primitive type, from the files' null counts. */
function checkRequiredColumns(fields: readonly NestedField[], staged: readonly StagedFile[]): void {
  for (const field of fields) {
    if (!field.required || field.type.type === "struct" || field.type.type === "list" || field.type.type === "map") continue;
    let nulls = 0n;
    for (const file of staged) nulls += file.stats.get(pathKey([field.name]))?.nullCount ?? 0n;
    if (nulls > 0n) {
      throw invalidInput(`column ${field.name} is required but ${nulls} row${nulls === 1n ? " has" : "s have"} a null value in it; nothing was written`, {
        column: field.name,
        nulls: Number(nulls),
      });
    }
  }
}

async function removeEmpty(staged: StagedFile[]): Promise<StagedFile[]> {
  const empty = staged.filter((f) => f.recordCount === 0n);
  await Promise.all(empty.map((f) => fs.rm(f.localPath, { force: true })));
  return staged.filter((f) => f.recordCount > 0n);
}

/** What the files written after the first COPY share. */
interface RewritePlan {
  fields: readonly NestedField[];
  /** COPY options of a data file (format, codec, field ids, statistics, row group size). */
  fileOptions: readonly string[];
  targetFileSize: number;
  /** ORDER BY keys of a sorted write. */
  orderBy: readonly string[] | undefined;
  staging: string;
  writeId: string;
}

/**
 * The staged files as the table gets them: a sorted write's partition files (staged unsorted)
 * rewritten in order, and every file above the target size split into target-sized ones.
 * Files that are already right are kept as they are.
 */
async function rewriteStaged(session: DuckDBSession, staged: StagedFile[], plan: RewritePlan, partitioned: boolean): Promise<StagedFile[]> {
  const out: StagedFile[] = [];
  let n = 0;
  const target = BigInt(plan.targetFileSize);
  for (let file of staged) {
    if (plan.orderBy !== undefined && partitioned) {
      const sorted = path.join(plan.staging, `sorted-${n++}.parquet`);
      const [result] = readCopyResult(await session.query(`COPY (${selectFrom(plan, file)} ORDER BY ${plan.orderBy.join(", ")}) TO ${quoteString(sorted)} (${plan.fileOptions.join(", ")})`), []);
      await fs.rm(file.localPath, { force: true });
      file = { ...result, partition: file.partition };
    }
    if (file.sizeInBytes <= target) {
      out.push(file);
    } else if (plan.orderBy !== undefined) {
      out.push(...(await splitInOrder(session, file, plan, n++)));
    } else {
      const dir = path.join(plan.staging, `split-${n++}`);
      const options = [...plan.fileOptions, `FILE_SIZE_BYTES ${plan.targetFileSize}`, `FILENAME_PATTERN ${quoteString(`${plan.writeId}-{i}`)}`];
      const result = await session.query(`COPY (${selectFrom(plan, file)}) TO ${quoteString(dir)} (${options.join(", ")})`);
      for (const part of readCopyResult(result, [])) out.push({ ...part, partition: file.partition });
      await fs.rm(file.localPath, { force: true });
    }
  }
  return removeEmpty(out);
}

/**
 * A sorted file cut into consecutive runs of rows, each about the target size. DuckDB keeps
 * the order of one file only, so each run is written by its own COPY.
 */
async function splitInOrder(session: DuckDBSession, file: StagedFile, plan: RewritePlan, n: number): Promise<StagedFile[]> {
  const pieces = (file.sizeInBytes + BigInt(plan.targetFileSize) - 1n) / BigInt(plan.targetFileSize);
  const rowsPerPiece = (file.recordCount + pieces - 1n) / pieces;
  const out: StagedFile[] = [];
  for (let i = 0n; i * rowsPerPiece < file.recordCount; i++) {
    const piece = path.join(plan.staging, `piece-${n}-${i}.parquet`);
    const result = await session.query(
      `COPY (${selectFrom(plan, file)} LIMIT ${rowsPerPiece} OFFSET ${i * rowsPerPiece}) TO ${quoteString(piece)} (${plan.fileOptions.join(", ")})`,
    );
    for (const part of readCopyResult(result, [])) out.push({ ...part, partition: file.partition });
  }
  await fs.rm(file.localPath, { force: true });
  return out;
}

/** The stored columns of a staged file, in file order. */
function selectFrom(plan: RewritePlan, file: StagedFile): string {
  const columns = plan.fields.map((f) => quoteIdentifier(f.name)).join(", ");
  return `SELECT ${columns} FROM read_parquet(${quoteString(file.localPath)}, hive_partitioning = false)`;
}

/** NaN counts of float and double columns in files whose statistics say they have NaNs, by file and field id. */
async function countNaNs(
  session: DuckDBSession,
  staged: readonly StagedFile[],
  leaves: readonly LeafColumn[],
  modes: ReadonlyMap<number, { kind: string }>,
): Promise<Map<string, Map<number, bigint>>> {
  const out = new Map<string, Map<number, bigint>>();
  const floats = leaves.filter((l) => (l.type.type === "float" || l.type.type === "double") && modes.get(l.fieldId)?.kind !== "none");
  const files = staged.filter((f) => floats.some((l) => f.stats.get(pathKey(l.path))?.hasNan === true));
  if (files.length === 0) return out;
  const counted = floats.filter((l) => files.some((f) => f.stats.get(pathKey(l.path))?.hasNan === true));
  const select = counted.map((leaf, i) => `CAST(sum(${nanCountExpression(leaf)}) AS BIGINT) AS c${i}`).join(", ");
  const result = await session.query(
    `SELECT filename, ${select} FROM read_parquet([${files.map((f) => quoteString(f.localPath)).join(", ")}], filename = true, hive_partitioning = false) GROUP BY filename`,
  );
  for (const row of result.rows) {
    const counts = new Map<number, bigint>();
    counted.forEach((leaf, i) => counts.set(leaf.fieldId, BigInt((row[i + 1] as number | bigint | null) ?? 0)));
    out.set(String(row[0]), counts);
  }
  return out;
}

/** SQL counting the NaNs of a leaf column in one row, through the structs, lists and maps above it. */
function nanCountExpression(leaf: LeafColumn): string {
  const count = (expr: string, steps: readonly ColumnStep[], depth: number): string => {
    if (steps.length === 0) return `CASE WHEN isnan(${expr}) THEN 1 ELSE 0 END`;
    const [step, ...rest] = steps;
    if (step.kind === "field") return count(`${expr}.${quoteIdentifier(step.name)}`, rest, depth);
    const x = `__floe_n${depth}`;
    const list = step.kind === "element" ? expr : step.kind === "key" ? `map_keys(${expr})` : `map_values(${expr})`;
    return `coalesce(list_sum(list_transform(${list}, ${x} -> ${count(x, rest, depth + 1)})), 0)`;
  };
  return count(quoteIdentifier(leaf.path[0]), leaf.steps, 0);
}

/** Exact row group offsets of the larger files, from their footers. */
async function readSplitOffsets(session: DuckDBSession, staged: readonly StagedFile[]): Promise<Map<string, bigint[]>> {
  const out = new Map<string, bigint[]>();
  const large = staged.filter((f) => f.sizeInBytes >= SPLIT_OFFSETS_MIN_SIZE);
  if (large.length === 0) return out;
  const result = await session.query(
    `SELECT file_name, row_group_id, min(coalesce(dictionary_page_offset, data_page_offset)) AS row_group_start FROM parquet_metadata([${large
      .map((f) => quoteString(f.localPath))
      .join(", ")}]) GROUP BY file_name, row_group_id ORDER BY file_name, row_group_start`,
  );
  for (const [file, , offset] of result.rows) {
    const list = out.get(String(file)) ?? [];
    list.push(BigInt(offset as number | bigint));
    out.set(String(file), list);
  }
  return out;
}

/** Turns a failed COPY into an error that names the column at fault. */
async function explainWriteError(
  session: DuckDBSession,
  error: unknown,
  sql: string,
  fields: readonly NestedField[],
  source: readonly SourceColumn[],
): Promise<unknown> {
  const message = (error as Error)?.message ?? String(error);
  const check = parseRowCheckError(message);
  if (check !== undefined) return new FloeError("invalid-input", `${check.message}; nothing was written`, { cause: error, context: { column: check.column } });
  if (!/Conversion Error|Invalid Input Error|Out of Range Error|out of range|Could not convert/i.test(message)) return error;
  for (const field of fields) {
    const column = source.find((c) => c.name === field.name) ?? source.find((c) => c.name.toLowerCase() === field.name.toLowerCase());
    if (column === undefined) continue;
    const target = duckdbTypeOf(field.type);
    if (sameType(column.type, target)) continue;
    const ref = `__floe_src.${quoteIdentifier(column.name)}`;
    let bad: unknown[] | undefined;
    try {
      const found = await session.query(`SELECT CAST(${ref} AS VARCHAR) FROM (${sql}) AS __floe_src WHERE ${ref} IS NOT NULL AND TRY_CAST(${ref} AS ${target}) IS NULL LIMIT 1`);
      bad = found.rows[0];
    } catch {
      continue;
    }
    if (bad !== undefined) {
      return new FloeError(
        "invalid-input",
        `column ${field.name}: the value ${JSON.stringify(bad[0])} (${column.type}) does not convert to ${typeToString(field.type)}; nothing was written`,
        { cause: error, context: { column: field.name, value: bad[0], type: typeToString(field.type) } },
      );
    }
  }
  return isFloeError(error) ? error : new FloeError("invalid-input", message, { cause: error });
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      try {
        await work(items[next++]);
      } catch (error) {
        failed ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  if (failed !== undefined) throw failed;
}

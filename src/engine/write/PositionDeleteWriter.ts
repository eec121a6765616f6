/**
 * Writes position delete files (format v2 merge-on-read): for each data file, one Parquet
 * file of (`file_path`, `pos`) rows sorted by position, with the reserved field ids the spec
 * gives those columns, in the data file's partition, naming it as `referenced_data_file` so
 * readers apply it to that file alone. Bounds of both columns are recorded as Java does.
 *
 * The positions of all data files come in one query, read once into a temporary table
 * sorted by data file and position, with the counts and bounds of every file taken in one
 * more pass; each file's COPY then reads only its own slice. Filtering the change's
 * positions once per data file instead would make a change touching n files over m deleted
 * rows cost n·m. Files are written through the FileIO a few at a time while the next ones
 * are produced, since a durable write waits on the disk (or the network) far longer than
 * the COPY of a small file takes.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { FileIO } from "../../io/FileIO.js";
import { DataFileContent, type DataFile } from "../../table/manifest/dataFile.js";
import { serializeValue } from "../../table/stats/singleValue.js";
import type { TableMetadata } from "../../table/spec/tableMetadata.js";
import type { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { quoteIdentifier, quoteString } from "../duckdb/duckdbTypes.js";
import { partitionPath } from "./partitionPath.js";
import { dataLocation } from "./writeProperties.js";

/** Reserved field ids of the position delete schema (format/spec.md, "Position Delete Files"). */
export const DELETE_FILE_PATH_FIELD_ID = 2147483546;
export const DELETE_POS_FIELD_ID = 2147483545;

/** How many delete files are written through the FileIO at once. */
const WRITE_CONCURRENCY = 8;

export interface PositionDeletes {
  /** A query of (`file`, `pos`): the positions to delete, each in the data file `file` names. */
  sql: string;
  /** The data files deletes are written for, keyed by the name `file` gives them; positions in other files are left out. */
  dataFiles: ReadonlyMap<string, DataFile>;
}

/**
 * Writes one position delete file per data file and returns them as delete files ready for
 * a RowDelta. Data files with no positions get no file. On failure the files written are
 * removed.
 */
export async function writePositionDeletes(session: DuckDBSession, io: FileIO, metadata: TableMetadata, deletes: PositionDeletes): Promise<DataFile[]> {
  const dataFiles = [...deletes.dataFiles];
  if (dataFiles.length === 0) return [];
  const dataDirectory = dataLocation(metadata.location, metadata.properties);
  const writeId = randomUUID();
  const keys = quoteIdentifier(`__floe_deletes_${writeId.replace(/-/g, "")}_keys`);
  const staged = quoteIdentifier(`__floe_deletes_${writeId.replace(/-/g, "")}_positions`);
  const staging = await fs.mkdtemp(path.join(os.tmpdir(), "floe-deletes-"));
  const written: DataFile[] = [];
  const writing = new BoundedWrites(WRITE_CONCURRENCY);
  try {
    // each data file as a small integer: the per-file slices filter on it, not on the path
    await session.run(
      `CREATE TEMP TABLE ${keys} AS SELECT * FROM (VALUES ${dataFiles.map(([name], k) => `(${quoteString(name)}, ${k})`).join(", ")}) AS v(file, k)`,
    );
    await session.run(
      `CREATE TEMP TABLE ${staged} AS SELECT m.k, CAST(d.pos AS BIGINT) AS pos FROM (${deletes.sql}) AS d JOIN ${keys} AS m ON d.file = m.file ORDER BY m.k, pos`,
    );
    const stats = await session.query(`SELECT k, count(*), min(pos), max(pos) FROM ${staged} GROUP BY k ORDER BY k`);

    let sequence = 0;
    for (const [k, countValue, min, max] of stats.rows) {
      const dataFile = dataFiles[Number(k)][1];
      const count = BigInt(countValue as bigint | number);
      const spec = metadata.specById(dataFile.specId) ?? metadata.defaultSpec();
      const local = path.join(staging, `${sequence}.parquet`);
      const fileName = `${String(sequence++).padStart(5, "0")}-${writeId}-deletes.parquet`;
      const dir = spec.fields.length > 0 ? partitionPath(spec, metadata.currentSchema(), dataFile.partition) : "";
      const location = `${dataDirectory}/${dir === "" ? "" : `${dir}/`}${fileName}`;
      await session.run(
        `COPY (SELECT ${quoteString(dataFile.filePath)} AS file_path, pos FROM ${staged} WHERE k = ${Number(k)} ORDER BY pos) TO ${quoteString(local)} (FORMAT parquet, FIELD_IDS {file_path: ${DELETE_FILE_PATH_FIELD_ID}, pos: ${DELETE_POS_FIELD_ID}})`,
      );
      const bytes = await fs.readFile(local);
      const pathBytes = serializeValue({ type: "string" }, dataFile.filePath);
      written.push({
        content: DataFileContent.POSITION_DELETES,
        filePath: location,
        fileFormat: "parquet",
        specId: spec.specId,
        partition: dataFile.partition,
        recordCount: count,
        fileSizeInBytes: BigInt(bytes.length),
        valueCounts: new Map([
          [DELETE_FILE_PATH_FIELD_ID, count],
          [DELETE_POS_FIELD_ID, count],
        ]),
        nullValueCounts: new Map([
          [DELETE_FILE_PATH_FIELD_ID, 0n],
          [DELETE_POS_FIELD_ID, 0n],
        ]),
        lowerBounds: new Map([
          [DELETE_FILE_PATH_FIELD_ID, pathBytes],
          [DELETE_POS_FIELD_ID, serializeValue({ type: "long" }, BigInt(min as bigint | number))],
        ]),
        upperBounds: new Map([
          [DELETE_FILE_PATH_FIELD_ID, pathBytes],
          [DELETE_POS_FIELD_ID, serializeValue({ type: "long" }, BigInt(max as bigint | number))],
        ]),
        referencedDataFile: dataFile.filePath,
      });
      await writing.add(() => io.write(location, bytes, { ifNotExists: true }));
    }
    await writing.done();
    return written;
  } catch (error) {
    await writing.settled();
    await Promise.all(written.map((f) => io.delete(f.filePath).catch(() => undefined)));
    throw error;
  } finally {
    await session.run(`DROP TABLE IF EXISTS ${staged}`).catch(() => undefined);
    await session.run(`DROP TABLE IF EXISTS ${keys}`).catch(() => undefined);
    await fs.rm(staging, { recursive: true, force: true });
  }
}

/**
 * Writes running in the background, at most `limit` at once. The first failure is thrown by
 * the next `add` or by `done`; no write is left unobserved.
 */
class BoundedWrites {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  /** Starts `write` once fewer than `limit` writes run. */
  async add(write: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running);
    this.throwFailure();
    const running: Promise<void> = write().then(
      () => undefined,
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
    this.running.add(running);
    void running.finally(() => this.running.delete(running));
  }

  /** Waits for every write; throws the first failure. */
  async done(): Promise<void> {
    await this.settled();
    this.throwFailure();
  }

  /** Waits for every write, failed or not. */
  async settled(): Promise<void> {
    await Promise.all(this.running);
  }

  private throwFailure(): void {
    if (this.failure !== undefined) throw this.failure.error;
  }
}

/**
 * Writes position delete files (format v2 merge-on-read): for each data file, one Parquet
 * file of (`file_path`, `pos`) rows sorted by position, with the reserved field ids the spec
 * gives those columns, in the data file's partition, naming it as `referenced_data_file` so
 * readers apply it to that file alone. Bounds of both columns are recorded as Java does.
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
import { quoteString } from "../duckdb/duckdbTypes.js";
import { partitionPath } from "./partitionPath.js";
import { WRITE_DATA_LOCATION } from "./writeProperties.js";

/** Reserved field ids of the position delete schema (format/spec.md, "Position Delete Files"). */
export const DELETE_FILE_PATH_FIELD_ID = 2147483546;
export const DELETE_POS_FIELD_ID = 2147483545;

export interface PositionDeleteTarget {
  /** The data file whose rows are deleted. */
  dataFile: DataFile;
  /** A query of one BIGINT column `pos`: the positions to delete in that file. */
  positionsSql: string;
}

/**
 * Writes one position delete file per target and returns them as delete files ready for a
 * RowDelta. Targets with no positions get no file. On failure the files written are removed.
 */
export async function writePositionDeletes(
  session: DuckDBSession,
  io: FileIO,
  metadata: TableMetadata,
  targets: readonly PositionDeleteTarget[],
): Promise<DataFile[]> {
  const dataLocation = (metadata.properties[WRITE_DATA_LOCATION] || `${metadata.location.replace(/\/+$/, "")}/data`).replace(/\/+$/, "");
  const writeId = randomUUID();
  const staging = await fs.mkdtemp(path.join(os.tmpdir(), "floe-deletes-"));
  const written: DataFile[] = [];
  try {
    let sequence = 0;
    for (const { dataFile, positionsSql } of targets) {
      const spec = metadata.specById(dataFile.specId) ?? metadata.defaultSpec();
      const local = path.join(staging, `${sequence}.parquet`);
      const fileName = `${String(sequence++).padStart(5, "0")}-${writeId}-deletes.parquet`;
      const dir = spec.fields.length > 0 ? partitionPath(spec, metadata.currentSchema(), dataFile.partition) : "";
      const location = `${dataLocation}/${dir === "" ? "" : `${dir}/`}${fileName}`;
      const rows = `SELECT ${quoteString(dataFile.filePath)} AS file_path, CAST(pos AS BIGINT) AS pos FROM (${positionsSql}) ORDER BY pos`;
      const stats = await session.query(`SELECT count(*), min(pos), max(pos) FROM (${rows})`);
      const count = BigInt(stats.rows[0][0] as bigint | number);
      if (count === 0n) continue;
      await session.run(
        `COPY (${rows}) TO ${quoteString(local)} (FORMAT parquet, FIELD_IDS {file_path: ${DELETE_FILE_PATH_FIELD_ID}, pos: ${DELETE_POS_FIELD_ID}})`,
      );
      const bytes = await fs.readFile(local);
      await io.write(location, bytes, { ifNotExists: true });
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
          [DELETE_POS_FIELD_ID, serializeValue({ type: "long" }, BigInt(stats.rows[0][1] as bigint | number))],
        ]),
        upperBounds: new Map([
          [DELETE_FILE_PATH_FIELD_ID, pathBytes],
          [DELETE_POS_FIELD_ID, serializeValue({ type: "long" }, BigInt(stats.rows[0][2] as bigint | number))],
        ]),
        referencedDataFile: dataFile.filePath,
      });
    }
    return written;
  } catch (error) {
    await Promise.all(written.map((f) => io.delete(f.filePath).catch(() => undefined)));
    throw error;
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

/**
 * Writes deletion vectors (format v3 merge-on-read). A v3 data file has at most one
 * deletion vector, so the positions a change deletes are merged with those the file's live
 * deletion vector and file-scoped position delete files already delete; the new vector
 * replaces them (the caller removes `superseded` in the same commit). Each vector goes into
 * a Puffin file of its own, in the data file's partition.
 */
import { randomUUID } from "node:crypto";
import type { FileIO } from "../../io/FileIO.js";
import { DataFileContent, type DataFile } from "../../table/manifest/dataFile.js";
import { encodeDeletionVector } from "../../table/puffin/deletionVector.js";
import { encodePuffinFile } from "../../table/puffin/puffinFile.js";
import { readDeletionVector } from "../../table/puffin/readDeletionVector.js";
import type { TableMetadata } from "../../table/spec/tableMetadata.js";
import type { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { quoteString } from "../duckdb/duckdbTypes.js";
import { partitionPath } from "./partitionPath.js";
import { dataLocation } from "./writeProperties.js";

/** The field id the spec reserves for a deletion vector's row positions (`_pos`). */
const ROW_POSITION_FIELD_ID = 2147483645;

export interface DeletionVectorTarget {
  dataFile: DataFile;
  /** The positions the change deletes. */
  positions: readonly bigint[];
  /** The delete files that apply to the data file now (from the scan plan). */
  existingDeletes: readonly DataFile[];
}

export interface WrittenDeletionVectors {
  deleteFiles: DataFile[];
  /** Deletion vectors and file-scoped position delete files the new vectors replace. */
  superseded: DataFile[];
}

export async function writeDeletionVectors(
  session: DuckDBSession,
  io: FileIO,
  metadata: TableMetadata,
  targets: readonly DeletionVectorTarget[],
): Promise<WrittenDeletionVectors> {
  const dataDirectory = dataLocation(metadata.location, metadata.properties);
  const writeId = randomUUID();
  const out: WrittenDeletionVectors = { deleteFiles: [], superseded: [] };
  try {
    let sequence = 0;
    for (const { dataFile, positions: deleted, existingDeletes } of targets) {
      const positions = new Set<bigint>(deleted);
      if (positions.size === 0) continue;
      for (const existing of existingDeletes) {
        if (existing.content !== DataFileContent.POSITION_DELETES || existing.referencedDataFile !== dataFile.filePath) continue;
        if (existing.contentOffset !== undefined) {
          for (const pos of await readDeletionVector(io, existing)) positions.add(pos);
        } else {
          const local = await io.localPath(existing.filePath);
          const old = await session.query(`SELECT pos FROM read_parquet(${quoteString(local)}) WHERE file_path = ${quoteString(dataFile.filePath)}`);
          for (const [pos] of old.rows) positions.add(BigInt(pos as bigint));
        }
        out.superseded.push(existing);
      }
      const spec = metadata.specById(dataFile.specId) ?? metadata.defaultSpec();
      const dir = spec.fields.length > 0 ? partitionPath(spec, metadata.currentSchema(), dataFile.partition) : "";
      const location = `${dataDirectory}/${dir === "" ? "" : `${dir}/`}${String(sequence++).padStart(5, "0")}-${writeId}-dv.puffin`;
      const puffin = encodePuffinFile(
        [
          {
            type: "deletion-vector-v1",
            fields: [ROW_POSITION_FIELD_ID],
            bytes: encodeDeletionVector(positions),
            properties: { "referenced-data-file": dataFile.filePath, cardinality: String(positions.size) },
          },
        ],
        { "created-by": "floe" },
      );
      await io.write(location, puffin.bytes, { ifNotExists: true });
      out.deleteFiles.push({
        content: DataFileContent.POSITION_DELETES,
        filePath: location,
        fileFormat: "puffin",
        specId: spec.specId,
        partition: dataFile.partition,
        recordCount: BigInt(positions.size),
        fileSizeInBytes: BigInt(puffin.bytes.length),
        referencedDataFile: dataFile.filePath,
        contentOffset: BigInt(puffin.blobs[0].offset),
        contentSizeInBytes: BigInt(puffin.blobs[0].length),
      });
    }
    return out;
  } catch (error) {
    await Promise.all(out.deleteFiles.map((f) => io.delete(f.filePath).catch(() => undefined)));
    throw error;
  }
}

import fs from "node:fs";
import path from "node:path";
import { DuckDBSession } from "../../src/engine/duckdb/DuckDBSession.js";
import { LocalFileIO } from "../../src/io/LocalFileIO.js";
import { DataFileContent, ManifestEntryStatus, type DataFile, type ManifestEntry } from "../../src/table/manifest/dataFile.js";
import { writeManifest } from "../../src/table/manifest/manifest.js";
import { writeManifestList } from "../../src/table/manifest/manifestList.js";
import { writeTableMetadata } from "../../src/table/spec/metadataFile.js";
import { PartitionSpec } from "../../src/table/spec/partitionSpec.js";
import { Schema } from "../../src/table/spec/schema.js";
import { unsortedOrder } from "../../src/table/spec/sortOrder.js";
import { TableMetadata } from "../../src/table/spec/tableMetadata.js";
import { serializeValue } from "../../src/table/stats/singleValue.js";

export const DAY_MICROS = 86_400_000_000n;

/** An event table: id long, ts timestamp, category string, amount double; partitioned by day(ts). */
export const EVENTS_SCHEMA = new Schema(
  [
    { id: 1, name: "id", required: true, type: { type: "long" } },
    { id: 2, name: "ts", required: true, type: { type: "timestamp" } },
    { id: 3, name: "category", required: false, type: { type: "string" } },
    { id: 4, name: "amount", required: false, type: { type: "double" } },
  ],
  { schemaId: 0 },
);
export const DAY_SPEC = new PartitionSpec(0, [{ sourceId: 2, fieldId: 1000, name: "ts_day", transform: "day" }]);

export interface SyntheticTableOptions {
  /** First day (days since 1970-01-01) and how many days; one data file per day per `filesPerDay`. */
  firstDay: number;
  days: number;
  filesPerDay?: number;
  rowsPerFile?: number;
  /** Files per manifest (manifests hold consecutive days). */
  filesPerManifest?: number;
  /** Write real Parquet files (with field ids) so the table can be read, not only planned. */
  writeData?: boolean;
}

/**
 * Writes an Iceberg table the way a day-partitioned append-only event table looks: file
 * n holds ids [n·rows, (n+1)·rows) and timestamps within its day, with column metrics.
 * Returns the metadata file location.
 */
export async function writeSyntheticEventTable(location: string, options: SyntheticTableOptions): Promise<string> {
  const io = new LocalFileIO();
  const filesPerDay = options.filesPerDay ?? 1;
  const rows = BigInt(options.rowsPerFile ?? 100);
  const filesPerManifest = options.filesPerManifest ?? 100;
  const snapshotId = 1234567890123456789n;
  const session = options.writeData ? await DuckDBSession.open() : undefined;
  const files: DataFile[] = [];
  try {
    for (let d = 0; d < options.days; d++) {
      const day = options.firstDay + d;
      for (let f = 0; f < filesPerDay; f++) {
        const n = BigInt(d * filesPerDay + f);
        const firstId = n * rows;
        const dayStart = BigInt(day) * DAY_MICROS;
        const step = DAY_MICROS / rows;
        const filePath = path.join(location, "data", `ts_day=${day}`, `part-${n}.parquet`);
        let size = 1_048_576n;
        if (session) {
          fs.mkdirSync(path.dirname(filePath), { recursive: true });
          await session.run(`COPY (SELECT (${firstId} + i)::BIGINT AS id, make_timestamp(${dayStart} + i * ${step}) AS ts,
              (['click','view','purchase'])[1 + (i % 3)] AS category, (i * 1.5)::DOUBLE AS amount FROM range(${rows}) r(i))
            TO '${filePath}' (FORMAT parquet, FIELD_IDS {id: 1, ts: 2, category: 3, amount: 4})`);
          size = BigInt((await io.stat(filePath)).size);
        }
        files.push({
          content: DataFileContent.DATA,
          filePath,
          fileFormat: "parquet",
          specId: 0,
          partition: { 1000: day },
          recordCount: rows,
          fileSizeInBytes: size,
          valueCounts: new Map([[1, rows], [2, rows], [3, rows], [4, rows]]),
          nullValueCounts: new Map([[1, 0n], [2, 0n], [3, 0n], [4, 0n]]),
          lowerBounds: new Map([
            [1, serializeValue({ type: "long" }, firstId)],
            [2, serializeValue({ type: "timestamp" }, dayStart)],
          ]),
          upperBounds: new Map([
            [1, serializeValue({ type: "long" }, firstId + rows - 1n)],
            [2, serializeValue({ type: "timestamp" }, dayStart + (rows - 1n) * step)],
          ]),
        });
      }
    }
  } finally {
    session?.close();
  }
  const manifests = [];
  for (let start = 0; start < files.length; start += filesPerManifest) {
    const entries: ManifestEntry[] = files.slice(start, start + filesPerManifest).map((dataFile) => ({ status: ManifestEntryStatus.ADDED, snapshotId, dataFile }));
    manifests.push(
      await writeManifest(io, path.join(location, "metadata", `manifest-${start / filesPerManifest}.avro`), entries, {
        formatVersion: 2,
        spec: DAY_SPEC,
        schema: EVENTS_SCHEMA,
        snapshotId,
      }),
    );
  }
  const manifestList = path.join(location, "metadata", `snap-${snapshotId}.avro`);
  await writeManifestList(io, manifestList, manifests, { formatVersion: 2, snapshotId, sequenceNumber: 1n });
  const metadata = new TableMetadata({
    formatVersion: 2,
    tableUuid: "4f1b1c4e-1f0a-4f5e-9a55-0d7f4f0e0a01",
    location,
    lastSequenceNumber: 1n,
    lastUpdatedMs: 1_700_000_000_000,
    lastColumnId: 4,
    schemas: [EVENTS_SCHEMA],
    currentSchemaId: 0,
    partitionSpecs: [DAY_SPEC],
    defaultSpecId: 0,
    lastPartitionId: 1000,
    properties: {},
    currentSnapshotId: snapshotId,
    snapshots: [{ snapshotId, sequenceNumber: 1n, timestampMs: 1_700_000_000_000, manifestList, summary: { operation: "append" }, schemaId: 0 }],
    snapshotLog: [{ snapshotId, timestampMs: 1_700_000_000_000 }],
    metadataLog: [],
    sortOrders: [unsortedOrder()],
    defaultSortOrderId: 0,
    refs: new Map(),
    statistics: [],
    partitionStatistics: [],
  });
  const metadataFile = path.join(location, "metadata", "v1.metadata.json");
  await writeTableMetadata(io, metadataFile, metadata);
  return metadataFile;
}

import { describe, expect, it } from "vitest";
import { MemoryFileIO } from "../../io/MemoryFileIO.js";
import {
  and,
  bind,
  eq,
  FieldIndex,
  gt,
  gtEq,
  isIn,
  isNaN,
  isNull,
  lt,
  ManifestEvaluator,
  MetricsEvaluator,
  not,
  notEq,
  notNull,
  or,
  PartitionEvaluator,
  projectInclusive,
  startsWith,
  type UnboundExpression,
} from "../expr/index.js";
import { DataFileContent, isLiveEntry, ManifestEntryStatus, type DataFile, type ManifestEntry } from "../manifest/dataFile.js";
import { readManifestEntries, readSnapshotManifests, writeManifest } from "../manifest/manifest.js";
import { ManifestContent } from "../manifest/manifestFile.js";
import { writeManifestList } from "../manifest/manifestList.js";
import { PartitionSpec } from "../spec/partitionSpec.js";
import { Schema } from "../spec/schema.js";
import { unsortedOrder } from "../spec/sortOrder.js";
import { TableMetadata } from "../spec/tableMetadata.js";
import { serializeValue } from "../stats/singleValue.js";
import { DeleteFileIndex, type IndexedDeleteFile } from "./DeleteFileIndex.js";
import { planScan } from "./TableScan.js";

const schema = new Schema(
  [
    { id: 1, name: "id", required: true, type: { type: "long" } },
    { id: 2, name: "day", required: false, type: { type: "date" } },
    { id: 3, name: "category", required: false, type: { type: "string" } },
    { id: 4, name: "amount", required: false, type: { type: "double" } },
  ],
  { schemaId: 0 },
);
const spec = new PartitionSpec(0, [
  { sourceId: 2, fieldId: 1000, name: "day", transform: "identity" },
  { sourceId: 3, fieldId: 1001, name: "category_bucket", transform: "bucket[4]" },
]);

let seed = 11;
const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const below = (n: number) => Math.floor(random() * n);
const CATEGORIES = ["apple", "banana", "cherry", "a".repeat(20), "b".repeat(17)];

/** A data or delete file with metrics that are sometimes missing, partial, all-null or NaN. */
function file(n: number, content: DataFileContent): DataFile {
  const ids = [1, 2, 3, 4].filter(() => random() < 0.85);
  const records = BigInt(below(4) === 0 ? 0 : 1 + below(50));
  const nulls = new Map(ids.map((id) => [id, id === 1 ? 0n : [0n, 1n, records][below(3)]]));
  const low = new Map<number, Uint8Array>();
  const high = new Map<number, Uint8Array>();
  const idLow = BigInt(below(1000));
  low.set(1, serializeValue({ type: "long" }, idLow));
  high.set(1, serializeValue({ type: "long" }, idLow + BigInt(below(100))));
  const day = 19000 + below(5);
  low.set(2, serializeValue({ type: "date" }, day));
  high.set(2, serializeValue({ type: "date" }, day));
  const [a, b] = [CATEGORIES[below(5)], CATEGORIES[below(5)]].sort();
  low.set(3, serializeValue({ type: "string" }, a));
  high.set(3, serializeValue({ type: "string" }, b));
  low.set(4, serializeValue({ type: "double" }, -random() * 10));
  high.set(4, serializeValue({ type: "double" }, random() * 10));
  const keep = <T>(m: Map<number, T>) => new Map([...m].filter(([id]) => ids.includes(id)));
  return {
    content,
    filePath: `memory://t/data/${content}-${n}.parquet`,
    fileFormat: "parquet",
    specId: 0,
    partition: { 1000: below(6) === 0 ? null : day, 1001: below(4) },
    recordCount: records,
    fileSizeInBytes: 100n,
    valueCounts: keep(new Map([1, 2, 3, 4].map((id) => [id, records]))),
    nullValueCounts: keep(nulls),
    ...(below(2) === 0 ? { nanValueCounts: keep(new Map([[4, [0n, 1n, records][below(3)]]])) } : {}),
    ...(below(5) === 0 ? {} : { lowerBounds: keep(low), upperBounds: keep(high) }),
  };
}

async function table(io: MemoryFileIO): Promise<TableMetadata> {
  const snapshotId = 77n;
  const manifests = [];
  for (let m = 0; m < 5; m++) {
    const entries: ManifestEntry[] = Array.from({ length: 40 }, (_, i) => ({
      status: [ManifestEntryStatus.ADDED, ManifestEntryStatus.EXISTING, ManifestEntryStatus.DELETED][below(3)],
      sequenceNumber: BigInt(1 + below(3)),
      fileSequenceNumber: 1n,
      dataFile: file(m * 100 + i, DataFileContent.DATA),
    }));
    manifests.push(await writeManifest(io, `memory://t/metadata/m${m}.avro`, entries, { formatVersion: 2, spec, schema, snapshotId }));
  }
  const deletes: ManifestEntry[] = Array.from({ length: 20 }, (_, i) => ({
    status: ManifestEntryStatus.ADDED,
    dataFile: file(i, DataFileContent.POSITION_DELETES),
  }));
  manifests.push(
    await writeManifest(io, "memory://t/metadata/d.avro", deletes, { formatVersion: 2, spec, schema, snapshotId, content: ManifestContent.DELETES }),
  );
  const manifestList = "memory://t/metadata/snap.avro";
  await writeManifestList(io, manifestList, manifests, { formatVersion: 2, snapshotId, sequenceNumber: 4n });
  return new TableMetadata({
    formatVersion: 2,
    tableUuid: "9d2e3a0c-52a4-4e0a-9b47-0c8f2a6f1e11",
    location: "memory://t",
    lastSequenceNumber: 4n,
    lastUpdatedMs: 1_700_000_000_000,
    lastColumnId: 4,
    schemas: [schema],
    currentSchemaId: 0,
    partitionSpecs: [spec],
    defaultSpecId: 0,
    lastPartitionId: 1001,
    properties: {},
    currentSnapshotId: snapshotId,
    snapshots: [{ snapshotId, sequenceNumber: 4n, timestampMs: 1_700_000_000_000, manifestList, summary: { operation: "append" }, schemaId: 0 }],
    snapshotLog: [{ snapshotId, timestampMs: 1_700_000_000_000 }],
    metadataLog: [],
    sortOrders: [unsortedOrder()],
    defaultSortOrderId: 0,
    refs: new Map(),
    statistics: [],
    partitionStatistics: [],
  });
}

/** What planning yields when every entry is decoded whole and judged by the evaluators. */
async function planByDecodingEverything(metadata: TableMetadata, io: MemoryFileIO, filter: UnboundExpression) {
  const rowFilter = bind(filter, FieldIndex.fromStruct(schema.asStruct()), { caseSensitive: true });
  const projected = projectInclusive(rowFilter, spec.fields);
  const manifests = new ManifestEvaluator(projected, spec.fields.map((f) => f.fieldId));
  const partition = new PartitionEvaluator(projected);
  const metrics = new MetricsEvaluator(rowFilter);
  const data: IndexedDeleteFile[] = [];
  const deletes: IndexedDeleteFile[] = [];
  let dataFiles = 0;
  for (const manifest of await readSnapshotManifests(io, metadata.currentSnapshot()!)) {
    if (!manifests.eval(manifest.partitions ?? null)) continue;
    for (const entry of await readManifestEntries(io, manifest, { specs: metadata.specsById(), schema })) {
      if (!isLiveEntry(entry) || !partition.eval(entry.dataFile.partition)) {
        if (isLiveEntry(entry) && entry.dataFile.content === DataFileContent.DATA) dataFiles++;
        continue;
      }
      const indexed = { file: entry.dataFile, sequenceNumber: entry.sequenceNumber ?? 0n };
      if (entry.dataFile.content !== DataFileContent.DATA) deletes.push(indexed);
      else {
        dataFiles++;
        if (metrics.eval(entry.dataFile)) data.push(indexed);
      }
    }
  }
  const index = new DeleteFileIndex(deletes, metadata.specsById());
  const tasks = data.map(({ file, sequenceNumber }) => [file.filePath, sequenceNumber, index.forDataFile(file, sequenceNumber).map((d) => d.filePath).sort()]);
  return { tasks: tasks.sort(), dataFiles, deleteFiles: deletes.length };
}

const FILTERS: UnboundExpression[] = [
  eq("id", 500n),
  lt("id", 30n),
  gtEq("id", 990n),
  isIn("id", [3n, 400n, 999n]),
  notEq("id", 7n),
  eq("day", 19002),
  gt("day", 19003),
  eq("category", "banana"),
  startsWith("category", "aaaa"),
  isNull("category"),
  notNull("amount"),
  isNaN("amount"),
  gt("amount", 9.5),
  and(eq("day", 19001), lt("id", 200n)),
  or(eq("category", "cherry"), gt("id", 900n)),
  not(and(isNull("day"), notNull("amount"))),
];

describe("scan planning", () => {
  it("plans the files that decoding every entry and judging it plans, with their deletes", async () => {
    const io = new MemoryFileIO();
    const metadata = await table(io);
    for (const filter of FILTERS) {
      const expected = await planByDecodingEverything(metadata, io, filter);
      const plan = await planScan(metadata, io, { filter });
      const tasks = plan.tasks.map((t) => [t.dataFile.filePath, t.sequenceNumber, t.deletes.map((d) => d.filePath).sort()]).sort();
      expect(tasks).toEqual(expected.tasks);
      expect(plan.metrics.dataFiles).toBe(expected.dataFiles);
      expect(plan.metrics.dataFiles - plan.metrics.dataFilesSkipped).toBe(expected.tasks.length);
      expect(plan.metrics.deleteFiles).toBe(expected.deleteFiles);
      // the planned files are decoded whole
      for (const task of plan.tasks) expect(task.dataFile.columnSizes ?? task.dataFile.valueCounts).toBeInstanceOf(Map);
    }
  });
});

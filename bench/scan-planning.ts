/**
 * Scan planning: a point query on a table of 10,000 data files in 100 manifests, planned by
 * floe (`planScan`) and by PyIceberg (`scan(...).plan_files()`) on the same metadata files.
 * Each tool plans in fresh processes (no warm manifest cache), timed from opening the
 * metadata file to the list of files, interpreter start-up excluded.
 *
 *   npm run stack -- up   # once: the Python with PyIceberg
 *   node --import tsx bench/scan-planning.ts [--files 10000] [--manifests 100] [--runs 5]
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { LocalFileIO } from "../src/io/LocalFileIO.js";
import { DataFileContent, ManifestEntryStatus, type ManifestEntry } from "../src/table/manifest/dataFile.js";
import { writeManifest } from "../src/table/manifest/manifest.js";
import { writeManifestList } from "../src/table/manifest/manifestList.js";
import { PartitionSpec } from "../src/table/spec/partitionSpec.js";
import { Schema } from "../src/table/spec/schema.js";
import { unsortedOrder } from "../src/table/spec/sortOrder.js";
import { TableMetadata } from "../src/table/spec/tableMetadata.js";
import { writeTableMetadata } from "../src/table/spec/metadataFile.js";
import { serializeValue } from "../src/table/stats/singleValue.js";
import { median, report, stackPython, workDir, PROJECT_ROOT } from "./lib/harness.js";

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const FILES = arg("files", 10_000);
const MANIFESTS = arg("manifests", 100);
const RUNS = arg("runs", 5);
const ROWS_PER_FILE = 1000n;
const DAY_MICROS = 86_400_000_000n;
const START_DAY = 20_000; // 2024-10-04

const schema = new Schema(
  [
    { id: 1, name: "id", required: true, type: { type: "long" } },
    { id: 2, name: "ts", required: true, type: { type: "timestamp" } },
    { id: 3, name: "category", required: false, type: { type: "string" } },
    { id: 4, name: "amount", required: false, type: { type: "double" } },
  ],
  { schemaId: 0 },
);
const spec = new PartitionSpec(0, [{ sourceId: 2, fieldId: 1000, name: "ts_day", transform: "day" }]);

/** 100 manifests, one per day; each file holds a disjoint range of ids, as an append-only event table would. */
async function generateTable(dir: string): Promise<string> {
  const io = new LocalFileIO();
  const location = path.join(dir, "events");
  const snapshotId = 1234567890123456789n;
  const filesPerManifest = FILES / MANIFESTS;
  const manifests = [];
  for (let m = 0; m < MANIFESTS; m++) {
    const day = START_DAY + m;
    const entries: ManifestEntry[] = [];
    for (let f = 0; f < filesPerManifest; f++) {
      const n = BigInt(m * filesPerManifest + f);
      const firstId = n * ROWS_PER_FILE;
      const dayStart = BigInt(day) * DAY_MICROS;
      entries.push({
        status: ManifestEntryStatus.ADDED,
        snapshotId,
        dataFile: {
          content: DataFileContent.DATA,
          filePath: `${location}/data/ts_day=${day}/file-${n}.parquet`,
          fileFormat: "parquet",
          specId: 0,
          partition: { 1000: day },
          recordCount: ROWS_PER_FILE,
          fileSizeInBytes: 1_048_576n,
          columnSizes: new Map([[1, 8000n], [2, 8000n], [3, 4000n], [4, 8000n]]),
          valueCounts: new Map([[1, ROWS_PER_FILE], [2, ROWS_PER_FILE], [3, ROWS_PER_FILE], [4, ROWS_PER_FILE]]),
          nullValueCounts: new Map([[1, 0n], [2, 0n], [3, 0n], [4, 0n]]),
          lowerBounds: new Map([
            [1, serializeValue({ type: "long" }, firstId)],
            [2, serializeValue({ type: "timestamp" }, dayStart)],
            [3, serializeValue({ type: "string" }, "alpha")],
          ]),
          upperBounds: new Map([
            [1, serializeValue({ type: "long" }, firstId + ROWS_PER_FILE - 1n)],
            [2, serializeValue({ type: "timestamp" }, dayStart + DAY_MICROS - 1n)],
            [3, serializeValue({ type: "string" }, "omega")],
          ]),
        },
      });
    }
    manifests.push(
      await writeManifest(io, `${location}/metadata/manifest-${m}.avro`, entries, { formatVersion: 2, spec, schema, snapshotId }),
    );
  }
  const list = await writeManifestList(io, `${location}/metadata/snap-${snapshotId}.avro`, manifests, {
    formatVersion: 2,
    snapshotId,
    sequenceNumber: 1n,
  });
  void list;
  const metadata = new TableMetadata({
    formatVersion: 2,
    tableUuid: "4f1b1c4e-1f0a-4f5e-9a55-0d7f4f0e0a01",
    location,
    lastSequenceNumber: 1n,
    lastUpdatedMs: 1_700_000_000_000,
    lastColumnId: 4,
    schemas: [schema],
    currentSchemaId: 0,
    partitionSpecs: [spec],
    defaultSpecId: 0,
    lastPartitionId: 1000,
    properties: {},
    currentSnapshotId: snapshotId,
    snapshots: [
      {
        snapshotId,
        sequenceNumber: 1n,
        timestampMs: 1_700_000_000_000,
        manifestList: `${location}/metadata/snap-${snapshotId}.avro`,
        summary: { operation: "append" },
        schemaId: 0,
      },
    ],
    snapshotLog: [{ snapshotId, timestampMs: 1_700_000_000_000 }],
    metadataLog: [],
    sortOrders: [unsortedOrder()],
    defaultSortOrderId: 0,
    refs: new Map(),
    statistics: [],
    partitionStatistics: [],
  });
  const metadataFile = `${location}/metadata/v1.metadata.json`;
  await writeTableMetadata(io, metadataFile, metadata);
  return metadataFile;
}

const FLOE_PLAN = `
import { LocalFileIO } from "./src/io/LocalFileIO.js";
import { readTableMetadata } from "./src/table/spec/metadataFile.js";
import { planScan } from "./src/table/scan/TableScan.js";
import { eq } from "./src/table/expr/index.js";
const [metadataFile, id] = process.argv.slice(-2);
const start = process.hrtime.bigint();
const io = new LocalFileIO();
const metadata = await readTableMetadata(io, metadataFile);
const plan = await planScan(metadata, io, { filter: eq("id", BigInt(id)) });
const ms = Number(process.hrtime.bigint() - start) / 1e6;
console.log(JSON.stringify({ ms, files: plan.tasks.length }));
`;

const PYICEBERG_PLAN = `
import json, sys, time
from pyiceberg.table import StaticTable
from pyiceberg.expressions import EqualTo
metadata_file, point = sys.argv[1], int(sys.argv[2])
start = time.perf_counter()
table = StaticTable.from_metadata(metadata_file)
tasks = list(table.scan(row_filter=EqualTo("id", point)).plan_files())
ms = (time.perf_counter() - start) * 1000
print(json.dumps({"ms": ms, "files": len(tasks)}))
`;

async function main() {
  const python = stackPython();
  const dir = workDir("scan-planning");
  console.error(`generating ${FILES} data files in ${MANIFESTS} manifests under ${dir} ...`);
  const metadataFile = await generateTable(dir);
  const point = String((BigInt(FILES) * ROWS_PER_FILE * 3n) / 5n + 17n);
  const floeScript = path.join(dir, "plan.mts");
  (await import("node:fs")).writeFileSync(floeScript, FLOE_PLAN.replaceAll("./src/", `${PROJECT_ROOT}/src/`));

  const floe: number[] = [];
  const pyiceberg: number[] = [];
  let floeFiles = -1;
  let pyFiles = -1;
  for (let run = 0; run < RUNS; run++) {
    // Alternate the two so machine noise falls on both alike.
    const f = JSON.parse(execFileSync(process.execPath, ["--import", "tsx", floeScript, metadataFile, point], { encoding: "utf8", cwd: PROJECT_ROOT }).trim().split("\n").pop()!);
    const p = JSON.parse(execFileSync(python, ["-c", PYICEBERG_PLAN, metadataFile, point], { encoding: "utf8" }).trim().split("\n").pop()!);
    floe.push(f.ms);
    pyiceberg.push(p.ms);
    floeFiles = f.files;
    pyFiles = p.files;
  }
  if (floeFiles !== 1 || pyFiles !== 1) throw new Error(`both planners must find exactly one file: floe ${floeFiles}, PyIceberg ${pyFiles}`);
  const floeMs = median(floe);
  const pyMs = median(pyiceberg);
  report(
    "Scan planning: point query, 10,000 files in 100 manifests",
    "node --import tsx bench/scan-planning.ts",
    [
      ["table", `${FILES} data files, ${MANIFESTS} manifests, day(ts) partitions, point filter on id (metrics pruning)`],
      ["floe planScan (median of " + RUNS + ", fresh process)", `${floeMs.toFixed(1)} ms`],
      ["PyIceberg plan_files (median of " + RUNS + ", fresh process)", `${pyMs.toFixed(1)} ms`],
      ["floe speed-up over PyIceberg", `**${(pyMs / floeMs).toFixed(1)}x**`],
      ["files planned (both)", "1"],
    ],
  );
}

await main();

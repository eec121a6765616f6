/**
 * Scan planning: a point query on a table of 10,000 data files in 100 manifests, planned by
 * floe (`planScan`) and by PyIceberg (`scan(...).plan_files()`) on the same metadata files.
 * Each tool plans in fresh processes (no warm manifest cache), timed from opening the
 * metadata file to the list of files, interpreter start-up excluded; runs alternate the two
 * and the medians are compared. Both must plan the same single file.
 *
 *   npm run stack -- up   # once: the Python with PyIceberg
 *   node --import tsx bench/scan-planning.ts [--files 10000] [--manifests 100] [--runs 7]
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
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
const RUNS = arg("runs", 7);
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

/** Where data file `n` (of day `day`) lives in the table at `location`. */
const dataFilePath = (location: string, day: number, n: bigint) => `${location}/data/ts_day=${day}/file-${n}.parquet`;

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
          filePath: dataFilePath(location, day, n),
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

/**
 * floe is measured as users run it: compiled JavaScript, built from src/ with the project's
 * own build settings (tsconfig.build.json) into the work directory, never through a
 * TypeScript loader. Only what planning imports is compiled, so that unfinished work
 * elsewhere in src/ cannot break the benchmark.
 */
const FLOE_ENTRY_POINTS = ["io/LocalFileIO.ts", "table/spec/metadataFile.ts", "table/scan/TableScan.ts", "table/expr/index.ts"];

function compileFloe(dir: string): string {
  const outDir = path.join(dir, "floe-js");
  const tsconfig = path.join(dir, "tsconfig.json");
  fs.writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: path.join(PROJECT_ROOT, "tsconfig.build.json"),
      compilerOptions: { rootDir: path.join(PROJECT_ROOT, "src"), outDir, declaration: false, sourceMap: false, noEmitOnError: false },
      include: [],
      files: FLOE_ENTRY_POINTS.map((f) => path.join(PROJECT_ROOT, "src", f)),
    }),
  );
  try {
    execFileSync(process.execPath, [path.join(PROJECT_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", tsconfig], { encoding: "utf8" });
  } catch (error) {
    // type errors still emit JavaScript; only a missing output is fatal
    const missing = FLOE_ENTRY_POINTS.map((f) => path.join(outDir, f.replace(/\.ts$/, ".js"))).filter((f) => !fs.existsSync(f));
    if (missing.length > 0) throw new Error(`compiling floe for the benchmark failed: ${(error as { stdout?: string }).stdout ?? error}`, { cause: error });
  }
  return outDir;
}

/** Plans in a fresh process; prints the time and CPU time of planning (module loading excluded) and the files found. */
const floePlanScript = (floeJs: string) => `
import { LocalFileIO } from "${floeJs}/io/LocalFileIO.js";
import { readTableMetadata } from "${floeJs}/table/spec/metadataFile.js";
import { planScan } from "${floeJs}/table/scan/TableScan.js";
import { eq } from "${floeJs}/table/expr/index.js";
const [metadataFile, id] = process.argv.slice(-2);
const cpu = process.cpuUsage();
const start = process.hrtime.bigint();
const io = new LocalFileIO();
const metadata = await readTableMetadata(io, metadataFile);
const plan = await planScan(metadata, io, { filter: eq("id", BigInt(id)) });
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ ms, cpuMs: (used.user + used.system) / 1000, files: plan.tasks.map((t) => t.dataFile.filePath) }));
`;

const PYICEBERG_PLAN = `
import json, sys, time
from pyiceberg.table import StaticTable
from pyiceberg.expressions import EqualTo
metadata_file, point = sys.argv[1], int(sys.argv[2])
cpu = time.process_time()
start = time.perf_counter()
table = StaticTable.from_metadata(metadata_file)
tasks = list(table.scan(row_filter=EqualTo("id", point)).plan_files())
ms = (time.perf_counter() - start) * 1000
cpu_ms = (time.process_time() - cpu) * 1000
print(json.dumps({"ms": ms, "cpuMs": cpu_ms, "files": [t.file.file_path for t in tasks]}))
`;

interface PlanRun {
  ms: number;
  cpuMs: number;
  files: string[];
}

function lastJsonLine(output: string): PlanRun {
  return JSON.parse(output.trim().split("\n").pop()!) as PlanRun;
}

async function main() {
  const python = stackPython();
  const dir = workDir("scan-planning");
  console.error(`generating ${FILES} data files in ${MANIFESTS} manifests under ${dir} ...`);
  const metadataFile = await generateTable(dir);
  const pointId = (BigInt(FILES) * ROWS_PER_FILE * 3n) / 5n + 17n;
  const point = String(pointId);
  const holder = pointId / ROWS_PER_FILE; // the one file whose ids include the point
  const expectedFile = dataFilePath(path.join(dir, "events"), START_DAY + Number(holder / BigInt(FILES / MANIFESTS)), holder);
  console.error("compiling floe ...");
  const floeScript = path.join(dir, "plan.mjs");
  fs.writeFileSync(floeScript, floePlanScript(compileFloe(dir)));

  const planners: { name: string; plan: () => PlanRun; runs: PlanRun[] }[] = [
    { name: "floe", plan: () => lastJsonLine(execFileSync(process.execPath, [floeScript, metadataFile, point], { encoding: "utf8" })), runs: [] },
    { name: "PyIceberg", plan: () => lastJsonLine(execFileSync(python, ["-c", PYICEBERG_PLAN, metadataFile, point], { encoding: "utf8" })), runs: [] },
  ];
  for (let run = 0; run < RUNS; run++) {
    // Alternate which goes first, so that machine noise falls on both alike.
    const order = run % 2 === 0 ? planners : [...planners].reverse();
    for (const planner of order) {
      const result = planner.plan();
      if (result.files.length !== 1 || result.files[0] !== expectedFile) {
        throw new Error(`${planner.name} must plan exactly ${expectedFile}, planned ${JSON.stringify(result.files)}`);
      }
      planner.runs.push(result);
    }
    console.error(`run ${run + 1}/${RUNS}: ${planners.map((p) => `${p.name} ${p.runs[run].ms.toFixed(1)} ms`).join(", ")}`);
  }
  const [floe, py] = planners.map((p) => ({ ms: median(p.runs.map((r) => r.ms)), cpuMs: median(p.runs.map((r) => r.cpuMs)) }));
  report(
    `Scan planning: point query, ${FILES.toLocaleString("en-US")} files in ${MANIFESTS} manifests`,
    "node --import tsx bench/scan-planning.ts --runs " + RUNS,
    [
      ["table", `${FILES} data files, ${MANIFESTS} manifests, day(ts) partitions, point filter on id (metrics pruning)`],
      [`floe planScan, compiled JS (median of ${RUNS}, fresh process)`, `${floe.ms.toFixed(1)} ms (CPU ${floe.cpuMs.toFixed(1)} ms)`],
      [`PyIceberg plan_files (median of ${RUNS}, fresh process)`, `${py.ms.toFixed(1)} ms (CPU ${py.cpuMs.toFixed(1)} ms)`],
      ["floe speed-up over PyIceberg", `**${(py.ms / floe.ms).toFixed(1)}x** (CPU time: ${(py.cpuMs / floe.cpuMs).toFixed(1)}x)`],
      ["files planned", "1 by each, the same"],
    ],
    [
      "Both plan from the same metadata file, each run in a fresh process (no warm caches), timed from opening the metadata file to the list of files; module loading and interpreter start-up are excluded. Runs alternate which planner goes first.",
      "CPU time is the whole process's: for floe it includes V8's background compiler threads and libuv's file I/O threads, so on a busy machine the wall-clock ratio drifts toward the CPU ratio.",
    ],
  );
}

await main();

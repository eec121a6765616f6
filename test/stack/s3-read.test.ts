import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CreateBucketCommand, HeadBucketCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FloeError } from "../../src/core/errors/FloeError.js";
import { DuckDBSession } from "../../src/engine/duckdb/DuckDBSession.js";
import { queryIcebergTables, type IcebergTableSource } from "../../src/engine/scan/queryIcebergTables.js";
import { FileIORouter } from "../../src/io/FileIORouter.js";
import { PathRelocator } from "../../src/io/PathRelocator.js";
import { S3FileIO, type S3FileIOOptions } from "../../src/io/S3FileIO.js";
import { planScan } from "../../src/table/scan/TableScan.js";
import { readTableMetadata } from "../../src/table/spec/metadataFile.js";
import { stackEnv } from "../../scripts/stack/env.mjs";
import {
  HAVE_ICEBERG_FIXTURES,
  ICEBERG_FIXTURES,
  NO_FIXTURES_MESSAGE,
  caseFiles,
  fixtureRelocationsTo,
  loadCases,
  normalizeActual,
  rowsMatch,
  rowsMismatch,
  writePyIcebergTables,
  type PyIcebergTable,
} from "../support/fixtures.js";

// floe reading Iceberg tables from the stack's S3 server: the fixture pack's conformance cases with the
// tables copied to S3, tables PyIceberg writes straight to S3, and the local cache those reads go through.

const settings = stackEnv();
const bucket = settings.FLOE_TEST_S3_BUCKET;
const connection: S3FileIOOptions = {
  endpoint: settings.FLOE_TEST_S3_ENDPOINT,
  region: settings.FLOE_TEST_S3_REGION,
  accessKeyId: settings.FLOE_TEST_S3_ACCESS_KEY_ID,
  secretAccessKey: settings.FLOE_TEST_S3_SECRET_ACCESS_KEY,
  pathStyle: settings.FLOE_TEST_S3_FORCE_PATH_STYLE === "true",
  env: {},
};
const run = randomUUID().slice(0, 8);
/** Every object this file writes sits below one of these run prefixes. */
const fixturesBase = `s3://${bucket}/fixtures-${run}`;
const pyicebergBase = `s3://${bucket}/pyiceberg-${run}`;

let workDir: string;
let admin: S3FileIO;
let session: DuckDBSession;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-s3-read-"));
  admin = new S3FileIO({ ...connection, cache: { dir: path.join(workDir, "admin-cache") } });
  const exists = await admin.client.send(new HeadBucketCommand({ Bucket: bucket })).then(
    () => true,
    () => false,
  );
  if (!exists) await admin.client.send(new CreateBucketCommand({ Bucket: bucket }));
  session = await DuckDBSession.open();
});

afterAll(async () => {
  session?.close();
  if (admin) {
    for (const prefix of [fixturesBase, pyicebergBase]) {
      const leftovers: string[] = [];
      for await (const location of admin.list(prefix)) leftovers.push(location);
      await forEachLimited(leftovers, 32, (location) => admin.delete(location));
    }
    admin.close();
  }
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe.skipIf(!HAVE_ICEBERG_FIXTURES)("stack: conformance cases with the tables on S3", () => {
  const cases = HAVE_ICEBERG_FIXTURES ? loadCases() : [];
  let router: FileIORouter;
  let io: PathRelocator;

  beforeAll(async () => {
    const began = Date.now();
    const files = caseFiles(cases);
    await forEachLimited(files, 16, async (file) => admin.write(`${fixturesBase}/${file}`, fs.readFileSync(path.join(ICEBERG_FIXTURES, file))));
    console.info(`uploaded ${files.length} fixture files to ${fixturesBase} in ${((Date.now() - began) / 1000).toFixed(1)}s`);
    router = new FileIORouter({ s3: { ...connection, cache: { dir: path.join(workDir, "fixtures-cache") } } });
    io = new PathRelocator(router, fixtureRelocationsTo(fixturesBase));
  });
  afterAll(() => router?.close());

  cases.forEach((c, index) => {
    const label = `${String(index + 1).padStart(2, "0")} ${c.table.split("/").slice(1).join("/")}${c.snapshot ? ` @${c.snapshot}` : ""}: ${c.sql}`;
    it(label, async () => {
      const result = await queryIcebergTables(
        [{ name: "t", metadataLocation: `${fixturesBase}/${c.metadata}`, snapshotId: c.snapshot === null ? undefined : BigInt(c.snapshot) }],
        c.sql,
        { io, session },
      );
      const actual = result.rows.map((row) => row.map(normalizeActual));
      if (!rowsMatch(actual, c.expected, c.ordered)) {
        expect({ actual, source: c.source }).toEqual({ actual: c.expected, source: c.source });
      }
    });
  });
});

describe.skipIf(!HAVE_ICEBERG_FIXTURES)("stack: a broken table on S3", () => {
  it("a data file that is not Parquet fails with a malformed FloeError naming its S3 location", async () => {
    const base = `${fixturesBase}/broken`;
    const source = path.join(ICEBERG_FIXTURES, "duckdb-iceberg/partition_integer");
    const broken = "data/partition_col=42/00000-2-1d10e455-d07e-4124-8f4b-52bd010a806d-00001.parquet";
    for (const entry of fs.readdirSync(source, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const relative = path.relative(source, path.join(entry.parentPath, entry.name)).split(path.sep).join("/");
      const bytes = relative === broken ? new TextEncoder().encode("not a parquet file") : fs.readFileSync(path.join(source, relative));
      await admin.write(`${base}/partition_integer/${relative}`, bytes);
    }
    const router = new FileIORouter({ s3: { ...connection, cache: { dir: path.join(workDir, "broken-cache") } } });
    const io = new PathRelocator(router, [{ from: "data/persistent/", to: `${base}/` }]);
    try {
      const outcome = await queryIcebergTables(
        [{ name: "t", metadataLocation: `${base}/partition_integer/metadata/v2.metadata.json` }],
        "SELECT * FROM t",
        { io, session },
      ).then(
        () => undefined,
        (error: unknown) => error as FloeError,
      );
      expect(outcome).toBeInstanceOf(FloeError);
      const named = outcome!.message.includes(`${base}/partition_integer/${broken}`) || outcome!.message.includes(`data/persistent/partition_integer/${broken}`);
      expect({ kind: outcome!.kind, namesTheS3Location: named, message: outcome!.message }).toEqual({
        kind: "malformed",
        namesTheS3Location: true,
        message: expect.stringMatching(/parquet/i),
      });
    } finally {
      router.close();
    }
  });
});

describe.skipIf(HAVE_ICEBERG_FIXTURES)("stack: conformance cases with the tables on S3", () => {
  it.skip(NO_FIXTURES_MESSAGE, () => undefined);
});

describe("stack: PyIceberg writes to S3, floe reads from S3", () => {
  let table: PyIcebergTable;
  let router: FileIORouter;

  beforeAll(async () => {
    const report = await writePyIcebergTables({
      python: settings.FLOE_TEST_PYTHON,
      warehouse: pyicebergBase,
      workDir,
      suite: "s3",
      properties: {
        "s3.endpoint": settings.FLOE_TEST_S3_ENDPOINT,
        "s3.access-key-id": settings.FLOE_TEST_S3_ACCESS_KEY_ID,
        "s3.secret-access-key": settings.FLOE_TEST_S3_SECRET_ACCESS_KEY,
        "s3.region": settings.FLOE_TEST_S3_REGION,
        "s3.path-style-access": settings.FLOE_TEST_S3_FORCE_PATH_STYLE,
      },
    });
    table = report.tables[0];
    router = new FileIORouter({ s3: { ...connection, cache: { dir: path.join(workDir, "pyiceberg-cache") } } });
  });
  afterAll(() => router?.close());

  it("PyIceberg wrote the table on S3", () => {
    expect(table.metadata_location.startsWith(`${pyicebergBase}/`)).toBe(true);
    expect(table.live_data_files.every((f) => f.startsWith(`${pyicebergBase}/`))).toBe(true);
    expect(table.snapshots.length).toBeGreaterThanOrEqual(4);
  });

  it("every snapshot, by id, has PyIceberg's rows", async () => {
    const failures = [];
    for (const snapshot of table.snapshots) {
      const source = { name: "t", metadataLocation: table.metadata_location, snapshotId: BigInt(snapshot.snapshot_id) };
      const mismatch = rowsMismatch(await read(router, source), snapshot);
      if (mismatch) failures.push({ snapshot: `${snapshot.snapshot_id} (${snapshot.label})`, ...mismatch });
    }
    expect(failures).toEqual([]);
  });

  it("the current snapshot and every ref have PyIceberg's rows", async () => {
    const failures = [];
    for (const ref of table.refs) {
      const sources: IcebergTableSource[] = [{ name: "t", metadataLocation: table.metadata_location, ref: ref.name }];
      if (ref.name === "main") sources.push({ name: "t", metadataLocation: table.metadata_location });
      for (const source of sources) {
        const mismatch = rowsMismatch(await read(router, source), ref);
        if (mismatch) failures.push({ ref: `${ref.type} ${ref.name}`, ...mismatch });
      }
    }
    expect(failures).toEqual([]);
    expect(table.refs.map((r) => r.name).sort()).toEqual(["first", "main"]);
  });

  it("a filtered query has PyIceberg's rows and reads fewer files", async () => {
    const metadata = await readTableMetadata(router, table.metadata_location);
    for (const filter of table.filters) {
      expect(rowsMismatch(await read(router, { name: "t", metadataLocation: table.metadata_location }, filter.sql), filter)).toBeUndefined();
    }
    const all = (await planScan(metadata, router)).tasks.length;
    expect(all).toBe(table.live_data_files.length);
    expect(table.filters[0].planned_files.length).toBeLessThan(all);
  });

  describe("reads from S3 go through the local cache", () => {
    /** An S3FileIO on `cacheDir` that counts the GetObject requests its client sends, by object key. */
    function countingS3(cacheDir: string) {
      const io = new S3FileIO({ ...connection, cache: { dir: cacheDir } });
      const gets: string[] = [];
      io.client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === "GetObjectCommand") gets.push(String((args.input as { Key?: string }).Key));
          return next(args);
        },
        { step: "initialize", name: "countGetObject" },
      );
      return { io, gets };
    }
    const isDataOrDeleteFile = (key: string) => key.endsWith(".parquet");
    const cached = (dir: string) => fs.readdirSync(dir).sort();

    async function readEverySnapshot(s3: S3FileIO) {
      const router = new FileIORouter({ s3 });
      const results = [];
      for (const snapshot of table.snapshots) {
        results.push(await read(router, { name: "t", metadataLocation: table.metadata_location, snapshotId: BigInt(snapshot.snapshot_id) }));
      }
      return results;
    }

    it("a second read of the same table downloads no data or delete file again", async () => {
      const cacheDir = path.join(workDir, "counted-cache");
      const first = countingS3(cacheDir);
      const firstResults = await readEverySnapshot(first.io);
      const downloaded = first.gets.filter(isDataOrDeleteFile);
      const afterFirst = cached(cacheDir);
      // Every data and delete file of every snapshot was fetched once, into the cache.
      expect(new Set(downloaded).size).toBe(downloaded.length);
      expect(afterFirst.length).toBe(downloaded.length);

      first.gets.length = 0;
      const again = await readEverySnapshot(first.io);
      expect(first.gets.filter(isDataOrDeleteFile)).toEqual([]);
      expect(cached(cacheDir)).toEqual(afterFirst);
      expect(again.map((r) => r.rows.length)).toEqual(firstResults.map((r) => r.rows.length));
      const metadataGets = first.gets.length;
      first.io.close();

      // Another FileIO on the same cache folder (a later process) finds the files there too.
      const later = countingS3(cacheDir);
      await readEverySnapshot(later.io);
      expect(later.gets.filter(isDataOrDeleteFile)).toEqual([]);
      expect(cached(cacheDir)).toEqual(afterFirst);
      later.io.close();
      console.info(
        `cache: ${downloaded.length} data/delete files downloaded once; a repeated read of ${table.snapshots.length} snapshots ` +
          `fetched ${metadataGets} metadata, manifest-list and manifest objects again and no data file`,
      );
    });
  });
});

async function read(io: FileIORouter | PathRelocator, source: IcebergTableSource, sql = "SELECT * FROM t") {
  return queryIcebergTables([source], sql, { io, session });
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]);
    }),
  );
}

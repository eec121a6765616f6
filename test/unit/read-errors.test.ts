import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FloeError, type FloeErrorKind } from "../../src/core/errors/FloeError.js";
import { DuckDBSession } from "../../src/engine/duckdb/DuckDBSession.js";
import { queryIcebergTables } from "../../src/engine/scan/queryIcebergTables.js";
import { LocalFileIO } from "../../src/io/LocalFileIO.js";
import { PathRelocator } from "../../src/io/PathRelocator.js";
import { HAVE_ICEBERG_FIXTURES, ICEBERG_FIXTURES, NO_FIXTURES_MESSAGE } from "../support/fixtures.js";

// A small real table (Spark: two data files, identity partitions) copied to a temp folder and broken one
// way per test. Every read must fail with a FloeError whose message names the broken file and the problem.

const TABLE = "duckdb-iceberg/partition_integer";
const METADATA = "metadata/v2.metadata.json";
const MANIFEST_LIST = "metadata/snap-5470601323427916272-1-b1dda674-423f-4f23-b00d-92b608b07a38.avro";
const MANIFEST = "metadata/b1dda674-423f-4f23-b00d-92b608b07a38-m0.avro";
const DATA_FILE = "data/partition_col=42/00000-2-1d10e455-d07e-4124-8f4b-52bd010a806d-00001.parquet";

describe.skipIf(!HAVE_ICEBERG_FIXTURES)("reading a broken table fails with a FloeError naming the file and the problem", () => {
  let root: string;
  let table: string;
  let session: DuckDBSession;
  let io: PathRelocator;

  beforeAll(async () => {
    session = await DuckDBSession.open();
  });
  afterAll(() => session?.close());

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "floe-read-errors-"));
    table = path.join(root, "partition_integer");
    fs.cpSync(path.join(ICEBERG_FIXTURES, TABLE), table, { recursive: true });
    // The table's files are written as data/persistent/partition_integer/...
    io = new PathRelocator(new LocalFileIO(), [{ from: "data/persistent/", to: `${root}/` }]);
    return () => fs.rmSync(root, { recursive: true, force: true });
  });

  const file = (relative: string) => path.join(table, relative);
  const editMetadata = (edit: (metadata: Record<string, unknown>) => void) => {
    const metadata = JSON.parse(fs.readFileSync(file(METADATA), "utf8")) as Record<string, unknown>;
    edit(metadata);
    fs.writeFileSync(file(METADATA), JSON.stringify(metadata, null, 2));
  };

  /** The error a `SELECT *` of the table fails with; fails the test if it returns rows instead. */
  async function readError(): Promise<FloeError> {
    const outcome = await queryIcebergTables([{ name: "t", metadataLocation: file(METADATA) }], "SELECT * FROM t", { io, session }).then(
      (result) => ({ rows: result.rows }),
      (error: unknown) => ({ error }),
    );
    if (!("error" in outcome)) throw new Error(`read returned ${outcome.rows.length} rows instead of failing`);
    expect(outcome.error).toBeInstanceOf(FloeError);
    return outcome.error as FloeError;
  }

  /** The file by the location the table's metadata gives it, or by where it lies now: either names it. */
  function expectError(error: FloeError, kind: FloeErrorKind, relative: string, problem: RegExp) {
    const written = `data/persistent/partition_integer/${relative}`;
    const names = error.message.includes(file(relative)) || error.message.includes(written);
    expect({ kind: error.kind, namesTheFile: names, message: error.message }).toEqual({ kind, namesTheFile: true, message: expect.stringMatching(problem) });
    if (process.env.FLOE_SHOW_ERRORS) console.info(`${relative}: [${error.kind}] ${error.message}`);
  }

  it("reads the intact copy (the baseline the breakages start from)", async () => {
    const result = await queryIcebergTables([{ name: "t", metadataLocation: file(METADATA) }], "SELECT * FROM t", { io, session });
    expect(result.rows.length).toBe(2);
  });

  it("metadata JSON cut short", async () => {
    const text = fs.readFileSync(file(METADATA), "utf8");
    fs.writeFileSync(file(METADATA), text.slice(0, Math.floor(text.length / 2)));
    expectError(await readError(), "malformed", METADATA, /JSON|end of|unexpected|truncated/i);
  });

  it("metadata field of the wrong type (last-column-id as a string)", async () => {
    editMetadata((m) => (m["last-column-id"] = "three"));
    expectError(await readError(), "malformed", METADATA, /last-column-id/);
  });

  it("metadata field of the wrong type (schemas as an object)", async () => {
    editMetadata((m) => (m.schemas = { "schema-id": 0 }));
    expectError(await readError(), "malformed", METADATA, /schemas/);
  });

  it("current-schema-id naming no schema", async () => {
    editMetadata((m) => (m["current-schema-id"] = 7));
    expectError(await readError(), "malformed", METADATA, /current-schema-id.*7|7.*current-schema-id/);
  });

  it("format-version 4", async () => {
    editMetadata((m) => (m["format-version"] = 4));
    expectError(await readError(), "unsupported", METADATA, /format-version 4/);
  });

  it("metadata file absent", async () => {
    fs.rmSync(file(METADATA));
    expectError(await readError(), "not-found", METADATA, /no such|not found|does not exist/i);
  });

  it("manifest list absent", async () => {
    fs.rmSync(file(MANIFEST_LIST));
    expectError(await readError(), "not-found", MANIFEST_LIST, /no such|not found|does not exist/i);
  });

  it("manifest list that is not Avro", async () => {
    fs.writeFileSync(file(MANIFEST_LIST), fs.readFileSync(file(MANIFEST_LIST)).subarray(0, 40));
    expectError(await readError(), "malformed", MANIFEST_LIST, /avro|truncated|end of|unexpected/i);
  });

  it("manifest absent", async () => {
    fs.rmSync(file(MANIFEST));
    expectError(await readError(), "not-found", MANIFEST, /no such|not found|does not exist/i);
  });

  it("manifest cut short", async () => {
    const bytes = fs.readFileSync(file(MANIFEST));
    fs.writeFileSync(file(MANIFEST), bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    expectError(await readError(), "malformed", MANIFEST, /avro|truncated|end of|unexpected|block/i);
  });

  it("data file absent", async () => {
    fs.rmSync(file(DATA_FILE));
    expectError(await readError(), "not-found", DATA_FILE, /no such|not found|does not exist/i);
  });

  it("data file that is not Parquet", async () => {
    fs.writeFileSync(file(DATA_FILE), "not a parquet file at all");
    expectError(await readError(), "malformed", DATA_FILE, /parquet/i);
  });
});

describe.skipIf(HAVE_ICEBERG_FIXTURES)("reading a broken table", () => {
  it.skip(NO_FIXTURES_MESSAGE, () => undefined);
});

import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FileSystemTableCommitter } from "../../catalog/filesystem/FileSystemTableCommitter.js";
import { LocalFileIO } from "../../io/LocalFileIO.js";
import { DataFileContent, type DataFile } from "../../table/manifest/dataFile.js";
import { PartitionSpec } from "../../table/spec/partitionSpec.js";
import { Schema } from "../../table/spec/schema.js";
import type { TableMetadata } from "../../table/spec/tableMetadata.js";
import { deserializeValue } from "../../table/stats/singleValue.js";
import { Transaction } from "../../table/transaction/Transaction.js";
import { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { quoteString } from "../duckdb/duckdbTypes.js";
import { DELETE_FILE_PATH_FIELD_ID, DELETE_POS_FIELD_ID, writePositionDeletes } from "./PositionDeleteWriter.js";

const schema = new Schema([
  { id: 1, name: "id", required: true, type: { type: "long" } },
  { id: 2, name: "day", required: false, type: { type: "date" } },
]);
const spec = new PartitionSpec(0, [{ sourceId: 2, fieldId: 1000, name: "day", transform: "identity" }]);
/** 2025-01-01 and 2025-01-02 as days since 1970. */
const DAY_1 = 20089;
const DAY_2 = 20090;

let session: DuckDBSession;
let root: string;
let location: string;
let metadata: TableMetadata;

/** Writes made through this FileIO fail from the `failFrom`-th on. */
class FailingFileIO extends LocalFileIO {
  writes = 0;
  constructor(private readonly failFrom: number) {
    super();
  }
  override async write(file: string, data: Uint8Array, options?: { ifNotExists?: boolean }): Promise<void> {
    if (++this.writes >= this.failFrom) throw new Error(`write ${this.writes} refused`);
    return super.write(file, data, options);
  }
}

const io = new LocalFileIO();

function dataFile(name: string, day: number): DataFile {
  return {
    content: DataFileContent.DATA,
    filePath: `${location}/data/day=${name}.parquet`,
    fileFormat: "parquet",
    specId: 0,
    partition: { 1000: day },
    recordCount: 100n,
    fileSizeInBytes: 1000n,
  };
}

async function parquetFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return entries.map(String).filter((f) => f.endsWith(".parquet"));
}

beforeAll(async () => {
  session = await DuckDBSession.open({ threads: 2 });
  root = await fs.mkdtemp(path.join(os.tmpdir(), "floe-position-deletes-"));
});

afterAll(async () => {
  session?.close();
  await fs.rm(root, { recursive: true, force: true });
});

beforeEach(async () => {
  location = path.join(root, `t${Math.random().toString(36).slice(2)}`);
  const table = await new Transaction({ io }).createTable({ schema, spec, location }).commit(new FileSystemTableCommitter(location, io));
  metadata = table.metadata;
});

describe("writePositionDeletes", () => {
  it("writes one sorted file per data file with positions, in its partition, with the reserved field ids and bounds", async () => {
    const a = dataFile("a", DAY_1);
    const b = dataFile("b", DAY_2);
    const none = dataFile("none", DAY_1);
    await session.run(
      `CREATE OR REPLACE TEMP TABLE removed AS SELECT * FROM (VALUES ('A', 7), ('B', 2), ('A', 3), ('OTHER', 1), ('A', 11), ('B', 0)) AS v(file, pos)`,
    );
    const files = await writePositionDeletes(session, io, metadata, {
      sql: "SELECT file, pos FROM removed",
      dataFiles: new Map([
        ["A", a],
        ["NONE", none],
        ["B", b],
      ]),
    });

    // no file for the data file without positions; positions of files not named are left out
    expect(files.map((f) => f.referencedDataFile)).toEqual([a.filePath, b.filePath]);
    const [forA, forB] = files;
    expect(forA).toMatchObject({ content: DataFileContent.POSITION_DELETES, fileFormat: "parquet", specId: 0, partition: { 1000: DAY_1 }, recordCount: 3n });
    expect(forB).toMatchObject({ partition: { 1000: DAY_2 }, recordCount: 2n });
    expect(path.dirname(forA.filePath)).toBe(`${location}/data/day=2025-01-01`);
    expect(path.dirname(forB.filePath)).toBe(`${location}/data/day=2025-01-02`);
    expect(forA.fileSizeInBytes).toBe(BigInt((await fs.stat(forA.filePath)).size));
    expect(deserializeValue({ type: "long" }, forA.lowerBounds!.get(DELETE_POS_FIELD_ID)!)).toBe(3n);
    expect(deserializeValue({ type: "long" }, forA.upperBounds!.get(DELETE_POS_FIELD_ID)!)).toBe(11n);
    expect(deserializeValue({ type: "string" }, forA.lowerBounds!.get(DELETE_FILE_PATH_FIELD_ID)!)).toBe(a.filePath);
    expect(forA.valueCounts!.get(DELETE_POS_FIELD_ID)).toBe(3n);

    const rows = await session.query(`SELECT file_path, pos FROM read_parquet(${quoteString(forA.filePath)}, file_row_number = true) ORDER BY file_row_number`);
    expect(rows.rows).toEqual([
      [a.filePath, 3],
      [a.filePath, 7],
      [a.filePath, 11],
    ]);
    const ids = await session.query(`SELECT name, field_id FROM parquet_schema(${quoteString(forB.filePath)}) WHERE field_id IS NOT NULL ORDER BY name`);
    expect(ids.rows).toEqual([
      ["file_path", DELETE_FILE_PATH_FIELD_ID],
      ["pos", DELETE_POS_FIELD_ID],
    ]);
    const left = await session.query(`SELECT count(*) FROM information_schema.tables WHERE starts_with(table_name, '__floe_deletes_')`);
    expect(left.rows[0][0]).toBe(0);
  });

  it("writes nothing when no data file has positions", async () => {
    await session.run(`CREATE OR REPLACE TEMP TABLE removed AS SELECT 'OTHER' AS file, 1 AS pos`);
    const files = await writePositionDeletes(session, io, metadata, { sql: "SELECT file, pos FROM removed", dataFiles: new Map([["A", dataFile("a", DAY_1)]]) });
    expect(files).toEqual([]);
    expect(await parquetFiles(path.join(location, "data"))).toEqual([]);
  });

  it("removes the files it wrote when a write fails", async () => {
    const dataFiles = new Map(Array.from({ length: 20 }, (_, i) => [`F${i}`, dataFile(`f${i}`, DAY_1 + (i % 2))] as const));
    await session.run(`CREATE OR REPLACE TEMP TABLE removed AS SELECT 'F' || (i % 20) AS file, i AS pos FROM range(200) AS r(i)`);
    const failing = new FailingFileIO(12);
    await expect(writePositionDeletes(session, failing, metadata, { sql: "SELECT file, pos FROM removed", dataFiles })).rejects.toThrow(/write 12 refused/);
    expect(failing.writes).toBeGreaterThanOrEqual(12);
    expect(await parquetFiles(path.join(location, "data"))).toEqual([]);
    const left = await session.query(`SELECT count(*) FROM information_schema.tables WHERE starts_with(table_name, '__floe_deletes_')`);
    expect(left.rows[0][0]).toBe(0);
  });
});

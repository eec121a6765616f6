import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDBSession } from "../../src/engine/duckdb/DuckDBSession.js";
import { prepareIcebergTables, queryIcebergTables } from "../../src/engine/scan/queryIcebergTables.js";
import { LocalFileIO } from "../../src/io/LocalFileIO.js";
import { and, gtEq, lt } from "../../src/table/expr/index.js";
import { planScan } from "../../src/table/scan/TableScan.js";
import { readTableMetadata } from "../../src/table/spec/metadataFile.js";
import { writeSyntheticEventTable } from "../support/syntheticTable.js";

// 2025-01-01 .. 2025-12-31: one data file per day, day(ts) partitioning.
const FIRST_DAY = 20089;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-hidden-"));
let metadataFile: string;
let session: DuckDBSession;
const io = new LocalFileIO();

beforeAll(async () => {
  metadataFile = await writeSyntheticEventTable(path.join(dir, "events"), { firstDay: FIRST_DAY, days: 365, rowsPerFile: 24, filesPerManifest: 31, writeData: true });
  session = await DuckDBSession.open();
}, 120_000);
afterAll(() => {
  session?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("hidden partitioning on a day-partitioned table with 365 partitions", () => {
  it("plans only the files of the days a timestamp predicate selects", async () => {
    const metadata = await readTableMetadata(io, metadataFile);
    const all = await planScan(metadata, io);
    expect(all.tasks).toHaveLength(365);
    const week = await planScan(metadata, io, { filter: and(gtEq("ts", "2025-03-01T00:00:00"), lt("ts", "2025-03-08T00:00:00")) });
    expect(week.tasks).toHaveLength(7);
    expect(week.metrics.manifests).toBe(12);
    // March 1–7 are days 59–65 of the year: they straddle the manifests of days 31–61 and 62–92.
    expect(week.metrics.manifestsSkipped).toBe(10);
    const days = week.tasks.map((t) => t.dataFile.partition[1000] as number).sort((a, b) => a - b);
    expect(days).toEqual([0, 1, 2, 3, 4, 5, 6].map((d) => FIRST_DAY + 59 + d));
  });

  it("SQL filters on the source column prune the same way, and the rows are right", async () => {
    const sql = "SELECT count(*) AS n, min(ts) AS first, max(ts) AS last FROM t WHERE ts >= TIMESTAMP '2025-03-01' AND ts < TIMESTAMP '2025-03-08'";
    const prepared = await prepareIcebergTables([{ name: "t", metadataLocation: metadataFile }], sql, { io, session });
    expect(prepared.get("t")!.plan.tasks).toHaveLength(7);
    const result = await queryIcebergTables([{ name: "t", metadataLocation: metadataFile }], sql, { io, session });
    expect(result.rows).toEqual([[7 * 24, "2025-03-01 00:00:00", "2025-03-07 23:00:00"]]);
  });

  it("a point query on a non-partition column prunes by column metrics", async () => {
    const sql = "SELECT id, category FROM t WHERE id = 1000";
    const prepared = await prepareIcebergTables([{ name: "t", metadataLocation: metadataFile }], sql, { io, session });
    expect(prepared.get("t")!.plan.tasks).toHaveLength(1);
    const result = await queryIcebergTables([{ name: "t", metadataLocation: metadataFile }], sql, { io, session });
    expect(result.rows).toEqual([[1000, "view"]]);
  });
});

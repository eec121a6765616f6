import path from "node:path";
import { describe, expect, it } from "vitest";
import * as floe from "../../src/index.js";
import {
  DuckDBSession,
  FloeError,
  LocalFileIO,
  MemoryFileIO,
  PathRelocator,
  Schema,
  and,
  eq,
  exprToString,
  gtEq,
  inspect,
  isFloeError,
  parseTransform,
  planScan,
  queryIcebergTables,
  readSnapshotManifests,
  readManifestEntries,
  readTableMetadata,
  selectSnapshot,
} from "../../src/index.js";
import { HAVE_ICEBERG_FIXTURES, ICEBERG_FIXTURES, NO_FIXTURES_MESSAGE, fixtureRelocations } from "../support/fixtures.js";

describe("the public API", () => {
  it("exports the reader, FileIOs, spec model, manifests, scan planning, expressions, transforms, metadata tables, errors and config", () => {
    const names = [
      // reader
      "queryIcebergTables",
      "prepareIcebergTables",
      "DuckDBSession",
      "rowObjects",
      // file IO
      "LocalFileIO",
      "MemoryFileIO",
      "S3FileIO",
      "FileIORouter",
      "PathRelocator",
      "resolveFileIO",
      // spec model
      "TableMetadata",
      "readTableMetadata",
      "writeTableMetadata",
      "parseTableMetadata",
      "serializeTableMetadata",
      "Schema",
      "PartitionSpec",
      "NameMapping",
      "MAIN_BRANCH",
      "typeToString",
      // manifests
      "readSnapshotManifests",
      "readManifestList",
      "readManifest",
      "readManifestEntries",
      "ManifestContent",
      "DataFileContent",
      "ManifestEntryStatus",
      "isLiveEntry",
      // scan planning
      "planScan",
      "selectSnapshot",
      // expressions
      "and",
      "or",
      "not",
      "eq",
      "notEq",
      "lt",
      "ltEq",
      "gt",
      "gtEq",
      "isNull",
      "notNull",
      "isNaN",
      "notNaN",
      "isIn",
      "notIn",
      "startsWith",
      "notStartsWith",
      "alwaysTrue",
      "alwaysFalse",
      "predicate",
      "exprToString",
      // transforms and values
      "parseTransform",
      "Transform",
      "serializeValue",
      "deserializeValue",
      // metadata tables
      "inspect",
      // errors and configuration
      "FloeError",
      "isFloeError",
      "loadConfig",
    ];
    const exported = floe as Record<string, unknown>;
    expect(names.filter((name) => exported[name] === undefined)).toEqual([]);
    expect(Object.keys(inspect).sort()).toEqual(["describeTable", "files", "history", "manifests", "metadataLog", "partitions", "refs", "snapshots"]);
  });

  it("keeps internal helpers out", () => {
    for (const name of ["JsonFields", "parseJsonLossless", "decodeManifest", "fromAvro", "DeleteFileIndex", "createScanView", "formatRows", "main"]) {
      expect(floe).not.toHaveProperty(name);
    }
  });

  it("builds expressions and transforms", () => {
    expect(exprToString(and(eq("id", 1), gtEq("ts", "2024-01-01")))).toMatch(/id = 1/);
    expect(parseTransform("bucket[16]").toString()).toBe("bucket[16]");
    expect(new Schema([{ id: 1, name: "id", required: true, type: { type: "long" } }]).findColumnName(1)).toBe("id");
  });

  it("reports missing files as FloeErrors with a kind", async () => {
    const error = await readTableMetadata(new MemoryFileIO(), "memory://nowhere/v1.metadata.json").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FloeError);
    expect(isFloeError(error, "not-found")).toBe(true);
  });
});

describe.skipIf(!HAVE_ICEBERG_FIXTURES)("the public API on a fixture table", () => {
  const metadataFile = path.join(ICEBERG_FIXTURES, "duckdb-iceberg/equality_deletes/warehouse/mydb/mytable_partitioned/metadata/v6.metadata.json");
  const io = new PathRelocator(new LocalFileIO(), fixtureRelocations());

  it("reads metadata, manifests and a pruned scan plan", async () => {
    const metadata = await readTableMetadata(io, metadataFile);
    expect(metadata.currentSnapshotId).toBe(3138177759849079112n);
    expect(metadata.snapshots).toHaveLength(5);
    expect(metadata.defaultSpec().fields.map((f) => [f.name, f.transform])).toEqual([["name", "identity"]]);

    const snapshot = selectSnapshot(metadata, {})!;
    const manifests = await readSnapshotManifests(io, snapshot);
    expect(manifests).toHaveLength(5);
    const entries = (await Promise.all(manifests.map((m) => readManifestEntries(io, m, { specs: metadata.specsById() })))).flat();
    expect(entries.filter((e) => e.dataFile.content === floe.DataFileContent.DATA)).toHaveLength(6);

    const all = await planScan(metadata, io);
    expect(all.tasks).toHaveLength(6);
    const pruned = await planScan(metadata, io, { filter: eq("name", "f") });
    expect(pruned.tasks.map((t) => t.dataFile.partition[1000])).toEqual(["f"]);
    // the equality delete of partition f applies to its data file
    expect(pruned.tasks[0].deletes.map((d) => d.content)).toEqual([floe.DataFileContent.EQUALITY_DELETES]);
  });

  it("shows metadata tables", async () => {
    const metadata = await readTableMetadata(io, metadataFile);
    expect(inspect.history(metadata).rows).toHaveLength(5);
    const partitions = await inspect.partitions(metadata, io);
    expect(partitions.rows).toHaveLength(6);
    const files = await inspect.files(metadata, io, { snapshotId: 6447922032991303611n });
    expect(files.rows.map((r) => r[files.columns.indexOf("partition")])).toEqual([{ name: "a" }, { name: "b" }, { name: "c" }, { name: "d" }]);
  });

  it("queries the table with DuckDB", async () => {
    const session = await DuckDBSession.open();
    try {
      const result = await queryIcebergTables([{ name: "t", metadataLocation: metadataFile }], "SELECT count(*) AS n FROM t", { io, session });
      expect(result.columns).toEqual(["n"]);
      expect(Number(result.rows[0][0])).toBe(3);
    } finally {
      session.close();
    }
  });
});

describe.skipIf(HAVE_ICEBERG_FIXTURES)("the public API on a fixture table", () => {
  it.skip(NO_FIXTURES_MESSAGE, () => undefined);
});

describe("the public API for writing", () => {
  it("creates a catalog table, writes, changes and evolves it, and reads it back", async () => {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-api-write-"));
    const catalog = await floe.openCatalog(`sqlite:${path.join(dir, "catalog.db")}`, { warehouse: path.join(dir, "warehouse") });
    const session = await DuckDBSession.open();
    try {
      await catalog.createNamespace(["app"]);
      const id = { namespace: ["app"], name: "users" };
      const schema = new Schema([
        { id: 1, name: "id", required: true, type: { type: "long" } },
        { id: 2, name: "name", required: false, type: { type: "string" } },
      ]);
      let table = await catalog.createTable(id, { schema });
      const target = () => ({ io: table.io, committer: catalog.tableCommitter(id) });
      await floe.appendRows(session, target(), "SELECT range AS id, 'u' || range AS name FROM range(10)");
      await floe.deleteRows(session, target(), { where: "id >= 8", mode: "merge-on-read" });
      await floe.updateRows(session, target(), { set: [{ column: "name", expr: "upper(name)" }], where: "id = 1" });
      table = await catalog.loadTable(id);
      await new floe.Transaction({ io: table.io, base: table }).updateSchema((s) => s.addColumn("email", { type: "string" })).commit(catalog.tableCommitter(id));
      const runner = new floe.StatementRunner({ catalog, session, io: table.io });
      const [result] = await runner.runScript("SELECT count(*) AS n, max(name) AS top, count(email) AS emails FROM app.users");
      expect(result.rows).toEqual([[8, "u7", 0]]);
      const upper = await runner.runScript("SELECT name FROM app.users WHERE id = 1");
      expect(upper[0].rows).toEqual([["U1"]]);
    } finally {
      session.close();
      await catalog.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

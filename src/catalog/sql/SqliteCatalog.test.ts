import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FloeError, isFloeError } from "../../core/errors/FloeError.js";
import { MemoryFileIO } from "../../io/MemoryFileIO.js";
import { Schema } from "../../table/spec/schema.js";
import { Transaction } from "../../table/transaction/Transaction.js";
import type { TableCommit } from "../Catalog.js";
import { runCatalogContract } from "../CatalogContract.js";
import { openCatalog, sqlitePath } from "../openCatalog.js";
import { SqlCatalog } from "./SqlCatalog.js";
import type { BatchRejection, GuardedStatement, SqlDialect, SqlValue } from "./SqlDialect.js";
import { SqliteDialect } from "./SqliteDialect.js";

let root: string;
let counter = 0;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "floe-sql-catalog-"));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const freshDir = () => path.join(root, `case-${++counter}`);

runCatalogContract("SqlCatalog contract on a SQLite file", {
  async newCatalog() {
    const dir = freshDir();
    const warehouse = path.join(dir, "warehouse");
    return { catalog: await SqlCatalog.open({ dialect: new SqliteDialect(path.join(dir, "catalog.db")), warehouse }), warehouse };
  },
});

runCatalogContract("SqlCatalog contract on SQLite in memory with a memory FileIO", {
  async newCatalog() {
    const warehouse = `memory://warehouse-${++counter}`;
    const io = new MemoryFileIO();
    return { catalog: await SqlCatalog.open({ dialect: new SqliteDialect(":memory:"), warehouse, io }), warehouse };
  },
});

const schema = new Schema([
  { id: 1, name: "id", required: true, type: { type: "long" } },
  { id: 2, name: "name", required: false, type: { type: "string" } },
]);

async function openAt(file: string, options: { name?: string; dialect?: SqlDialect } = {}): Promise<SqlCatalog> {
  return SqlCatalog.open({ dialect: options.dialect ?? new SqliteDialect(file), warehouse: path.join(path.dirname(file), "warehouse"), name: options.name });
}

function rawRows(file: string, sql: string): unknown[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

describe("SqlCatalog on SQLite: the JDBC catalog's database", () => {
  it("creates iceberg_tables and iceberg_namespace_properties with Java's and PyIceberg's columns and keys", async () => {
    const file = path.join(freshDir(), "catalog.db");
    const catalog = await openAt(file);
    await catalog.close();
    const columns = (table: string) =>
      rawRows(file, `SELECT name, type, "notnull" AS required, pk FROM pragma_table_info('${table}') ORDER BY cid`).map((row) => Object.values(row as object));
    expect(columns("iceberg_tables")).toEqual([
      ["catalog_name", "VARCHAR(255)", 1, 1],
      ["table_namespace", "VARCHAR(255)", 1, 2],
      ["table_name", "VARCHAR(255)", 1, 3],
      ["metadata_location", "VARCHAR(1000)", 0, 0],
      ["previous_metadata_location", "VARCHAR(1000)", 0, 0],
      ["iceberg_type", "VARCHAR(5)", 0, 0],
    ]);
    expect(columns("iceberg_namespace_properties")).toEqual([
      ["catalog_name", "VARCHAR(255)", 1, 1],
      ["namespace", "VARCHAR(255)", 1, 2],
      ["property_key", "VARCHAR(255)", 1, 3],
      ["property_value", "VARCHAR(1000)", 0, 0],
    ]);
  });

  it("stores namespaces dot-joined with `exists`, tables as TABLE rows, and the previous location on commit", async () => {
    const file = path.join(freshDir(), "catalog.db");
    const catalog = await openAt(file);
    await catalog.createNamespace(["sales", "eu"], { owner: "ann" });
    const id = { namespace: ["sales", "eu"], name: "orders" };
    const created = await catalog.createTable(id, { schema });
    const moved = await new Transaction({ io: catalog.io }).setProperties({ k: "v" }).commit(catalog.tableCommitter(id));
    await catalog.close();

    expect(rawRows(file, "SELECT * FROM iceberg_namespace_properties ORDER BY property_key")).toEqual([
      { catalog_name: "floe", namespace: "sales.eu", property_key: "exists", property_value: "true" },
      { catalog_name: "floe", namespace: "sales.eu", property_key: "owner", property_value: "ann" },
    ]);
    expect(rawRows(file, "SELECT * FROM iceberg_tables")).toEqual([
      {
        catalog_name: "floe",
        table_namespace: "sales.eu",
        table_name: "orders",
        metadata_location: moved.metadataLocation,
        previous_metadata_location: created.metadataLocation,
        iceberg_type: "TABLE",
      },
    ]);
    expect(created.metadata.location).toBe(path.join(path.dirname(file), "warehouse", "sales.eu.db", "orders"));
  });

  it("puts the file in WAL mode", async () => {
    const dialect = new SqliteDialect(path.join(freshDir(), "catalog.db"));
    try {
      expect(dialect.journalMode()).toBe("wal");
    } finally {
      await dialect.close();
    }
  });

  it("uses a V0 database (no iceberg_type) as it is", async () => {
    const file = path.join(freshDir(), "catalog.db");
    await fs.mkdir(path.dirname(file), { recursive: true });
    const db = new Database(file);
    db.exec(`CREATE TABLE iceberg_tables (catalog_name VARCHAR(255) NOT NULL, table_namespace VARCHAR(255) NOT NULL, table_name VARCHAR(255) NOT NULL,
      metadata_location VARCHAR(1000), previous_metadata_location VARCHAR(1000), PRIMARY KEY (catalog_name, table_namespace, table_name))`);
    db.exec(`CREATE TABLE iceberg_namespace_properties (catalog_name VARCHAR(255) NOT NULL, namespace VARCHAR(255) NOT NULL,
      property_key VARCHAR(255), property_value VARCHAR(1000), PRIMARY KEY (catalog_name, namespace, property_key))`);
    db.close();
    const catalog = await openAt(file);
    await catalog.createNamespace(["ns"]);
    const id = { namespace: ["ns"], name: "t" };
    await catalog.createTable(id, { schema });
    expect(await catalog.listTables(["ns"])).toEqual([id]);
    await catalog.close();
    expect(rawRows(file, "SELECT name FROM pragma_table_info('iceberg_tables')").map((row) => (row as { name: string }).name)).not.toContain("iceberg_type");
  });

  it("keeps views of other engines out of tables, but counts them when a name or namespace is in use", async () => {
    const file = path.join(freshDir(), "catalog.db");
    const catalog = await openAt(file);
    await catalog.createNamespace(["ns"]);
    await catalog.dialect.execute(
      "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location, iceberg_type) VALUES ('floe', 'ns', 'v', '/views/v.metadata.json', 'VIEW')",
    );
    const view = { namespace: ["ns"], name: "v" };
    expect(await catalog.listTables(["ns"])).toEqual([]);
    expect(await catalog.tableExists(view)).toBe(false);
    await expect(catalog.loadTable(view)).rejects.toMatchObject({ kind: "not-found" });
    await expect(catalog.createTable(view, { schema })).rejects.toMatchObject({ kind: "already-exists", message: expect.stringContaining("view ns.v") });
    await expect(catalog.dropNamespace(["ns"])).rejects.toMatchObject({ kind: "invalid-input" });
    await catalog.close();
  });

  it("deletes the metadata files that fall off the log when write.metadata.delete-after-commit.enabled is set", async () => {
    const file = path.join(freshDir(), "catalog.db");
    const catalog = await openAt(file);
    await catalog.createNamespace(["ns"]);
    const id = { namespace: ["ns"], name: "t" };
    let table = await catalog.createTable(id, {
      schema,
      properties: { "write.metadata.delete-after-commit.enabled": "true", "write.metadata.previous-versions-max": "1" },
    });
    const locations = [table.metadataLocation];
    for (const value of ["a", "b", "c"]) {
      table = { ...table, ...(await new Transaction({ io: table.io, base: table }).setProperties({ step: value }).commit(catalog.tableCommitter(id))) };
      locations.push(table.metadataLocation);
    }
    const exists = await Promise.all(locations.map((l) => fs.stat(l).then(() => true, () => false)));
    // the current file and the one its log keeps remain; the two older ones are gone
    expect(exists).toEqual([false, false, true, true]);
    await catalog.close();
  });

  it("keeps catalogs of different names in one database apart", async () => {
    const file = path.join(freshDir(), "catalog.db");
    const one = await openAt(file, { name: "one" });
    const two = await openAt(file, { name: "two" });
    await one.createNamespace(["ns"]);
    await one.createTable({ namespace: ["ns"], name: "t" }, { schema });
    expect(await two.listNamespaces()).toEqual([]);
    expect(await two.namespaceExists(["ns"])).toBe(false);
    await two.createNamespace(["ns"]);
    expect(await two.listTables(["ns"])).toEqual([]);
    await Promise.all([one.close(), two.close()]);
  });

  it("two connections to one file (as two processes have) race a commit: exactly one wins", async () => {
    const file = path.join(freshDir(), "catalog.db");
    const first = await openAt(file);
    const second = await openAt(file);
    await first.createNamespace(["ns"]);
    const id = { namespace: ["ns"], name: "t" };
    const created = await first.createTable(id, { schema });
    const prepare = (writer: string) => new Transaction({ io: first.io, base: created }).setProperties({ writer }).prepare(created);
    const [a, b] = await Promise.all([prepare("first"), prepare("second")]);
    const results = await Promise.allSettled([
      first.tableCommitter(id).commit({ base: a.base, requirements: a.requirements, updates: a.updates, metadata: a.metadata! }),
      second.tableCommitter(id).commit({ base: b.base, requirements: b.requirements, updates: b.updates, metadata: b.metadata! }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const failure = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(isFloeError(failure.reason, "commit-conflict")).toBe(true);
    const winner = (results.find((r) => r.status === "fulfilled") as PromiseFulfilledResult<{ metadataLocation: string }>).value;
    expect((await second.loadTable(id)).metadataLocation).toBe(winner.metadataLocation);
    await Promise.all([first.close(), second.close()]);
  });
});

/** A dialect that runs `before` (or replaces the batch with `instead`) around the atomic batches of a real one. */
class FaultyDialect implements SqlDialect {
  readonly kind: string;
  readonly description: string;
  before?: () => Promise<void>;
  instead?: (statements: readonly GuardedStatement[]) => Promise<BatchRejection | undefined>;

  constructor(readonly inner: SqlDialect) {
    this.kind = inner.kind;
    this.description = inner.description;
  }

  query<Row extends Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]> {
    return this.inner.query<Row>(sql, params);
  }
  execute(sql: string, params?: readonly SqlValue[]): Promise<number> {
    return this.inner.execute(sql, params);
  }
  async atomically(statements: readonly GuardedStatement[]): Promise<BatchRejection | undefined> {
    const hook = this.before;
    this.before = undefined;
    await hook?.();
    const instead = this.instead;
    this.instead = undefined;
    return instead ? instead(statements) : this.inner.atomically(statements);
  }
  columnNames(table: string): Promise<string[] | undefined> {
    return this.inner.columnNames(table);
  }
  isUniqueViolation(error: unknown): boolean {
    return this.inner.isUniqueViolation(error);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

describe("SqlCatalog commits when the database misbehaves", () => {
  async function setUp() {
    const io = new MemoryFileIO();
    const dialect = new FaultyDialect(new SqliteDialect(":memory:"));
    const catalog = await SqlCatalog.open({ dialect, warehouse: "memory://wh", io });
    await catalog.createNamespace(["ns"]);
    const t1 = await catalog.createTable({ namespace: ["ns"], name: "t1" }, { schema });
    const t2 = await catalog.createTable({ namespace: ["ns"], name: "t2" }, { schema });
    const commitOf = async (table: typeof t1, value: string): Promise<TableCommit> => {
      const prepared = await new Transaction({ io }).setProperties({ value }).prepare(table);
      return { identifier: table.identifier, base: prepared.base, requirements: prepared.requirements, updates: prepared.updates, metadata: prepared.metadata! };
    };
    const metadataFiles = async () => {
      const out: string[] = [];
      for await (const file of io.list("memory://wh")) if (file.endsWith(".metadata.json")) out.push(file);
      return out.sort();
    };
    return { io, dialect, catalog, t1, t2, commitOf, metadataFiles };
  }

  it("a writer that moves one table between the check and the swap rolls back the whole multi-table commit", async () => {
    const { dialect, catalog, t1, t2, commitOf, metadataFiles } = await setUp();
    const before = await metadataFiles();
    const commits = [await commitOf(t1, "a"), await commitOf(t2, "a")];
    dialect.before = async () => {
      await dialect.execute("UPDATE iceberg_tables SET metadata_location = ? WHERE table_name = 't2'", [`${t2.metadataLocation}.elsewhere`]);
    };
    const error = await catalog.commitTransaction(commits).catch((e: unknown) => e);
    expect(isFloeError(error, "commit-conflict")).toBe(true);
    expect((error as FloeError).message).toContain("ns.t2");
    expect((await catalog.loadTable(t1.identifier)).metadataLocation).toBe(t1.metadataLocation);
    // the files written for the failed commit are gone
    expect(await metadataFiles()).toEqual(before);
    await catalog.close();
  });

  it("a commit the database did not confirm is commit-state-unknown, and its metadata file stays", async () => {
    const { dialect, catalog, t1, commitOf, metadataFiles } = await setUp();
    const before = await metadataFiles();
    dialect.instead = async () => {
      throw new FloeError("commit-state-unknown", "connection lost during COMMIT");
    };
    const error = await catalog.commitTransaction([await commitOf(t1, "a")]).catch((e: unknown) => e);
    expect(isFloeError(error, "commit-state-unknown")).toBe(true);
    expect((error as FloeError).message).toContain("ns.t1");
    const after = await metadataFiles();
    expect(after).toHaveLength(before.length + 1);
    expect((error as FloeError).message).toContain(after.find((f) => !before.includes(f)));
    expect((await catalog.loadTable(t1.identifier)).metadataLocation).toBe(t1.metadataLocation);
    // a transaction does not retry it
    dialect.instead = async () => {
      throw new FloeError("commit-state-unknown", "connection lost during COMMIT");
    };
    await expect(new Transaction({ io: catalog.io }).setProperties({ x: "1" }).commit(catalog.tableCommitter(t1.identifier))).rejects.toMatchObject({
      kind: "commit-state-unknown",
    });
    await catalog.close();
  });

  it("a commit the database did not confirm but did apply is a success", async () => {
    const { dialect, catalog, t1, commitOf } = await setUp();
    dialect.instead = async (statements) => {
      await dialect.inner.atomically(statements);
      throw new FloeError("commit-state-unknown", "connection lost after COMMIT");
    };
    const [committed] = await catalog.commitTransaction([await commitOf(t1, "a")]);
    expect((await catalog.loadTable(t1.identifier)).metadataLocation).toBe(committed.metadataLocation);
    await catalog.close();
  });

  it("a database error in the swap is an io error that names the table; nothing changes", async () => {
    const { dialect, catalog, t1, commitOf, metadataFiles } = await setUp();
    const before = await metadataFiles();
    dialect.instead = async () => ({ index: 0, error: Object.assign(new Error("disk I/O error"), { code: "SQLITE_IOERR" }) });
    const error = await catalog.commitTransaction([await commitOf(t1, "a")]).catch((e: unknown) => e);
    expect(isFloeError(error, "io")).toBe(true);
    expect((error as FloeError).message).toMatch(/ns\.t1.*disk I\/O error/);
    expect(await metadataFiles()).toEqual(before);
    expect((await catalog.loadTable(t1.identifier)).metadataLocation).toBe(t1.metadataLocation);
    await catalog.close();
  });
});

describe("openCatalog", () => {
  it("opens sqlite:PATH relative to the working directory, creating the file and its directory, as catalog floe", async () => {
    const file = path.join(freshDir(), "nested", "dir", "catalog.db");
    const catalog = await openCatalog(`sqlite:${path.relative(process.cwd(), file)}`, { warehouse: path.join(path.dirname(file), "wh") });
    await catalog.createNamespace(["ns"]);
    await catalog.close();
    expect((await fs.stat(file)).isFile()).toBe(true);
    expect(rawRows(file, "SELECT DISTINCT catalog_name FROM iceberg_namespace_properties")).toEqual([{ catalog_name: "floe" }]);
  });

  it("takes sqlite:///ABSOLUTE and a catalog name", async () => {
    const file = path.join(freshDir(), "catalog.db");
    const catalog = await openCatalog(`sqlite://${file}`, { warehouse: "memory://wh", io: new MemoryFileIO(), name: "lake" });
    expect(catalog.name).toBe("lake");
    await catalog.createNamespace(["ns"]);
    await catalog.close();
    expect(rawRows(file, "SELECT DISTINCT catalog_name FROM iceberg_namespace_properties")).toEqual([{ catalog_name: "lake" }]);
    expect(sqlitePath("sqlite:/abs/catalog.db")).toBe("/abs/catalog.db");
    expect(sqlitePath("sqlite:rel/catalog.db")).toBe("rel/catalog.db");
  });

  it("opens REST catalogs for http(s) URIs, refuses unknown schemes as unsupported, and a sqlite: URI without a path", async () => {
    // nothing listens on port 1: the REST catalog is opened and fails to reach its server, not refused as a scheme
    await expect(openCatalog("http://127.0.0.1:1/iceberg", { warehouse: "w" })).rejects.toMatchObject({ kind: "io", message: expect.stringContaining("http://127.0.0.1:1/iceberg") });
    await expect(openCatalog("mysql://localhost/db", { warehouse: "w" })).rejects.toMatchObject({ kind: "unsupported", message: expect.stringContaining("mysql://") });
    await expect(openCatalog("sqlite:", { warehouse: "w" })).rejects.toMatchObject({ kind: "invalid-input" });
  });
});

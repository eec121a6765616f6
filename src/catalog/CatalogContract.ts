/**
 * What every Catalog must do, as named cases (the hono `runTest` pattern, like
 * `io/FileIOContract.ts`): an implementation's test says how to make a fresh catalog and which
 * cases it knowingly skips, with the reason, and `runCatalogContract` registers the rest.
 *
 * Each case gets its own catalog and closes it. Tables are written through the catalog's own
 * FileIO; data files are small stand-ins (appends do not read them).
 */
import { describe, expect, it } from "vitest";
import { FloeError, type FloeErrorKind } from "../core/errors/FloeError.js";
import type { FileIO } from "../io/FileIO.js";
import { DataFileContent, type DataFile } from "../table/manifest/dataFile.js";
import { readManifestEntries, readSnapshotManifests } from "../table/manifest/manifest.js";
import { PartitionSpec } from "../table/spec/partitionSpec.js";
import { Schema } from "../table/spec/schema.js";
import type { CommitRequest } from "../table/transaction/TableCommitter.js";
import { Transaction } from "../table/transaction/Transaction.js";
import type { Catalog, LoadedTable } from "./Catalog.js";

export interface CatalogContractSubject {
  catalog: Catalog;
  /** The catalog's warehouse, when its tables default to `<warehouse>/<namespace>.db/<table>`. */
  warehouse?: string;
}

export interface CatalogContractOptions {
  /** A fresh, empty catalog for one case. */
  newCatalog(): Promise<CatalogContractSubject>;
  /** Runs after each case, once the catalog is closed. */
  cleanup?(subject: CatalogContractSubject): Promise<void>;
  /** Cases this implementation skips, with the reason. */
  skips?: Partial<Record<CatalogContractCaseName, string>>;
}

export interface CatalogContractCase {
  name: CatalogContractCaseName;
  /** Why this implementation skips the case; absent when it runs. */
  skip?: string;
  run(): Promise<void>;
}

export type CatalogContractCaseName = (typeof CASE_NAMES)[number];

const CASE_NAMES = [
  "a new catalog has no namespaces",
  "createNamespace records properties; a second create is already-exists",
  "nested namespaces list level by level and exist through their children",
  "updateNamespaceProperties reports updated, removed and missing keys",
  "dropNamespace refuses a namespace holding tables or namespaces",
  "bad names are invalid-input",
  "createTable writes the first metadata with fresh ids at the default location",
  "createTable takes a location, format version and properties",
  "createTable refuses an existing name and an unknown namespace",
  "an unknown table is not-found, naming it",
  "a commit through tableCommitter moves the table to the next metadata version",
  "a commit without a base creates the table; a second one is a conflict",
  "two committers racing from the same base: exactly one wins",
  "a commit whose requirement fails is a conflict and changes nothing",
  "concurrent transactions both land by retrying",
  "commitTransaction moves several tables at once",
  "commitTransaction is all or nothing",
  "renameTable keeps the metadata, across namespaces",
  "renameTable refuses a taken name, an unknown table and an unknown namespace",
  "dropTable keeps the files; purge deletes every file the table reaches",
  "registerTable adopts an existing metadata file",
] as const;

/** The contract's cases, for any test runner. */
export function catalogContract(options: CatalogContractOptions): CatalogContractCase[] {
  const withCatalog =
    (body: (subject: CatalogContractSubject) => Promise<void>) =>
    async (): Promise<void> => {
      const subject = await options.newCatalog();
      try {
        await body(subject);
      } finally {
        await subject.catalog.close();
        await options.cleanup?.(subject);
      }
    };
  return CASE_NAMES.map((name) => ({ name, skip: options.skips?.[name], run: withCatalog(CASES[name]) }));
}

/** Registers the contract with vitest under `describe(name)`. */
export function runCatalogContract(name: string, options: CatalogContractOptions): void {
  describe(name, () => {
    for (const c of catalogContract(options)) it.skipIf(c.skip !== undefined)(c.name, c.run);
  });
}

// --- the cases ---------------------------------------------------------------------------------

const CASES: Record<CatalogContractCaseName, (subject: CatalogContractSubject) => Promise<void>> = {
  "a new catalog has no namespaces": async ({ catalog }) => {
    expect(await catalog.listNamespaces()).toEqual([]);
    expect(await catalog.namespaceExists(["sales"])).toBe(false);
  },

  "createNamespace records properties; a second create is already-exists": async ({ catalog }) => {
    await catalog.createNamespace(["sales"], { owner: "ann", comment: "orders and refunds" });
    await catalog.createNamespace(["empty"]);
    expect(await catalog.namespaceExists(["sales"])).toBe(true);
    expect(await catalog.namespaceExists(["other"])).toBe(false);
    expect(await catalog.loadNamespaceProperties(["sales"])).toEqual({ owner: "ann", comment: "orders and refunds" });
    expect(await catalog.loadNamespaceProperties(["empty"])).toEqual({});
    expect(await catalog.listNamespaces()).toEqual([["empty"], ["sales"]]);
    await rejectsWith(catalog.createNamespace(["sales"]), "already-exists", "sales");
    await rejectsWith(catalog.loadNamespaceProperties(["other"]), "not-found", "other");
  },

  "nested namespaces list level by level and exist through their children": async ({ catalog }) => {
    for (const ns of [["a"], ["a", "b"], ["a", "b", "c"], ["a", "d"], ["e", "f"], ["ab"], ["a_b"], ["A"]]) await catalog.createNamespace(ns);
    expect(await catalog.listNamespaces()).toEqual([["A"], ["a"], ["a_b"], ["ab"], ["e"]]);
    expect(await catalog.listNamespaces(["a"])).toEqual([
      ["a", "b"],
      ["a", "d"],
    ]);
    expect(await catalog.listNamespaces(["a", "b"])).toEqual([["a", "b", "c"]]);
    expect(await catalog.listNamespaces(["a", "b", "c"])).toEqual([]);
    // ["e"] was never created, but ["e", "f"] is in it
    expect(await catalog.namespaceExists(["e"])).toBe(true);
    expect(await catalog.listNamespaces(["e"])).toEqual([["e", "f"]]);
    expect(await catalog.namespaceExists(["a", "b", "x"])).toBe(false);
    expect(await catalog.namespaceExists(["a_"])).toBe(false);
    await rejectsWith(catalog.listNamespaces(["zz"]), "not-found", "zz");
    // a table in a nested namespace
    const id = { namespace: ["a", "b", "c"], name: "t" };
    await catalog.createTable(id, { schema: SCHEMA });
    expect(await catalog.listTables(["a", "b", "c"])).toEqual([id]);
    expect(await catalog.listTables(["a", "b"])).toEqual([]);
    expect((await catalog.loadTable(id)).identifier).toEqual(id);
  },

  "updateNamespaceProperties reports updated, removed and missing keys": async ({ catalog }) => {
    await catalog.createNamespace(["ns"], { a: "1", b: "2" });
    const result = await catalog.updateNamespaceProperties(["ns"], ["a", "zz"], { b: "3", c: "4" });
    expect({ ...result, updated: [...result.updated].sort() }).toEqual({ updated: ["b", "c"], removed: ["a"], missing: ["zz"] });
    expect(await catalog.loadNamespaceProperties(["ns"])).toEqual({ b: "3", c: "4" });
    await rejectsWith(catalog.updateNamespaceProperties(["ns"], ["b"], { b: "5" }), "invalid-input", "b");
    await rejectsWith(catalog.updateNamespaceProperties(["nope"], [], { x: "1" }), "not-found", "nope");
    expect(await catalog.loadNamespaceProperties(["ns"])).toEqual({ b: "3", c: "4" });
  },

  "dropNamespace refuses a namespace holding tables or namespaces": async ({ catalog }) => {
    await catalog.createNamespace(["ns"]);
    await catalog.createNamespace(["ns", "inner"]);
    await rejectsWith(catalog.dropNamespace(["ns"]), "invalid-input", "ns.inner");
    await catalog.dropNamespace(["ns", "inner"]);
    const id = { namespace: ["ns"], name: "orders" };
    await catalog.createTable(id, { schema: SCHEMA });
    await rejectsWith(catalog.dropNamespace(["ns"]), "invalid-input", "orders");
    expect(await catalog.tableExists(id)).toBe(true);
    await catalog.dropTable(id);
    await catalog.dropNamespace(["ns"]);
    expect(await catalog.namespaceExists(["ns"])).toBe(false);
    expect(await catalog.listNamespaces()).toEqual([]);
    await rejectsWith(catalog.dropNamespace(["ns"]), "not-found", "ns");
  },

  "bad names are invalid-input": async ({ catalog }) => {
    await rejectsWith(catalog.createNamespace([]), "invalid-input", "namespace");
    await rejectsWith(catalog.createNamespace(["a", ""]), "invalid-input", "empty");
    await rejectsWith(catalog.createNamespace(["a.b"]), "invalid-input", "a.b");
    await catalog.createNamespace(["ns"]);
    await rejectsWith(catalog.loadTable({ namespace: ["ns"], name: "" }), "invalid-input", "ns");
    await rejectsWith(catalog.loadTable({ namespace: [], name: "t" }), "invalid-input", "namespace");
    // a dot is fine inside a table name
    const dotted = { namespace: ["ns"], name: "events.v2" };
    await catalog.createTable(dotted, { schema: SCHEMA });
    expect(await catalog.listTables(["ns"])).toEqual([dotted]);
    expect((await catalog.loadTable(dotted)).identifier).toEqual(dotted);
  },

  "createTable writes the first metadata with fresh ids at the default location": async ({ catalog, warehouse }) => {
    await catalog.createNamespace(["ns"]);
    const id = { namespace: ["ns"], name: "events" };
    const schema = new Schema([
      { id: 7, name: "id", required: true, type: { type: "long" } },
      { id: 9, name: "day", required: false, type: { type: "date" } },
    ]);
    const spec = new PartitionSpec(0, [{ sourceId: 9, fieldId: 1000, name: "day", transform: "identity" }]);
    const created = await catalog.createTable(id, {
      schema,
      spec,
      sortOrder: { orderId: 1, fields: [{ sourceId: 7, transform: "identity", direction: "asc", nullOrder: "nulls-first" }] },
    });
    expect(created.identifier).toEqual(id);
    const m = created.metadata;
    expect(m.formatVersion).toBe(2);
    expect(m.currentSchema().fields.map((f) => [f.id, f.name])).toEqual([
      [1, "id"],
      [2, "day"],
    ]);
    expect(m.defaultSpec().fields).toEqual([{ sourceId: 2, fieldId: 1000, name: "day", transform: "identity" }]);
    expect(m.defaultSortOrder().fields.map((f) => f.sourceId)).toEqual([1]);
    expect(m.currentSnapshot()).toBeUndefined();
    if (warehouse !== undefined) expect(m.location).toBe(`${warehouse.replace(/\/+$/, "")}/ns.db/events`);
    expect(created.metadataLocation.startsWith(`${m.location}/metadata/`)).toBe(true);
    expect(created.metadataLocation).toMatch(/\/00000-[0-9a-f-]{36}\.metadata\.json$/);
    expect(await created.io.exists(created.metadataLocation)).toBe(true);

    const loaded = await catalog.loadTable(id);
    expect(loaded.metadataLocation).toBe(created.metadataLocation);
    expect(loaded.metadata.tableUuid).toBe(m.tableUuid);
    expect(await catalog.tableExists(id)).toBe(true);
    expect(await catalog.listTables(["ns"])).toEqual([id]);
  },

  "createTable takes a location, format version and properties": async ({ catalog }) => {
    await catalog.createNamespace(["ns"]);
    const first = await catalog.createTable({ namespace: ["ns"], name: "first" }, { schema: SCHEMA });
    const location = `${parentOf(first.metadata.location)}/somewhere/else`;
    const id = { namespace: ["ns"], name: "placed" };
    const created = await catalog.createTable(id, { schema: SCHEMA, location, formatVersion: 1, properties: { owner: "ann" } });
    expect(created.metadata.location).toBe(location);
    expect(created.metadata.formatVersion).toBe(1);
    expect(created.metadata.properties.owner).toBe("ann");
    expect(created.metadataLocation).toMatch(new RegExp(`^${escapeRegExp(location)}/metadata/00000-[0-9a-f-]{36}\\.metadata\\.json$`));
    const loaded = await catalog.loadTable(id);
    expect(loaded.metadata.properties.owner).toBe("ann");
    expect(loaded.metadata.formatVersion).toBe(1);
  },

  "createTable refuses an existing name and an unknown namespace": async ({ catalog }) => {
    await catalog.createNamespace(["ns"]);
    const id = { namespace: ["ns"], name: "t" };
    const created = await catalog.createTable(id, { schema: SCHEMA });
    await rejectsWith(catalog.createTable(id, { schema: SCHEMA }), "already-exists", "ns.t");
    expect((await catalog.loadTable(id)).metadataLocation).toBe(created.metadataLocation);
    await rejectsWith(catalog.createTable({ namespace: ["nope"], name: "t" }, { schema: SCHEMA }), "not-found", "nope");
    expect(await catalog.namespaceExists(["nope"])).toBe(false);
  },

  "an unknown table is not-found, naming it": async ({ catalog }) => {
    await catalog.createNamespace(["ns"]);
    const id = { namespace: ["ns"], name: "missing" };
    await rejectsWith(catalog.loadTable(id), "not-found", "ns.missing");
    await rejectsWith(catalog.dropTable(id), "not-found", "ns.missing");
    expect(await catalog.tableExists(id)).toBe(false);
    expect(await catalog.tableCommitter(id).load()).toBeUndefined();
    await rejectsWith(catalog.loadTable({ namespace: ["other"], name: "t" }), "not-found", "other.t");
    await rejectsWith(catalog.listTables(["other"]), "not-found", "other");
  },

  "a commit through tableCommitter moves the table to the next metadata version": async ({ catalog }) => {
    const table = await newTable(catalog, "t");
    const committer = catalog.tableCommitter(table.identifier);
    expect((await committer.load())?.metadataLocation).toBe(table.metadataLocation);
    const updated = await new Transaction({ io: table.io }).setProperties({ owner: "ann" }).commit(committer);
    expect(updated.metadataLocation).toMatch(/\/metadata\/00001-[0-9a-f-]{36}\.metadata\.json$/);
    const files = await stubDataFiles(table, 2);
    const appended = await new Transaction({ io: table.io }).fastAppend(files).commit(committer);
    expect(appended.metadataLocation).toMatch(/\/metadata\/00002-[0-9a-f-]{36}\.metadata\.json$/);

    const loaded = await catalog.loadTable(table.identifier);
    expect(loaded.metadataLocation).toBe(appended.metadataLocation);
    expect(loaded.metadata.properties.owner).toBe("ann");
    expect(loaded.metadata.currentSnapshot()?.summary["added-data-files"]).toBe("2");
    expect(loaded.metadata.metadataLog.map((e) => e.metadataFile)).toEqual([table.metadataLocation, updated.metadataLocation]);
    expect(loaded.metadata.tableUuid).toBe(table.metadata.tableUuid);
  },

  "a commit without a base creates the table; a second one is a conflict": async ({ catalog }) => {
    await catalog.createNamespace(["ns"]);
    const id = { namespace: ["ns"], name: "made" };
    const template = await catalog.createTable({ namespace: ["ns"], name: "template" }, { schema: SCHEMA });
    const location = `${parentOf(template.metadata.location)}/made`;
    const committer = catalog.tableCommitter(id);
    const created = await new Transaction({ io: template.io }).createTable({ schema: SCHEMA, location }).commit(committer);
    expect((await catalog.loadTable(id)).metadataLocation).toBe(created.metadataLocation);
    const again = await new Transaction({ io: template.io }).createTable({ schema: SCHEMA, location }).prepare(undefined);
    await rejectsWith(committer.commit(request(again)), "commit-conflict", "ns.made");
    expect((await catalog.loadTable(id)).metadataLocation).toBe(created.metadataLocation);
    await rejectsWith(catalog.tableCommitter({ namespace: ["nope"], name: "t" }).commit(request(again)), "not-found", "nope");
  },

  "two committers racing from the same base: exactly one wins": async ({ catalog }) => {
    const table = await newTable(catalog, "t");
    const [one, two] = [catalog.tableCommitter(table.identifier), catalog.tableCommitter(table.identifier)];
    const base = (await one.load())!;
    const prepared = await Promise.all(
      ["one", "two"].map((writer) => new Transaction({ io: table.io, base }).setProperties({ writer }).prepare(base)),
    );
    const results = await Promise.allSettled([one.commit(request(prepared[0])), two.commit(request(prepared[1]))]);
    const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [{ index: i, table: r.value }] : []));
    const lost = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expectFloeError(lost[0], "commit-conflict", "ns.t");

    const current = await catalog.loadTable(table.identifier);
    expect(current.metadataLocation).toBe(won[0].table.metadataLocation);
    expect(current.metadata.properties.writer).toBe(["one", "two"][won[0].index]);
    // the loser's metadata file is gone
    expect((await metadataFiles(table.io, table)).sort()).toEqual([table.metadataLocation, current.metadataLocation].sort());

    // a committer still holding the old base loses too, and leaves the table as it is
    const stale = await new Transaction({ io: table.io, base }).setProperties({ writer: "late" }).prepare(base);
    await rejectsWith(one.commit(request(stale)), "commit-conflict", "ns.t");
    expect((await catalog.loadTable(table.identifier)).metadataLocation).toBe(current.metadataLocation);
    expect(await metadataFiles(table.io, table)).toHaveLength(2);
  },

  "a commit whose requirement fails is a conflict and changes nothing": async ({ catalog }) => {
    const table = await newTable(catalog, "t");
    const prepared = await new Transaction({ io: table.io }).setProperties({ k: "v" }).prepare(table);
    const failing = { ...request(prepared), requirements: [{ type: "assert-table-uuid" as const, uuid: "00000000-0000-0000-0000-000000000000" }] };
    await rejectsWith(catalog.tableCommitter(table.identifier).commit(failing), "commit-conflict", "assert-table-uuid");
    expect((await catalog.loadTable(table.identifier)).metadataLocation).toBe(table.metadataLocation);
    expect(await metadataFiles(table.io, table)).toEqual([table.metadataLocation]);
    await rejectsWith(
      catalog.commitTransaction([{ ...failing, identifier: table.identifier }]),
      "commit-conflict",
      "assert-table-uuid",
    );
  },

  "concurrent transactions both land by retrying": async ({ catalog }) => {
    const table = await newTable(catalog, "t");
    const committer = catalog.tableCommitter(table.identifier);
    const noWait = async () => undefined;
    const [a, b] = await Promise.all([stubDataFiles(table, 1, "a"), stubDataFiles(table, 1, "b")]);
    await Promise.all([
      new Transaction({ io: table.io, sleep: noWait }).fastAppend(a).commit(committer),
      new Transaction({ io: table.io, sleep: noWait }).fastAppend(b).commit(committer),
    ]);
    const loaded = await catalog.loadTable(table.identifier);
    expect(loaded.metadata.snapshots).toHaveLength(2);
    expect(loaded.metadata.currentSnapshot()?.summary["total-data-files"]).toBe("2");
  },

  "commitTransaction moves several tables at once": async ({ catalog }) => {
    const t1 = await newTable(catalog, "t1");
    const t2 = await newTable(catalog, "t2");
    const p1 = await new Transaction({ io: t1.io }).setProperties({ batch: "1" }).prepare(t1);
    const p2 = await new Transaction({ io: t2.io }).fastAppend(await stubDataFiles(t2, 1)).prepare(t2);
    const committed = await catalog.commitTransaction([
      { ...request(p1), identifier: t1.identifier },
      { ...request(p2), identifier: t2.identifier },
    ]);
    expect(committed).toHaveLength(2);
    const [l1, l2] = [await catalog.loadTable(t1.identifier), await catalog.loadTable(t2.identifier)];
    expect(l1.metadataLocation).toBe(committed[0].metadataLocation);
    expect(l2.metadataLocation).toBe(committed[1].metadataLocation);
    expect(l1.metadata.properties.batch).toBe("1");
    expect(l2.metadata.currentSnapshot()).toBeDefined();
    expect(await catalog.commitTransaction([])).toEqual([]);
    await rejectsWith(
      catalog.commitTransaction([
        { ...request(p1), identifier: t1.identifier },
        { ...request(p1), identifier: { ...t1.identifier } },
      ]),
      "invalid-input",
      "ns.t1",
    );
  },

  "commitTransaction is all or nothing": async ({ catalog }) => {
    const t1 = await newTable(catalog, "t1");
    const t2 = await newTable(catalog, "t2");
    const p1 = await new Transaction({ io: t1.io }).setProperties({ batch: "1" }).prepare(t1);
    const p2 = await new Transaction({ io: t2.io }).setProperties({ batch: "1" }).prepare(t2);
    // another writer moves t2 after the batch was prepared
    const moved = await new Transaction({ io: t2.io }).setProperties({ other: "writer" }).commit(catalog.tableCommitter(t2.identifier));
    await rejectsWith(
      catalog.commitTransaction([
        { ...request(p1), identifier: t1.identifier },
        { ...request(p2), identifier: t2.identifier },
      ]),
      "commit-conflict",
      "ns.t2",
    );
    expect((await catalog.loadTable(t1.identifier)).metadataLocation).toBe(t1.metadataLocation);
    expect((await catalog.loadTable(t2.identifier)).metadataLocation).toBe(moved.metadataLocation);
    expect(await metadataFiles(t1.io, t1)).toEqual([t1.metadataLocation]);
    expect((await metadataFiles(t2.io, t2)).sort()).toEqual([t2.metadataLocation, moved.metadataLocation].sort());
  },

  "renameTable keeps the metadata, across namespaces": async ({ catalog }) => {
    const table = await newTable(catalog, "t");
    const appended = await new Transaction({ io: table.io }).fastAppend(await stubDataFiles(table, 1)).commit(catalog.tableCommitter(table.identifier));
    await catalog.createNamespace(["archive"]);
    const to = { namespace: ["archive"], name: "t_2024" };
    await catalog.renameTable(table.identifier, to);
    expect(await catalog.tableExists(table.identifier)).toBe(false);
    expect(await catalog.listTables(["ns"])).toEqual([]);
    expect(await catalog.listTables(["archive"])).toEqual([to]);
    const renamed = await catalog.loadTable(to);
    expect(renamed.metadataLocation).toBe(appended.metadataLocation);
    expect(renamed.metadata.tableUuid).toBe(table.metadata.tableUuid);
    expect(renamed.metadata.location).toBe(table.metadata.location);
    // commits go on under the new name
    const next = await new Transaction({ io: table.io }).setProperties({ renamed: "yes" }).commit(catalog.tableCommitter(to));
    expect((await catalog.loadTable(to)).metadataLocation).toBe(next.metadataLocation);
  },

  "renameTable refuses a taken name, an unknown table and an unknown namespace": async ({ catalog }) => {
    const a = await newTable(catalog, "a");
    const b = await newTable(catalog, "b");
    await rejectsWith(catalog.renameTable(a.identifier, b.identifier), "already-exists", "ns.b");
    await rejectsWith(catalog.renameTable({ namespace: ["ns"], name: "nope" }, { namespace: ["ns"], name: "c" }), "not-found", "ns.nope");
    await rejectsWith(catalog.renameTable(a.identifier, { namespace: ["elsewhere"], name: "a" }), "not-found", "elsewhere");
    expect((await catalog.loadTable(a.identifier)).metadataLocation).toBe(a.metadataLocation);
    expect((await catalog.loadTable(b.identifier)).metadataLocation).toBe(b.metadataLocation);
  },

  "dropTable keeps the files; purge deletes every file the table reaches": async ({ catalog }) => {
    const kept = await newTableWithHistory(catalog, "kept");
    const keptFiles = await reachableFiles(kept.io, await catalog.loadTable(kept.identifier));
    await catalog.dropTable(kept.identifier);
    expect(await catalog.tableExists(kept.identifier)).toBe(false);
    for (const file of keptFiles) expect(await kept.io.exists(file), file).toBe(true);

    const purged = await newTableWithHistory(catalog, "purged");
    const loaded = await catalog.loadTable(purged.identifier);
    const files = await reachableFiles(purged.io, loaded);
    // data files, two manifests, two manifest lists, four metadata files
    expect(files.length).toBeGreaterThanOrEqual(3 + 2 + 2 + 4);
    await catalog.dropTable(purged.identifier, { purge: true });
    expect(await catalog.tableExists(purged.identifier)).toBe(false);
    for (const file of files) expect(await purged.io.exists(file), file).toBe(false);
    expect(await listAll(purged.io, purged.metadata.location)).toEqual([]);
    // the other table's files are untouched
    for (const file of keptFiles) expect(await kept.io.exists(file), file).toBe(true);
  },

  "registerTable adopts an existing metadata file": async ({ catalog }) => {
    const table = await newTable(catalog, "t");
    const moved = await new Transaction({ io: table.io }).setProperties({ k: "v" }).commit(catalog.tableCommitter(table.identifier));
    await catalog.dropTable(table.identifier);
    const id = { namespace: ["ns"], name: "again" };
    const registered = await catalog.registerTable(id, moved.metadataLocation);
    expect(registered.metadataLocation).toBe(moved.metadataLocation);
    expect(registered.metadata.tableUuid).toBe(table.metadata.tableUuid);
    expect((await catalog.loadTable(id)).metadata.properties.k).toBe("v");
    const next = await new Transaction({ io: table.io }).setProperties({ k: "w" }).commit(catalog.tableCommitter(id));
    expect(next.metadataLocation).toMatch(/\/metadata\/00002-[0-9a-f-]{36}\.metadata\.json$/);

    await rejectsWith(catalog.registerTable(id, moved.metadataLocation), "already-exists", "ns.again");
    const absent = `${table.metadata.location}/metadata/99999-absent.metadata.json`;
    await rejectsWith(catalog.registerTable({ namespace: ["ns"], name: "ghost" }, absent), "not-found", absent);
    expect(await catalog.tableExists({ namespace: ["ns"], name: "ghost" })).toBe(false);
    await rejectsWith(catalog.registerTable({ namespace: ["nope"], name: "t" }, moved.metadataLocation), "not-found", "nope");
  },
};

// --- helpers -----------------------------------------------------------------------------------

const SCHEMA = new Schema([
  { id: 1, name: "id", required: true, type: { type: "long" } },
  { id: 2, name: "name", required: false, type: { type: "string" } },
]);

/** A table `ns.<name>` (creating `ns` when needed) at its default location. */
async function newTable(catalog: Catalog, name: string): Promise<LoadedTable> {
  if (!(await catalog.namespaceExists(["ns"]))) await catalog.createNamespace(["ns"]);
  return catalog.createTable({ namespace: ["ns"], name }, { schema: SCHEMA });
}

/** A table with two appends and a property change: four metadata files, two snapshots. */
async function newTableWithHistory(catalog: Catalog, name: string): Promise<LoadedTable> {
  const table = await newTable(catalog, name);
  const committer = catalog.tableCommitter(table.identifier);
  await new Transaction({ io: table.io }).fastAppend(await stubDataFiles(table, 2, "first")).commit(committer);
  await new Transaction({ io: table.io }).fastAppend(await stubDataFiles(table, 1, "second")).commit(committer);
  await new Transaction({ io: table.io }).setProperties({ note: "history" }).commit(committer);
  return table;
}

/** `count` small files under the table's data directory, as the DataFiles an append takes. */
async function stubDataFiles(table: LoadedTable, count: number, tag = "part"): Promise<DataFile[]> {
  const files: DataFile[] = [];
  for (let i = 0; i < count; i++) {
    const filePath = `${table.metadata.location}/data/${tag}-${i}-${Math.random().toString(36).slice(2)}.parquet`;
    const bytes = new TextEncoder().encode(`PAR1 stand-in ${tag} ${i} PAR1`);
    await table.io.write(filePath, bytes);
    files.push({
      content: DataFileContent.DATA,
      filePath,
      fileFormat: "parquet",
      specId: 0,
      partition: {},
      recordCount: 10n,
      fileSizeInBytes: BigInt(bytes.length),
    });
  }
  return files;
}

/** Every file the table's current metadata reaches, read independently of the catalog's purge. */
async function reachableFiles(io: FileIO, table: LoadedTable): Promise<string[]> {
  const files = new Set<string>([table.metadataLocation, ...table.metadata.metadataLog.map((e) => e.metadataFile)]);
  for (const snapshot of table.metadata.snapshots) {
    if (snapshot.manifestList !== undefined) files.add(snapshot.manifestList);
    for (const manifest of await readSnapshotManifests(io, snapshot)) {
      files.add(manifest.manifestPath);
      for (const entry of await readManifestEntries(io, manifest)) files.add(entry.dataFile.filePath);
    }
  }
  return [...files];
}

async function metadataFiles(io: FileIO, table: LoadedTable): Promise<string[]> {
  return (await listAll(io, `${table.metadata.location}/metadata`)).filter((file) => file.endsWith(".metadata.json"));
}

async function listAll(io: FileIO, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const file of io.list(prefix)) out.push(file);
  return out.sort();
}

/** A prepared commit as the request a committer takes. */
function request(prepared: { base?: string; requirements: CommitRequest["requirements"]; updates: CommitRequest["updates"]; metadata: CommitRequest["metadata"] | undefined }): CommitRequest {
  if (prepared.metadata === undefined) throw new Error("the prepared commit changes nothing");
  return { base: prepared.base, requirements: prepared.requirements, updates: prepared.updates, metadata: prepared.metadata };
}

function parentOf(location: string): string {
  return location.replace(/\/+$/, "").replace(/\/[^/]+$/, "");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function expectFloeError(error: unknown, kind: FloeErrorKind, mention: string): void {
  expect(error, `expected a FloeError, got ${String(error)}`).toBeInstanceOf(FloeError);
  const floe = error as FloeError;
  expect(floe.kind, `expected kind ${kind}: ${floe.message}`).toBe(kind);
  expect(floe.message, `the message should name ${mention}`).toContain(mention);
}

async function rejectsWith(promise: Promise<unknown>, kind: FloeErrorKind, mention: string): Promise<void> {
  let failure: unknown;
  try {
    await promise;
  } catch (error) {
    failure = error;
  }
  expect(failure, `expected a ${kind} FloeError naming ${mention}, but it succeeded`).toBeDefined();
  expectFloeError(failure, kind, mention);
}


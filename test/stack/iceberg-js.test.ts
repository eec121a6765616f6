/**
 * The npm client iceberg-js (1.0.0) against `floe serve` (in-process, SQLite catalog): listing
 * and creating namespaces, creating, listing, loading and updating a table, and a missing
 * table's 404. iceberg-js is not a dependency of floe: it is installed into a git-ignored
 * scratch folder beside this file the first time the test runs.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Catalog } from "../../src/catalog/Catalog.js";
import { openCatalog } from "../../src/catalog/openCatalog.js";
import { FileIORouter } from "../../src/io/FileIORouter.js";
import { FloeServer } from "../../src/catalog/rest/server/FloeServer.js";

const ICEBERG_JS = "iceberg-js@1.0.0";
const scratch = path.join(path.dirname(fileURLToPath(import.meta.url)), ".iceberg-js");
const entry = path.join(scratch, "node_modules", "iceberg-js", "dist", "index.mjs");

/** The part of iceberg-js's API this test uses (its own types live in the scratch install). */
interface IcebergMetadata {
  "format-version": number;
  "table-uuid": string;
  location?: string;
  schemas: { "schema-id"?: number; type: string; fields: { id: number; name: string; type: unknown; required: boolean }[] }[];
  "current-schema-id": number;
  "partition-specs": { "spec-id": number; fields: unknown[] }[];
  "default-spec-id"?: number;
  properties: Record<string, string>;
  "current-snapshot-id"?: number;
  snapshots?: unknown[];
}
interface IcebergJsCatalog {
  listNamespaces(options?: { parent?: { namespace: string[] } }): Promise<{ namespaces: { namespace: string[] }[]; nextPageToken?: string }>;
  createNamespace(id: { namespace: string[] }, metadata?: { properties?: Record<string, string> }): Promise<unknown>;
  loadNamespaceMetadata(id: { namespace: string[] }): Promise<{ properties: Record<string, string> }>;
  listTables(namespace: { namespace: string[] }): Promise<{ identifiers: { namespace: string[]; name: string }[] }>;
  createTable(namespace: { namespace: string[] }, request: Record<string, unknown>): Promise<IcebergMetadata>;
  loadTable(id: { namespace: string[]; name: string }): Promise<IcebergMetadata>;
  loadTableResult(id: { namespace: string[]; name: string }): Promise<{ metadata: IcebergMetadata; "metadata-location"?: string } | null>;
  updateTable(id: { namespace: string[]; name: string }, request: { requirements?: unknown[]; updates: unknown[] }): Promise<{ "metadata-location": string; metadata: IcebergMetadata }>;
}
interface IcebergJs {
  IcebergRestCatalog: new (options: { baseUrl: string; auth?: { type: "none" } }) => IcebergJsCatalog;
  IcebergError: new (...args: never[]) => Error & { status: number; icebergType?: string };
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-iceberg-js-"));
const warehouse = path.join(workDir, "warehouse");
let catalog: Catalog;
let server: FloeServer;
let icebergJs: IcebergJs;
let client: IcebergJsCatalog;
const logs: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(entry)) {
    await promisify(execFile)("npm", ["install", "--prefix", scratch, "--no-audit", "--no-fund", "--no-save", ICEBERG_JS], { timeout: 150_000 });
  }
  icebergJs = (await import(pathToFileURL(entry).href)) as IcebergJs;
  const io = new FileIORouter();
  catalog = await openCatalog(`sqlite:${path.join(workDir, "catalog.db")}`, { warehouse, io });
  server = new FloeServer({ catalog, warehouse, io, log: (line) => logs.push(line) });
  const port = await server.start({ port: 0 });
  client = new icebergJs.IcebergRestCatalog({ baseUrl: `http://127.0.0.1:${port}/iceberg`, auth: { type: "none" } });
});

afterAll(async () => {
  await server?.stop();
  await catalog?.close();
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe("stack: iceberg-js against floe serve", () => {
  it("lists and creates namespaces", async () => {
    expect((await client.listNamespaces()).namespaces).toEqual([]);
    await client.createNamespace({ namespace: ["analytics"] }, { properties: { owner: "data-team" } });
    expect((await client.listNamespaces()).namespaces).toEqual([{ namespace: ["analytics"] }]);
    expect((await client.loadNamespaceMetadata({ namespace: ["analytics"] })).properties).toMatchObject({ owner: "data-team" });
    expect(await catalog.listNamespaces()).toEqual([["analytics"]]);
  });

  it("creates a table, lists it and loads it: schema, location, spec and properties as sent", async () => {
    const fields = [
      { id: 1, name: "id", type: "long", required: true },
      { id: 2, name: "ts", type: "timestamptz", required: true },
      { id: 3, name: "user_id", type: "string", required: false },
      { id: 4, name: "amount", type: "decimal(10, 2)", required: false },
    ];
    const created = await client.createTable(
      { namespace: ["analytics"] },
      {
        name: "events",
        schema: { type: "struct", fields, "schema-id": 0, "identifier-field-ids": [1] },
        "partition-spec": { "spec-id": 0, fields: [{ "source-id": 2, "field-id": 1000, name: "ts_day", transform: "day" }] },
        "write-order": { "order-id": 0, fields: [] },
        properties: { "write.format.default": "parquet", team: "growth" },
      },
    );
    const location = path.join(warehouse, "analytics.db", "events");
    expect(created.location).toBe(location);
    expect((await client.listTables({ namespace: ["analytics"] })).identifiers).toEqual([{ namespace: ["analytics"], name: "events" }]);

    const loaded = await client.loadTable({ namespace: ["analytics"], name: "events" });
    expect(loaded["format-version"]).toBe(2);
    expect(loaded["table-uuid"]).toBe(created["table-uuid"]);
    expect(loaded.location).toBe(location);
    const schema = loaded.schemas.find((s) => s["schema-id"] === loaded["current-schema-id"]);
    // the decimal comes back in the spec's form, without the space Java's writes
    expect(schema?.fields.map((f) => [f.id, f.name, f.type, f.required])).toEqual([
      [1, "id", "long", true],
      [2, "ts", "timestamptz", true],
      [3, "user_id", "string", false],
      [4, "amount", "decimal(10,2)", false],
    ]);
    const spec = loaded["partition-specs"].find((s) => s["spec-id"] === loaded["default-spec-id"]);
    expect(spec?.fields).toEqual([{ "source-id": 2, "field-id": 1000, name: "ts_day", transform: "day" }]);
    expect(loaded.properties).toMatchObject({ "write.format.default": "parquet", team: "growth" });
    expect(loaded.snapshots ?? []).toEqual([]);

    // the metadata location it reports is the catalog's, and the file is there
    const result = await client.loadTableResult({ namespace: ["analytics"], name: "events" });
    const inCatalog = await catalog.loadTable({ namespace: ["analytics"], name: "events" });
    expect(result?.["metadata-location"]).toBe(inCatalog.metadataLocation);
    expect(fs.existsSync(inCatalog.metadataLocation)).toBe(true);
    expect(inCatalog.metadata.currentSchema().fields.map((f) => f.name)).toEqual(["id", "ts", "user_id", "amount"]);
  });

  it("commits a property change and is refused with a 409 when a requirement fails, and a 404 for a missing table", async () => {
    const id = { namespace: ["analytics"], name: "events" };
    const before = await client.loadTable(id);
    const committed = await client.updateTable(id, {
      requirements: [{ type: "assert-table-uuid", uuid: before["table-uuid"] }],
      updates: [{ action: "set-properties", updates: { "read.split.target-size": "134217728" } }],
    });
    expect(committed.metadata.properties["read.split.target-size"]).toBe("134217728");
    expect((await catalog.loadTable(id)).metadata.properties["read.split.target-size"]).toBe("134217728");

    const stale = client.updateTable(id, {
      requirements: [{ type: "assert-current-schema-id", "current-schema-id": 7 }],
      updates: [{ action: "set-properties", updates: { never: "applied" } }],
    });
    await expect(stale).rejects.toBeInstanceOf(icebergJs.IcebergError);
    await expect(stale).rejects.toMatchObject({ status: 409, icebergType: "CommitFailedException" });
    expect((await catalog.loadTable(id)).metadata.properties.never).toBeUndefined();

    await expect(client.loadTable({ namespace: ["analytics"], name: "missing" })).rejects.toMatchObject({ status: 404, icebergType: "NoSuchTableException" });
  });
});

/**
 * A REST catalog server for tests: a SQLite catalog in a temporary directory behind a
 * `FloeServer` on a free port, with a `fetch` wrapper and a snapshot of the catalog's state
 * (namespaces, tables, metadata locations) to show that a rejected request changed nothing.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Catalog, Namespace } from "../../Catalog.js";
import { openCatalog } from "../../openCatalog.js";
import { FileIORouter } from "../../../io/FileIORouter.js";
import { FloeServer } from "./FloeServer.js";
import type { AuthOptions } from "./oauth.js";

export interface RestHarness {
  dir: string;
  warehouse: string;
  catalog: Catalog;
  server: FloeServer;
  /** `http://127.0.0.1:PORT/iceberg` */
  base: string;
  logs: string[];
  /** `fetch` on a path under the catalog URI; JSON bodies (objects) are serialized with a JSON content type. */
  call(method: string, pathAndQuery: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Every namespace (recursively), its tables and their metadata locations, as one comparable value. */
  state(): Promise<unknown>;
  close(): Promise<void>;
}

export const SCHEMA_JSON = {
  type: "struct",
  "schema-id": 0,
  fields: [
    { id: 1, name: "id", required: true, type: "long" },
    { id: 2, name: "name", required: false, type: "string" },
  ],
};

export async function startRestHarness(options: { auth?: AuthOptions; bodyLimit?: number } = {}): Promise<RestHarness> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-rest-"));
  const warehouse = path.join(dir, "warehouse");
  const io = new FileIORouter();
  const catalog = await openCatalog(`sqlite:${path.join(dir, "catalog.db")}`, { warehouse, io });
  const logs: string[] = [];
  const server = new FloeServer({ catalog, warehouse, io, auth: options.auth, bodyLimit: options.bodyLimit, log: (line) => logs.push(line) });
  const port = await server.start({ port: 0 });
  const base = `http://127.0.0.1:${port}/iceberg`;
  const call = async (method: string, pathAndQuery: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { ...headers } };
    if (body !== undefined) {
      init.body = typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body);
      if (typeof body !== "string" && !(body instanceof Uint8Array)) (init.headers as Record<string, string>)["Content-Type"] ??= "application/json";
    }
    return fetch(`${base}${pathAndQuery}`, init);
  };
  const state = async () => {
    const out: Record<string, unknown> = {};
    const visit = async (parent: Namespace) => {
      for (const ns of await catalog.listNamespaces(parent)) {
        const tables: Record<string, string> = {};
        for (const id of await catalog.listTables(ns)) tables[id.name] = (await catalog.loadTable(id)).metadataLocation;
        out[ns.join(".")] = { properties: await catalog.loadNamespaceProperties(ns), tables };
        await visit(ns);
      }
    };
    await visit([]);
    return out;
  };
  const close = async () => {
    await server.stop();
    await catalog.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { dir, warehouse, catalog, server, base, logs, call, state, close };
}

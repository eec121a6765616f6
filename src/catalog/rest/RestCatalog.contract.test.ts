/**
 * The catalog contract for RestCatalog talking to a real `floe serve` (FloeServer) over a
 * SQLite catalog in a temporary directory: what the client does is checked against what the
 * SQL catalog does behind the protocol.
 */
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { LocalFileIO } from "../../io/LocalFileIO.js";
import { FloeServer } from "./server/FloeServer.js";
import { runCatalogContract, type CatalogContractSubject } from "../CatalogContract.js";
import { SqlCatalog } from "../sql/SqlCatalog.js";
import { SqliteDialect } from "../sql/SqliteDialect.js";
import { RestCatalog } from "./RestCatalog.js";

let root: string;
let counter = 0;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "floe-rest-catalog-"));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

/** What each case's server side is, to stop it once the client is closed. */
const backends = new WeakMap<CatalogContractSubject, { server: FloeServer; catalog: SqlCatalog }>();

const BASE_IS_NOT_SENT =
  "the REST protocol commits requirements and updates, not a base metadata location: two property changes prepared from the same base carry no requirement that tells them apart, so both apply";

runCatalogContract("RestCatalog contract against floe serve over SQLite", {
  async newCatalog() {
    const dir = path.join(root, `case-${++counter}`);
    const warehouse = path.join(dir, "warehouse");
    const io = new LocalFileIO();
    const sql = await SqlCatalog.open({ dialect: new SqliteDialect(path.join(dir, "catalog.db")), warehouse, io });
    const server = new FloeServer({ catalog: sql, warehouse, io });
    const port = await server.start({ host: "127.0.0.1", port: 0 });
    const catalog = await RestCatalog.open({ uri: `http://127.0.0.1:${port}/iceberg` });
    const subject = { catalog, warehouse };
    backends.set(subject, { server, catalog: sql });
    return subject;
  },
  async cleanup(subject) {
    const backend = backends.get(subject);
    await backend?.server.stop();
    await backend?.catalog.close();
  },
  skips: {
    "two committers racing from the same base: exactly one wins": BASE_IS_NOT_SENT,
    // the batch's t2 change and the other writer's are both property changes: nothing in the batch's requirements fails
    "commitTransaction is all or nothing": BASE_IS_NOT_SENT,
  },
});

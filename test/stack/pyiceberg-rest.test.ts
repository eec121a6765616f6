import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Catalog } from "../../src/catalog/Catalog.js";
import { openCatalog } from "../../src/catalog/openCatalog.js";
import { FileIORouter } from "../../src/io/FileIORouter.js";
import { FloeServer } from "../../src/catalog/rest/server/FloeServer.js";
import { stackEnv } from "../../scripts/stack/env.mjs";

// PyIceberg's RestCatalog against `floe serve` (in-process, SQLite catalog): the whole table
// life cycle, and two clients committing at once, where the loser gets a 409 and retries.

const { FLOE_TEST_PYTHON } = stackEnv();

const SCRIPT = `
import json, sys
import pyarrow as pa
from pyiceberg.catalog.rest import RestCatalog
from pyiceberg.exceptions import CommitFailedException
from pyiceberg.types import DoubleType

uri = sys.argv[1]
out = {}
cat = RestCatalog("floe", uri=uri)
cat.create_namespace("py")
out["namespaces"] = [list(n) for n in cat.list_namespaces()]
schema = pa.schema([pa.field("id", pa.int64(), nullable=False), pa.field("name", pa.string())])
table = cat.create_table("py.events", schema=schema)
table.append(pa.table({"id": [1, 2], "name": ["a", "b"]}, schema=schema))
out["rows_after_append"] = sorted(cat.load_table("py.events").scan().to_arrow().to_pylist(), key=lambda r: r["id"])

with table.update_schema() as update:
    update.add_column("amount", DoubleType())
table = cat.load_table("py.events")
out["columns"] = [f.name for f in table.schema().fields]
table.append(pa.table({"id": [3], "name": ["c"], "amount": [1.5]}, schema=table.schema().as_arrow()))

# two clients, both at the same snapshot, both append: one commit loses and retries
other = RestCatalog("floe2", uri=uri)
t1 = cat.load_table("py.events")
t2 = other.load_table("py.events")
t1.append(pa.table({"id": [10], "name": ["first"], "amount": [None]}, schema=t1.schema().as_arrow()))
conflicts = 0
try:
    t2.append(pa.table({"id": [20], "name": ["second"], "amount": [None]}, schema=t2.schema().as_arrow()))
except CommitFailedException:
    conflicts += 1
    t2 = other.load_table("py.events")
    t2.append(pa.table({"id": [20], "name": ["second"], "amount": [None]}, schema=t2.schema().as_arrow()))
out["conflicts"] = conflicts
out["rows_before_rename"] = sorted([r["id"] for r in cat.load_table("py.events").scan().to_arrow().to_pylist()])

cat.rename_table("py.events", "py.renamed")
out["tables_after_rename"] = [list(t) for t in cat.list_tables("py")]
out["renamed_rows"] = len(cat.load_table("py.renamed").scan().to_arrow())
cat.drop_table("py.renamed")
out["tables_after_drop"] = [list(t) for t in cat.list_tables("py")]
print(json.dumps(out))
`;

interface Report {
  namespaces: string[][];
  rows_after_append: { id: number; name: string }[];
  columns: string[];
  conflicts: number;
  rows_before_rename: number[];
  tables_after_rename: string[][];
  renamed_rows: number;
  tables_after_drop: string[][];
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-pyiceberg-rest-"));
let catalog: Catalog;
let server: FloeServer;
let uri: string;
const logs: string[] = [];

beforeAll(async () => {
  const warehouse = path.join(workDir, "warehouse");
  const io = new FileIORouter();
  catalog = await openCatalog(`sqlite:${path.join(workDir, "catalog.db")}`, { warehouse, io });
  server = new FloeServer({ catalog, warehouse, io, log: (line) => logs.push(line) });
  const port = await server.start({ port: 0 });
  uri = `http://127.0.0.1:${port}/iceberg`;
});

afterAll(async () => {
  await server?.stop();
  await catalog?.close();
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe("PyIceberg RestCatalog against floe serve", () => {
  it("creates, appends, reads, evolves, renames and drops; concurrent commits lose nothing", async () => {
    const script = path.join(workDir, "rest_catalog.py");
    fs.writeFileSync(script, SCRIPT);
    let report: Report;
    try {
      // execFile (not execFileSync): the server runs in this process and must keep answering
      const { stdout } = await promisify(execFile)(FLOE_TEST_PYTHON, [script, uri], { timeout: 150_000, maxBuffer: 16 * 1024 * 1024 });
      report = JSON.parse(stdout) as Report;
    } catch (error) {
      const e = error as { stderr?: string; message: string };
      throw new Error(`rest_catalog.py failed: ${e.message}\n${(e.stderr ?? "").split("\n").slice(-30).join("\n")}\n${logs.slice(-20).join("\n")}`, { cause: error });
    }
    expect(report.namespaces).toEqual([["py"]]);
    expect(report.rows_after_append).toEqual([
      { id: 1, name: "a" },
      { id: 2, name: "b" },
    ]);
    expect(report.columns).toEqual(["id", "name", "amount"]);
    // PyIceberg retries a 409 itself; the script retries if it gives up. Either way the server said 409 once.
    expect(report.conflicts).toBeLessThanOrEqual(1);
    expect(logs.filter((line) => /^POST \/iceberg\/v1\/namespaces\/py\/tables\/events 409 /.test(line))).toHaveLength(1);
    expect(report.rows_before_rename).toEqual([1, 2, 3, 10, 20]);
    expect(report.tables_after_rename).toEqual([["py", "renamed"]]);
    expect(report.renamed_rows).toBe(5);
    expect(report.tables_after_drop).toEqual([]);
    expect(await catalog.listTables(["py"])).toEqual([]);
  }, 180_000);

  it("authenticates with the OAuth2 client-credentials grant", async () => {
    const authed = new FloeServer({ catalog, warehouse: path.join(workDir, "warehouse"), io: new FileIORouter(), auth: { clients: [{ id: "client", secret: "s3cret" }] } });
    const port = await authed.start({ port: 0 });
    const script = path.join(workDir, "rest_auth.py");
    fs.writeFileSync(
      script,
      [
        "import json, sys",
        "from pyiceberg.catalog.rest import RestCatalog",
        "from pyiceberg.exceptions import OAuthError, UnauthorizedError",
        "cat = RestCatalog('floe', uri=sys.argv[1], credential='client:s3cret')",
        "cat.create_namespace('secured')",
        "refused = False",
        "try:",
        "    RestCatalog('bad', uri=sys.argv[1], credential='client:wrong').list_namespaces()",
        "except (OAuthError, UnauthorizedError):",
        "    refused = True",
        "print(json.dumps({'namespaces': [list(n) for n in cat.list_namespaces()], 'refused': refused}))",
      ].join("\n"),
    );
    try {
      const { stdout } = await promisify(execFile)(FLOE_TEST_PYTHON, [script, `http://127.0.0.1:${port}/iceberg`], { timeout: 60_000 });
      const report = JSON.parse(stdout) as { namespaces: string[][]; refused: boolean };
      expect(report.namespaces).toContainEqual(["secured"]);
      expect(report.refused).toBe(true);
    } finally {
      await authed.stop();
    }
  }, 90_000);
});

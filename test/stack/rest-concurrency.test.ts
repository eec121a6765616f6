/**
 * `floe serve` under concurrent commits: two server processes (the CLI, each its own
 * connection pool) on one PostgreSQL catalog, and ten REST clients in this process, split
 * between the servers, appending 100 times in all to one table. Every commit that loses a
 * race must come back as a 409, be retried by its transaction and then land: no append lost
 * or duplicated, one linear snapshot chain.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RestCatalog } from "../../src/catalog/rest/RestCatalog.js";
import { isFloeError } from "../../src/core/errors/FloeError.js";
import { appendRows } from "../../src/engine/dml/writeRows.js";
import { DuckDBSession } from "../../src/engine/duckdb/DuckDBSession.js";
import { queryIcebergTables } from "../../src/engine/scan/queryIcebergTables.js";
import { LocalFileIO } from "../../src/io/LocalFileIO.js";
import { Schema } from "../../src/table/spec/schema.js";
import type { Snapshot } from "../../src/table/spec/snapshot.js";
import type { TableMetadata } from "../../src/table/spec/tableMetadata.js";
import type { CommitRequest, CommittedTable, TableCommitter } from "../../src/table/transaction/TableCommitter.js";
import { projectRoot, stackEnv } from "../../scripts/stack/env.mjs";

const CLIENTS = 10;
const COMMITS = 100;
/** Collisions are the point: many quick retries, so that no client gives up. */
const RETRY_PROPERTIES = {
  "commit.retry.num-retries": "100",
  "commit.retry.min-wait-ms": "5",
  "commit.retry.max-wait-ms": "200",
};
const TABLE = { namespace: ["load"], name: "events" };
const TABLE_PATH = "/iceberg/v1/namespaces/load/tables/events";

const { FLOE_TEST_POSTGRES_URL } = stackEnv();
const database = `floe_rest_load_${process.pid}_${Date.now()}`;
const catalogUrl = withDatabase(FLOE_TEST_POSTGRES_URL, database);

interface Server {
  child: ChildProcess;
  uri: string;
  /** Every stderr line so far: the startup line and one line per request. */
  lines: string[];
}

/** What one append's transaction did at the committer. */
interface CommitRecord {
  client: number;
  seq: number;
  attempts: number;
  conflicts: number;
  /** Errors other than a commit-conflict: there must be none. */
  failures: unknown[];
  succeeded: boolean;
}

/** A committer that counts each attempt and how it ended before passing it on. */
class CountingCommitter implements TableCommitter {
  constructor(
    private readonly inner: TableCommitter,
    private readonly record: CommitRecord,
  ) {}

  load(): Promise<CommittedTable | undefined> {
    return this.inner.load();
  }

  async commit(request: CommitRequest): Promise<CommittedTable> {
    this.record.attempts++;
    try {
      const table = await this.inner.commit(request);
      this.record.succeeded = true;
      return table;
    } catch (error) {
      if (isFloeError(error, "commit-conflict")) this.record.conflicts++;
      else this.record.failures.push(error);
      throw error;
    }
  }
}

let workDir: string;
const servers: Server[] = [];

beforeAll(async () => {
  await admin(`CREATE DATABASE ${database}`);
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-rest-load-"));
  const warehouse = path.join(workDir, "warehouse");
  // both at once: two processes creating the catalog's tables in a fresh database must not trip over each other
  servers.push(...(await Promise.all([startServer(warehouse), startServer(warehouse)])));
});

afterAll(async () => {
  await Promise.all(servers.map(stopServer));
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

describe("stack: floe serve, 2 servers on one PostgreSQL catalog, 10 clients", () => {
  it("100 concurrent appends all land; every lost race is a 409 retried to success; the snapshot chain is linear", async () => {
    const io = new LocalFileIO();
    const clients = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => RestCatalog.open({ uri: servers[i % servers.length].uri, io })));
    const sessions = await Promise.all(Array.from({ length: CLIENTS }, () => DuckDBSession.open({ threads: 1 })));
    const records: CommitRecord[] = [];
    try {
      await clients[0].createNamespace(TABLE.namespace);
      const schema = new Schema([
        { id: 1, name: "client", required: true, type: { type: "int" } },
        { id: 2, name: "seq", required: true, type: { type: "int" } },
      ]);
      await clients[1].createTable(TABLE, { schema, properties: RETRY_PROPERTIES });

      await Promise.all(
        clients.map(async (client, c) => {
          for (let seq = 0; seq < COMMITS / CLIENTS; seq++) {
            const record: CommitRecord = { client: c, seq, attempts: 0, conflicts: 0, failures: [], succeeded: false };
            records.push(record);
            const committer = new CountingCommitter(client.tableCommitter(TABLE), record);
            await appendRows(sessions[c], { io, committer, name: "load.events" }, `SELECT ${c}::INTEGER AS client, ${seq}::INTEGER AS seq`);
          }
        }),
      );

      // every append committed, after as many 409s as it retried, and failed in no other way
      expect(records).toHaveLength(COMMITS);
      for (const record of records) {
        expect(record.failures, `client ${record.client} append ${record.seq}`).toEqual([]);
        expect(record.succeeded, `client ${record.client} append ${record.seq}`).toBe(true);
        expect(record.attempts, `client ${record.client} append ${record.seq}`).toBe(record.conflicts + 1);
      }
      const conflicts = records.reduce((n, r) => n + r.conflicts, 0);
      // the servers answered exactly those 409s, and the 100 successes, and nothing else to a commit
      const commitStatuses = servers.flatMap((s) => s.lines).flatMap((line) => {
        const match = new RegExp(` POST ${TABLE_PATH} (\\d{3}) `).exec(line);
        return match === null ? [] : [match[1]];
      });
      expect(commitStatuses.filter((s) => s === "409")).toHaveLength(conflicts);
      expect(commitStatuses.filter((s) => s === "200")).toHaveLength(COMMITS);
      expect(commitStatuses).toHaveLength(COMMITS + conflicts);
      expect(servers.flatMap((s) => s.lines).filter((line) => / 5\d\d \d+ms$/.test(line))).toEqual([]);
      // with ten clients on one table, races are certain; both servers took part
      expect(conflicts).toBeGreaterThan(0);
      for (const server of servers) expect(server.lines.some((line) => line.includes(` POST ${TABLE_PATH} 200 `))).toBe(true);

      const table = await clients[2].loadTable(TABLE);
      const chain = ancestry(table.metadata);
      expect(table.metadata.snapshots).toHaveLength(COMMITS);
      expect(chain).toHaveLength(COMMITS);
      expect(chain.map((s) => s.sequenceNumber)).toEqual(Array.from({ length: COMMITS }, (_, i) => BigInt(i + 1)));
      expect(chain.every((s) => s.summary.operation === "append" && s.summary["added-records"] === "1")).toBe(true);
      expect(table.metadata.currentSnapshot()?.summary["total-records"]).toBe(String(COMMITS));

      const { rows } = await queryIcebergTables(
        [{ name: "t", metadataLocation: table.metadataLocation }],
        "SELECT count(*) AS n, count(DISTINCT client * 1000 + seq) AS distinct_appends FROM t",
        { io, session: sessions[0] },
      );
      expect(rows.map((row) => row.map(Number))).toEqual([[COMMITS, COMMITS]]);
    } finally {
      for (const session of sessions) session.close();
      await Promise.all(clients.map((c) => c.close()));
    }
  });
});

/** `floe --catalog <postgres> --warehouse <dir> serve --port 0` as a child process, once it listens. */
async function startServer(warehouse: string): Promise<Server> {
  const mainModule = pathToFileURL(path.join(projectRoot, "src", "cli", "main.ts")).href;
  const script = `const { main } = await import(${JSON.stringify(mainModule)}); process.exitCode = await main(process.argv.slice(1));`;
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--input-type=module", "-e", script, "--", "--catalog", catalogUrl, "--warehouse", warehouse, "serve", "--port", "0"],
    { cwd: projectRoot, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" }, stdio: ["ignore", "ignore", "pipe"] },
  );
  const server: Server = { child, uri: "", lines: [] };
  let partial = "";
  const listening = new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      partial += chunk;
      let newline: number;
      while ((newline = partial.indexOf("\n")) >= 0) {
        const line = partial.slice(0, newline);
        partial = partial.slice(newline + 1);
        server.lines.push(line);
        const match = /floe REST catalog on (http:\/\/\S+\/iceberg)/.exec(line);
        if (match !== null) resolve(match[1]);
      }
    });
    child.once("close", (code) => reject(new Error(`floe serve ended (code ${code}) before listening:\n${server.lines.join("\n")}${partial}`)));
  });
  server.uri = await listening;
  return server;
}

async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const closed = new Promise<void>((resolve) => server.child.once("close", () => resolve()));
  server.child.kill("SIGTERM");
  await closed;
}

/** The snapshots from the first to the current one, following parent ids back from the current. */
function ancestry(metadata: TableMetadata): Snapshot[] {
  const chain: Snapshot[] = [];
  let snapshot = metadata.currentSnapshot();
  while (snapshot !== undefined) {
    chain.push(snapshot);
    snapshot = snapshot.parentSnapshotId === undefined ? undefined : metadata.snapshotById(snapshot.parentSnapshotId);
  }
  return chain.reverse();
}

function withDatabase(connectionString: string, name: string): string {
  const parsed = new URL(connectionString);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: FLOE_TEST_POSTGRES_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

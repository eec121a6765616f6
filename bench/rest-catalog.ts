/**
 * REST catalog: loading a table and committing to it through `floe serve` (floe's REST client
 * → the server, a separate process → a SQLite catalog) against the same operations on the SQL
 * catalog opened directly on a SQLite file of its own: the cost of the HTTP hop and the JSON
 * round trip. Same run, same machine, the two alternated operation by operation.
 *
 * Latency: one client, sequentially, N loads then M commits (each a `set-properties`
 * transaction from the table the previous commit left), p50 and p99. Throughput: C clients at
 * once, each committing K times to a table of its own, commits per second.
 *
 *   node --import tsx bench/rest-catalog.ts [--loads 500] [--commits 200] [--clients 4] [--client-commits 50]
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Catalog, TableIdentifier } from "../src/catalog/Catalog.js";
import { openCatalog } from "../src/catalog/openCatalog.js";
import { RestCatalog } from "../src/catalog/rest/RestCatalog.js";
import { LocalFileIO } from "../src/io/LocalFileIO.js";
import { Schema } from "../src/table/spec/schema.js";
import type { CommittedTable } from "../src/table/transaction/TableCommitter.js";
import { Transaction } from "../src/table/transaction/Transaction.js";
import { PROJECT_ROOT, report, timeMs, workDir } from "./lib/harness.js";

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const LOADS = arg("loads", 500);
const COMMITS = arg("commits", 200);
const CLIENTS = arg("clients", 4);
const CLIENT_COMMITS = arg("client-commits", 50);
const WARMUP = 20;

const SCHEMA = new Schema([
  { id: 1, name: "id", required: true, type: { type: "long" } },
  { id: 2, name: "name", required: false, type: { type: "string" } },
  { id: 3, name: "ts", required: false, type: { type: "timestamptz" } },
  { id: 4, name: "amount", required: false, type: { type: "decimal", precision: 10, scale: 2 } },
]);
const NAMESPACE = ["bench"];

/** The value below which `p` percent of `values` fall (nearest rank). */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** `floe --catalog sqlite:<file> --warehouse <dir> serve --port 0` as a child process; resolves to its REST URI once it listens. */
async function startServe(catalog: string, warehouse: string): Promise<{ child: ChildProcess; uri: string }> {
  const mainModule = pathToFileURL(path.join(PROJECT_ROOT, "src", "cli", "main.ts")).href;
  const script = `const { main } = await import(${JSON.stringify(mainModule)}); process.exitCode = await main(process.argv.slice(1));`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, "--", "--catalog", catalog, "--warehouse", warehouse, "serve", "--port", "0"], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let output = "";
  const uri = await new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      // the request log is not needed; only the startup line is looked for
      if (output.length < 4096) output += chunk;
      const match = /floe REST catalog on (http:\/\/\S+\/iceberg)/.exec(output);
      if (match !== null) resolve(match[1]);
    });
    child.once("close", (code) => reject(new Error(`floe serve ended (code ${code}) before listening:\n${output}`)));
  });
  return { child, uri };
}

/** One `set-properties` commit from `base`; returns the table it leaves. */
function commitProperty(catalog: Catalog, io: LocalFileIO, id: TableIdentifier, base: CommittedTable, n: number): Promise<CommittedTable> {
  return new Transaction({ io, base }).setProperties({ "bench.counter": String(n) }).commit(catalog.tableCommitter(id));
}

interface Side {
  name: string;
  catalog: Catalog;
}

async function latency(sides: Side[], io: LocalFileIO): Promise<Map<string, { loads: number[]; commits: number[] }>> {
  const id = { namespace: NAMESPACE, name: "latency" };
  const results = new Map<string, { loads: number[]; commits: number[]; table: CommittedTable }>();
  for (const side of sides) results.set(side.name, { loads: [], commits: [], table: await side.catalog.createTable(id, { schema: SCHEMA }) });
  for (let i = 0; i < WARMUP; i++) {
    for (const side of sides) {
      const state = results.get(side.name)!;
      await side.catalog.loadTable(id);
      state.table = await commitProperty(side.catalog, io, id, state.table, -i);
    }
  }
  for (let i = 0; i < LOADS; i++) {
    // alternate who goes first, so that neither always runs right after the other's work
    for (const side of i % 2 === 0 ? sides : [...sides].reverse()) {
      results.get(side.name)!.loads.push(await timeMs(() => side.catalog.loadTable(id)));
    }
  }
  for (let i = 0; i < COMMITS; i++) {
    for (const side of i % 2 === 0 ? sides : [...sides].reverse()) {
      const state = results.get(side.name)!;
      results.get(side.name)!.commits.push(await timeMs(async () => (state.table = await commitProperty(side.catalog, io, id, state.table, i))));
    }
  }
  return results;
}

/** CLIENTS catalogs from `open`, each committing CLIENT_COMMITS times to a table of its own, all at once; commits per second. */
async function throughput(open: () => Promise<Catalog>, io: LocalFileIO, label: string): Promise<number> {
  const catalogs = await Promise.all(Array.from({ length: CLIENTS }, open));
  try {
    const tables = await Promise.all(catalogs.map((catalog, c) => catalog.createTable({ namespace: NAMESPACE, name: `${label}_${c}` }, { schema: SCHEMA })));
    const elapsed = await timeMs(() =>
      Promise.all(
        catalogs.map(async (catalog, c) => {
          let table: CommittedTable = tables[c];
          for (let i = 0; i < CLIENT_COMMITS; i++) table = await commitProperty(catalog, io, tables[c].identifier, table, i);
        }),
      ),
    );
    return (CLIENTS * CLIENT_COMMITS) / (elapsed / 1000);
  } finally {
    await Promise.all(catalogs.map((c) => c.close()));
  }
}

async function main() {
  const dir = workDir("rest-catalog");
  const io = new LocalFileIO();
  const server = await startServe(`sqlite:${path.join(dir, "served.db")}`, path.join(dir, "served-warehouse"));
  const directUri = `sqlite:${path.join(dir, "direct.db")}`;
  const openDirect = () => openCatalog(directUri, { warehouse: path.join(dir, "direct-warehouse"), io });
  const openRest = () => RestCatalog.open({ uri: server.uri, io });
  const direct = await openDirect();
  const rest = await openRest();
  try {
    await direct.createNamespace(NAMESPACE);
    await rest.createNamespace(NAMESPACE);
    const sides: Side[] = [
      { name: "direct", catalog: direct },
      { name: "rest", catalog: rest },
    ];
    const measured = await latency(sides, io);
    const d = measured.get("direct")!;
    const r = measured.get("rest")!;
    const directRate = await throughput(openDirect, io, "direct");
    const restRate = await throughput(openRest, io, "rest");
    const directAgain = await throughput(openDirect, io, "direct_again");
    const restAgain = await throughput(openRest, io, "rest_again");
    const ms = (v: number) => `${v.toFixed(2)} ms`;
    const pair = (values: { loads: number[]; commits: number[] }, key: "loads" | "commits") => `${ms(percentile(values[key], 50))} / ${ms(percentile(values[key], 99))}`;
    const ratio = (key: "loads" | "commits", p: number) => (percentile(r[key], p) / percentile(d[key], p)).toFixed(2);
    const bestDirect = Math.max(directRate, directAgain);
    const bestRest = Math.max(restRate, restAgain);
    report(
      "REST catalog: floe serve vs the SQL catalog directly",
      "node --import tsx bench/rest-catalog.ts",
      [
        ["table", `${SCHEMA.fields.length} columns, unpartitioned, no snapshots; SQLite catalogs, local warehouse`],
        [`load table, direct SQL catalog (${LOADS}, p50 / p99)`, pair(d, "loads")],
        [`load table, REST client → floe serve (${LOADS}, p50 / p99)`, pair(r, "loads")],
        ["load: REST / direct at p50 / p99", `${ratio("loads", 50)}x / **${ratio("loads", 99)}x**`],
        [`commit (set-properties), direct SQL catalog (${COMMITS}, p50 / p99)`, pair(d, "commits")],
        [`commit (set-properties), REST client → floe serve (${COMMITS}, p50 / p99)`, pair(r, "commits")],
        ["commit: REST / direct at p50 / p99", `${ratio("commits", 50)}x / **${ratio("commits", 99)}x**`],
        [`throughput, ${CLIENTS} clients × ${CLIENT_COMMITS} commits on their own tables, direct (two rounds)`, `${directRate.toFixed(0)} / ${directAgain.toFixed(0)} commits/s`],
        [`throughput, ${CLIENTS} clients × ${CLIENT_COMMITS} commits on their own tables, REST (two rounds)`, `${restRate.toFixed(0)} / ${restAgain.toFixed(0)} commits/s`],
        ["throughput: REST / direct (best rounds)", `**${(bestRest / bestDirect).toFixed(2)}x**`],
      ],
    );
  } finally {
    await rest.close();
    await direct.close();
    const closed = new Promise<void>((resolve) => server.child.once("close", () => resolve()));
    server.child.kill("SIGTERM");
    await closed;
  }
}

await main();

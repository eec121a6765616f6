/**
 * The Apache Iceberg REST Compatibility Kit against `floe serve`: Iceberg's Java CatalogTests,
 * driven through RESTCatalog (test/rck, a Maven project), against an in-process server over a
 * fresh SQLite catalog. Client and server share one local warehouse; the Java client writes
 * manifests there with HadoopFileIO, the server writes metadata with floe's FileIO. The
 * surefire reports are parsed and every catalog test must pass or be skipped by the kit itself.
 *
 * The first run downloads the kit and its dependencies from Maven Central into ~/.m2.
 */
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
import { projectRoot } from "../../scripts/stack/env.mjs";

const KIT_DIR = path.join(projectRoot, "test", "rck");
const REPORTS_DIR = path.join(KIT_DIR, "target", "surefire-reports");
const KIT_TIMEOUT_MS = 15 * 60_000;

interface CaseResult {
  name: string;
  outcome: "passed" | "failed" | "error" | "skipped";
  message: string;
}

interface KitCounts {
  run: number;
  failures: number;
  errors: number;
  skipped: number;
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-rck-"));
let catalog: Catalog;
let server: FloeServer;
let uri: string;
const logs: string[] = [];

beforeAll(async () => {
  const warehouse = path.join(workDir, "warehouse");
  fs.mkdirSync(warehouse);
  const io = new FileIORouter();
  catalog = await openCatalog(`sqlite:${path.join(workDir, "catalog.db")}`, { warehouse, io });
  // The kit creates tables at explicit locations under file:/tmp besides the warehouse.
  server = new FloeServer({ catalog, warehouse, io, allowedLocations: [warehouse, "/tmp"], log: (line) => logs.push(line) });
  const port = await server.start({ port: 0 });
  uri = `http://127.0.0.1:${port}/iceberg`;
});

afterAll(async () => {
  await server?.stop();
  await catalog?.close();
  fs.rmSync(workDir, { recursive: true, force: true });
});

/** Runs `mvn test` in test/rck; a failing kit makes Maven exit non-zero, which the reports explain. */
async function runKit(): Promise<{ exitError?: string; output: string }> {
  fs.rmSync(REPORTS_DIR, { recursive: true, force: true });
  const env = {
    ...process.env,
    MAVEN_OPTS: process.env.MAVEN_OPTS ?? "-Xmx1g",
    CATALOG_URI: uri,
    CATALOG_WAREHOUSE: path.join(workDir, "warehouse"),
    CATALOG_IO__IMPL: "org.apache.iceberg.hadoop.HadoopFileIO",
    // the spec answers a table created in a missing namespace with 404 NoSuchNamespaceException
    CATALOG_RCK_REQUIRES__NAMESPACE__CREATE: "true",
  };
  try {
    const { stdout, stderr } = await promisify(execFile)("mvn", ["-B", "-q", "-T", "1", "-f", path.join(KIT_DIR, "pom.xml"), "test"], {
      env,
      timeout: KIT_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    return { exitError: e.message.split("\n")[0], output: (e.stdout ?? "") + (e.stderr ?? "") };
  }
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

function unescapeXml(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");
}

/** Every test case in the surefire XML reports, with its outcome and first line of failure. */
function readReports(): CaseResult[] {
  if (!fs.existsSync(REPORTS_DIR)) return [];
  const cases: CaseResult[] = [];
  for (const file of fs.readdirSync(REPORTS_DIR).filter((f) => /^TEST-.*\.xml$/.test(f))) {
    const xml = fs.readFileSync(path.join(REPORTS_DIR, file), "utf8");
    for (const match of xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)) {
      const name = unescapeXml(attribute(match[1], "name") ?? "?");
      const body = match[3] ?? "";
      const problem = /<(failure|error|skipped)\b([^>]*?)(\/>|>)/.exec(body);
      const outcome = problem === null ? "passed" : problem[1] === "failure" ? "failed" : problem[1] === "error" ? "error" : "skipped";
      const message = problem === null ? "" : unescapeXml(attribute(problem[2], "message") ?? attribute(problem[2], "type") ?? "").trim().split("\n").slice(0, 3).join(" | ");
      cases.push({ name, outcome, message });
    }
  }
  return cases;
}

function countOf(cases: readonly CaseResult[]): KitCounts {
  return {
    run: cases.length,
    failures: cases.filter((c) => c.outcome === "failed").length,
    errors: cases.filter((c) => c.outcome === "error").length,
    skipped: cases.filter((c) => c.outcome === "skipped").length,
  };
}

describe("Iceberg REST Compatibility Kit against floe serve", () => {
  it(
    "passes every catalog test of the kit",
    async () => {
      const started = Date.now();
      const { exitError, output } = await runKit();
      const cases = readReports();
      const counts = countOf(cases);
      const broken = cases.filter((c) => c.outcome === "failed" || c.outcome === "error");
      console.log(
        [
          `REST Compatibility Kit: tests run ${counts.run}, failures ${counts.failures}, errors ${counts.errors}, skipped ${counts.skipped} (${Math.round((Date.now() - started) / 1000)}s)`,
          ...broken.map((c) => `  ${c.outcome}: ${c.name}: ${c.message}`),
        ].join("\n"),
      );
      if (cases.length === 0) {
        throw new Error(`the kit produced no surefire reports${exitError ? ` (${exitError})` : ""}:\n${output.split("\n").slice(-40).join("\n")}`);
      }
      const serverErrors = logs.filter((line) => line.startsWith("error:"));
      expect(serverErrors.slice(0, 5)).toEqual([]);
      expect(broken.map((c) => `${c.name}: ${c.message}`)).toEqual([]);
      // the kit has about a hundred catalog tests; far fewer means it did not run as a whole
      expect(counts.run - counts.skipped).toBeGreaterThan(60);
    },
    KIT_TIMEOUT_MS + 60_000,
  );
});

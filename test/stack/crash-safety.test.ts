/**
 * Crash safety of commits to a file-system table: a writer process loops over appends,
 * copy-on-write deletes, merge-on-read updates, partition overwrites and merges, and is
 * killed with SIGKILL at a random moment, again and again, on the same table. After every
 * kill the table must load, be at the last commit the writer reported or at the one it had
 * started (never anywhere else), reference only files that exist, and hold exactly the rows
 * that the changes it is at produce. Files an interrupted change wrote but never committed
 * are left behind as orphans: that is allowed (orphan-file cleanup removes them), so the
 * test only counts them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileSystemTableCommitter, VERSION_HINT_FILE } from "../../src/catalog/filesystem/FileSystemTableCommitter.js";
import { appendRows } from "../../src/engine/dml/writeRows.js";
import { DuckDBSession } from "../../src/engine/duckdb/DuckDBSession.js";
import { queryIcebergTables } from "../../src/engine/scan/queryIcebergTables.js";
import { LocalFileIO } from "../../src/io/LocalFileIO.js";
import { planScan } from "../../src/table/scan/TableScan.js";
import { PartitionSpec } from "../../src/table/spec/partitionSpec.js";
import { Schema } from "../../src/table/spec/schema.js";
import type { TableMetadata } from "../../src/table/spec/tableMetadata.js";
import type { CommittedTable } from "../../src/table/transaction/TableCommitter.js";
import { Transaction } from "../../src/table/transaction/Transaction.js";
import type { MixedChange, MixedRow } from "../support/writers/mixedWriter.js";
import { allPaths, missingFiles, snapshotFiles } from "../support/writers/tableFiles.js";
import { startWriter } from "../support/writers/writerProcess.js";

const KILLS = 50;
/** The kill comes this long after the writer reports it is ready (its start-up, mostly module loading, is not counted). */
const MIN_DELAY_MS = 20;
const MAX_DELAY_MS = 1500;
const SEED_ROWS = 30;

const io = new LocalFileIO();
let root: string;
let location: string;
/** The writers' temporary directory (position delete files are staged there). */
let writerTmp: string;
let session: DuckDBSession;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "floe-crash-safety-"));
  location = path.join(root, "table");
  writerTmp = path.join(root, "tmp");
  fs.mkdirSync(writerTmp);
  session = await DuckDBSession.open({ threads: 2 });
});

afterAll(() => {
  session?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

/** The rows the table must hold: id → [part, val]. */
type Model = Map<number, [number, number]>;

function applyChange(model: Model, change: MixedChange): void {
  switch (change.op) {
    case "append":
      for (const [id, part, val] of change.rows) model.set(id, [part, val]);
      return;
    case "delete":
      for (const id of [...model.keys()]) if (id % change.mod === change.rem) model.delete(id);
      return;
    case "update":
      for (const [id, [part, val]] of model) if (id % change.mod === change.rem) model.set(id, [part, val + 1]);
      return;
    case "overwrite":
      for (const [id, [part]] of [...model]) if (part === change.part) model.delete(id);
      for (const [id, part, val] of change.rows) model.set(id, [part, val]);
      return;
    case "merge":
      for (const [id, part, val] of change.rows) {
        const existing = model.get(id);
        model.set(id, existing === undefined ? [part, val] : [existing[0], val]);
      }
  }
}

/** What a killed writer reported: the changes it committed (in order) and the one it had begun but not reported. */
function readReport(lines: readonly string[]): { committed: { change: MixedChange; snapshotId?: bigint }[]; pending?: MixedChange } {
  const committed: { change: MixedChange; snapshotId?: bigint }[] = [];
  let pending: MixedChange | undefined;
  for (const line of lines) {
    if (line.startsWith("begin ")) pending = JSON.parse(line.slice("begin ".length)) as MixedChange;
    else if (line.startsWith("commit ")) {
      const id = line.slice("commit ".length);
      committed.push({ change: pending!, snapshotId: id === "none" ? undefined : BigInt(id) });
      pending = undefined;
    }
  }
  return { committed, pending };
}

/** The metadata files and the version hint: the committer's own, never referenced by a snapshot. */
function isPointerFile(file: string): boolean {
  return /\/metadata\/(v\d+\.metadata\.json|version-hint\.text)$/.test(file);
}

/** What the writers left in their temporary directory: staged files of floe's (the directory also holds tsx's cache). */
function stagedFiles(): string[] {
  return filesBelow(writerTmp).filter((f) => path.relative(writerTmp, f).startsWith("floe-"));
}

/** Every file below `dir`, temporary ones included. */
function filesBelow(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name));
}

async function tableRows(table: CommittedTable): Promise<MixedRow[]> {
  const result = await queryIcebergTables([{ name: "t", metadataLocation: table.metadataLocation }], "SELECT id, part, val FROM t ORDER BY id", { io, session });
  return result.rows.map((row) => row.map(Number) as MixedRow);
}

function modelRows(model: Model): MixedRow[] {
  return [...model].map(([id, [part, val]]): MixedRow => [id, part, val]).sort((a, b) => a[0] - b[0]);
}

/** Checks that the table holds the model's rows and that the current summary's totals agree with them. */
async function expectRows(table: CommittedTable, model: Model, when: string): Promise<void> {
  expect(await tableRows(table), `rows ${when}`).toEqual(modelRows(model));
  const summary = table.metadata.currentSnapshot()!.summary;
  const live = BigInt(summary["total-records"]) - BigInt(summary["total-position-deletes"] ?? "0") - BigInt(summary["total-equality-deletes"] ?? "0");
  expect(live, `total-records minus deletes ${when}`).toBe(BigInt(model.size));
}

/** The version the metadata file name says, and the version hint. */
function versions(table: CommittedTable): { current: number; hint: number } {
  const current = Number(/v(\d+)\.metadata\.json$/.exec(table.metadataLocation)![1]);
  const hint = Number(fs.readFileSync(path.join(location, "metadata", VERSION_HINT_FILE), "utf8").trim());
  return { current, hint };
}

describe("crash safety: a writer killed at random moments", () => {
  it(
    `survives ${KILLS} SIGKILLs: the table always loads, is at a commit the writer made, and holds exactly its rows`,
    async () => {
      const schema = new Schema([
        { id: 1, name: "id", required: true, type: { type: "long" } },
        { id: 2, name: "part", required: true, type: { type: "int" } },
        { id: 3, name: "val", required: true, type: { type: "long" } },
      ]);
      const spec = new PartitionSpec(0, [{ sourceId: 2, fieldId: 1000, name: "part", transform: "identity" }]);
      const committer = new FileSystemTableCommitter(location, io);
      await new Transaction({ io }).createTable({ schema, spec, location }).commit(committer);
      const model: Model = new Map();
      const seed: MixedRow[] = Array.from({ length: SEED_ROWS }, (_, id) => [id, id % 3, id]);
      await appendRows(session, { io, committer }, `SELECT * FROM (VALUES ${seed.map((r) => `(${r.join(", ")})`).join(", ")}) AS v(id, part, val)`);
      applyChange(model, { op: "append", rows: seed });

      let table = (await committer.load())!;
      const known = new Set(table.metadata.snapshots.map((s) => s.snapshotId));
      /** Files of every snapshot so far; a stored file outside it is an orphan. */
      const referenced = new Set<string>();
      const manifestCache = new Map();
      const addSnapshotFiles = async (metadata: TableMetadata) => {
        for (const snapshot of metadata.snapshots) {
          if (referenced.has(snapshot.manifestList!)) continue;
          for (const p of allPaths(await snapshotFiles(io, snapshot, manifestCache))) referenced.add(p);
        }
      };
      await addSnapshotFiles(table.metadata);
      const seenOrphans = new Set<string>();

      const phases = {
        "after the commit, before it was reported": 0,
        "after the commit, before the version hint": 0,
        "mid-commit (manifests written, metadata not swapped)": 0,
        "while writing data or delete files": 0,
        "before writing anything": 0,
      };
      let committedChanges = 0;
      const started = Date.now();

      for (let kill = 1; kill <= KILLS; kill++) {
        const writer = startWriter("mixedWriter.ts", ["--table", location, "--run", String(kill)], { TMPDIR: writerTmp });
        await writer.waitForLine((l) => l === "ready");
        await new Promise((resolve) => setTimeout(resolve, MIN_DELAY_MS + Math.random() * (MAX_DELAY_MS - MIN_DELAY_MS)));
        writer.child.kill("SIGKILL");
        const exit = await writer.exited;
        expect(exit, `the writer ended by itself before kill ${kill}:\n${writer.stderr()}`).toEqual({ code: null, signal: "SIGKILL" });

        const { committed, pending } = readReport(writer.lines);
        const before = table;
        // the table loads: the committer finds the current metadata file and it parses
        table = (await new FileSystemTableCommitter(location, new LocalFileIO()).load())!;
        const { metadata } = table;
        const added = metadata.snapshots.filter((s) => !known.has(s.snapshotId));
        const reported = committed.flatMap((c) => (c.snapshotId === undefined ? [] : [c.snapshotId]));
        for (const id of reported) expect(metadata.snapshotById(id), `kill ${kill}: reported snapshot ${id} is in the table`).toBeDefined();
        const unreported = added.filter((s) => !reported.includes(s.snapshotId));
        const lastReported = reported.at(-1) ?? before.metadata.currentSnapshotId;
        // at most the change that was under way when the writer died committed without being reported
        expect(unreported.length, `kill ${kill}: snapshots nobody reported: ${unreported.map((s) => s.snapshotId).join(", ")}`).toBeLessThanOrEqual(1);
        for (const { change } of committed) applyChange(model, change);
        if (unreported.length === 1) {
          expect(pending, `kill ${kill}: an unreported snapshot without a change under way`).toBeDefined();
          expect(unreported[0].parentSnapshotId).toBe(lastReported);
          expect(metadata.currentSnapshotId).toBe(unreported[0].snapshotId);
          applyChange(model, pending!);
          const { current, hint } = versions(table);
          phases[hint < current ? "after the commit, before the version hint" : "after the commit, before it was reported"]++;
        } else {
          expect(metadata.currentSnapshotId, `kill ${kill}: the current snapshot`).toBe(lastReported);
        }
        for (const s of added) known.add(s.snapshotId);
        committedChanges += added.length;

        // every file the current snapshot references is there, and the scan plan reads only such files
        const current = await snapshotFiles(io, metadata.currentSnapshot()!, manifestCache);
        expect(await missingFiles(io, allPaths(current)), `kill ${kill}: missing files`).toEqual([]);
        const plan = await planScan(metadata, io);
        expect(await missingFiles(io, plan.tasks.flatMap((t) => [t.dataFile.filePath, ...t.deletes.map((d) => d.filePath)]))).toEqual([]);
        await expectRows(table, model, `after kill ${kill}`);

        // where the kill landed, judged by what it left behind
        await addSnapshotFiles(metadata);
        if (unreported.length === 0) {
          const orphans = [...filesBelow(location), ...stagedFiles()].filter((f) => !referenced.has(f) && !seenOrphans.has(f) && !isPointerFile(f));
          const metadataDir = path.join(location, "metadata") + path.sep;
          if (orphans.some((f) => f.startsWith(metadataDir))) phases["mid-commit (manifests written, metadata not swapped)"]++;
          else if (orphans.length > 0) phases["while writing data or delete files"]++;
          else phases["before writing anything"]++;
          for (const f of orphans) seenOrphans.add(f);
        }
      }

      // the history is one line: each snapshot's parent is the one before
      const final = table.metadata;
      const chain: bigint[] = [];
      for (let s = final.currentSnapshot(); s !== undefined; s = s.parentSnapshotId === undefined ? undefined : final.snapshotById(s.parentSnapshotId)) chain.push(s.snapshotId);
      expect(chain).toHaveLength(final.snapshots.length);
      // no snapshot of the history lost a file
      const everything = new Set<string>();
      for (const snapshot of table.metadata.snapshots) for (const p of allPaths(await snapshotFiles(io, snapshot, manifestCache))) everything.add(p);
      expect(await missingFiles(io, everything)).toEqual([]);

      // and the table is still writable
      const last: MixedRow = [999_000_000, 1, 7];
      await appendRows(session, { io, committer: new FileSystemTableCommitter(location, io) }, `SELECT ${last[0]} AS id, ${last[1]} AS part, ${last[2]} AS val`);
      applyChange(model, { op: "append", rows: [last] });
      table = (await committer.load())!;
      await expectRows(table, model, "after the final append");

      const orphanFiles = [...filesBelow(location), ...stagedFiles()].filter((f) => !everything.has(f) && !isPointerFile(f));
      console.log(
        [
          `${KILLS} kills in ${Math.round((Date.now() - started) / 1000)} s; ${committedChanges} snapshots committed by the killed writers; ${model.size} rows at the end`,
          ...Object.entries(phases).map(([phase, n]) => `  ${String(n).padStart(3)} kills landed ${phase}`),
          `  ${orphanFiles.length} orphan files left behind (allowed: orphan-file cleanup removes them)`,
        ].join("\n"),
      );
    },
    900_000,
  );
});

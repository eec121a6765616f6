/**
 * Concurrent writers as separate OS processes committing to one file-system table, on the
 * local disk and on the stack's S3 server (where If-None-Match makes the metadata write the
 * atomic step): many appenders that collide and retry must lose and duplicate nothing, and
 * of two partition overwrites started from the same snapshot exactly one may win.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { CreateBucketCommand, HeadBucketCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileSystemTableCommitter } from "../../src/catalog/filesystem/FileSystemTableCommitter.js";
import { appendRows } from "../../src/engine/dml/writeRows.js";
import { DuckDBSession } from "../../src/engine/duckdb/DuckDBSession.js";
import { queryIcebergTables } from "../../src/engine/scan/queryIcebergTables.js";
import type { FileIO } from "../../src/io/FileIO.js";
import { LocalFileIO } from "../../src/io/LocalFileIO.js";
import { S3FileIO } from "../../src/io/S3FileIO.js";
import { PartitionSpec } from "../../src/table/spec/partitionSpec.js";
import { Schema } from "../../src/table/spec/schema.js";
import type { Snapshot } from "../../src/table/spec/snapshot.js";
import type { TableMetadata } from "../../src/table/spec/tableMetadata.js";
import type { CommittedTable } from "../../src/table/transaction/TableCommitter.js";
import { Transaction } from "../../src/table/transaction/Transaction.js";
import { stackEnv } from "../../scripts/stack/env.mjs";
import { allPaths, missingFiles, snapshotFiles, storedFiles } from "../support/writers/tableFiles.js";
import { stackS3FileIO } from "../support/writers/writerTable.js";
import { startWriter, type WriterProcess } from "../support/writers/writerProcess.js";

const WRITERS = 8;
const APPENDS = 50;
const ROWS_PER_APPEND = 3;
/** Collisions are the point: many quick retries, so that no writer gives up. */
const RETRY_PROPERTIES = {
  "commit.retry.num-retries": "100",
  "commit.retry.min-wait-ms": "5",
  "commit.retry.max-wait-ms": "200",
};

const settings = stackEnv();
const conditionalWrites = settings.FLOE_TEST_S3_CONDITIONAL_WRITES === "true";

let workDir: string;
let session: DuckDBSession;
let s3: S3FileIO | undefined;
const s3Prefix = `s3://${settings.FLOE_TEST_S3_BUCKET}/floe-test/write-concurrency/${randomUUID()}`;

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-write-concurrency-"));
  session = await DuckDBSession.open({ threads: 2 });
});

afterAll(async () => {
  session?.close();
  if (s3 !== undefined) {
    const leftovers = await storedFiles(s3, s3Prefix);
    for (let i = 0; i < leftovers.length; i += 50) await Promise.all(leftovers.slice(i, i + 50).map((l) => s3!.delete(l)));
    s3.close();
  }
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

interface Backend {
  name: string;
  skip?: string;
  /** A fresh table location and the FileIO the test reads it with. */
  open(): Promise<{ io: FileIO; location: string }>;
}

const backends: Backend[] = [
  {
    name: "local file system",
    async open() {
      return { io: new LocalFileIO(), location: path.join(workDir, `table-${randomUUID().slice(0, 8)}`) };
    },
  },
  {
    name: "S3",
    skip: conditionalWrites ? undefined : "the S3 server ignores If-None-Match, so two writers could both write the same metadata version",
    async open() {
      if (s3 === undefined) {
        s3 = stackS3FileIO(path.join(workDir, "s3-cache"));
        const exists = await s3.client.send(new HeadBucketCommand({ Bucket: settings.FLOE_TEST_S3_BUCKET })).then(
          () => true,
          () => false,
        );
        if (!exists) await s3.client.send(new CreateBucketCommand({ Bucket: settings.FLOE_TEST_S3_BUCKET }));
      }
      return { io: s3, location: `${s3Prefix}/table-${randomUUID().slice(0, 8)}` };
    },
  },
];

async function createTable(io: FileIO, location: string, schema: Schema, spec?: PartitionSpec): Promise<FileSystemTableCommitter> {
  const committer = new FileSystemTableCommitter(location, io);
  await new Transaction({ io }).createTable({ schema, spec, location, properties: RETRY_PROPERTIES }).commit(committer);
  return committer;
}

async function query(io: FileIO, table: CommittedTable, sql: string): Promise<unknown[][]> {
  return (await queryIcebergTables([{ name: "t", metadataLocation: table.metadataLocation }], sql, { io, session })).rows;
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

/** The writer's exit, with its stderr in the failure message when it is not 0. */
async function succeeded(writer: WriterProcess, name: string): Promise<void> {
  const exit = await writer.exited;
  expect(exit, `${name} failed:\n${writer.stderr()}`).toEqual({ code: 0, signal: null });
}

describe.each(backends)("concurrent writer processes, $name", (backend) => {
  it.skipIf(backend.skip !== undefined)(
    `${WRITERS} processes x ${APPENDS} appends to one table: every row once, one linear history`,
    async () => {
      const { io, location } = await backend.open();
      const schema = new Schema([
        { id: 1, name: "id", required: true, type: { type: "long" } },
        { id: 2, name: "writer", required: true, type: { type: "int" } },
        { id: 3, name: "seq", required: true, type: { type: "int" } },
      ]);
      const committer = await createTable(io, location, schema);
      const go = path.join(workDir, `go-${randomUUID()}`);
      const started = Date.now();
      const writers = Array.from({ length: WRITERS }, (_, w) =>
        startWriter("appendWriter.ts", [
          "--table",
          location,
          "--writer",
          String(w + 1),
          "--appends",
          String(APPENDS),
          "--rows",
          String(ROWS_PER_APPEND),
          "--go",
          go,
          "--cache",
          path.join(workDir, `cache-${randomUUID()}`),
        ]),
      );
      try {
        await Promise.all(writers.map((w) => w.waitForLine((l) => l === "ready")));
        fs.writeFileSync(go, "");
        const goAt = Date.now();
        for (const [i, writer] of writers.entries()) await succeeded(writer, `writer ${i + 1}`);
        console.log(`${backend.name}: ${WRITERS}x${APPENDS} appends committed in ${Date.now() - goAt} ms (${Date.now() - started} ms with start-up)`);
      } finally {
        for (const writer of writers) writer.child.kill("SIGKILL");
      }

      const table = (await committer.load())!;
      const { metadata } = table;
      const total = WRITERS * APPENDS * ROWS_PER_APPEND;
      // the table was created empty: one snapshot per append, no more, no fewer
      expect(metadata.snapshots).toHaveLength(WRITERS * APPENDS);
      const chain = ancestry(metadata);
      expect(chain).toHaveLength(WRITERS * APPENDS);
      expect(chain[0].parentSnapshotId).toBeUndefined();
      chain.forEach((snapshot, i) => {
        if (i > 0) expect(snapshot.parentSnapshotId).toBe(chain[i - 1].snapshotId);
        expect(snapshot.sequenceNumber).toBe(BigInt(i + 1));
        expect(snapshot.summary).toMatchObject({ operation: "append", "added-records": String(ROWS_PER_APPEND), "total-records": String((i + 1) * ROWS_PER_APPEND) });
      });
      expect(metadata.lastSequenceNumber).toBe(BigInt(WRITERS * APPENDS));

      // what each writer was told it committed is exactly what the table holds
      const reported = writers.flatMap((w) => w.lines.filter((l) => l.startsWith("committed ")).map((l) => BigInt(l.split(" ")[2])));
      expect(reported).toHaveLength(WRITERS * APPENDS);
      expect(new Set(reported)).toEqual(new Set(chain.map((s) => s.snapshotId)));
      // the writers did collide: some commits were retried
      const attempts = writers.flatMap((w) => w.lines.filter((l) => l.startsWith("committed ")).map((l) => Number(l.split(" ")[3])));
      const retried = attempts.filter((a) => a > 1).length;
      const most = [...attempts].sort((a, b) => b - a).slice(0, 5);
      console.log(`${backend.name}: ${attempts.reduce((a, b) => a + b, 0)} commit attempts for ${attempts.length} appends; ${retried} appends retried; the most attempts: ${most.join(", ")}`);
      expect(retried).toBeGreaterThan(0);

      expect(metadata.currentSnapshot()!.summary["total-records"]).toBe(String(total));
      const [[count, distinct]] = await query(io, table, "SELECT count(*), count(DISTINCT id) FROM t");
      expect([Number(count), Number(distinct)]).toEqual([total, total]);
      const expected: number[] = [];
      for (let w = 1; w <= WRITERS; w++) {
        for (let a = 0; a < APPENDS; a++) for (let r = 0; r < ROWS_PER_APPEND; r++) expected.push(w * 1_000_000 + a * 1_000 + r);
      }
      const ids = (await query(io, table, "SELECT id FROM t ORDER BY id")).map((row) => Number(row[0]));
      expect(ids).toEqual(expected.sort((a, b) => a - b));
      // every row is where its append put it
      const [[misplaced]] = await query(io, table, "SELECT count(*) FROM t WHERE id <> writer * 1000000 + seq * 1000 + id % 1000");
      expect(Number(misplaced)).toBe(0);
    },
    900_000,
  );

  it.skipIf(backend.skip !== undefined)(
    "two processes overwriting the same partition from the same snapshot: exactly one wins, the other leaves nothing behind",
    async () => {
      const { io, location } = await backend.open();
      const schema = new Schema([
        { id: 1, name: "id", required: true, type: { type: "long" } },
        { id: 2, name: "part", required: true, type: { type: "int" } },
        { id: 3, name: "tag", required: true, type: { type: "string" } },
      ]);
      const spec = new PartitionSpec(0, [{ sourceId: 2, fieldId: 1000, name: "part", transform: "identity" }]);
      const committer = await createTable(io, location, schema, spec);
      const target = { io, committer };
      await appendRows(session, target, `SELECT * FROM (VALUES (0, 0, 'seed'), (1, 0, 'seed'), (0, 1, 'seed'), (1, 1, 'seed')) AS v(id, part, tag)`);
      const base = (await committer.load())!;
      const baseSnapshot = base.metadata.currentSnapshotId!;

      const go = path.join(workDir, `go-${randomUUID()}`);
      const tags = ["alpha", "beta"];
      const writers = tags.map((tag) =>
        startWriter("overwriteWriter.ts", [
          "--table",
          location,
          "--base",
          base.metadataLocation,
          "--part",
          "0",
          "--tag",
          tag,
          "--rows",
          "3",
          "--go",
          go,
          "--cache",
          path.join(workDir, `cache-${randomUUID()}`),
        ]),
      );
      let exits;
      try {
        // both have written their data files and hold their commit at the barrier
        await Promise.all(writers.map((w) => w.waitForLine((l) => l === "ready")));
        fs.writeFileSync(go, "");
        exits = await Promise.all(writers.map((w) => w.exited));
      } finally {
        for (const writer of writers) writer.child.kill("SIGKILL");
      }

      const winners = exits.flatMap((exit, i) => (exit.code === 0 ? [i] : []));
      expect(winners, `exits: ${JSON.stringify(exits)}; stderr:\n${writers.map((w) => w.stderr()).join("\n")}`).toHaveLength(1);
      const winner = winners[0];
      const loser = 1 - winner;
      expect(exits[loser]).toEqual({ code: 3, signal: null });
      const failure = JSON.parse(writers[loser].lines.find((l) => l.startsWith("failed "))!.slice("failed ".length)) as { kind: string; message: string };
      expect(failure.kind).toBe("commit-conflict");
      expect(failure.message).toContain("conflicting concurrent commit");
      const committedId = BigInt(writers[winner].lines.find((l) => l.startsWith("committed "))!.split(" ")[1]);

      const table = (await committer.load())!;
      expect(table.metadata.snapshots).toHaveLength(base.metadata.snapshots.length + 1);
      expect(table.metadata.currentSnapshotId).toBe(committedId);
      expect(table.metadata.currentSnapshot()!.parentSnapshotId).toBe(baseSnapshot);
      expect(table.metadata.currentSnapshot()!.summary).toMatchObject({ operation: "overwrite", "deleted-records": "2", "added-records": "3", "total-records": "5" });
      expect(await query(io, table, "SELECT part, id, tag FROM t ORDER BY part, id")).toEqual([
        [0, 0, tags[winner]],
        [0, 1, tags[winner]],
        [0, 2, tags[winner]],
        [1, 0, "seed"],
        [1, 1, "seed"],
      ]);

      // the loser's data files, manifests and manifest lists are referenced nowhere, and gone
      const referenced = new Set<string>();
      for (const snapshot of table.metadata.snapshots) for (const p of allPaths(await snapshotFiles(io, snapshot))) referenced.add(p);
      expect(await missingFiles(io, referenced)).toEqual([]);
      const stored = await storedFiles(io, location);
      const unreferenced = stored.filter((p) => !referenced.has(p) && !/\/metadata\/(v\d+\.metadata\.json|version-hint\.text)$/.test(p));
      expect(unreferenced).toEqual([]);
      expect(stored.filter((p) => p.endsWith(".parquet"))).toHaveLength(3);
    },
    180_000,
  );
});

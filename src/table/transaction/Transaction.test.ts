import { describe, expect, it } from "vitest";
import { FloeError, isFloeError } from "../../core/errors/FloeError.js";
import { MemoryFileIO } from "../../io/MemoryFileIO.js";
import { DataFileContent, type DataFile } from "../manifest/dataFile.js";
import { readManifestEntries } from "../manifest/manifest.js";
import { readManifestListFile } from "../manifest/manifestList.js";
import { PartitionSpec } from "../spec/partitionSpec.js";
import { Schema } from "../spec/schema.js";
import { checkRequirements } from "./requirements.js";
import type { CommitRequest, CommittedTable, TableCommitter } from "./TableCommitter.js";
import { Transaction } from "./Transaction.js";
import type { TransactionAction } from "./TransactionAction.js";

const LOCATION = "memory://warehouse/db/events";

/** A committer that keeps the table's metadata in memory: the pointer swap of a catalog, nothing more. */
class MemoryCommitter implements TableCommitter {
  current: CommittedTable | undefined;
  commits = 0;
  /** Called before each commit; may throw to simulate a failure. */
  beforeCommit?: (request: CommitRequest) => void;

  async load(): Promise<CommittedTable | undefined> {
    return this.current;
  }

  async commit(request: CommitRequest): Promise<CommittedTable> {
    this.beforeCommit?.(request);
    if (request.base !== this.current?.metadataLocation) {
      throw new FloeError("commit-conflict", `the table moved from ${request.base} to ${this.current?.metadataLocation}`);
    }
    checkRequirements(this.current?.metadata, request.requirements);
    this.commits++;
    this.current = { metadata: request.metadata, metadataLocation: `${LOCATION}/metadata/v${this.commits}.metadata.json` };
    return this.current;
  }
}

const schema = new Schema([
  { id: 1, name: "id", required: true, type: { type: "long" } },
  { id: 2, name: "day", required: false, type: { type: "date" } },
]);
const spec = new PartitionSpec(0, [{ sourceId: 2, fieldId: 1000, name: "day", transform: "identity" }]);

function dataFile(name: string, records: number, day: number | null): DataFile {
  return {
    content: DataFileContent.DATA,
    filePath: `${LOCATION}/data/${name}.parquet`,
    fileFormat: "parquet",
    specId: 0,
    partition: { 1000: day },
    recordCount: BigInt(records),
    fileSizeInBytes: BigInt(records * 10),
  };
}

async function setUp(): Promise<{ io: MemoryFileIO; committer: MemoryCommitter; clock: () => number }> {
  const io = new MemoryFileIO();
  const committer = new MemoryCommitter();
  let now = 1_700_000_000_000;
  const clock = () => (now += 1000);
  await new Transaction({ io, clock }).createTable({ schema, spec, location: LOCATION, properties: { "commit.retry.min-wait-ms": "1" } }).commit(committer);
  return { io, committer, clock };
}

async function listFiles(io: MemoryFileIO, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const file of io.list(prefix)) out.push(file);
  return out.sort();
}

describe("Transaction", () => {
  it("creates a table and appends to it, snapshot after snapshot", async () => {
    const { io, committer, clock } = await setUp();
    expect(committer.current?.metadata.currentSnapshotId).toBeUndefined();

    const first = await new Transaction({ io, clock }).fastAppend([dataFile("a", 10, 19000), dataFile("b", 5, 19001)]).commit(committer);
    const s1 = first.metadata.currentSnapshot()!;
    expect(s1.sequenceNumber).toBe(1n);
    expect(s1.parentSnapshotId).toBeUndefined();
    expect(s1.manifestList).toMatch(new RegExp(`^${LOCATION}/metadata/snap-${s1.snapshotId}-1-[0-9a-f-]{36}\\.avro$`));
    expect(s1.summary).toEqual({
      operation: "append",
      "added-data-files": "2",
      "added-records": "15",
      "added-files-size": "150",
      "changed-partition-count": "2",
      "total-records": "15",
      "total-files-size": "150",
      "total-data-files": "2",
      "total-delete-files": "0",
      "total-position-deletes": "0",
      "total-equality-deletes": "0",
    });
    expect(s1.snapshotId).toBeGreaterThan(0n);
    expect(s1.snapshotId).toBeLessThan(1n << 63n);
    expect(first.metadata.metadataLog.map((e) => e.metadataFile)).toEqual([`${LOCATION}/metadata/v1.metadata.json`]);

    const second = await new Transaction({ io, clock }).fastAppend([dataFile("c", 7, 19001)], { snapshotProperties: { "floe.job": "load" } }).commit(committer);
    const s2 = second.metadata.currentSnapshot()!;
    expect(s2.parentSnapshotId).toBe(s1.snapshotId);
    expect(s2.sequenceNumber).toBe(2n);
    expect(second.metadata.lastSequenceNumber).toBe(2n);
    expect(s2.summary["total-records"]).toBe("22");
    expect(s2.summary["total-data-files"]).toBe("3");
    expect(s2.summary["changed-partition-count"]).toBe("1");
    expect(s2.summary["floe.job"]).toBe("load");
    expect(second.metadata.snapshotLog.map((e) => e.snapshotId)).toEqual([s1.snapshotId, s2.snapshotId]);

    // the second list holds the new manifest first, then the parent's, with their sequence numbers
    const list = await readManifestListFile(io, s2.manifestList!);
    expect(list.sequenceNumber).toBe(2n);
    expect(list.parentSnapshotId).toBe(s1.snapshotId);
    expect(list.manifests.map((m) => [m.sequenceNumber, m.addedSnapshotId, m.addedFilesCount])).toEqual([
      [2n, s2.snapshotId, 1],
      [1n, s1.snapshotId, 2],
    ]);
    const entries = await readManifestEntries(io, list.manifests[1], { specs: second.metadata.specsById(), schema });
    expect(entries.map((e) => [e.dataFile.filePath.split("/").pop(), e.sequenceNumber, e.snapshotId, e.dataFile.partition[1000]])).toEqual([
      ["a.parquet", 1n, s1.snapshotId, 19000],
      ["b.parquet", 1n, s1.snapshotId, 19001],
    ]);
    expect(list.manifests[0].partitions).toEqual([{ containsNull: false, containsNan: false, lowerBound: expect.any(Uint8Array), upperBound: expect.any(Uint8Array) }]);
  });

  it("retries a conflicting append on the new parent, reusing its manifest, so both appends survive", async () => {
    const { io, committer, clock } = await setUp();
    const base = committer.current;
    const sleeps: number[] = [];
    const a = new Transaction({ io, clock, base }).fastAppend([dataFile("a", 1, 1)]);
    const b = new Transaction({ io, clock, base, sleep: async (ms) => void sleeps.push(ms) }).fastAppend([dataFile("b", 2, 2)]);
    const manifestsBefore = (await listFiles(io, `${LOCATION}/metadata`)).filter((f) => f.endsWith("-m0.avro"));
    expect(manifestsBefore).toEqual([]);

    await a.commit(committer);
    const result = await b.commit(committer);

    expect(sleeps).toEqual([1]);
    const current = result.metadata.currentSnapshot()!;
    expect(current.sequenceNumber).toBe(2n);
    expect(current.manifestList).toMatch(/snap-\d+-2-/);
    expect(current.summary["total-records"]).toBe("3");
    const list = await readManifestListFile(io, current.manifestList!);
    expect(list.manifests).toHaveLength(2);
    // b's manifest was written once and reused; its first manifest list was removed
    const files = await listFiles(io, `${LOCATION}/metadata`);
    expect(files.filter((f) => f.endsWith("-m0.avro"))).toHaveLength(2);
    expect(files.filter((f) => f.includes("/snap-"))).toHaveLength(2);
    expect(result.metadata.snapshots).toHaveLength(2);
  });

  it("gives up after commit.retry.num-retries with backoff, and removes what it wrote", async () => {
    const { io, committer, clock } = await setUp();
    committer.current = {
      ...committer.current!,
      metadata: committer.current!.metadata.with({ properties: { "commit.retry.num-retries": "3", "commit.retry.min-wait-ms": "10", "commit.retry.max-wait-ms": "25" } }),
    };
    committer.beforeCommit = () => {
      throw new FloeError("commit-conflict", "somebody else won");
    };
    const sleeps: number[] = [];
    const before = await listFiles(io, LOCATION);
    const error = await new Transaction({ io, clock, sleep: async (ms) => void sleeps.push(ms) })
      .fastAppend([dataFile("a", 1, 1)])
      .commit(committer)
      .catch((e: unknown) => e);
    expect(isFloeError(error, "commit-conflict")).toBe(true);
    expect((error as Error).message).toMatch(/somebody else won \(gave up after 4 attempts\)/);
    // doubling from 10 ms, capped at 25 ms, each drawn from the upper half of its step
    expect(sleeps).toHaveLength(3);
    [10, 20, 25].forEach((step, i) => {
      expect(sleeps[i]).toBeGreaterThanOrEqual(step / 2);
      expect(sleeps[i]).toBeLessThanOrEqual(step);
    });
    expect(await listFiles(io, LOCATION)).toEqual(before);
  });

  it("does not retry when the commit state is unknown, and keeps the files the commit may use", async () => {
    const { io, committer, clock } = await setUp();
    committer.beforeCommit = () => {
      throw new FloeError("commit-state-unknown", "connection dropped");
    };
    const sleeps: number[] = [];
    const error = await new Transaction({ io, clock, sleep: async (ms) => void sleeps.push(ms) })
      .fastAppend([dataFile("a", 1, 1)])
      .commit(committer)
      .catch((e: unknown) => e);
    expect(isFloeError(error, "commit-state-unknown")).toBe(true);
    expect(sleeps).toEqual([]);
    const files = await listFiles(io, `${LOCATION}/metadata`);
    expect(files.filter((f) => f.includes("/snap-"))).toHaveLength(1);
  });

  it("re-checks requirements on the reloaded table and fails at once when one no longer holds", async () => {
    const { io, committer, clock } = await setUp();
    const schemaId = committer.current!.metadata.currentSchemaId;
    const guarded: TransactionAction = {
      kind: "guarded",
      async commit() {
        return { updates: [{ action: "set-properties", updates: { guarded: "yes" } }], requirements: [{ type: "assert-current-schema-id", currentSchemaId: schemaId }] };
      },
    };
    const tx = new Transaction({ io, clock, base: committer.current, sleep: async () => {} }).addAction(guarded);
    // someone changes the current schema before tx commits
    const evolved = new Schema([...committer.current!.metadata.currentSchema().fields, { id: 3, name: "note", required: false, type: { type: "string" } }]);
    await new Transaction({ io, clock })
      .addAction({
        kind: "evolve",
        async commit() {
          return {
            updates: [
              { action: "add-schema", schema: evolved },
              { action: "set-current-schema", schemaId: -1 },
            ],
            requirements: [],
          };
        },
      })
      .commit(committer);
    const error = await tx.commit(committer).catch((e: unknown) => e);
    expect(isFloeError(error, "commit-conflict")).toBe(true);
    expect((error as Error).message).toBe("requirement assert-current-schema-id failed: the current schema id is 1, expected 0");
    expect(committer.current!.metadata.property("guarded")).toBeUndefined();
  });

  it("creating a table that exists is a conflict, and a create-and-append sends only assert-create", async () => {
    const { io, committer, clock } = await setUp();
    const error = await new Transaction({ io, clock }).createTable({ schema, location: LOCATION }).commit(committer).catch((e: unknown) => e);
    expect(isFloeError(error, "commit-conflict")).toBe(true);
    expect((error as Error).message).toMatch(/assert-create failed/);

    const other = new MemoryCommitter();
    const requests: CommitRequest[] = [];
    other.beforeCommit = (r) => void requests.push(r);
    const created = await new Transaction({ io, clock })
      .createTable({ schema, spec, location: `${LOCATION}2` })
      .fastAppend([{ ...dataFile("x", 3, 5), filePath: `${LOCATION}2/data/x.parquet` }])
      .setProperties({ k: "v" })
      .commit(other);
    expect(requests[0].requirements).toEqual([{ type: "assert-create" }]);
    expect(created.metadata.currentSnapshot()?.summary["added-records"]).toBe("3");
    expect(created.metadata.property("k")).toBe("v");
  });

  it("sets and removes properties; an empty append changes nothing", async () => {
    const { io, committer, clock } = await setUp();
    let table = await new Transaction({ io, clock }).setProperties({ a: "1", b: "2" }).commit(committer);
    expect(table.metadata.properties).toMatchObject({ a: "1", b: "2" });
    table = await new Transaction({ io, clock }).removeProperties(["a", "zzz"]).commit(committer);
    expect(table.metadata.property("a")).toBeUndefined();
    expect(table.metadata.property("b")).toBe("2");
    const commits = committer.commits;
    const same = await new Transaction({ io, clock }).fastAppend([]).commit(committer);
    expect(committer.commits).toBe(commits);
    expect(same.metadataLocation).toBe(table.metadataLocation);
  });

  it("appends to v1 and v3 tables as their format asks", async () => {
    for (const formatVersion of [1, 3] as const) {
      const io = new MemoryFileIO();
      const committer = new MemoryCommitter();
      await new Transaction({ io }).createTable({ schema, spec, location: LOCATION, formatVersion }).commit(committer);
      await new Transaction({ io }).fastAppend([dataFile("a", 10, 1)]).commit(committer);
      const { metadata } = await new Transaction({ io }).fastAppend([dataFile("b", 5, 2), dataFile("c", 1, 2)]).commit(committer);
      const [second, first] = [metadata.currentSnapshot()!, metadata.snapshots[0]];
      const list = await readManifestListFile(io, second.manifestList!);
      expect(list.formatVersion).toBe(formatVersion);
      if (formatVersion === 1) {
        expect([first.sequenceNumber, second.sequenceNumber, metadata.lastSequenceNumber]).toEqual([0n, 0n, 0n]);
      } else {
        expect([first.sequenceNumber, second.sequenceNumber]).toEqual([1n, 2n]);
        // row lineage: each snapshot takes the next row ids
        expect([first.firstRowId, first.addedRows, second.firstRowId, second.addedRows]).toEqual([0n, 10n, 10n, 6n]);
        expect(metadata.nextRowId).toBe(16n);
        expect(list.manifests.map((m) => m.firstRowId)).toEqual([10n, 0n]);
      }
      expect(second.summary["total-records"]).toBe("16");
    }
  });

  it("refuses files of an unknown spec or with the wrong partition fields, writing nothing", async () => {
    const { io, committer, clock } = await setUp();
    const before = await listFiles(io, LOCATION);
    const wrongSpec = await new Transaction({ io, clock }).fastAppend([{ ...dataFile("a", 1, 1), specId: 4 }]).commit(committer).catch((e: unknown) => e);
    expect((wrongSpec as Error).message).toMatch(/spec 4, which table .* does not have/);
    const wrongFields = await new Transaction({ io, clock }).fastAppend([{ ...dataFile("a", 1, 1), partition: { 1001: 1 } }]).commit(committer).catch((e: unknown) => e);
    expect((wrongFields as Error).message).toMatch(/partition has fields \[1001\] but spec 0 has \[1000\]/);
    const wrongType = await new Transaction({ io, clock }).fastAppend([{ ...dataFile("a", 1, 1), partition: { 1000: "x" } }]).commit(committer).catch((e: unknown) => e);
    expect(isFloeError(wrongType, "invalid-input")).toBe(true);
    expect(await listFiles(io, LOCATION)).toEqual(before);
  });
});

import { describe, expect, it } from "vitest";
import { isFloeError } from "../../core/errors/FloeError.js";
import { MemoryFileIO } from "../../io/MemoryFileIO.js";
import { MemoryCatalogCommitter } from "../../../test/support/memoryCatalogCommitter.js";
import { DataFileContent, type DataFile } from "../manifest/dataFile.js";
import { readManifestListFile } from "../manifest/manifestList.js";
import { planScan } from "../scan/TableScan.js";
import { Schema } from "../spec/schema.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import { ManageSnapshotsAction } from "./ManageSnapshotsAction.js";
import { Transaction } from "./Transaction.js";

const LOCATION = "memory://warehouse/db/events";
const schema = new Schema([{ id: 1, name: "id", required: true, type: { type: "long" } }]);

function dataFile(name: string, records: number): DataFile {
  return {
    content: DataFileContent.DATA,
    filePath: `${LOCATION}/data/${name}.parquet`,
    fileFormat: "parquet",
    specId: 0,
    partition: {},
    recordCount: BigInt(records),
    fileSizeInBytes: BigInt(records * 10),
  };
}

async function setUp(): Promise<{ io: MemoryFileIO; committer: MemoryCatalogCommitter; clock: () => number }> {
  const io = new MemoryFileIO();
  let now = 1_700_000_000_000;
  const clock = () => (now += 1000);
  const committer = new MemoryCatalogCommitter(LOCATION, clock);
  await new Transaction({ io, clock }).createTable({ schema, location: LOCATION, properties: { "commit.retry.min-wait-ms": "1" } }).commit(committer);
  return { io, committer, clock };
}

/** The names of the data files a scan of the ref (default: the current snapshot) reads. */
async function visible(io: MemoryFileIO, metadata: TableMetadata, ref?: string): Promise<string[]> {
  const plan = await planScan(metadata, io, ref === undefined ? {} : { ref });
  return plan.tasks.map((t) => t.dataFile.filePath.split("/").pop()!.replace(".parquet", "")).sort();
}

describe("FastAppendAction on a branch", () => {
  it("appends to a branch and leaves main untouched; main then fast-forwards to it", async () => {
    const { io, committer, clock } = await setUp();
    const main = await new Transaction({ io, clock }).fastAppend([dataFile("a", 10)]).commit(committer);
    const s1 = main.metadata.currentSnapshotId!;
    await new Transaction({ io, clock }).addAction(new ManageSnapshotsAction().createBranch("audit")).commit(committer);

    let m = (await new Transaction({ io, clock }).fastAppend([dataFile("b", 5)], { branch: "audit" }).commit(committer)).metadata;
    const s2 = m.ref("audit")!.snapshotId;
    expect(m.ref("audit")).toEqual({ snapshotId: s2, type: "branch" });
    expect(m.currentSnapshotId).toBe(s1);
    expect(m.ref("main")?.snapshotId).toBe(s1);
    expect(m.snapshotLog.map((e) => e.snapshotId)).toEqual([s1]);
    const snapshot2 = m.snapshotById(s2)!;
    expect(snapshot2.parentSnapshotId).toBe(s1);
    expect(snapshot2.sequenceNumber).toBe(2n);
    expect(snapshot2.summary["total-records"]).toBe("15");
    const request = committer.requests.at(-1)!;
    expect(request.updates.map((u) => (u.action === "set-snapshot-ref" ? `${u.action} ${u.refName}` : u.action))).toEqual(["add-snapshot", "set-snapshot-ref audit"]);
    expect(request.requirements).toEqual([
      { type: "assert-table-uuid", uuid: m.tableUuid },
      { type: "assert-ref-snapshot-id", ref: "audit", snapshotId: s1 },
    ]);
    expect((await readManifestListFile(io, snapshot2.manifestList!)).parentSnapshotId).toBe(s1);

    // the next append to the branch builds on its head; main still reads only a
    m = (await new Transaction({ io, clock }).fastAppend([dataFile("c", 7)], { branch: "audit" }).commit(committer)).metadata;
    const s3 = m.ref("audit")!.snapshotId;
    expect(m.snapshotById(s3)!.parentSnapshotId).toBe(s2);
    expect(m.snapshotById(s3)!.summary["total-records"]).toBe("22");
    expect(committer.requests.at(-1)!.requirements).toContainEqual({ type: "assert-ref-snapshot-id", ref: "audit", snapshotId: s2 });
    expect(m.currentSnapshotId).toBe(s1);
    expect(await visible(io, m)).toEqual(["a"]);
    expect(await visible(io, m, "audit")).toEqual(["a", "b", "c"]);

    // publish: main fast-forwards to the audited branch
    m = (await new Transaction({ io, clock }).addAction(new ManageSnapshotsAction().fastForwardBranch("main", "audit")).commit(committer)).metadata;
    expect(m.currentSnapshotId).toBe(s3);
    expect(m.snapshotLog.map((e) => e.snapshotId)).toEqual([s1, s3]);
    expect(await visible(io, m)).toEqual(["a", "b", "c"]);
  });

  it("forks a branch that does not exist off the current snapshot, as Iceberg Java does", async () => {
    const { io, committer, clock } = await setUp();
    const s1 = (await new Transaction({ io, clock }).fastAppend([dataFile("a", 10)]).commit(committer)).metadata.currentSnapshotId!;
    const m = (await new Transaction({ io, clock }).fastAppend([dataFile("b", 5)], { branch: "scratch" }).commit(committer)).metadata;
    const head = m.snapshotByRef("scratch")!;
    expect(m.ref("scratch")).toEqual({ snapshotId: head.snapshotId, type: "branch" });
    expect(head.parentSnapshotId).toBe(s1);
    expect(head.summary["total-records"]).toBe("15");
    expect(committer.requests.at(-1)!.requirements).toContainEqual({ type: "assert-ref-snapshot-id", ref: "scratch", snapshotId: null });
    expect(m.currentSnapshotId).toBe(s1);
    expect(await visible(io, m, "scratch")).toEqual(["a", "b"]);
    expect(await visible(io, m)).toEqual(["a"]);
    // main is an ancestor of it: main fast-forwards to the branch
    const forwarded = await new Transaction({ io, clock }).addAction(new ManageSnapshotsAction().fastForwardBranch("main", "scratch")).commit(committer);
    expect(forwarded.metadata.currentSnapshotId).toBe(head.snapshotId);
  });

  it("keeps the branch where it is when main moves on, and keeps the branch's retention", async () => {
    const { io, committer, clock } = await setUp();
    await new Transaction({ io, clock }).fastAppend([dataFile("a", 1)]).commit(committer);
    await new Transaction({ io, clock }).addAction(new ManageSnapshotsAction().createBranch("dev", undefined, { minSnapshotsToKeep: 4 })).commit(committer);
    const dev = committer.current!.metadata.ref("dev")!.snapshotId;
    let m = (await new Transaction({ io, clock }).fastAppend([dataFile("b", 1)]).commit(committer)).metadata;
    expect(m.ref("dev")?.snapshotId).toBe(dev);
    m = (await new Transaction({ io, clock }).fastAppend([dataFile("c", 1)], { branch: "dev" }).commit(committer)).metadata;
    expect(m.ref("dev")).toMatchObject({ type: "branch", minSnapshotsToKeep: 4 });
    expect(m.snapshotById(m.ref("dev")!.snapshotId)!.parentSnapshotId).toBe(dev);
    expect(await visible(io, m)).toEqual(["a", "b"]);
    expect(await visible(io, m, "dev")).toEqual(["a", "c"]);
  });

  it("starts a new branch of a table without snapshots with no parent, and no current snapshot", async () => {
    const { io, committer, clock } = await setUp();
    const m = (await new Transaction({ io, clock }).fastAppend([dataFile("a", 3)], { branch: "staging" }).commit(committer)).metadata;
    expect(m.currentSnapshotId).toBeUndefined();
    expect(m.snapshotLog).toEqual([]);
    const head = m.snapshotByRef("staging")!;
    expect(head.parentSnapshotId).toBeUndefined();
    expect(head.summary["total-records"]).toBe("3");
    expect(await visible(io, m, "staging")).toEqual(["a"]);
    expect(await visible(io, m)).toEqual([]);
  });

  it("refuses to append to a tag, writing nothing", async () => {
    const { io, committer, clock } = await setUp();
    const { metadata } = await new Transaction({ io, clock }).fastAppend([dataFile("a", 1)]).commit(committer);
    await new Transaction({ io, clock }).addAction(new ManageSnapshotsAction().createTag("v1", metadata.currentSnapshotId!)).commit(committer);
    const files = async () => {
      const out: string[] = [];
      for await (const f of io.list(LOCATION)) out.push(f);
      return out.sort();
    };
    const before = await files();
    const error = await new Transaction({ io, clock }).fastAppend([dataFile("b", 1)], { branch: "v1" }).commit(committer).catch((e: unknown) => e);
    expect(isFloeError(error, "invalid-input")).toBe(true);
    expect((error as Error).message).toMatch(/cannot append to v1 of table .*: it is a tag, and only branches take new snapshots/);
    expect(await files()).toEqual(before);
    expect(() => new Transaction({ io }).fastAppend([dataFile("b", 1)], { branch: " " })).toThrow(/needs a name/);
  });

  it("retries a conflicting branch append on the branch's new head", async () => {
    const { io, committer, clock } = await setUp();
    await new Transaction({ io, clock }).fastAppend([dataFile("a", 1)]).commit(committer);
    await new Transaction({ io, clock }).addAction(new ManageSnapshotsAction().createBranch("dev")).commit(committer);
    await new Transaction({ io, clock }).fastAppend([dataFile("b", 1)], { branch: "dev" }).commit(committer);
    const base = committer.current!;
    const first = new Transaction({ io, clock, base }).fastAppend([dataFile("c", 1)], { branch: "dev" });
    const second = new Transaction({ io, clock, base, sleep: async () => {} }).fastAppend([dataFile("d", 1)], { branch: "dev" });
    await first.commit(committer);
    const { metadata } = await second.commit(committer);
    expect(await visible(io, metadata, "dev")).toEqual(["a", "b", "c", "d"]);
    expect(await visible(io, metadata)).toEqual(["a"]);
    const refused = committer.requests.at(-2)!;
    expect(refused.requirements).toContainEqual({ type: "assert-ref-snapshot-id", ref: "dev", snapshotId: base.metadata.ref("dev")!.snapshotId });
  });
});

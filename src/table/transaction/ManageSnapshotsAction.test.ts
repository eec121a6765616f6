import { describe, expect, it } from "vitest";
import { isFloeError, type FloeErrorKind } from "../../core/errors/FloeError.js";
import { MemoryFileIO } from "../../io/MemoryFileIO.js";
import { MemoryCatalogCommitter } from "../../../test/support/memoryCatalogCommitter.js";
import { DataFileContent, type DataFile } from "../manifest/dataFile.js";
import { Schema } from "../spec/schema.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import { ManageSnapshotsAction } from "./ManageSnapshotsAction.js";
import type { CommittedTable } from "./TableCommitter.js";
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

interface Table {
  io: MemoryFileIO;
  committer: MemoryCatalogCommitter;
  clock: () => number;
  /** The snapshots of the appends, oldest first. */
  ids: bigint[];
  commit(action: ManageSnapshotsAction): Promise<TableMetadata>;
}

/** A table with `appends` snapshots on main, made 1 s apart (one record each). */
async function table(appends: number): Promise<Table> {
  const io = new MemoryFileIO();
  let now = 1_700_000_000_000;
  const clock = () => (now += 1000);
  const committer = new MemoryCatalogCommitter(LOCATION, clock);
  await new Transaction({ io, clock }).createTable({ schema, location: LOCATION, properties: { "commit.retry.min-wait-ms": "1" } }).commit(committer);
  const ids: bigint[] = [];
  for (let i = 0; i < appends; i++) {
    const { metadata } = await new Transaction({ io, clock }).fastAppend([dataFile(`f${i}`, 1)]).commit(committer);
    ids.push(metadata.currentSnapshotId!);
  }
  const commit = async (action: ManageSnapshotsAction) => (await new Transaction({ io, clock }).addAction(action).commit(committer)).metadata;
  return { io, committer, clock, ids, commit };
}

async function failure(promise: Promise<unknown>, kind: FloeErrorKind, message: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isFloeError(error, kind), `expected a ${kind} error, got ${String(error)}`).toBe(true);
  expect((error as Error).message).toMatch(message);
}

function lastRequest(t: Table) {
  return t.committer.requests.at(-1)!;
}

describe("ManageSnapshotsAction: the current snapshot", () => {
  it("rolls main back to an ancestor and logs the snapshot made current", async () => {
    const t = await table(3);
    const [s1, , s3] = t.ids;
    const m = await t.commit(new ManageSnapshotsAction().rollbackTo(s1));
    expect(m.currentSnapshotId).toBe(s1);
    expect(m.ref("main")).toEqual({ snapshotId: s1, type: "branch" });
    expect(m.snapshotLog.map((e) => e.snapshotId)).toEqual([...t.ids, s1]);
    expect(m.snapshotLog.at(-1)!.timestampMs).toBe(m.lastUpdatedMs);
    expect(m.snapshots).toHaveLength(3);
    // time travel by the log: just before the rollback the table was at s3
    expect(m.snapshotAsOf(m.lastUpdatedMs - 1)?.snapshotId).toBe(s3);
    expect(m.snapshotAsOf(m.lastUpdatedMs)?.snapshotId).toBe(s1);

    const request = lastRequest(t);
    expect(request.updates).toEqual([{ action: "set-snapshot-ref", refName: "main", snapshotId: s1, type: "branch" }]);
    expect(request.requirements).toEqual([
      { type: "assert-table-uuid", uuid: m.tableUuid },
      { type: "assert-ref-snapshot-id", ref: "main", snapshotId: s3 },
    ]);
  });

  it("refuses to roll back to a snapshot that is not an ancestor, or unknown", async () => {
    const t = await table(3);
    const [s1, s2] = t.ids;
    await t.commit(new ManageSnapshotsAction().rollbackTo(s1));
    await failure(t.commit(new ManageSnapshotsAction().rollbackTo(s2)), "invalid-input", new RegExp(`to snapshot ${s2}: it is not an ancestor of the current snapshot ${s1}`));
    await failure(t.commit(new ManageSnapshotsAction().rollbackTo(42n)), "not-found", /has no snapshot 42$/);
    const empty = await table(0);
    await failure(empty.commit(new ManageSnapshotsAction().rollbackTo(42n)), "invalid-input", /cannot roll back to snapshot 42: table .* has no current snapshot/);
  });

  it("rolls back to the latest ancestor made at or before a time", async () => {
    const t = await table(3);
    const [s1, s2] = t.ids;
    const m0 = t.committer.current!.metadata;
    const at = (id: bigint) => m0.snapshotById(id)!.timestampMs;
    expect((await t.commit(new ManageSnapshotsAction().rollbackToTime(at(s2) + 500))).currentSnapshotId).toBe(s2);
    // s3 is no longer an ancestor of the current snapshot, so a time after it still finds s2
    expect((await t.commit(new ManageSnapshotsAction().rollbackToTime(at(s2) + 100_000))).currentSnapshotId).toBe(s2);
    expect((await t.commit(new ManageSnapshotsAction().rollbackToTime(at(s1)))).currentSnapshotId).toBe(s1);
    await failure(
      t.commit(new ManageSnapshotsAction().rollbackToTime(at(s1) - 1)),
      "not-found",
      new RegExp(`to ${new Date(at(s1) - 1).toISOString()}: no ancestor of the current snapshot ${s1} was made at or before it`),
    );
  });

  it("sets any snapshot current, ancestor or not", async () => {
    const t = await table(3);
    const [s1, , s3] = t.ids;
    await t.commit(new ManageSnapshotsAction().rollbackTo(s1));
    const m = await t.commit(new ManageSnapshotsAction().setCurrentSnapshot(s3));
    expect(m.currentSnapshotId).toBe(s3);
    expect(m.snapshotLog.map((e) => e.snapshotId)).toEqual([...t.ids, s1, s3]);
    await failure(t.commit(new ManageSnapshotsAction().setCurrentSnapshot(7n)), "not-found", /has no snapshot 7$/);
  });

  it("changes nothing when main ends where it was, and keeps main's retention when it moves", async () => {
    const t = await table(2);
    const [s1, s2] = t.ids;
    const before = t.committer.current!;
    const same = await new Transaction({ io: t.io, clock: t.clock })
      .addAction(new ManageSnapshotsAction().rollbackTo(s1).setCurrentSnapshot(s2))
      .commit(t.committer);
    expect(same).toBe(before);

    // a retention change of main is not a change of the current snapshot: nothing is logged
    let m = await t.commit(new ManageSnapshotsAction().setMinSnapshotsToKeep("main", 5));
    expect(m.ref("main")).toEqual({ snapshotId: s2, type: "branch", minSnapshotsToKeep: 5 });
    expect(m.snapshotLog).toHaveLength(2);
    m = await t.commit(new ManageSnapshotsAction().rollbackTo(s1));
    expect(m.ref("main")).toEqual({ snapshotId: s1, type: "branch", minSnapshotsToKeep: 5 });
  });
});

describe("ManageSnapshotsAction: tags", () => {
  it("creates, replaces and removes tags", async () => {
    const t = await table(2);
    const [s1, s2] = t.ids;
    let m = await t.commit(new ManageSnapshotsAction().createTag("v1", s1, { maxRefAgeMs: 86_400_000n }));
    expect(m.ref("v1")).toEqual({ snapshotId: s1, type: "tag", maxRefAgeMs: 86_400_000n });
    expect(m.currentSnapshotId).toBe(s2);
    expect(m.snapshotLog).toHaveLength(2);
    expect(lastRequest(t).requirements).toContainEqual({ type: "assert-ref-snapshot-id", ref: "v1", snapshotId: null });

    m = await t.commit(new ManageSnapshotsAction().replaceTag("v1", s2));
    expect(m.ref("v1")).toEqual({ snapshotId: s2, type: "tag", maxRefAgeMs: 86_400_000n });
    expect(lastRequest(t).requirements).toContainEqual({ type: "assert-ref-snapshot-id", ref: "v1", snapshotId: s1 });

    m = await t.commit(new ManageSnapshotsAction().removeTag("v1"));
    expect(m.ref("v1")).toBeUndefined();
    expect(lastRequest(t).updates).toEqual([{ action: "remove-snapshot-ref", refName: "v1" }]);
    expect(lastRequest(t).requirements).toContainEqual({ type: "assert-ref-snapshot-id", ref: "v1", snapshotId: s2 });
  });

  it("names the tag or snapshot that is wrong", async () => {
    const t = await table(1);
    const [s1] = t.ids;
    await t.commit(new ManageSnapshotsAction().createTag("v1", s1).createBranch("dev"));
    await failure(t.commit(new ManageSnapshotsAction().createTag("v1", s1)), "already-exists", new RegExp(`already has a tag v1 \\(at snapshot ${s1}\\)`));
    await failure(t.commit(new ManageSnapshotsAction().createTag("dev", s1)), "already-exists", /already has a branch dev/);
    await failure(t.commit(new ManageSnapshotsAction().createTag("v2", 99n)), "not-found", /has no snapshot 99$/);
    await failure(t.commit(new ManageSnapshotsAction().replaceTag("v9", s1)), "not-found", /has no tag v9$/);
    await failure(t.commit(new ManageSnapshotsAction().replaceTag("dev", s1)), "invalid-input", /^dev is a branch, not a tag$/);
    await failure(t.commit(new ManageSnapshotsAction().removeTag("dev")), "invalid-input", /^dev is a branch, not a tag$/);
    await failure(t.commit(new ManageSnapshotsAction().removeTag("v9")), "not-found", /has no tag v9$/);
    const empty = await table(0);
    await failure(empty.commit(new ManageSnapshotsAction().createTag("main", 1n)), "invalid-input", /main is always a branch/);
    expect(() => new ManageSnapshotsAction().createTag("", s1)).toThrow(/a tag needs a name/);
    expect(() => new ManageSnapshotsAction().createTag("v3", s1, { maxRefAgeMs: 0n })).toThrow(/max-ref-age-ms of tag v3 must be positive, got 0/);
  });
});

describe("ManageSnapshotsAction: branches", () => {
  it("creates (at the current snapshot by default), replaces, renames and removes branches", async () => {
    const t = await table(2);
    const [s1, s2] = t.ids;
    let m = await t.commit(new ManageSnapshotsAction().createBranch("dev").createBranch("old", s1, { minSnapshotsToKeep: 2, maxSnapshotAgeMs: 1000n }));
    expect(m.ref("dev")).toEqual({ snapshotId: s2, type: "branch" });
    expect(m.ref("old")).toEqual({ snapshotId: s1, type: "branch", minSnapshotsToKeep: 2, maxSnapshotAgeMs: 1000n });
    expect(m.currentSnapshotId).toBe(s2);

    m = await t.commit(new ManageSnapshotsAction().replaceBranch("dev", s1));
    expect(m.ref("dev")?.snapshotId).toBe(s1);
    expect(m.currentSnapshotId).toBe(s2);

    m = await t.commit(new ManageSnapshotsAction().renameBranch("old", "archive"));
    expect(m.ref("old")).toBeUndefined();
    expect(m.ref("archive")).toEqual({ snapshotId: s1, type: "branch", minSnapshotsToKeep: 2, maxSnapshotAgeMs: 1000n });
    expect(lastRequest(t).updates.map((u) => u.action)).toEqual(["remove-snapshot-ref", "set-snapshot-ref"]);
    expect(lastRequest(t).requirements).toEqual([
      { type: "assert-table-uuid", uuid: m.tableUuid },
      { type: "assert-ref-snapshot-id", ref: "old", snapshotId: s1 },
      { type: "assert-ref-snapshot-id", ref: "archive", snapshotId: null },
    ]);

    m = await t.commit(new ManageSnapshotsAction().removeBranch("archive").removeBranch("dev"));
    expect([...m.refs.keys()]).toEqual(["main"]);

    // replacing main moves the current snapshot, to any snapshot
    m = await t.commit(new ManageSnapshotsAction().replaceBranch("main", s1));
    expect(m.currentSnapshotId).toBe(s1);
    expect(m.snapshotLog.at(-1)?.snapshotId).toBe(s1);
  });

  it("sees the refs the operations before it left, and sends only the net change", async () => {
    const t = await table(1);
    const [s1] = t.ids;
    const m = await t.commit(new ManageSnapshotsAction().createBranch("a").renameBranch("a", "b").createBranch("c").removeBranch("c").setMaxRefAgeMs("b", 60_000n));
    expect(m.ref("b")).toEqual({ snapshotId: s1, type: "branch", maxRefAgeMs: 60_000n });
    expect(lastRequest(t).updates).toEqual([{ action: "set-snapshot-ref", refName: "b", snapshotId: s1, type: "branch", maxRefAgeMs: 60_000n }]);
    expect(lastRequest(t).requirements).toEqual([
      { type: "assert-table-uuid", uuid: m.tableUuid },
      { type: "assert-ref-snapshot-id", ref: "b", snapshotId: null },
    ]);
  });

  it("sets retention on branches only", async () => {
    const t = await table(1);
    const [s1] = t.ids;
    const m = await t.commit(
      new ManageSnapshotsAction().createBranch("dev").createTag("v1", s1).setMinSnapshotsToKeep("dev", 3).setMaxSnapshotAgeMs("dev", 3_600_000n).setMaxRefAgeMs("v1", 10n),
    );
    expect(m.ref("dev")).toEqual({ snapshotId: s1, type: "branch", minSnapshotsToKeep: 3, maxSnapshotAgeMs: 3_600_000n });
    expect(m.ref("v1")).toEqual({ snapshotId: s1, type: "tag", maxRefAgeMs: 10n });
    await failure(t.commit(new ManageSnapshotsAction().setMinSnapshotsToKeep("v1", 1)), "invalid-input", /^v1 is a tag, not a branch$/);
    await failure(t.commit(new ManageSnapshotsAction().setMaxSnapshotAgeMs("v1", 1n)), "invalid-input", /^v1 is a tag, not a branch$/);
    await failure(t.commit(new ManageSnapshotsAction().setMaxRefAgeMs("nope", 1n)), "not-found", /has no branch or tag nope$/);
    expect(() => new ManageSnapshotsAction().setMinSnapshotsToKeep("dev", 0)).toThrow(/min-snapshots-to-keep of branch dev must be a positive integer, got 0/);
    expect(() => new ManageSnapshotsAction().setMinSnapshotsToKeep("dev", 1.5)).toThrow(/positive integer/);
    expect(() => new ManageSnapshotsAction().setMaxSnapshotAgeMs("dev", -1n)).toThrow(/max-snapshot-age-ms of branch dev must be positive/);
  });

  it("names the branch that is wrong", async () => {
    const t = await table(1);
    const [s1] = t.ids;
    await t.commit(new ManageSnapshotsAction().createBranch("dev").createTag("v1", s1));
    await failure(t.commit(new ManageSnapshotsAction().createBranch("dev")), "already-exists", /already has a branch dev/);
    await failure(t.commit(new ManageSnapshotsAction().createBranch("x", 5n)), "not-found", /has no snapshot 5$/);
    await failure(t.commit(new ManageSnapshotsAction().replaceBranch("nope", s1)), "not-found", /has no branch nope$/);
    await failure(t.commit(new ManageSnapshotsAction().replaceBranch("v1", s1)), "invalid-input", /^v1 is a tag, not a branch$/);
    await failure(t.commit(new ManageSnapshotsAction().removeBranch("main")), "invalid-input", /cannot remove branch main/);
    await failure(t.commit(new ManageSnapshotsAction().removeBranch("v1")), "invalid-input", /^v1 is a tag, not a branch$/);
    await failure(t.commit(new ManageSnapshotsAction().removeBranch("nope")), "not-found", /has no branch nope$/);
    await failure(t.commit(new ManageSnapshotsAction().renameBranch("main", "x")), "invalid-input", /cannot rename branch main/);
    await failure(t.commit(new ManageSnapshotsAction().renameBranch("dev", "v1")), "already-exists", /already has a tag v1/);
    await failure(t.commit(new ManageSnapshotsAction().renameBranch("v1", "x")), "invalid-input", /^v1 is a tag, not a branch$/);
    const empty = await table(0);
    await failure(empty.commit(new ManageSnapshotsAction().createBranch("dev")), "invalid-input", /cannot create branch dev: table .* has no current snapshot to branch from/);
    // nothing of a failed action is committed
    expect([...t.committer.current!.metadata.refs.keys()].sort()).toEqual(["dev", "main", "v1"]);
  });
});

describe("ManageSnapshotsAction: fast-forward", () => {
  /** main at s1; dev at s2, a child of s1 made on dev. */
  async function branched(): Promise<Table & { s1: bigint; s2: bigint }> {
    const t = await table(1);
    const [s1] = t.ids;
    await t.commit(new ManageSnapshotsAction().createBranch("dev"));
    const { metadata } = await new Transaction({ io: t.io, clock: t.clock }).fastAppend([dataFile("dev-1", 1)], { branch: "dev" }).commit(t.committer);
    return { ...t, s1, s2: metadata.ref("dev")!.snapshotId };
  }

  it("moves main to a branch it is an ancestor of", async () => {
    const t = await branched();
    const m = await t.commit(new ManageSnapshotsAction().fastForwardBranch("main", "dev"));
    expect(m.currentSnapshotId).toBe(t.s2);
    expect(m.ref("dev")?.snapshotId).toBe(t.s2);
    expect(m.snapshotLog.map((e) => e.snapshotId)).toEqual([t.s1, t.s2]);
    expect(lastRequest(t).requirements).toContainEqual({ type: "assert-ref-snapshot-id", ref: "main", snapshotId: t.s1 });
    // fast-forwarding to where it is already changes nothing
    const before = t.committer.current;
    expect(await new Transaction({ io: t.io }).addAction(new ManageSnapshotsAction().fastForwardBranch("main", "dev")).commit(t.committer)).toBe(before);
  });

  it("refuses when main has moved on (the two diverged), and names the refs", async () => {
    const t = await branched();
    const { metadata } = await new Transaction({ io: t.io, clock: t.clock }).fastAppend([dataFile("main-2", 1)]).commit(t.committer);
    const s3 = metadata.currentSnapshotId!;
    await failure(
      t.commit(new ManageSnapshotsAction().fastForwardBranch("main", "dev")),
      "invalid-input",
      new RegExp(`cannot fast-forward main to dev: main's snapshot ${s3} is not an ancestor of dev's snapshot ${t.s2}`),
    );
    await failure(t.commit(new ManageSnapshotsAction().fastForwardBranch("main", "nope")), "not-found", /has no branch or tag nope$/);
    await t.commit(new ManageSnapshotsAction().createTag("v1", t.s1));
    await failure(t.commit(new ManageSnapshotsAction().fastForwardBranch("v1", "dev")), "invalid-input", /cannot fast-forward v1: it is a tag/);
    // a branch that does not exist yet is created at the source
    const m = await t.commit(new ManageSnapshotsAction().fastForwardBranch("release", "v1"));
    expect(m.ref("release")).toEqual({ snapshotId: t.s1, type: "branch" });
  });
});

describe("ManageSnapshotsAction: concurrent commits", () => {
  it("a commit whose ref moved since it was prepared is refused by its requirements", async () => {
    const t = await table(3);
    const [s1, s2, s3] = t.ids;
    await t.commit(new ManageSnapshotsAction().createBranch("dev", s1));
    const base: CommittedTable = t.committer.current!;
    const prepared = await new Transaction({ io: t.io, clock: t.clock, base }).addAction(new ManageSnapshotsAction().replaceBranch("dev", s2)).prepare(base);
    await t.commit(new ManageSnapshotsAction().replaceBranch("dev", s3));

    const error = await t.committer.commit({ ...prepared, metadata: prepared.metadata! }).catch((e: unknown) => e);
    expect(isFloeError(error, "commit-conflict")).toBe(true);
    expect((error as Error).message).toBe(`requirement assert-ref-snapshot-id failed: branch dev is at snapshot ${s3}, expected snapshot ${s1}`);
    expect(t.committer.current!.metadata.ref("dev")?.snapshotId).toBe(s3);
  });

  it("on retry, runs again on the new table: a fast-forward that no longer holds fails there", async () => {
    const t = await table(1);
    await t.commit(new ManageSnapshotsAction().createBranch("dev"));
    await new Transaction({ io: t.io, clock: t.clock }).fastAppend([dataFile("dev-1", 1)], { branch: "dev" }).commit(t.committer);
    const base = t.committer.current!;
    const sleeps: number[] = [];
    const tx = new Transaction({ io: t.io, clock: t.clock, base, sleep: async (ms) => void sleeps.push(ms) }).addAction(
      new ManageSnapshotsAction().fastForwardBranch("main", "dev"),
    );
    // another writer appends to main first
    await new Transaction({ io: t.io, clock: t.clock }).fastAppend([dataFile("main-2", 1)]).commit(t.committer);
    await failure(tx.commit(t.committer), "invalid-input", /cannot fast-forward main to dev: .* is not an ancestor/);
    expect(sleeps).toEqual([1]);
    expect(t.committer.requests.at(-1)!.updates).toEqual([
      { action: "set-snapshot-ref", refName: "main", snapshotId: base.metadata.ref("dev")!.snapshotId, type: "branch" },
    ]);
  });
});

import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isFloeError } from "../../core/errors/FloeError.js";
import { LocalFileIO } from "../../io/LocalFileIO.js";
import { MemoryFileIO } from "../../io/MemoryFileIO.js";
import { DataFileContent, type DataFile } from "../../table/manifest/dataFile.js";
import { Schema } from "../../table/spec/schema.js";
import { ManageSnapshotsAction } from "../../table/transaction/ManageSnapshotsAction.js";
import { Transaction } from "../../table/transaction/Transaction.js";
import { FileSystemTableCommitter } from "./FileSystemTableCommitter.js";

const schema = new Schema([{ id: 1, name: "id", required: false, type: { type: "long" } }]);

function dataFile(location: string, name: string, records: number): DataFile {
  return {
    content: DataFileContent.DATA,
    filePath: `${location}/data/${name}.parquet`,
    fileFormat: "parquet",
    specId: 0,
    partition: {},
    recordCount: BigInt(records),
    fileSizeInBytes: 100n,
  };
}

describe("FileSystemTableCommitter", () => {
  let dir: string;
  let location: string;
  const io = new LocalFileIO();

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "floe-fs-committer-"));
    location = path.join(dir, "db", "events");
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it("writes v1, v2, ... with a version hint, and loads the latest", async () => {
    const committer = new FileSystemTableCommitter(location, io);
    expect(await committer.load()).toBeUndefined();
    const created = await new Transaction({ io }).createTable({ schema, location }).commit(committer);
    expect(created.metadataLocation).toBe(`${location}/metadata/v1.metadata.json`);
    const appended = await new Transaction({ io }).fastAppend([dataFile(location, "a", 3)]).commit(committer);
    expect(appended.metadataLocation).toBe(`${location}/metadata/v2.metadata.json`);
    expect(await fs.readFile(`${location}/metadata/version-hint.text`, "utf8")).toBe("2");
    expect(appended.metadata.metadataLog.map((e) => e.metadataFile)).toEqual([`${location}/metadata/v1.metadata.json`]);

    const loaded = await new FileSystemTableCommitter(location, io).load();
    expect(loaded?.metadataLocation).toBe(appended.metadataLocation);
    expect(loaded?.metadata.fields()).toEqual(appended.metadata.fields());
  });

  it("finds the latest version past a stale or missing hint", async () => {
    const committer = new FileSystemTableCommitter(location, io);
    await new Transaction({ io }).createTable({ schema, location }).commit(committer);
    for (const name of ["a", "b", "c"]) await new Transaction({ io }).fastAppend([dataFile(location, name, 1)]).commit(committer);
    await fs.writeFile(`${location}/metadata/version-hint.text`, "2");
    expect((await committer.load())?.metadataLocation).toBe(`${location}/metadata/v4.metadata.json`);
    await fs.writeFile(`${location}/metadata/version-hint.text`, "garbage");
    expect((await committer.load())?.metadataLocation).toBe(`${location}/metadata/v4.metadata.json`);
    await fs.rm(`${location}/metadata/version-hint.text`);
    expect((await committer.load())?.metadataLocation).toBe(`${location}/metadata/v4.metadata.json`);
    // the next commit continues from there and rewrites the hint
    await new Transaction({ io }).fastAppend([dataFile(location, "d", 1)]).commit(committer);
    expect(await fs.readFile(`${location}/metadata/version-hint.text`, "utf8")).toBe("5");
    expect((await committer.load())?.metadata.currentSnapshot()?.summary["total-records"]).toBe("4");
  });

  it("lets exactly one of two writers of the same version win", async () => {
    const committer = new FileSystemTableCommitter(location, io);
    const created = await new Transaction({ io }).createTable({ schema, location }).commit(committer);
    const request = async (name: string) => {
      const tx = new Transaction({ io, base: created }).fastAppend([dataFile(location, name, 1)]);
      const prepared = await tx.prepare(created);
      return committer.commit({ base: prepared.base, requirements: prepared.requirements, updates: prepared.updates, metadata: prepared.metadata! });
    };
    const results = await Promise.allSettled([request("a"), request("b")]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(isFloeError(lost[0].reason, "commit-conflict")).toBe(true);
    expect((await committer.load())?.metadataLocation).toBe(`${location}/metadata/v2.metadata.json`);
  });

  it("two transactions from the same base both land: the second retries", async () => {
    const committer = new FileSystemTableCommitter(location, io);
    const base = await new Transaction({ io }).createTable({ schema, location, properties: { "commit.retry.min-wait-ms": "1" } }).commit(committer);
    const results = await Promise.all(
      ["a", "b", "c", "d"].map((name) => new Transaction({ io, base }).fastAppend([dataFile(location, name, 1)]).commit(new FileSystemTableCommitter(location, io))),
    );
    expect(results.map((r) => r.metadataLocation).sort()).toEqual([2, 3, 4, 5].map((v) => `${location}/metadata/v${v}.metadata.json`));
    const latest = (await committer.load())!;
    expect(latest.metadata.snapshots).toHaveLength(4);
    expect(latest.metadata.currentSnapshot()?.summary["total-records"]).toBe("4");
    expect(latest.metadata.lastSequenceNumber).toBe(4n);
  });

  it("refuses a commit from a base that is no longer current", async () => {
    const committer = new FileSystemTableCommitter(location, io);
    const created = await new Transaction({ io }).createTable({ schema, location }).commit(committer);
    const stale = await new Transaction({ io, base: created }).fastAppend([dataFile(location, "a", 1)]).prepare(created);
    await new Transaction({ io }).setProperties({ x: "1" }).commit(committer);
    const error = await committer
      .commit({ base: stale.base, requirements: stale.requirements, updates: stale.updates, metadata: stale.metadata! })
      .catch((e: unknown) => e);
    expect(isFloeError(error, "commit-conflict")).toBe(true);
    expect((error as Error).message).toContain("the table moved to");
    const again = await committer.commit({ base: undefined, requirements: [{ type: "assert-create" }], updates: [], metadata: created.metadata }).catch((e: unknown) => e);
    expect((again as Error).message).toMatch(/already exists/);
  });

  it("works on any FileIO, e.g. in memory", async () => {
    const memory = new MemoryFileIO();
    const at = "memory://lake/t";
    const committer = new FileSystemTableCommitter(at, memory);
    await new Transaction({ io: memory }).createTable({ schema, location: at }).commit(committer);
    await new Transaction({ io: memory }).fastAppend([dataFile(at, "a", 2)]).commit(committer);
    const loaded = await committer.load();
    expect(loaded?.metadataLocation).toBe(`${at}/metadata/v2.metadata.json`);
    expect(new TextDecoder().decode(await memory.read(`${at}/metadata/version-hint.text`))).toBe("2");
  });
  it("with write.metadata.delete-after-commit.enabled, deletes the metadata files that fell off the log", async () => {
    const memory = new MemoryFileIO();
    const at = "memory://lake/t";
    const committer = new FileSystemTableCommitter(at, memory);
    const properties = { "write.metadata.previous-versions-max": "2", "write.metadata.delete-after-commit.enabled": "true" };
    await new Transaction({ io: memory }).createTable({ schema, location: at, properties }).commit(committer);
    const versions = async () => {
      const out: string[] = [];
      for await (const file of memory.list(`${at}/metadata`)) if (file.endsWith(".metadata.json")) out.push(file.slice(file.lastIndexOf("/") + 1));
      return out.sort();
    };
    await new Transaction({ io: memory }).fastAppend([dataFile(at, "a", 1)]).commit(committer);
    await new Transaction({ io: memory }).fastAppend([dataFile(at, "b", 1)]).commit(committer);
    expect(await versions()).toEqual(["v1.metadata.json", "v2.metadata.json", "v3.metadata.json"]);
    await new Transaction({ io: memory }).fastAppend([dataFile(at, "c", 1)]).commit(committer);
    const last = await new Transaction({ io: memory }).fastAppend([dataFile(at, "d", 1)]).commit(committer);

    expect(last.metadataLocation).toBe(`${at}/metadata/v5.metadata.json`);
    expect(last.metadata.metadataLog.map((e) => e.metadataFile)).toEqual([`${at}/metadata/v3.metadata.json`, `${at}/metadata/v4.metadata.json`]);
    expect(await versions()).toEqual(["v3.metadata.json", "v4.metadata.json", "v5.metadata.json"]);
    // the manifests and manifest lists of every snapshot stay
    const lists: string[] = [];
    for await (const file of memory.list(`${at}/metadata`)) if (file.includes("/snap-")) lists.push(file);
    expect(lists).toHaveLength(4);
    expect((await committer.load())?.metadata.snapshots).toHaveLength(4);
  });

  it("keeps every metadata file when delete-after-commit is off, and commits even when a delete fails", async () => {
    const memory = new MemoryFileIO();
    const at = "memory://lake/t";
    const committer = new FileSystemTableCommitter(at, memory);
    await new Transaction({ io: memory }).createTable({ schema, location: at, properties: { "write.metadata.previous-versions-max": "1" } }).commit(committer);
    for (const name of ["a", "b"]) await new Transaction({ io: memory }).fastAppend([dataFile(at, name, 1)]).commit(committer);
    for (const v of [1, 2, 3]) expect(await memory.exists(`${at}/metadata/v${v}.metadata.json`)).toBe(true);

    const attempted: string[] = [];
    const failing = Object.assign(Object.create(memory) as MemoryFileIO, {
      delete: async (location: string) => {
        attempted.push(location);
        throw new Error(`cannot delete ${location}`);
      },
    });
    const table = await new Transaction({ io: failing })
      .setProperties({ "write.metadata.delete-after-commit.enabled": "true" })
      .commit(new FileSystemTableCommitter(at, failing));
    expect(table.metadataLocation).toBe(`${at}/metadata/v4.metadata.json`);
    expect(attempted).toEqual([`${at}/metadata/v2.metadata.json`]);
    expect(await memory.exists(`${at}/metadata/v2.metadata.json`)).toBe(true);
    // the next commit, with a working FileIO, deletes what its own log drops (v3), not the earlier leftovers
    await new Transaction({ io: memory }).setProperties({ x: "1" }).commit(committer);
    expect(await memory.exists(`${at}/metadata/v3.metadata.json`)).toBe(false);
    expect(await memory.exists(`${at}/metadata/v4.metadata.json`)).toBe(true);
    expect(await memory.exists(`${at}/metadata/v2.metadata.json`)).toBe(true);
  });

  it("refuses a snapshot-management commit whose ref moved since it was prepared", async () => {
    const memory = new MemoryFileIO();
    const at = "memory://lake/t";
    const committer = new FileSystemTableCommitter(at, memory);
    await new Transaction({ io: memory }).createTable({ schema, location: at }).commit(committer);
    const ids: bigint[] = [];
    for (const name of ["a", "b", "c"]) ids.push((await new Transaction({ io: memory }).fastAppend([dataFile(at, name, 1)]).commit(committer)).metadata.currentSnapshotId!);
    const base = (await new Transaction({ io: memory }).addAction(new ManageSnapshotsAction().createBranch("dev", ids[0])).commit(committer))!;
    const prepared = await new Transaction({ io: memory, base }).addAction(new ManageSnapshotsAction().replaceBranch("dev", ids[1])).prepare(base);
    const moved = await new Transaction({ io: memory }).addAction(new ManageSnapshotsAction().replaceBranch("dev", ids[2])).commit(committer);

    const stale = await committer.commit({ base: prepared.base, requirements: prepared.requirements, updates: prepared.updates, metadata: prepared.metadata! }).catch((e: unknown) => e);
    expect(isFloeError(stale, "commit-conflict")).toBe(true);
    expect((stale as Error).message).toContain("the table moved to");
    // from the new base, the requirement on dev still refuses it
    const guarded = await committer
      .commit({ base: moved.metadataLocation, requirements: prepared.requirements, updates: prepared.updates, metadata: prepared.metadata! })
      .catch((e: unknown) => e);
    expect(isFloeError(guarded, "commit-conflict")).toBe(true);
    expect((guarded as Error).message).toBe(`requirement assert-ref-snapshot-id failed: branch dev is at snapshot ${ids[2]}, expected snapshot ${ids[0]}`);
    expect((await committer.load())?.metadata.ref("dev")?.snapshotId).toBe(ids[2]);
  });
});

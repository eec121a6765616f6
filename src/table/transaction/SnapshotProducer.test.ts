import { describe, expect, it } from "vitest";
import { FileSystemTableCommitter } from "../../catalog/filesystem/FileSystemTableCommitter.js";
import { isFloeError } from "../../core/errors/FloeError.js";
import { MemoryFileIO } from "../../io/MemoryFileIO.js";
import { eq } from "../expr/Expression.js";
import { DataFileContent, ManifestEntryStatus, type DataFile } from "../manifest/dataFile.js";
import { readManifestEntries, readSnapshotManifests } from "../manifest/manifest.js";
import { PartitionSpec } from "../spec/partitionSpec.js";
import { Schema } from "../spec/schema.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import { DeleteFilesAction } from "./DeleteFilesAction.js";
import { OverwriteFilesAction } from "./OverwriteFilesAction.js";
import { ReplacePartitionsAction } from "./ReplacePartitionsAction.js";
import { RewriteFilesAction } from "./RewriteFilesAction.js";
import { RowDeltaAction } from "./RowDeltaAction.js";
import type { CommittedTable } from "./TableCommitter.js";
import { Transaction } from "./Transaction.js";

const LOCATION = "memory://warehouse/db/events";
const schema = new Schema([
  { id: 1, name: "id", required: true, type: { type: "long" } },
  { id: 2, name: "day", required: false, type: { type: "date" } },
]);
const spec = new PartitionSpec(0, [{ sourceId: 2, fieldId: 1000, name: "day", transform: "identity" }]);
const DAY1 = 19000;
const DAY2 = 19001;

function dataFile(name: string, records: number, day: number): DataFile {
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

function positionDeletes(name: string, records: number, target: DataFile): DataFile {
  return {
    ...dataFile(name, records, target.partition[1000] as number),
    content: DataFileContent.POSITION_DELETES,
    referencedDataFile: target.filePath,
  };
}

async function setUp() {
  const io = new MemoryFileIO();
  const committer = new FileSystemTableCommitter(LOCATION, io);
  let now = 1_700_000_000_000;
  const clock = () => (now += 1000);
  const properties = { "commit.retry.min-wait-ms": "1" };
  let table = await new Transaction({ io, clock }).createTable({ schema, spec, location: LOCATION, properties }).commit(committer);
  const a = dataFile("a", 10, DAY1);
  const b = dataFile("b", 20, DAY1);
  const c = dataFile("c", 30, DAY2);
  table = await new Transaction({ io, clock, base: table }).fastAppend([a, b, c]).commit(committer);
  const tx = (base?: CommittedTable) => new Transaction({ io, clock, base });
  return { io, committer, clock, table, a, b, c, tx };
}

/** The live files of the current snapshot, by name, with the status of their entries. */
async function liveFiles(io: MemoryFileIO, metadata: TableMetadata): Promise<string[]> {
  const snapshot = metadata.currentSnapshot();
  if (snapshot === undefined) return [];
  const out: string[] = [];
  for (const manifest of await readSnapshotManifests(io, snapshot)) {
    for (const entry of await readManifestEntries(io, manifest)) {
      if (entry.status !== ManifestEntryStatus.DELETED) out.push(entry.dataFile.filePath.replace(`${LOCATION}/data/`, "").replace(".parquet", ""));
    }
  }
  return out.sort();
}

async function expectConflict(work: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isFloeError(error) && error.kind === "commit-conflict", `expected a commit-conflict, got ${String(error)}`).toBe(true);
  expect((error as Error).message).toMatch(pattern);
}

describe("OverwriteFilesAction", () => {
  it("replaces files in one snapshot with the spec's summary", async () => {
    const { io, committer, table, a, tx } = await setUp();
    const a2 = dataFile("a2", 7, DAY1);
    const result = await tx(table).addAction(new OverwriteFilesAction().remove(a).add(a2)).commit(committer);
    const snapshot = result.metadata.currentSnapshot()!;
    expect(snapshot.summary).toMatchObject({
      operation: "overwrite",
      "added-data-files": "1",
      "added-records": "7",
      "deleted-data-files": "1",
      "deleted-records": "10",
      "removed-files-size": "100",
      "changed-partition-count": "1",
      "total-data-files": "3",
      "total-records": "57",
    });
    expect(await liveFiles(io, result.metadata)).toEqual(["a2", "b", "c"]);
    // the removed file stays listed as DELETED in this snapshot, for incremental readers
    const entries = (await Promise.all((await readSnapshotManifests(io, snapshot)).map((m) => readManifestEntries(io, m)))).flat();
    const removed = entries.find((e) => e.dataFile.filePath === a.filePath)!;
    expect(removed.status).toBe(ManifestEntryStatus.DELETED);
    expect(removed.snapshotId).toBe(snapshot.snapshotId);
    expect(removed.sequenceNumber).toBe(1n);
    expect(entries.find((e) => e.dataFile.filePath.endsWith("b.parquet"))?.status).toBe(ManifestEntryStatus.EXISTING);
    expect((await committer.load())!.metadata.currentSnapshotId).toBe(snapshot.snapshotId);
  });

  it("refuses to remove a file that is not in the table, and commits nothing", async () => {
    const { committer, table, tx } = await setUp();
    await expect(tx(table).addAction(new OverwriteFilesAction().remove(`${LOCATION}/data/nope.parquet`)).commit(committer)).rejects.toThrow(
      /cannot remove .*nope\.parquet: not a live file of branch main/,
    );
    expect((await committer.load())!.metadataLocation).toBe(table.metadataLocation);
  });

  it("commutes with a concurrent append outside its conflict filter", async () => {
    const { io, committer, table, a, tx } = await setUp();
    await tx(table).fastAppend([dataFile("d", 1, DAY2)]).commit(committer);
    const result = await tx(table)
      .addAction(new OverwriteFilesAction({ conflictDetectionFilter: eq("day", "2022-01-08") }).remove(a).add(dataFile("a2", 3, DAY1)).validateNoConflictingData())
      .commit(committer);
    expect(await liveFiles(io, result.metadata)).toEqual(["a2", "b", "c", "d"]);
  });

  it("fails when a concurrent append added data its filter matches, leaving the table as the other commit left it", async () => {
    const { io, committer, table, a, tx } = await setUp();
    const other = await tx(table).fastAppend([dataFile("d", 1, DAY1)]).commit(committer);
    await expectConflict(
      tx(table)
        .addAction(new OverwriteFilesAction({ conflictDetectionFilter: eq("day", "2022-01-08") }).remove(a).add(dataFile("a2", 3, DAY1)).validateNoConflictingData())
        .commit(committer),
      /snapshot \d+ \(append\) added data file .*d\.parquet that may hold rows matching day = /,
    );
    const now = (await committer.load())!;
    expect(now.metadataLocation).toBe(other.metadataLocation);
    expect(await liveFiles(io, now.metadata)).toEqual(["a", "b", "c", "d"]);
  });

  it("of two concurrent overwrites of the same file, the second fails", async () => {
    const { committer, table, a, tx } = await setUp();
    await tx(table).addAction(new OverwriteFilesAction().remove(a).add(dataFile("x", 1, DAY1))).commit(committer);
    await expectConflict(
      tx(table).addAction(new OverwriteFilesAction().remove(a).add(dataFile("y", 1, DAY1))).commit(committer),
      /removed .*a\.parquet, which this change removes/,
    );
  });

  it("with validateNoConflictingDeletes, fails when concurrent deletes apply to a file it replaces", async () => {
    const { committer, table, a, tx } = await setUp();
    await tx(table).addAction(new RowDeltaAction().addDeletes(positionDeletes("a-deletes", 2, a))).commit(committer);
    await expectConflict(
      tx(table).addAction(new OverwriteFilesAction().remove(a).add(dataFile("a2", 3, DAY1)).validateNoConflictingDeletes()).commit(committer),
      /added delete file .*a-deletes\.parquet for data file .*a\.parquet/,
    );
  });

  it("fails when the branch was rolled back past its starting snapshot", async () => {
    const { committer, table, a, tx } = await setUp();
    const action = new OverwriteFilesAction({ startingSnapshotId: 123n }).remove(a);
    await expectConflict(tx(table).addAction(action).commit(committer), /no longer descends from snapshot 123/);
  });
});

describe("DeleteFilesAction", () => {
  it("drops whole files and the delete files that name them", async () => {
    const { io, committer, table, a, b, tx } = await setUp();
    const withDeletes = await tx(table).addAction(new RowDeltaAction().addDeletes(positionDeletes("a-deletes", 2, a))).commit(committer);
    expect(await liveFiles(io, withDeletes.metadata)).toEqual(["a", "a-deletes", "b", "c"]);
    const result = await tx(withDeletes).addAction(new DeleteFilesAction().deleteFile(a).deleteFile(b.filePath)).commit(committer);
    expect(await liveFiles(io, result.metadata)).toEqual(["c"]);
    expect(result.metadata.currentSnapshot()!.summary).toMatchObject({
      operation: "delete",
      "deleted-data-files": "2",
      "deleted-records": "30",
      "removed-delete-files": "1",
      "removed-position-deletes": "2",
      "total-data-files": "1",
      "total-delete-files": "0",
      "total-records": "30",
      "total-position-deletes": "0",
    });
  });
});

describe("RowDeltaAction", () => {
  it("adds rows and deletes in one snapshot", async () => {
    const { io, committer, table, a, tx } = await setUp();
    const result = await tx(table)
      .addAction(new RowDeltaAction().addRows(dataFile("a-new", 2, DAY1)).addDeletes(positionDeletes("a-deletes", 2, a)).validateDataFilesExist([a.filePath]))
      .commit(committer);
    expect(result.metadata.currentSnapshot()!.summary).toMatchObject({
      operation: "overwrite",
      "added-data-files": "1",
      "added-delete-files": "1",
      "added-position-deletes": "2",
      "total-delete-files": "1",
    });
    expect(await liveFiles(io, result.metadata)).toEqual(["a", "a-deletes", "a-new", "b", "c"]);
    const manifests = await readSnapshotManifests(io, result.metadata.currentSnapshot()!);
    expect(manifests.filter((m) => m.content === 1)).toHaveLength(1);
  });

  it("fails when a concurrent commit removed a data file its deletes refer to", async () => {
    const { committer, table, a, tx } = await setUp();
    await tx(table).addAction(new DeleteFilesAction().deleteFile(a)).commit(committer);
    await expectConflict(
      tx(table).addAction(new RowDeltaAction().addDeletes(positionDeletes("a-deletes", 2, a)).validateDataFilesExist([a.filePath])).commit(committer),
      /\(delete\) removed .*a\.parquet/,
    );
  });
});

describe("RewriteFilesAction", () => {
  it("compacts files in a replace snapshot that keeps the totals", async () => {
    const { io, committer, table, a, b, tx } = await setUp();
    await tx(table).fastAppend([dataFile("d", 1, DAY2)]).commit(committer);
    // an append committed meanwhile commutes with the rewrite
    const result = await tx(table).addAction(new RewriteFilesAction().rewriteFiles([a, b], [dataFile("ab", 30, DAY1)])).commit(committer);
    expect(await liveFiles(io, result.metadata)).toEqual(["ab", "c", "d"]);
    expect(result.metadata.currentSnapshot()!.summary).toMatchObject({ operation: "replace", "total-records": "61", "total-data-files": "3" });
  });

  it("fails when concurrent deletes apply to a rewritten file", async () => {
    const { committer, table, a, b, tx } = await setUp();
    await tx(table).addAction(new RowDeltaAction().addDeletes(positionDeletes("b-deletes", 1, b))).commit(committer);
    await expectConflict(
      tx(table).addAction(new RewriteFilesAction().rewriteFiles([a, b], [dataFile("ab", 30, DAY1)])).commit(committer),
      /b-deletes\.parquet for data file .*b\.parquet/,
    );
  });
});

describe("ReplacePartitionsAction", () => {
  it("replaces the partitions of the added files and keeps the others", async () => {
    const { io, committer, table, tx } = await setUp();
    const result = await tx(table).addAction(new ReplacePartitionsAction().add(dataFile("day1", 5, DAY1))).commit(committer);
    expect(await liveFiles(io, result.metadata)).toEqual(["c", "day1"]);
    expect(result.metadata.currentSnapshot()!.summary).toMatchObject({ operation: "overwrite", "deleted-data-files": "2", "total-records": "35" });
  });

  it("of two concurrent overwrites of one partition, the second fails with a conflict", async () => {
    const { io, committer, table, tx } = await setUp();
    const first = await tx(table).addAction(new ReplacePartitionsAction().add(dataFile("first", 5, DAY1)).validateNoConflictingData()).commit(committer);
    await expectConflict(
      tx(table).addAction(new ReplacePartitionsAction().add(dataFile("second", 6, DAY1)).validateNoConflictingData()).commit(committer),
      /added data file .*first\.parquet that may hold rows in a partition this change replaces/,
    );
    const now = (await committer.load())!;
    expect(now.metadataLocation).toBe(first.metadataLocation);
    expect(await liveFiles(io, now.metadata)).toEqual(["c", "first"]);
  });

  it("without validation, replaces what a concurrent commit wrote to the partition", async () => {
    const { io, committer, table, tx } = await setUp();
    await tx(table).fastAppend([dataFile("late", 1, DAY1)]).commit(committer);
    const result = await tx(table).addAction(new ReplacePartitionsAction().add(dataFile("day1", 5, DAY1))).commit(committer);
    expect(await liveFiles(io, result.metadata)).toEqual(["c", "day1"]);
  });
});

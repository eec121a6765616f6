import { describe, expect, it } from "vitest";
import { FloeError, isFloeError } from "../../core/errors/FloeError.js";
import { MemoryFileIO } from "../../io/MemoryFileIO.js";
import { MemoryTableCommitter } from "../../../test/support/memoryTableCommitter.js";
import { DataFileContent, type DataFile } from "../manifest/dataFile.js";
import { readManifestEntries, readSnapshotManifests } from "../manifest/manifest.js";
import { PartitionSpec, type PartitionField } from "../spec/partitionSpec.js";
import { Schema } from "../spec/schema.js";
import type { FormatVersion, TableMetadata } from "../spec/tableMetadata.js";
import { BucketTransform } from "../transform/index.js";
import { applyUpdates } from "./applyUpdates.js";
import { newTable } from "./NewTableAction.js";
import { defaultPartitionName, parsePartitionTerm } from "./partitionTerms.js";
import { parseTransform } from "../transform/parseTransform.js";
import { Transaction } from "./Transaction.js";
import { UpdatePartitionSpecAction } from "./UpdatePartitionSpecAction.js";
import { UpdateSchemaAction } from "./UpdateSchemaAction.js";
import type { ActionCommit } from "./updates.js";

const LOCATION = "memory://warehouse/db/partitioned";

// ids after creation: id 1, ts 2, name 3, category 4, d 5, amount 6
const schema = new Schema([
  { id: 1, name: "id", required: true, type: { type: "long" } },
  { id: 2, name: "ts", required: false, type: { type: "timestamptz" } },
  { id: 3, name: "name", required: false, type: { type: "string" } },
  { id: 4, name: "category", required: false, type: { type: "string" } },
  { id: 5, name: "d", required: false, type: { type: "date" } },
  { id: 6, name: "amount", required: false, type: { type: "double" } },
]);
const daySpec = new PartitionSpec(0, [{ sourceId: 2, fieldId: 1000, name: "ts_day", transform: "day" }]);

async function created(formatVersion: FormatVersion = 2, spec: PartitionSpec = daySpec): Promise<TableMetadata> {
  const { updates } = await newTable(schema, spec, undefined, LOCATION, {}, formatVersion).commit({ metadata: undefined, io: new MemoryFileIO(), attempt: 1, nowMs: 1 });
  return applyUpdates(undefined, updates, { nowMs: 1 });
}

async function run(metadata: TableMetadata, action: UpdatePartitionSpecAction): Promise<{ metadata: TableMetadata; commit: ActionCommit; fields: PartitionField[] }> {
  const commit = await action.commit({ metadata, io: new MemoryFileIO(), attempt: 1, nowMs: 2 });
  const next = applyUpdates(metadata, commit.updates, { nowMs: 2 });
  return { metadata: next, commit, fields: [...next.defaultSpec().fields] };
}

async function failure(metadata: TableMetadata, action: UpdatePartitionSpecAction): Promise<FloeError> {
  const error = await action.commit({ metadata, io: new MemoryFileIO(), attempt: 1, nowMs: 2 }).catch((e: unknown) => e);
  if (!(error instanceof FloeError)) throw new Error(`expected a FloeError, got ${String(error)}`);
  return error;
}

const brief = (fields: readonly PartitionField[]) => fields.map((f) => [f.fieldId, f.name, f.transform, f.sourceId]);

describe("UpdatePartitionSpecAction", () => {
  it("adds fields with Iceberg's default names and ids after last-partition-id, and commits add-spec + set-default-spec", async () => {
    const m = await created();
    const { metadata, commit, fields } = await run(
      m,
      new UpdatePartitionSpecAction()
        .addField("id", "bucket[16]")
        .addField("name", "truncate[4]")
        .addField("category")
        .addField("d", "year")
        .addField("category", new BucketTransform(4), "category_shard"),
    );
    expect(commit.requirements).toEqual([
      { type: "assert-default-spec-id", defaultSpecId: 0 },
      { type: "assert-last-assigned-partition-id", lastAssignedPartitionId: 1000 },
    ]);
    expect(commit.updates.map((u) => u.action)).toEqual(["add-spec", "set-default-spec"]);
    expect(commit.updates[1]).toEqual({ action: "set-default-spec", specId: -1 });
    expect(brief(fields)).toEqual([
      [1000, "ts_day", "day", 2],
      [1001, "id_bucket_16", "bucket[16]", 1],
      [1002, "name_trunc_4", "truncate[4]", 3],
      [1003, "category", "identity", 4],
      [1004, "d_year", "year", 5],
      [1005, "category_shard", "bucket[4]", 4],
    ]);
    expect(metadata.defaultSpecId).toBe(1);
    expect(metadata.lastPartitionId).toBe(1005);
    expect(metadata.specById(0)?.fields).toEqual(daySpec.fields);
  });

  it("replaces day(ts) with hour(ts) in v2: the old field goes, the new one takes the next id", async () => {
    const m = await created(2);
    const { metadata, fields } = await run(m, new UpdatePartitionSpecAction().removeField("ts_day").addField("ts", "hour"));
    expect(brief(fields)).toEqual([[1001, "ts_hour", "hour", 2]]);
    expect(metadata.lastPartitionId).toBe(1001);
    // the same by term
    const byTerm = await run(m, new UpdatePartitionSpecAction().removeField("day(ts)").addField("ts", "hour"));
    expect(brief(byTerm.fields)).toEqual([[1001, "ts_hour", "hour", 2]]);

    // going back to day(ts) brings back its partition field id and name
    const back = await run(metadata, new UpdatePartitionSpecAction().removeField({ sourceColumn: "ts", transform: "hour" }).addField("ts", "day"));
    expect(brief(back.fields)).toEqual([[1000, "ts_day", "day", 2]]);
    expect(back.metadata.defaultSpecId).toBe(0);
    expect(back.metadata.partitionSpecs).toHaveLength(2);
    expect(back.metadata.lastPartitionId).toBe(1001);
  });

  it("keeps removed fields as void in v1, never reusing their ids, and frees their names", async () => {
    const m = await created(1);
    const replaced = await run(m, new UpdatePartitionSpecAction().removeField("ts_day").addField("ts", "hour"));
    expect(brief(replaced.fields)).toEqual([
      [1000, "ts_day", "void", 2],
      [1001, "ts_hour", "hour", 2],
    ]);
    const back = await run(replaced.metadata, new UpdatePartitionSpecAction().removeField("ts_hour").addField("ts", "day"));
    expect(brief(back.fields)).toEqual([
      [1000, "ts_day_1000", "void", 2],
      [1001, "ts_hour", "void", 2],
      [1002, "ts_day", "day", 2],
    ]);
    expect(back.metadata.lastPartitionId).toBe(1002);
  });

  it("renames a field in place and treats a field removed and added back as kept", async () => {
    const m = await created();
    const renamed = await run(m, new UpdatePartitionSpecAction().renameField("ts_day", "day"));
    expect(brief(renamed.fields)).toEqual([[1000, "day", "day", 2]]);
    const kept = await run(m, new UpdatePartitionSpecAction().removeField("ts_day").addField("ts", "day"));
    expect(kept.commit.updates).toEqual([]);
    expect(kept.metadata).toBe(m);
    const keptRenamed = await run(m, new UpdatePartitionSpecAction().removeField("ts_day").addField("ts", "day", "by_day"));
    expect(brief(keptRenamed.fields)).toEqual([[1000, "by_day", "day", 2]]);
  });

  it("matches column names exactly unless told otherwise", async () => {
    const m = await created();
    expect((await failure(m, new UpdatePartitionSpecAction().addField("ID", "bucket[2]"))).message).toMatch(/the table has no column "ID"/);
    const { fields } = await run(m, new UpdatePartitionSpecAction({ caseSensitive: false }).addField("ID", "bucket[2]"));
    expect(brief(fields)[1]).toEqual([1001, "id_bucket_2", "bucket[2]", 1]);
  });

  it("refuses bad changes with messages that name the field and column", async () => {
    const m = await created();
    const cases: [UpdatePartitionSpecAction, RegExp][] = [
      [new UpdatePartitionSpecAction().addField("nope", "day"), /^cannot add partition field day\(nope\): the table has no column "nope"$/],
      [new UpdatePartitionSpecAction().addField("ts", "day"), /^cannot add partition field day\(ts\): the current partition spec already has it, as "ts_day"$/],
      [new UpdatePartitionSpecAction().addField("id", "bucket[8]", "ts_day"), /^cannot add partition field "ts_day" \(bucket\[8\]\(id\)\): the current partition spec already has a field named "ts_day"$/],
      [new UpdatePartitionSpecAction().addField("id").addField("id"), /^cannot add partition field identity\(id\): this update already adds it, as "id"$/],
      [new UpdatePartitionSpecAction().addField("d", "hour"), /^cannot add partition field hour\(d\): transform hour cannot be applied to column "d" of type date$/],
      [new UpdatePartitionSpecAction().addField("d", "day").addField("d", "month"), /^cannot add partition field month\(d\): this update already adds day\(d\) as "d_day"; two time partitions of one column are redundant$/],
      [new UpdatePartitionSpecAction().addField("id", "void"), /a void partition field partitions nothing/],
      [new UpdatePartitionSpecAction().addField("id", "zorder"), /unknown transform "zorder"/],
      [new UpdatePartitionSpecAction().addField("id", "bucket[4]", "name"), /^partition field "name" \(bucket\[4\]\) cannot have the name of column "name"/],
      [new UpdatePartitionSpecAction().removeField("nope"), /^cannot remove partition field "nope": the current partition spec \(id 0\) has no field of that name or term$/],
      [new UpdatePartitionSpecAction().removeField("hour(ts)"), /^cannot remove partition field "hour\(ts\)": the current partition spec \(id 0\) has no field/],
      [new UpdatePartitionSpecAction().addField("id").removeField("id"), /^cannot remove partition field "id": this update adds it$/],
      [new UpdatePartitionSpecAction().renameField("nope", "x"), /^cannot rename partition field "nope" to "x": the current partition spec \(id 0\) has no such field$/],
      [new UpdatePartitionSpecAction().removeField("ts_day").renameField("ts_day", "x"), /this update removes it$/],
    ];
    for (const [action, pattern] of cases) {
      const error = await failure(m, action);
      expect(error.message).toMatch(pattern);
    }
    expect(isFloeError(await failure(m, new UpdatePartitionSpecAction().addField("id", "zorder")), "unsupported")).toBe(true);
  });

  it("a retry after a concurrent partition change is refused by the requirement", async () => {
    const io = new MemoryFileIO();
    const committer = new MemoryTableCommitter(LOCATION);
    await new Transaction({ io }).createTable({ schema, spec: daySpec, location: LOCATION, properties: { "commit.retry.min-wait-ms": "1" } }).commit(committer);
    const loser = new Transaction({ io, base: committer.current, sleep: async () => {} }).addAction(new UpdatePartitionSpecAction().addField("id", "bucket[8]"));
    await new Transaction({ io }).addAction(new UpdatePartitionSpecAction().removeField("ts_day").addField("ts", "hour")).commit(committer);
    const error = await loser.commit(committer).catch((e: unknown) => e);
    expect(isFloeError(error, "commit-conflict")).toBe(true);
    expect((error as Error).message).toBe("requirement assert-default-spec-id failed: the default partition spec id is 1, expected 0");
    const current = committer.current!.metadata;
    expect(brief(current.defaultSpec().fields)).toEqual([[1001, "ts_hour", "hour", 2]]);
  });
});

describe("UpdatePartitionSpecAction with schema evolution", () => {
  it("lets a column only older specs use be dropped, and files written with those specs still read", async () => {
    const io = new MemoryFileIO();
    const committer = new MemoryTableCommitter(LOCATION);
    const byCategory = new PartitionSpec(0, [{ sourceId: 4, fieldId: 1000, name: "category", transform: "identity" }]);
    await new Transaction({ io }).createTable({ schema, spec: byCategory, location: LOCATION }).commit(committer);
    const file: DataFile = {
      content: DataFileContent.DATA,
      filePath: `${LOCATION}/data/a.parquet`,
      fileFormat: "parquet",
      specId: 0,
      partition: { 1000: "books" },
      recordCount: 3n,
      fileSizeInBytes: 100n,
    };
    await new Transaction({ io }).fastAppend([file]).commit(committer);
    const refused = await new Transaction({ io }).addAction(new UpdateSchemaAction().deleteColumn("category")).commit(committer).catch((e: unknown) => e);
    expect((refused as Error).message).toMatch(/cannot delete column "category": partition field "category"/);

    await new Transaction({ io }).addAction(new UpdatePartitionSpecAction().removeField("category").addField("id", "bucket[4]")).commit(committer);
    const table = await new Transaction({ io }).addAction(new UpdateSchemaAction().deleteColumn("category")).commit(committer);
    expect(table.metadata.currentSchema().findFieldByName("category")).toBeUndefined();
    const [manifest] = await readSnapshotManifests(io, table.metadata.currentSnapshot()!);
    const entries = await readManifestEntries(io, manifest, { specs: table.metadata.specsById(), schema: table.metadata.currentSchema() });
    expect(entries.map((e) => [e.dataFile.filePath, e.dataFile.specId, e.dataFile.partition])).toEqual([[file.filePath, 0, { 1000: "books" }]]);
  });
});

describe("partition terms", () => {
  it("reads the term forms people write", () => {
    expect(parsePartitionTerm("day(ts)")).toEqual({ sourceColumn: "ts", transform: "day" });
    expect(parsePartitionTerm("days(ts)")).toEqual({ sourceColumn: "ts", transform: "day" });
    expect(parsePartitionTerm("bucket[16](id)")).toEqual({ sourceColumn: "id", transform: "bucket[16]" });
    expect(parsePartitionTerm("bucket(16, id)")).toEqual({ sourceColumn: "id", transform: "bucket[16]" });
    expect(parsePartitionTerm("truncate(name, 4)")).toEqual({ sourceColumn: "name", transform: "truncate[4]" });
    expect(parsePartitionTerm("identity(a.b)")).toEqual({ sourceColumn: "a.b", transform: "identity" });
    expect(parsePartitionTerm("ts_day")).toBeUndefined();
    expect(parsePartitionTerm("bucket(a, b)")).toBeUndefined();
  });

  it("names fields as Iceberg does", () => {
    expect(["identity", "bucket[16]", "truncate[4]", "year", "month", "day", "hour", "void"].map((t) => defaultPartitionName("ts", parseTransform(t)))).toEqual([
      "ts",
      "ts_bucket_16",
      "ts_trunc_4",
      "ts_year",
      "ts_month",
      "ts_day",
      "ts_hour",
      "ts_null",
    ]);
  });
});

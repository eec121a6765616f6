import { describe, expect, it } from "vitest";
import { isFloeError } from "../../core/errors/FloeError.js";
import { PartitionSpec } from "../spec/partitionSpec.js";
import { Schema } from "../spec/schema.js";
import type { Snapshot } from "../spec/snapshot.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import { parseTableMetadata, serializeTableMetadata } from "../spec/tableMetadata.js";
import { applyUpdates } from "./applyUpdates.js";
import { newTable } from "./NewTableAction.js";
import { checkRequirements } from "./requirements.js";
import type { TableUpdate } from "./updates.js";

const schema = new Schema(
  [
    { id: 10, name: "id", required: true, type: { type: "long" } },
    {
      id: 20,
      name: "point",
      required: false,
      type: {
        type: "struct",
        fields: [
          { id: 21, name: "x", required: true, type: { type: "double" } },
          { id: 22, name: "y", required: true, type: { type: "double" } },
        ],
      },
    },
    { id: 30, name: "tags", required: false, type: { type: "list", elementId: 31, elementRequired: false, element: { type: "string" } } },
    { id: 40, name: "ts", required: false, type: { type: "timestamptz" } },
  ],
  { schemaId: 7, identifierFieldIds: [10] },
);
const spec = new PartitionSpec(3, [
  { sourceId: 40, fieldId: 5000, name: "ts_day", transform: "day" },
  { sourceId: 10, fieldId: 5001, name: "id_bucket", transform: "bucket[8]" },
]);

async function created(properties: Record<string, string> = {}): Promise<TableMetadata> {
  const action = newTable(schema, spec, { orderId: 9, fields: [{ sourceId: 10, transform: "identity", direction: "asc", nullOrder: "nulls-first" }] }, "/tmp/t/", properties);
  const { updates } = await action.commit({ metadata: undefined, io: undefined as never, attempt: 1, nowMs: 1000 });
  return applyUpdates(undefined, updates, { nowMs: 1000 });
}

function snapshot(id: bigint, sequenceNumber: bigint, timestampMs: number, parent?: bigint): Snapshot {
  const s: Snapshot = { snapshotId: id, sequenceNumber, timestampMs, manifestList: `/tmp/t/metadata/snap-${id}.avro`, summary: { operation: "append" } };
  if (parent !== undefined) s.parentSnapshotId = parent;
  return s;
}

function commitSnapshot(s: Snapshot): TableUpdate[] {
  return [
    { action: "add-snapshot", snapshot: s },
    { action: "set-snapshot-ref", refName: "main", snapshotId: s.snapshotId, type: "branch" },
  ];
}

function expectError(fn: () => unknown, kind: string, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(isFloeError(error)).toBe(true);
    expect((error as { kind: string }).kind).toBe(kind);
    expect((error as Error).message).toMatch(pattern);
    return;
  }
  throw new Error("expected an error");
}

describe("applyUpdates: a new table", () => {
  it("assigns fresh field ids level by level, partition field ids from 1000 and a sort order id 1", async () => {
    const m = await created({ owner: "me" });
    expect(m.formatVersion).toBe(2);
    expect(m.tableUuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(m.location).toBe("/tmp/t");
    const s = m.currentSchema();
    expect(s.schemaId).toBe(0);
    expect(s.fields.map((f) => [f.name, f.id])).toEqual([
      ["id", 1],
      ["point", 2],
      ["tags", 3],
      ["ts", 4],
    ]);
    expect(s.findFieldByName("point.x")?.id).toBe(5);
    expect(s.findFieldByName("point.y")?.id).toBe(6);
    expect(s.findFieldByName("tags.element")?.id).toBe(7);
    expect(s.identifierFieldIds).toEqual([1]);
    expect(m.lastColumnId).toBe(7);
    expect(m.defaultSpec().specId).toBe(0);
    expect(m.defaultSpec().fields).toEqual([
      { sourceId: 4, fieldId: 1000, name: "ts_day", transform: "day" },
      { sourceId: 1, fieldId: 1001, name: "id_bucket", transform: "bucket[8]" },
    ]);
    expect(m.lastPartitionId).toBe(1001);
    expect(m.defaultSortOrder()).toEqual({ orderId: 1, fields: [{ sourceId: 1, transform: "identity", direction: "asc", nullOrder: "nulls-first" }] });
    expect(m.properties).toEqual({ owner: "me" });
    expect(m.lastSequenceNumber).toBe(0n);
    expect(m.currentSnapshotId).toBeUndefined();
    expect(m.metadataLog).toEqual([]);
    expect(m.lastUpdatedMs).toBe(1000);
    // and it survives a JSON round trip
    expect(parseTableMetadata(serializeTableMetadata(m)).fields()).toEqual(m.fields());
  });

  it("takes the format version from the format-version property without storing it", async () => {
    const m = await created({ "format-version": "3" });
    expect(m.formatVersion).toBe(3);
    expect(m.nextRowId).toBe(0n);
    expect(m.properties).toEqual({});
  });

  it("refuses partition transforms that do not fit the column", () => {
    expectError(
      () => newTable(schema, new PartitionSpec(0, [{ sourceId: 30, fieldId: 1000, name: "t", transform: "day" }]), undefined, "/t"),
      "invalid-input",
      /transform day cannot be applied to column tags/,
    );
    expectError(
      () => newTable(schema, new PartitionSpec(0, [{ sourceId: 99, fieldId: 1000, name: "t", transform: "identity" }]), undefined, "/t"),
      "invalid-input",
      /column id 99/,
    );
    expectError(
      () => newTable(schema, new PartitionSpec(0, [{ sourceId: 10, fieldId: 1000, name: "ts", transform: "bucket[2]" }]), undefined, "/t"),
      "invalid-input",
      /has the name of a column/,
    );
  });

  it("needs a location and a schema", () => {
    expectError(() => applyUpdates(undefined, [{ action: "assign-uuid", uuid: "9c12d441-03fe-4693-9a96-a0705ddf69c1" }]), "invalid-input", /location/);
  });
});

describe("applyUpdates: snapshots", () => {
  it("follows the snapshots' sequence numbers and logs each snapshot made current", async () => {
    let m = await created();
    m = applyUpdates(m, commitSnapshot(snapshot(11n, 1n, 2000)), { nowMs: 2500, baseLocation: "/tmp/t/metadata/v1.metadata.json" });
    expect(m.lastSequenceNumber).toBe(1n);
    expect(m.currentSnapshotId).toBe(11n);
    expect(m.ref("main")).toEqual({ snapshotId: 11n, type: "branch" });
    expect(m.snapshotLog).toEqual([{ snapshotId: 11n, timestampMs: 2000 }]);
    expect(m.lastUpdatedMs).toBe(2000);
    expect(m.metadataLog).toEqual([{ metadataFile: "/tmp/t/metadata/v1.metadata.json", timestampMs: 1000 }]);

    m = applyUpdates(m, commitSnapshot(snapshot(12n, 2n, 3000, 11n)), { nowMs: 3500, baseLocation: "/tmp/t/metadata/v2.metadata.json" });
    expect(m.lastSequenceNumber).toBe(2n);
    expect(m.snapshotLog.map((e) => e.snapshotId)).toEqual([11n, 12n]);
    expect(m.metadataLog.map((e) => e.metadataFile)).toEqual(["/tmp/t/metadata/v1.metadata.json", "/tmp/t/metadata/v2.metadata.json"]);
    expect(m.metadataLog[1].timestampMs).toBe(2000);

    // a tag does not move the current snapshot and is not logged
    m = applyUpdates(m, [{ action: "set-snapshot-ref", refName: "v1", snapshotId: 11n, type: "tag" }], { nowMs: 4000 });
    expect(m.currentSnapshotId).toBe(12n);
    expect(m.snapshotLog).toHaveLength(2);
    expect(m.lastUpdatedMs).toBe(4000);

    // rolling main back to an older snapshot logs it, at the commit's time
    m = applyUpdates(m, [{ action: "set-snapshot-ref", refName: "main", snapshotId: 11n, type: "branch" }], { nowMs: 5000 });
    expect(m.currentSnapshotId).toBe(11n);
    expect(m.snapshotLog.at(-1)).toEqual({ snapshotId: 11n, timestampMs: 5000 });
  });

  it("logs main only when the current snapshot changes, not when its retention does", async () => {
    let m = await created();
    m = applyUpdates(m, commitSnapshot(snapshot(11n, 1n, 2000)));
    m = applyUpdates(m, commitSnapshot(snapshot(12n, 2n, 3000, 11n)));
    m = applyUpdates(m, [{ action: "set-snapshot-ref", refName: "main", snapshotId: 12n, type: "branch", minSnapshotsToKeep: 3 }], { nowMs: 4000 });
    expect(m.ref("main")).toEqual({ snapshotId: 12n, type: "branch", minSnapshotsToKeep: 3 });
    expect(m.snapshotLog.map((e) => e.snapshotId)).toEqual([11n, 12n]);
    // moving main, to a non-ancestor as well, logs the snapshot at the commit's time
    m = applyUpdates(m, [{ action: "set-snapshot-ref", refName: "main", snapshotId: 11n, type: "branch" }], { nowMs: 5000 });
    m = applyUpdates(m, [{ action: "set-snapshot-ref", refName: "main", snapshotId: 12n, type: "branch" }], { nowMs: 6000 });
    expect(m.snapshotLog).toEqual([
      { snapshotId: 11n, timestampMs: 2000 },
      { snapshotId: 12n, timestampMs: 3000 },
      { snapshotId: 11n, timestampMs: 5000 },
      { snapshotId: 12n, timestampMs: 6000 },
    ]);
    expect(m.snapshotAsOf(5500)?.snapshotId).toBe(11n);
  });

  it("removes branches and tags; removing main leaves no current snapshot", async () => {
    let m = await created();
    m = applyUpdates(m, commitSnapshot(snapshot(11n, 1n, 2000)));
    m = applyUpdates(m, [
      { action: "set-snapshot-ref", refName: "dev", snapshotId: 11n, type: "branch" },
      { action: "set-snapshot-ref", refName: "v1", snapshotId: 11n, type: "tag" },
    ]);
    m = applyUpdates(m, [
      { action: "remove-snapshot-ref", refName: "v1" },
      { action: "remove-snapshot-ref", refName: "never-existed" },
    ]);
    expect([...m.refs.keys()].sort()).toEqual(["dev", "main"]);
    expect(m.currentSnapshotId).toBe(11n);

    m = applyUpdates(m, [{ action: "remove-snapshot-ref", refName: "main" }], { nowMs: 3000 });
    expect(m.currentSnapshotId).toBeUndefined();
    expect(m.currentSnapshot()).toBeUndefined();
    expect([...m.refs.keys()]).toEqual(["dev"]);
    expect(m.snapshots.map((s) => s.snapshotId)).toEqual([11n]);
    expect(parseTableMetadata(serializeTableMetadata(m)).currentSnapshotId).toBeUndefined();
    // main set again makes its snapshot current and logs it
    m = applyUpdates(m, [{ action: "set-snapshot-ref", refName: "main", snapshotId: 11n, type: "branch" }], { nowMs: 4000 });
    expect(m.currentSnapshotId).toBe(11n);
    expect(m.snapshotLog.at(-1)).toEqual({ snapshotId: 11n, timestampMs: 4000 });
  });

  it("refuses a snapshot whose sequence number is not above the table's", async () => {
    let m = await created();
    m = applyUpdates(m, commitSnapshot(snapshot(11n, 1n, 2000)));
    expectError(() => applyUpdates(m, commitSnapshot(snapshot(12n, 1n, 3000, 11n))), "invalid-input", /update 0 \(add-snapshot\).*sequence number 1.*last sequence number 1/);
    expectError(() => applyUpdates(m, commitSnapshot(snapshot(11n, 2n, 3000, 11n))), "invalid-input", /already has a snapshot with id 11/);
    expectError(
      () => applyUpdates(m, [{ action: "set-snapshot-ref", refName: "main", snapshotId: 99n, type: "branch" }]),
      "invalid-input",
      /no such snapshot/,
    );
  });

  it("takes a snapshot without a parent at a sequence number already used, as a replace transaction retried on a newer table makes, and keeps the highest", async () => {
    let m = await created();
    m = applyUpdates(m, commitSnapshot(snapshot(11n, 1n, 2000)));
    m = applyUpdates(m, commitSnapshot(snapshot(12n, 2n, 3000, 11n)));
    m = applyUpdates(m, commitSnapshot(snapshot(13n, 1n, 4000)));
    expect(m.currentSnapshotId).toBe(13n);
    expect(m.lastSequenceNumber).toBe(2n);
  });

  it("removing snapshots drops their refs and the snapshot-log history up to them", async () => {
    let m = await created();
    m = applyUpdates(m, commitSnapshot(snapshot(11n, 1n, 2000)));
    m = applyUpdates(m, commitSnapshot(snapshot(12n, 2n, 3000, 11n)));
    m = applyUpdates(m, [{ action: "set-snapshot-ref", refName: "old", snapshotId: 11n, type: "tag" }]);
    m = applyUpdates(m, commitSnapshot(snapshot(13n, 3n, 4000, 12n)));
    m = applyUpdates(m, [{ action: "remove-snapshots", snapshotIds: [11n] }]);
    expect(m.snapshots.map((s) => s.snapshotId)).toEqual([12n, 13n]);
    expect(m.ref("old")).toBeUndefined();
    expect(m.snapshotLog.map((e) => e.snapshotId)).toEqual([12n, 13n]);
    expect(m.currentSnapshotId).toBe(13n);
    expect(m.lastSequenceNumber).toBe(3n);
  });

  it("keeps write.metadata.previous-versions-max entries in the metadata log", async () => {
    let m = await created({ "write.metadata.previous-versions-max": "2" });
    for (let v = 1; v <= 4; v++) {
      m = applyUpdates(m, [{ action: "set-properties", updates: { n: String(v) } }], { baseLocation: `/tmp/t/metadata/v${v}.metadata.json`, nowMs: 1000 + v });
    }
    expect(m.metadataLog.map((e) => e.metadataFile)).toEqual(["/tmp/t/metadata/v3.metadata.json", "/tmp/t/metadata/v4.metadata.json"]);
    // no updates: nothing changes, not even the log
    expect(applyUpdates(m, [], { baseLocation: "/tmp/t/metadata/v5.metadata.json" })).toBe(m);
    // lowering the limit trims at once; 0 still keeps the version replaced, a non-number means the default (100)
    m = applyUpdates(m, [{ action: "set-properties", updates: { "write.metadata.previous-versions-max": "0" } }], { baseLocation: "/tmp/t/metadata/v5.metadata.json" });
    expect(m.metadataLog.map((e) => e.metadataFile)).toEqual(["/tmp/t/metadata/v5.metadata.json"]);
    m = applyUpdates(m, [{ action: "set-properties", updates: { "write.metadata.previous-versions-max": "many" } }], { baseLocation: "/tmp/t/metadata/v6.metadata.json" });
    expect(m.metadataLog.map((e) => e.metadataFile)).toEqual(["/tmp/t/metadata/v5.metadata.json", "/tmp/t/metadata/v6.metadata.json"]);
  });

  it("counts rows in v3 tables", async () => {
    let m = await created({ "format-version": "3" });
    const s = { ...snapshot(11n, 1n, 2000), firstRowId: 0n, addedRows: 25n };
    m = applyUpdates(m, commitSnapshot(s));
    expect(m.nextRowId).toBe(25n);
    expectError(() => applyUpdates(m, commitSnapshot({ ...snapshot(12n, 2n, 3000, 11n), firstRowId: 10n, addedRows: 1n })), "invalid-input", /next-row-id 25/);
  });
});

describe("applyUpdates: schemas, specs, sort orders, properties", () => {
  it("reuses an equal schema and numbers new ones; last-column-id never goes down", async () => {
    let m = await created();
    m = applyUpdates(m, [{ action: "add-schema", schema: new Schema(m.currentSchema().fields, { schemaId: 5, identifierFieldIds: [1] }) }]);
    expect(m.schemas).toHaveLength(1);
    const wider = new Schema([...m.currentSchema().fields, { id: 8, name: "extra", required: false, type: { type: "string" } }], { schemaId: 0 });
    m = applyUpdates(m, [
      { action: "add-schema", schema: wider },
      { action: "set-current-schema", schemaId: -1 },
    ]);
    expect(m.schemas.map((s) => s.schemaId)).toEqual([0, 1]);
    expect(m.currentSchemaId).toBe(1);
    expect(m.lastColumnId).toBe(8);
    const narrower = new Schema([m.currentSchema().fields[0]], { schemaId: 0 });
    m = applyUpdates(m, [
      { action: "add-schema", schema: narrower },
      { action: "set-current-schema", schemaId: -1 },
    ]);
    expect(m.currentSchemaId).toBe(2);
    expect(m.lastColumnId).toBe(8);
    expectError(() => applyUpdates(m, [{ action: "set-current-schema", schemaId: 42 }]), "invalid-input", /no schema with id 42/);
  });

  it("adds partition specs and sort orders with new ids and keeps last-partition-id", async () => {
    let m = await created();
    m = applyUpdates(m, [
      { action: "add-spec", spec: new PartitionSpec(0, [{ sourceId: 1, fieldId: 1002, name: "id_trunc", transform: "truncate[10]" }]) },
      { action: "set-default-spec", specId: -1 },
      { action: "add-sort-order", sortOrder: { orderId: 0, fields: [{ sourceId: 4, transform: "day", direction: "desc", nullOrder: "nulls-last" }] } },
      { action: "set-default-sort-order", sortOrderId: -1 },
    ]);
    expect(m.defaultSpecId).toBe(1);
    expect(m.lastPartitionId).toBe(1002);
    expect(m.defaultSortOrderId).toBe(2);
    m = applyUpdates(m, [
      { action: "add-spec", spec: PartitionSpec.unpartitioned() },
      { action: "set-default-spec", specId: -1 },
      { action: "add-sort-order", sortOrder: { orderId: 5, fields: [] } },
      { action: "set-default-sort-order", sortOrderId: -1 },
    ]);
    expect(m.defaultSpecId).toBe(2);
    expect(m.lastPartitionId).toBe(1002);
    expect(m.defaultSortOrderId).toBe(0);
    expectError(
      () => applyUpdates(m, [{ action: "add-spec", spec: new PartitionSpec(0, [{ sourceId: 77, fieldId: 1003, name: "p", transform: "identity" }]) }]),
      "invalid-input",
      /column id 77/,
    );
  });

  it("removes schemas and partition specs, but never the current schema or the default spec", async () => {
    let m = await created();
    m = applyUpdates(m, [
      { action: "add-spec", spec: PartitionSpec.unpartitioned() },
      { action: "set-default-spec", specId: -1 },
    ]);
    const oldSpec = m.specsById().keys().next().value as number;
    m = applyUpdates(m, [{ action: "remove-partition-specs", specIds: [oldSpec] }]);
    expect([...m.specsById().keys()]).toEqual([m.defaultSpecId]);
    expectError(() => applyUpdates(m, [{ action: "remove-partition-specs", specIds: [m.defaultSpecId] }]), "invalid-input", /it is the default spec/);
    expectError(() => applyUpdates(m, [{ action: "remove-schemas", schemaIds: [m.currentSchemaId] }]), "invalid-input", /it is the current schema/);
  });

  it("sets and removes properties, and moves the location", async () => {
    let m = await created({ a: "1", b: "2" });
    m = applyUpdates(m, [
      { action: "set-properties", updates: { b: "3", c: "4" } },
      { action: "remove-properties", removals: ["a", "missing"] },
      { action: "set-location", location: "s3://bucket/t/" },
    ]);
    expect(m.properties).toEqual({ b: "3", c: "4" });
    expect(m.location).toBe("s3://bucket/t");
  });

  it("guards the format version and the uuid", async () => {
    const m = await created();
    expectError(() => applyUpdates(m, [{ action: "upgrade-format-version", formatVersion: 1 }]), "invalid-input", /cannot downgrade/);
    expectError(() => applyUpdates(m, [{ action: "assign-uuid", uuid: "00000000-0000-0000-0000-000000000000" }]), "invalid-input", /cannot change the table uuid/);
    const v3 = applyUpdates(m, [{ action: "upgrade-format-version", formatVersion: 3 }]);
    expect(v3.formatVersion).toBe(3);
    expect(v3.nextRowId).toBe(0n);
  });
});

describe("checkRequirements", () => {
  it("names the requirement that fails and what it found", async () => {
    const m = applyUpdates(await created(), commitSnapshot(snapshot(11n, 1n, 2000)));
    expect(() => checkRequirements(m, [{ type: "assert-ref-snapshot-id", ref: "main", snapshotId: 11n }])).not.toThrow();
    expectError(() => checkRequirements(m, [{ type: "assert-create" }]), "commit-conflict", /assert-create failed: the table already exists/);
    expectError(
      () => checkRequirements(m, [{ type: "assert-ref-snapshot-id", ref: "main", snapshotId: 10n }]),
      "commit-conflict",
      /assert-ref-snapshot-id failed: branch main is at snapshot 11, expected snapshot 10/,
    );
    expectError(() => checkRequirements(m, [{ type: "assert-ref-snapshot-id", ref: "main", snapshotId: null }]), "commit-conflict", /exists/);
    expectError(() => checkRequirements(m, [{ type: "assert-table-uuid", uuid: "x" }]), "commit-conflict", /uuid/);
    expectError(() => checkRequirements(m, [{ type: "assert-current-schema-id", currentSchemaId: 3 }]), "commit-conflict", /current schema id is 0, expected 3/);
    expectError(() => checkRequirements(m, [{ type: "assert-last-assigned-field-id", lastAssignedFieldId: 3 }]), "commit-conflict", /last assigned field id is 7/);
    expectError(
      () => checkRequirements(m, [{ type: "assert-last-assigned-partition-id", lastAssignedPartitionId: 999 }]),
      "commit-conflict",
      /partition field id is 1001/,
    );
    expectError(() => checkRequirements(m, [{ type: "assert-default-spec-id", defaultSpecId: 1 }]), "commit-conflict", /default partition spec id is 0/);
    expectError(() => checkRequirements(m, [{ type: "assert-default-sort-order-id", defaultSortOrderId: 0 }]), "commit-conflict", /default sort order id is 1/);
    expectError(() => checkRequirements(undefined, [{ type: "assert-table-uuid", uuid: "x" }]), "commit-conflict", /does not exist/);
    expect(() => checkRequirements(undefined, [{ type: "assert-create" }])).not.toThrow();
  });
});

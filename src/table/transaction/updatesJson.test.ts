import { describe, expect, it } from "vitest";
import { isFloeError } from "../../core/errors/FloeError.js";
import { parseJsonLossless, stringifyJson } from "../spec/json.js";
import { PartitionSpec } from "../spec/partitionSpec.js";
import { Schema } from "../spec/schema.js";
import type { TableRequirement, TableUpdate } from "./updates.js";
import { parseTableRequirement, parseTableUpdate, tableRequirementToJson, tableUpdateToJson } from "./updatesJson.js";

const BIG = 9007199254740993n; // above 2^53: must survive the trip exactly

const updates: TableUpdate[] = [
  { action: "assign-uuid", uuid: "9c12d441-03fe-4693-9a96-a0705ddf69c1" },
  { action: "upgrade-format-version", formatVersion: 3 },
  { action: "add-schema", schema: new Schema([{ id: 1, name: "id", required: true, type: { type: "long" } }], { schemaId: 2, identifierFieldIds: [1] }), lastColumnId: 1 },
  { action: "set-current-schema", schemaId: -1 },

  { action: "add-spec", spec: new PartitionSpec(1, [{ sourceId: 1, fieldId: 1000, name: "id_bucket", transform: "bucket[16]" }]) },
  { action: "set-default-spec", specId: -1 },
  { action: "add-sort-order", sortOrder: { orderId: 1, fields: [{ sourceId: 1, transform: "identity", direction: "desc", nullOrder: "nulls-last" }] } },
  { action: "set-default-sort-order", sortOrderId: 1 },
  {
    action: "add-snapshot",
    snapshot: {
      snapshotId: BIG,
      parentSnapshotId: 1n,
      sequenceNumber: 7n,
      timestampMs: 1700000000000,
      manifestList: "s3://b/t/metadata/snap.avro",
      summary: { operation: "append", "added-records": "3" },
      schemaId: 0,
      firstRowId: 10n,
      addedRows: 3n,
    },
  },
  { action: "set-snapshot-ref", refName: "main", snapshotId: BIG, type: "branch", maxRefAgeMs: 5n, minSnapshotsToKeep: 2 },
  { action: "remove-snapshot-ref", refName: "audit" },
  { action: "remove-snapshots", snapshotIds: [1n, BIG] },
  { action: "set-properties", updates: { a: "1" } },
  { action: "remove-properties", removals: ["b"] },
  { action: "set-location", location: "s3://b/t" },
  { action: "remove-schemas", schemaIds: [0, 1] },
  { action: "remove-partition-specs", specIds: [0] },
];

const requirements: TableRequirement[] = [
  { type: "assert-create" },
  { type: "assert-table-uuid", uuid: "9c12d441-03fe-4693-9a96-a0705ddf69c1" },
  { type: "assert-ref-snapshot-id", ref: "main", snapshotId: BIG },
  { type: "assert-ref-snapshot-id", ref: "dev", snapshotId: null },
  { type: "assert-current-schema-id", currentSchemaId: 3 },
  { type: "assert-last-assigned-field-id", lastAssignedFieldId: 4 },
  { type: "assert-last-assigned-partition-id", lastAssignedPartitionId: 1001 },
  { type: "assert-default-spec-id", defaultSpecId: 0 },
  { type: "assert-default-sort-order-id", defaultSortOrderId: 0 },
];

describe("the REST JSON form of updates and requirements", () => {
  it("round-trips every update kind through JSON text", () => {
    for (const update of updates) {
      const text = stringifyJson(tableUpdateToJson(update));
      expect(parseTableUpdate(parseJsonLossless(text, "test"))).toEqual(update);
    }
  });

  it("writes the protocol's field names", () => {
    expect(tableUpdateToJson(updates[9])).toEqual({
      action: "set-snapshot-ref",
      "ref-name": "main",
      "snapshot-id": BIG,
      type: "branch",
      "max-ref-age-ms": 5n,
      "min-snapshots-to-keep": 2,
    });
    expect(tableUpdateToJson(updates[10])).toEqual({ action: "remove-snapshot-ref", "ref-name": "audit" });
    expect(parseTableUpdate(parseJsonLossless('{"action":"remove-snapshot-ref","ref-name":"dev"}', "test"))).toEqual({ action: "remove-snapshot-ref", refName: "dev" });
    expect(() => parseTableUpdate({ action: "remove-snapshot-ref" }, "request body")).toThrow(/ref-name/);
    expect(tableRequirementToJson(requirements[3])).toEqual({ type: "assert-ref-snapshot-id", ref: "dev", "snapshot-id": null });
  });

  it("round-trips every requirement kind", () => {
    for (const requirement of requirements) {
      const text = stringifyJson(tableRequirementToJson(requirement));
      expect(parseTableRequirement(parseJsonLossless(text, "test"))).toEqual(requirement);
    }
  });

  it("names what it cannot read", () => {
    const error = (() => {
      try {
        parseTableUpdate({ action: "rename-table" }, "request body");
      } catch (e) {
        return e;
      }
    })();
    expect(isFloeError(error, "unsupported")).toBe(true);
    expect((error as Error).message).toBe('request body: table update action "rename-table" is not supported');
    expect(() => parseTableRequirement({ type: "assert-ref-snapshot-id", ref: "main" })).toThrow(/snapshot-id is required/);
  });
});

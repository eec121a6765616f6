/**
 * The JSON form of table updates and requirements, as the Iceberg REST protocol's
 * `CommitTableRequest` carries them (`rest-catalog-open-api.yaml`, `TableUpdate` and
 * `TableRequirement`). 64-bit ids are bigints; parse JSON with `parseJsonLossless` first.
 */
import { malformed, unsupported } from "../../core/errors/FloeError.js";
import { JsonFields } from "../spec/json.js";
import { parsePartitionFields, PartitionSpec, partitionSpecToJson } from "../spec/partitionSpec.js";
import { parseSnapshotRefJson, snapshotRefToJson, type SnapshotRef } from "../spec/refs.js";
import { parseSnapshotJson, snapshotToJson } from "../spec/snapshot.js";
import { parseSortOrderJson, sortOrderToJson } from "../spec/sortOrder.js";
import { SUPPORTED_FORMAT_VERSIONS, type FormatVersion } from "../spec/tableMetadata.js";
import { parseSchemaJson, schemaToJson } from "../spec/typeJson.js";
import type { TableRequirement, TableUpdate } from "./updates.js";

/** Snapshots travel with every field a format version can have. */
const SNAPSHOT_JSON_VERSION = 3;

export function tableUpdateToJson(update: TableUpdate): Record<string, unknown> {
  switch (update.action) {
    case "assign-uuid":
      return { action: update.action, uuid: update.uuid };
    case "upgrade-format-version":
      return { action: update.action, "format-version": update.formatVersion };
    case "add-schema": {
      const out: Record<string, unknown> = { action: update.action, schema: schemaToJson(update.schema) };
      if (update.lastColumnId !== undefined) out["last-column-id"] = update.lastColumnId;
      return out;
    }
    case "set-current-schema":
      return { action: update.action, "schema-id": update.schemaId };
    case "add-spec":
      return { action: update.action, spec: partitionSpecToJson(update.spec) };
    case "set-default-spec":
      return { action: update.action, "spec-id": update.specId };
    case "add-sort-order":
      return { action: update.action, "sort-order": sortOrderToJson(update.sortOrder) };
    case "set-default-sort-order":
      return { action: update.action, "sort-order-id": update.sortOrderId };
    case "add-snapshot":
      return { action: update.action, snapshot: snapshotToJson(update.snapshot, SNAPSHOT_JSON_VERSION) };
    case "set-snapshot-ref": {
      const { action, refName, ...ref } = update;
      return { action, "ref-name": refName, ...snapshotRefToJson(ref) };
    }
    case "remove-snapshot-ref":
      return { action: update.action, "ref-name": update.refName };
    case "remove-snapshots":
      return { action: update.action, "snapshot-ids": [...update.snapshotIds] };
    case "remove-schemas":
      return { action: update.action, "schema-ids": [...update.schemaIds] };
    case "remove-partition-specs":
      return { action: update.action, "spec-ids": [...update.specIds] };
    case "set-properties":
      return { action: update.action, updates: { ...update.updates } };
    case "remove-properties":
      return { action: update.action, removals: [...update.removals] };
    case "set-location":
      return { action: update.action, location: update.location };
  }
}

/** One update from its (losslessly parsed) JSON; `source` names the request in errors. */
export function parseTableUpdate(json: unknown, source = "table update"): TableUpdate {
  const obj = JsonFields.of(json, source);
  const action = obj.string("action");
  switch (action) {
    case "assign-uuid":
      return { action, uuid: obj.string("uuid") };
    case "upgrade-format-version": {
      const v = obj.int("format-version");
      if (!SUPPORTED_FORMAT_VERSIONS.includes(v as FormatVersion)) throw unsupported(`${source}: format version ${v} is not supported`);
      return { action, formatVersion: v as FormatVersion };
    }
    case "add-schema": {
      const update: TableUpdate = { action, schema: parseSchemaJson(obj.object("schema")) };
      const last = obj.optInt("last-column-id");
      if (last !== undefined) update.lastColumnId = last;
      return update;
    }
    case "set-current-schema":
      return { action, schemaId: obj.int("schema-id") };
    case "add-spec": {
      const spec = obj.object("spec");
      return { action, spec: new PartitionSpec(spec.optInt("spec-id") ?? 0, parsePartitionFields(spec, "fields")) };
    }
    case "set-default-spec":
      return { action, specId: obj.int("spec-id") };
    case "add-sort-order":
      return { action, sortOrder: parseSortOrderJson(obj.object("sort-order")) };
    case "set-default-sort-order":
      return { action, sortOrderId: obj.int("sort-order-id") };
    case "add-snapshot":
      return { action, snapshot: parseSnapshotJson(obj.object("snapshot"), SNAPSHOT_JSON_VERSION) };
    case "set-snapshot-ref": {
      const ref: SnapshotRef = parseSnapshotRefJson(obj);
      return { action, refName: obj.string("ref-name"), ...ref };
    }
    case "remove-snapshot-ref":
      return { action, refName: obj.string("ref-name") };
    case "remove-snapshots":
      return { action, snapshotIds: obj.array("snapshot-ids").map((id, i) => obj.longValue(`snapshot-ids[${i}]`, id)) };
    case "remove-schemas":
      return { action, schemaIds: obj.array("schema-ids").map((id, i) => obj.intValue(`schema-ids[${i}]`, id)) };
    case "remove-partition-specs":
      return { action, specIds: obj.array("spec-ids").map((id, i) => obj.intValue(`spec-ids[${i}]`, id)) };
    case "set-properties":
      return { action, updates: obj.stringMap("updates") };
    case "remove-properties":
      return {
        action,
        removals: obj.array("removals").map((key, i) => {
          if (typeof key !== "string") throw obj.error(`removals[${i}]`, "must be a string");
          return key;
        }),
      };
    case "set-location":
      return { action, location: obj.string("location") };
    default:
      throw unsupported(`${source}: table update action ${JSON.stringify(action)} is not supported`, { action });
  }
}

export function tableRequirementToJson(requirement: TableRequirement): Record<string, unknown> {
  switch (requirement.type) {
    case "assert-create":
      return { type: requirement.type };
    case "assert-table-uuid":
      return { type: requirement.type, uuid: requirement.uuid };
    case "assert-ref-snapshot-id":
      return { type: requirement.type, ref: requirement.ref, "snapshot-id": requirement.snapshotId };
    case "assert-current-schema-id":
      return { type: requirement.type, "current-schema-id": requirement.currentSchemaId };
    case "assert-last-assigned-field-id":
      return { type: requirement.type, "last-assigned-field-id": requirement.lastAssignedFieldId };
    case "assert-last-assigned-partition-id":
      return { type: requirement.type, "last-assigned-partition-id": requirement.lastAssignedPartitionId };
    case "assert-default-spec-id":
      return { type: requirement.type, "default-spec-id": requirement.defaultSpecId };
    case "assert-default-sort-order-id":
      return { type: requirement.type, "default-sort-order-id": requirement.defaultSortOrderId };
  }
}

export function parseTableRequirement(json: unknown, source = "table requirement"): TableRequirement {
  const obj = JsonFields.of(json, source);
  const type = obj.string("type");
  switch (type) {
    case "assert-create":
      return { type };
    case "assert-table-uuid":
      return { type, uuid: obj.string("uuid") };
    case "assert-ref-snapshot-id": {
      if (!obj.hasKey("snapshot-id")) throw malformed(`${source}: snapshot-id is required (null when the ref must not exist)`, { field: "snapshot-id" });
      return { type, ref: obj.string("ref"), snapshotId: obj.has("snapshot-id") ? obj.long("snapshot-id") : null };
    }
    case "assert-current-schema-id":
      return { type, currentSchemaId: obj.int("current-schema-id") };
    case "assert-last-assigned-field-id":
      return { type, lastAssignedFieldId: obj.int("last-assigned-field-id") };
    case "assert-last-assigned-partition-id":
      return { type, lastAssignedPartitionId: obj.int("last-assigned-partition-id") };
    case "assert-default-spec-id":
      return { type, defaultSpecId: obj.int("default-spec-id") };
    case "assert-default-sort-order-id":
      return { type, defaultSortOrderId: obj.int("default-sort-order-id") };
    default:
      throw unsupported(`${source}: table requirement type ${JSON.stringify(type)} is not supported`, { type });
  }
}

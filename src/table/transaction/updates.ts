/**
 * Changes to table metadata and the conditions a commit needs, as plain data. The kinds and
 * their meaning are those of the Iceberg REST protocol's `TableUpdate` and `TableRequirement`
 * (`action` and `type` carry the protocol's names); the payloads hold floe's model objects.
 */
import type { PartitionSpec } from "../spec/partitionSpec.js";
import type { SnapshotRef } from "../spec/refs.js";
import type { Schema } from "../spec/schema.js";
import type { Snapshot } from "../spec/snapshot.js";
import type { SortOrder } from "../spec/sortOrder.js";
import type { FormatVersion } from "../spec/tableMetadata.js";

/** Means "the schema, spec or sort order added last by the same set of updates" in the `set-*` updates. */
export const LAST_ADDED = -1;

export interface AssignUuidUpdate {
  action: "assign-uuid";
  uuid: string;
}

export interface UpgradeFormatVersionUpdate {
  action: "upgrade-format-version";
  formatVersion: FormatVersion;
}

/** Adds a schema. Its `schemaId` is not kept: an equal schema already there is reused, else the next free id is taken. */
export interface AddSchemaUpdate {
  action: "add-schema";
  schema: Schema;
  /** The highest field id the writer assigned (deprecated in the protocol; the schema's own highest id is used as well). */
  lastColumnId?: number;
}

export interface SetCurrentSchemaUpdate {
  action: "set-current-schema";
  /** A schema id, or LAST_ADDED. */
  schemaId: number;
}

/** Adds a partition spec. Its `specId` is not kept: an equal spec already there is reused, else the next free id is taken. */
export interface AddSpecUpdate {
  action: "add-spec";
  spec: PartitionSpec;
}

export interface SetDefaultSpecUpdate {
  action: "set-default-spec";
  /** A spec id, or LAST_ADDED. */
  specId: number;
}

/** Adds a sort order. Its `orderId` is not kept: an equal order is reused, the unsorted order is always 0. */
export interface AddSortOrderUpdate {
  action: "add-sort-order";
  sortOrder: SortOrder;
}

export interface SetDefaultSortOrderUpdate {
  action: "set-default-sort-order";
  /** An order id, or LAST_ADDED. */
  sortOrderId: number;
}

export interface AddSnapshotUpdate {
  action: "add-snapshot";
  snapshot: Snapshot;
}

/** Points a branch or tag at a snapshot; pointing `main` at a snapshot makes it the current one. */
export interface SetSnapshotRefUpdate extends SnapshotRef {
  action: "set-snapshot-ref";
  refName: string;
}

/** Removes a branch or tag (nothing when it does not exist); removing `main` leaves the table without a current snapshot. */
export interface RemoveSnapshotRefUpdate {
  action: "remove-snapshot-ref";
  refName: string;
}

export interface RemoveSnapshotsUpdate {
  action: "remove-snapshots";
  snapshotIds: bigint[];
}

/** Removes schemas no snapshot needs any more; the current schema cannot be removed. */
export interface RemoveSchemasUpdate {
  action: "remove-schemas";
  schemaIds: number[];
}

/** Removes partition specs no manifest uses any more; the default spec cannot be removed. */
export interface RemovePartitionSpecsUpdate {
  action: "remove-partition-specs";
  specIds: number[];
}

export interface SetPropertiesUpdate {
  action: "set-properties";
  updates: Record<string, string>;
}

export interface RemovePropertiesUpdate {
  action: "remove-properties";
  removals: string[];
}

export interface SetLocationUpdate {
  action: "set-location";
  location: string;
}

export type TableUpdate =
  | AssignUuidUpdate
  | UpgradeFormatVersionUpdate
  | AddSchemaUpdate
  | SetCurrentSchemaUpdate
  | AddSpecUpdate
  | SetDefaultSpecUpdate
  | AddSortOrderUpdate
  | SetDefaultSortOrderUpdate
  | AddSnapshotUpdate
  | SetSnapshotRefUpdate
  | RemoveSnapshotRefUpdate
  | RemoveSnapshotsUpdate
  | RemoveSchemasUpdate
  | RemovePartitionSpecsUpdate
  | SetPropertiesUpdate
  | RemovePropertiesUpdate
  | SetLocationUpdate;

export type TableUpdateAction = TableUpdate["action"];

/** The table must not exist yet. */
export interface AssertCreate {
  type: "assert-create";
}

export interface AssertTableUuid {
  type: "assert-table-uuid";
  uuid: string;
}

/** The branch or tag must point at `snapshotId`; `null` means the ref must not exist. */
export interface AssertRefSnapshotId {
  type: "assert-ref-snapshot-id";
  ref: string;
  snapshotId: bigint | null;
}

export interface AssertCurrentSchemaId {
  type: "assert-current-schema-id";
  currentSchemaId: number;
}

export interface AssertLastAssignedFieldId {
  type: "assert-last-assigned-field-id";
  lastAssignedFieldId: number;
}

export interface AssertLastAssignedPartitionId {
  type: "assert-last-assigned-partition-id";
  lastAssignedPartitionId: number;
}

export interface AssertDefaultSpecId {
  type: "assert-default-spec-id";
  defaultSpecId: number;
}

export interface AssertDefaultSortOrderId {
  type: "assert-default-sort-order-id";
  defaultSortOrderId: number;
}

export type TableRequirement =
  | AssertCreate
  | AssertTableUuid
  | AssertRefSnapshotId
  | AssertCurrentSchemaId
  | AssertLastAssignedFieldId
  | AssertLastAssignedPartitionId
  | AssertDefaultSpecId
  | AssertDefaultSortOrderId;

export type TableRequirementType = TableRequirement["type"];

/** What one action of a transaction contributes to the commit. */
export interface ActionCommit {
  updates: TableUpdate[];
  requirements: TableRequirement[];
}

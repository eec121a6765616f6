/**
 * The metadata builder: applies a list of updates to a table's metadata (or builds a new
 * table's from nothing) and returns the metadata to write, the way a catalog applies a
 * commit's updates. Pure: the clock and the location of the metadata file being replaced
 * come in as options.
 */
import { FloeError, invalidInput, unsupported } from "../../core/errors/FloeError.js";
import { stringifyJson } from "../spec/json.js";
import { PARTITION_DATA_ID_START, PartitionSpec, partitionFieldsToJson } from "../spec/partitionSpec.js";
import { MAIN_BRANCH, type SnapshotRef } from "../spec/refs.js";
import { Schema } from "../spec/schema.js";
import type { Snapshot } from "../spec/snapshot.js";
import { sortOrderToJson, UNSORTED_ORDER_ID, type SortOrder } from "../spec/sortOrder.js";
import {
  DEFAULT_FORMAT_VERSION,
  SUPPORTED_FORMAT_VERSIONS,
  TableMetadata,
  type FormatVersion,
  type MetadataLogEntry,
  type SnapshotLogEntry,
  type TableMetadataFields,
} from "../spec/tableMetadata.js";
import { schemaToJson } from "../spec/typeJson.js";
import { integerProperty, METADATA_PREVIOUS_VERSIONS_MAX, METADATA_PREVIOUS_VERSIONS_MAX_DEFAULT } from "./tableProperties.js";
import { LAST_ADDED, type TableUpdate } from "./updates.js";

export interface ApplyUpdatesOptions {
  /** The metadata file `base` was read from; recorded in the new metadata's metadata log. */
  baseLocation?: string;
  /** Epoch milliseconds for `last-updated-ms` and for snapshot-log entries of snapshots not added by these updates. */
  nowMs?: number;
}

/** Mutable working copy of the metadata fields. */
interface Draft {
  formatVersion: FormatVersion | undefined;
  tableUuid: string | undefined;
  location: string | undefined;
  lastSequenceNumber: bigint;
  lastColumnId: number;
  schemas: Schema[];
  currentSchemaId: number | undefined;
  partitionSpecs: PartitionSpec[];
  defaultSpecId: number | undefined;
  lastPartitionId: number;
  properties: Record<string, string>;
  currentSnapshotId: bigint | undefined;
  snapshots: Snapshot[];
  snapshotLog: SnapshotLogEntry[];
  sortOrders: SortOrder[];
  defaultSortOrderId: number | undefined;
  refs: Map<string, SnapshotRef>;
  nextRowId: bigint | undefined;
  // what these updates added, for LAST_ADDED and for snapshot-log timestamps
  lastAddedSchemaId?: number;
  lastAddedSpecId?: number;
  lastAddedSortOrderId?: number;
  addedSnapshots: Map<bigint, Snapshot>;
}

function draftOf(base: TableMetadata | undefined): Draft {
  if (base === undefined) {
    return {
      formatVersion: undefined,
      tableUuid: undefined,
      location: undefined,
      lastSequenceNumber: 0n,
      lastColumnId: 0,
      schemas: [],
      currentSchemaId: undefined,
      partitionSpecs: [],
      defaultSpecId: undefined,
      lastPartitionId: PARTITION_DATA_ID_START - 1,
      properties: {},
      currentSnapshotId: undefined,
      snapshots: [],
      snapshotLog: [],
      sortOrders: [],
      defaultSortOrderId: undefined,
      refs: new Map(),
      nextRowId: undefined,
      addedSnapshots: new Map(),
    };
  }
  return {
    formatVersion: base.formatVersion,
    tableUuid: base.tableUuid,
    location: base.location,
    lastSequenceNumber: base.lastSequenceNumber,
    lastColumnId: base.lastColumnId,
    schemas: [...base.schemas],
    currentSchemaId: base.currentSchemaId,
    partitionSpecs: [...base.partitionSpecs],
    defaultSpecId: base.defaultSpecId,
    lastPartitionId: base.lastPartitionId,
    properties: { ...base.properties },
    currentSnapshotId: base.currentSnapshotId,
    snapshots: [...base.snapshots],
    snapshotLog: [...base.snapshotLog],
    sortOrders: [...base.sortOrders],
    defaultSortOrderId: base.defaultSortOrderId,
    refs: new Map(base.refs),
    nextRowId: base.nextRowId,
    addedSnapshots: new Map(),
  };
}

/**
 * Applies `updates` in order to `base` (undefined for a table being created) and returns the
 * new metadata. Beyond each update's own effect it keeps the table's invariants:
 * `last-column-id` and `last-partition-id` never go down, `last-sequence-number` follows the
 * snapshots added, pointing `main` at another snapshot makes it current and logs it in the
 * snapshot log, removing `main` leaves no current snapshot, removed snapshots take their refs and their snapshot-log history with them, and the
 * metadata file being replaced (`options.baseLocation`) joins the metadata log, which keeps at
 * most `write.metadata.previous-versions-max` (default 100) entries.
 *
 * Throws an `invalid-input` FloeError naming the update that cannot be applied. With no
 * updates, `base` is returned as it is.
 */
export function applyUpdates(base: TableMetadata | undefined, updates: readonly TableUpdate[], options: ApplyUpdatesOptions = {}): TableMetadata {
  if (base !== undefined && updates.length === 0) return base;
  const nowMs = options.nowMs ?? Date.now();
  const draft = draftOf(base);
  const removed = new Set<bigint>();
  updates.forEach((update, index) => {
    try {
      apply(draft, update, nowMs, removed);
    } catch (error) {
      if (!(error instanceof FloeError)) throw error;
      throw new FloeError(error.kind, `update ${index} (${update.action}): ${error.message}`, {
        cause: error,
        context: { ...error.context, update: update.action, index },
      });
    }
  });
  return finish(base, draft, removed, nowMs, options);
}

function fail(message: string, context: Record<string, unknown> = {}): never {
  throw invalidInput(message, context);
}

function apply(d: Draft, update: TableUpdate, nowMs: number, removed: Set<bigint>): void {
  switch (update.action) {
    case "assign-uuid": {
      const uuid = update.uuid.toLowerCase();
      if (d.tableUuid !== undefined && d.tableUuid.toLowerCase() !== uuid) fail(`cannot change the table uuid from ${d.tableUuid} to ${uuid}`);
      d.tableUuid = uuid;
      return;
    }
    case "upgrade-format-version": {
      const v = update.formatVersion;
      if (!SUPPORTED_FORMAT_VERSIONS.includes(v)) throw unsupported(`format version ${v} is not supported (floe writes versions 1 to 3)`);
      if (d.formatVersion !== undefined && d.schemas.length > 0 && v < d.formatVersion) {
        fail(`cannot downgrade the table from format version ${d.formatVersion} to ${v}`);
      }
      d.formatVersion = v;
      if (v >= 3 && d.nextRowId === undefined) d.nextRowId = 0n;
      return;
    }
    case "add-schema": {
      const schema = update.schema;
      const key = schemaKey(schema);
      const existing = d.schemas.find((s) => schemaKey(s) === key);
      const schemaId = existing?.schemaId ?? nextId(d.schemas.map((s) => s.schemaId), 0);
      if (existing === undefined) {
        d.schemas.push(new Schema(schema.fields, { schemaId, identifierFieldIds: schema.identifierFieldIds }));
      }
      d.lastColumnId = Math.max(d.lastColumnId, update.lastColumnId ?? 0, schema.highestFieldId);
      d.lastAddedSchemaId = schemaId;
      return;
    }
    case "set-current-schema": {
      const id = update.schemaId === LAST_ADDED ? d.lastAddedSchemaId : update.schemaId;
      if (id === undefined) fail("set-current-schema -1 needs a schema added before it");
      if (!d.schemas.some((s) => s.schemaId === id)) fail(`there is no schema with id ${id}`, { schemaId: id });
      d.currentSchemaId = id;
      return;
    }
    case "add-spec": {
      const spec = update.spec;
      const schema = d.schemas.find((s) => s.schemaId === d.currentSchemaId);
      if (schema !== undefined) {
        for (const field of spec.fields) {
          if (schema.findField(field.sourceId) === undefined) {
            fail(`partition field ${field.name} refers to column id ${field.sourceId}, which the current schema does not have`, { field: field.name });
          }
        }
      }
      const names = new Set<string>();
      for (const field of spec.fields) {
        if (names.has(field.name)) fail(`the partition spec names two fields ${field.name}`, { field: field.name });
        names.add(field.name);
      }
      const key = specKey(spec);
      const existing = d.partitionSpecs.find((s) => specKey(s) === key);
      const specId = existing?.specId ?? nextId(d.partitionSpecs.map((s) => s.specId), 0);
      if (existing === undefined) d.partitionSpecs.push(new PartitionSpec(specId, spec.fields));
      d.lastPartitionId = Math.max(d.lastPartitionId, spec.lastAssignedFieldId());
      d.lastAddedSpecId = specId;
      return;
    }
    case "set-default-spec": {
      const id = update.specId === LAST_ADDED ? d.lastAddedSpecId : update.specId;
      if (id === undefined) fail("set-default-spec -1 needs a partition spec added before it");
      if (!d.partitionSpecs.some((s) => s.specId === id)) fail(`there is no partition spec with id ${id}`, { specId: id });
      d.defaultSpecId = id;
      return;
    }
    case "add-sort-order": {
      const order = update.sortOrder;
      const schema = d.schemas.find((s) => s.schemaId === d.currentSchemaId);
      if (schema !== undefined) {
        for (const field of order.fields) {
          if (schema.findField(field.sourceId) === undefined) fail(`sort field refers to column id ${field.sourceId}, which the current schema does not have`);
        }
      }
      let orderId: number;
      if (order.fields.length === 0) {
        orderId = UNSORTED_ORDER_ID;
        if (!d.sortOrders.some((o) => o.orderId === UNSORTED_ORDER_ID)) d.sortOrders.push({ orderId, fields: [] });
      } else {
        const key = sortOrderKey(order);
        const existing = d.sortOrders.find((o) => o.fields.length > 0 && sortOrderKey(o) === key);
        orderId = existing?.orderId ?? nextId(d.sortOrders.map((o) => o.orderId), 1);
        if (existing === undefined) d.sortOrders.push({ orderId, fields: order.fields.map((f) => ({ ...f })) });
      }
      d.lastAddedSortOrderId = orderId;
      return;
    }
    case "set-default-sort-order": {
      const id = update.sortOrderId === LAST_ADDED ? d.lastAddedSortOrderId : update.sortOrderId;
      if (id === undefined) fail("set-default-sort-order -1 needs a sort order added before it");
      if (!d.sortOrders.some((o) => o.orderId === id)) fail(`there is no sort order with id ${id}`, { sortOrderId: id });
      d.defaultSortOrderId = id;
      return;
    }
    case "add-snapshot": {
      const snapshot = update.snapshot;
      if (d.snapshots.some((s) => s.snapshotId === snapshot.snapshotId)) {
        fail(`the table already has a snapshot with id ${snapshot.snapshotId}`, { snapshotId: snapshot.snapshotId });
      }
      const version = d.formatVersion ?? DEFAULT_FORMAT_VERSION;
      // as Iceberg Java allows: a snapshot with no parent (a replace transaction started afresh) may reuse a sequence number
      if (version >= 2 && snapshot.sequenceNumber <= d.lastSequenceNumber && snapshot.parentSnapshotId !== undefined) {
        fail(
          `snapshot ${snapshot.snapshotId} has sequence number ${snapshot.sequenceNumber}, which is not above the table's last sequence number ${d.lastSequenceNumber}`,
          { snapshotId: snapshot.snapshotId },
        );
      }
      if (version >= 3) {
        if (snapshot.firstRowId === undefined) fail(`snapshot ${snapshot.snapshotId} needs a first-row-id in a v3 table`);
        if (d.nextRowId !== undefined && snapshot.firstRowId < d.nextRowId) {
          fail(`snapshot ${snapshot.snapshotId} has first-row-id ${snapshot.firstRowId}, below the table's next-row-id ${d.nextRowId}`);
        }
        d.nextRowId = snapshot.firstRowId + (snapshot.addedRows ?? 0n);
      }
      d.snapshots.push(snapshot);
      if (snapshot.sequenceNumber > d.lastSequenceNumber) d.lastSequenceNumber = snapshot.sequenceNumber;
      d.addedSnapshots.set(snapshot.snapshotId, snapshot);
      return;
    }
    case "set-snapshot-ref": {
      const { action: _action, refName, ...ref } = update;
      const snapshot = d.snapshots.find((s) => s.snapshotId === ref.snapshotId);
      if (snapshot === undefined) fail(`cannot point ${refName} at snapshot ${ref.snapshotId}: the table has no such snapshot`, { ref: refName });
      if (refName === MAIN_BRANCH && ref.type !== "branch") fail("main must be a branch");
      const existing = d.refs.get(refName);
      if (existing !== undefined && sameRef(existing, ref)) return;
      d.refs.set(refName, ref);
      // The snapshot log records changes of the current snapshot, not of main's retention settings.
      if (refName === MAIN_BRANCH && d.currentSnapshotId !== ref.snapshotId) {
        d.currentSnapshotId = ref.snapshotId;
        d.snapshotLog.push({ snapshotId: ref.snapshotId, timestampMs: d.addedSnapshots.get(ref.snapshotId)?.timestampMs ?? nowMs });
      }
      return;
    }
    case "remove-snapshot-ref":
      d.refs.delete(update.refName);
      if (update.refName === MAIN_BRANCH) d.currentSnapshotId = undefined;
      return;
    case "remove-snapshots": {
      const ids = new Set(update.snapshotIds);
      d.snapshots = d.snapshots.filter((s) => !ids.has(s.snapshotId));
      for (const id of ids) {
        removed.add(id);
        d.addedSnapshots.delete(id);
      }
      for (const [name, ref] of [...d.refs]) {
        if (ids.has(ref.snapshotId)) d.refs.delete(name);
      }
      if (d.currentSnapshotId !== undefined && ids.has(d.currentSnapshotId)) d.currentSnapshotId = undefined;
      return;
    }
    case "remove-schemas": {
      for (const id of update.schemaIds) {
        if (id === d.currentSchemaId) fail(`cannot remove schema ${id}: it is the current schema`, { schemaId: id });
      }
      const ids = new Set(update.schemaIds);
      d.schemas = d.schemas.filter((schema) => !ids.has(schema.schemaId));
      return;
    }
    case "remove-partition-specs": {
      for (const id of update.specIds) {
        if (id === d.defaultSpecId) fail(`cannot remove partition spec ${id}: it is the default spec`, { specId: id });
      }
      const ids = new Set(update.specIds);
      d.partitionSpecs = d.partitionSpecs.filter((spec) => !ids.has(spec.specId));
      return;
    }
    case "set-properties":
      for (const [key, value] of Object.entries(update.updates)) {
        if (typeof value !== "string") fail(`property ${key} must be a string`, { property: key });
        d.properties[key] = value;
      }
      return;
    case "remove-properties":
      for (const key of update.removals) delete d.properties[key];
      return;
    case "set-location": {
      const location = update.location;
      if (location.trim() === "") fail("the table location must not be empty");
      d.location = location.length > 1 && location.endsWith("/") ? location.replace(/\/+$/, "") : location;
      return;
    }
    default: {
      const unknown = update as { action?: unknown };
      throw unsupported(`unknown table update ${JSON.stringify(unknown.action)}`);
    }
  }
}

function finish(base: TableMetadata | undefined, d: Draft, removed: Set<bigint>, nowMs: number, options: ApplyUpdatesOptions): TableMetadata {
  if (base === undefined) {
    if (d.location === undefined) fail("a new table needs a location (set-location)");
    if (d.schemas.length === 0) fail("a new table needs a schema (add-schema)");
  }
  const formatVersion = d.formatVersion ?? DEFAULT_FORMAT_VERSION;
  if (formatVersion >= 2 && d.tableUuid === undefined) fail(`a format version ${formatVersion} table needs a uuid (assign-uuid)`);
  if (d.currentSchemaId === undefined) d.currentSchemaId = d.lastAddedSchemaId ?? d.schemas[0].schemaId;
  if (d.partitionSpecs.length === 0) d.partitionSpecs.push(PartitionSpec.unpartitioned(0));
  if (d.defaultSpecId === undefined) d.defaultSpecId = d.lastAddedSpecId ?? d.partitionSpecs[0].specId;
  if (d.sortOrders.length === 0) d.sortOrders.push({ orderId: UNSORTED_ORDER_ID, fields: [] });
  if (d.defaultSortOrderId === undefined) d.defaultSortOrderId = d.lastAddedSortOrderId ?? d.sortOrders[0].orderId;
  if (formatVersion >= 3 && d.nextRowId === undefined) d.nextRowId = 0n;

  // A snapshot-log entry of a snapshot that is gone makes the history before it unreliable: keep only what follows it.
  let snapshotLog = d.snapshotLog;
  if (removed.size > 0) {
    const present = new Set(d.snapshots.map((s) => s.snapshotId));
    let lastGone = -1;
    snapshotLog.forEach((entry, i) => {
      if (!present.has(entry.snapshotId)) lastGone = i;
    });
    snapshotLog = snapshotLog.slice(lastGone + 1);
  }

  let metadataLog: MetadataLogEntry[] = base ? [...base.metadataLog] : [];
  if (base !== undefined && options.baseLocation !== undefined) {
    metadataLog.push({ metadataFile: options.baseLocation, timestampMs: base.lastUpdatedMs });
  }
  const keep = Math.max(1, integerProperty(d.properties, METADATA_PREVIOUS_VERSIONS_MAX, METADATA_PREVIOUS_VERSIONS_MAX_DEFAULT));
  if (metadataLog.length > keep) metadataLog = metadataLog.slice(metadataLog.length - keep);

  let lastUpdatedMs = nowMs;
  for (const snapshot of d.addedSnapshots.values()) lastUpdatedMs = snapshot.timestampMs;

  const fields: TableMetadataFields = {
    formatVersion,
    location: d.location as string,
    lastSequenceNumber: formatVersion >= 2 ? d.lastSequenceNumber : 0n,
    lastUpdatedMs,
    lastColumnId: d.lastColumnId,
    schemas: d.schemas,
    currentSchemaId: d.currentSchemaId,
    partitionSpecs: d.partitionSpecs,
    defaultSpecId: d.defaultSpecId,
    lastPartitionId: d.lastPartitionId,
    properties: d.properties,
    currentSnapshotId: d.currentSnapshotId,
    snapshots: d.snapshots,
    snapshotLog,
    metadataLog,
    sortOrders: d.sortOrders,
    defaultSortOrderId: d.defaultSortOrderId,
    refs: d.refs,
    statistics: (base?.statistics ?? []).filter((s) => !removed.has(s.snapshotId)),
    partitionStatistics: (base?.partitionStatistics ?? []).filter((s) => !removed.has(s.snapshotId)),
  };
  if (d.tableUuid !== undefined) fields.tableUuid = d.tableUuid;
  if (formatVersion >= 3) {
    fields.nextRowId = d.nextRowId;
    if (base?.encryptionKeys !== undefined) fields.encryptionKeys = base.encryptionKeys;
  }
  try {
    return new TableMetadata(fields, "updated table metadata");
  } catch (error) {
    throw new FloeError("invalid-input", `the updates leave the table metadata inconsistent: ${(error as Error).message}`, { cause: error });
  }
}

function nextId(ids: readonly number[], first: number): number {
  return ids.length === 0 ? first : Math.max(first - 1, ...ids) + 1;
}

function schemaKey(schema: Schema): string {
  const { "schema-id": _id, ...rest } = schemaToJson(schema);
  return stringifyJson(rest);
}

function specKey(spec: PartitionSpec): string {
  return stringifyJson(partitionFieldsToJson(spec));
}

function sortOrderKey(order: SortOrder): string {
  const { "order-id": _id, ...rest } = sortOrderToJson(order);
  return stringifyJson(rest);
}

function sameRef(a: SnapshotRef, b: SnapshotRef): boolean {
  return (
    a.snapshotId === b.snapshotId &&
    a.type === b.type &&
    a.minSnapshotsToKeep === b.minSnapshotsToKeep &&
    a.maxSnapshotAgeMs === b.maxSnapshotAgeMs &&
    a.maxRefAgeMs === b.maxRefAgeMs
  );
}

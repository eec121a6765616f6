/**
 * Table metadata (format/spec.md, "Table Metadata"): the model, its JSON form for
 * format versions 1, 2 and 3, and the lookups a reader needs.
 */
import { malformed, unsupported } from "../../core/errors/FloeError.js";
import { JsonFields, parseJsonLossless, stringifyJson } from "./json.js";
import { NAME_MAPPING_PROPERTY, NameMapping, parseNameMapping } from "./nameMapping.js";
import {
  parsePartitionFields,
  parsePartitionSpecJson,
  PARTITION_DATA_ID_START,
  PartitionSpec,
  partitionFieldsToJson,
  partitionSpecToJson,
} from "./partitionSpec.js";
import { MAIN_BRANCH, parseSnapshotRefJson, snapshotRefToJson, type SnapshotRef } from "./refs.js";
import type { Schema } from "./schema.js";
import { parseSnapshotJson, snapshotToJson, type Snapshot } from "./snapshot.js";
import { parseSortOrderJson, sortOrderToJson, unsortedOrder, type SortOrder } from "./sortOrder.js";
import {
  encryptionKeyToJson,
  parseEncryptionKeyJson,
  parsePartitionStatisticsFileJson,
  parseStatisticsFileJson,
  partitionStatisticsFileToJson,
  statisticsFileToJson,
  type EncryptionKey,
  type PartitionStatisticsFile,
  type StatisticsFile,
} from "./statistics.js";
import { parseSchemaJson, schemaToJson } from "./typeJson.js";

export type FormatVersion = 1 | 2 | 3;
export const SUPPORTED_FORMAT_VERSIONS: readonly FormatVersion[] = [1, 2, 3];
/** The format version floe writes for new tables. */
export const DEFAULT_FORMAT_VERSION: FormatVersion = 2;

export interface SnapshotLogEntry {
  snapshotId: bigint;
  timestampMs: number;
}

export interface MetadataLogEntry {
  metadataFile: string;
  timestampMs: number;
}

/** The fields of table metadata as plain data. */
export interface TableMetadataFields {
  formatVersion: FormatVersion;
  /** Required from v2 on; v1 tables may have none. */
  tableUuid?: string;
  location: string;
  /** 0 for v1 tables. */
  lastSequenceNumber: bigint;
  lastUpdatedMs: number;
  lastColumnId: number;
  schemas: readonly Schema[];
  currentSchemaId: number;
  partitionSpecs: readonly PartitionSpec[];
  defaultSpecId: number;
  lastPartitionId: number;
  properties: Readonly<Record<string, string>>;
  /** Undefined when the table has no current snapshot (written as -1 or null). */
  currentSnapshotId?: bigint;
  snapshots: readonly Snapshot[];
  snapshotLog: readonly SnapshotLogEntry[];
  metadataLog: readonly MetadataLogEntry[];
  sortOrders: readonly SortOrder[];
  defaultSortOrderId: number;
  /** Branches and tags; always holds `main` when there is a current snapshot. */
  refs: ReadonlyMap<string, SnapshotRef>;
  statistics: readonly StatisticsFile[];
  partitionStatistics: readonly PartitionStatisticsFile[];
  /** v3 row lineage: the next row id to assign. */
  nextRowId?: bigint;
  /** v3 encryption keys. */
  encryptionKeys?: readonly EncryptionKey[];
}

export class TableMetadata implements TableMetadataFields {
  declare readonly formatVersion: FormatVersion;
  declare readonly tableUuid?: string;
  declare readonly location: string;
  declare readonly lastSequenceNumber: bigint;
  declare readonly lastUpdatedMs: number;
  declare readonly lastColumnId: number;
  declare readonly schemas: readonly Schema[];
  declare readonly currentSchemaId: number;
  declare readonly partitionSpecs: readonly PartitionSpec[];
  declare readonly defaultSpecId: number;
  declare readonly lastPartitionId: number;
  declare readonly properties: Readonly<Record<string, string>>;
  declare readonly currentSnapshotId?: bigint;
  declare readonly snapshots: readonly Snapshot[];
  declare readonly snapshotLog: readonly SnapshotLogEntry[];
  declare readonly metadataLog: readonly MetadataLogEntry[];
  declare readonly sortOrders: readonly SortOrder[];
  declare readonly defaultSortOrderId: number;
  declare readonly refs: ReadonlyMap<string, SnapshotRef>;
  declare readonly statistics: readonly StatisticsFile[];
  declare readonly partitionStatistics: readonly PartitionStatisticsFile[];
  declare readonly nextRowId?: bigint;
  declare readonly encryptionKeys?: readonly EncryptionKey[];

  /**
   * Checks that the ids refer to what exists (current schema, default spec and sort
   * order, current snapshot, refs) and throws a `malformed` error naming `source` otherwise.
   */
  constructor(fields: TableMetadataFields, source = "table metadata") {
    const refs = new Map(fields.refs);
    if (fields.currentSnapshotId !== undefined && !refs.has(MAIN_BRANCH)) {
      refs.set(MAIN_BRANCH, { snapshotId: fields.currentSnapshotId, type: "branch" });
    }
    const self = this as unknown as Record<string, unknown>;
    for (const [key, value] of Object.entries({ ...fields, refs })) if (value !== undefined) self[key] = value;
    validate(this, source);
  }

  /** A copy with some fields replaced (validated again). */
  with(changes: Partial<TableMetadataFields>, source?: string): TableMetadata {
    return new TableMetadata({ ...this.fields(), ...changes }, source);
  }

  /** The metadata as plain data. */
  fields(): TableMetadataFields {
    return { ...this };
  }

  currentSchema(): Schema {
    return this.schemaById(this.currentSchemaId) as Schema;
  }

  schemaById(schemaId: number): Schema | undefined {
    return this.schemas.find((s) => s.schemaId === schemaId);
  }

  defaultSpec(): PartitionSpec {
    return this.specById(this.defaultSpecId) as PartitionSpec;
  }

  specById(specId: number): PartitionSpec | undefined {
    return this.partitionSpecs.find((s) => s.specId === specId);
  }

  /** Partition specs by id, as manifest readers take them. */
  specsById(): Map<number, PartitionSpec> {
    return new Map(this.partitionSpecs.map((s) => [s.specId, s]));
  }

  defaultSortOrder(): SortOrder {
    return this.sortOrderById(this.defaultSortOrderId) as SortOrder;
  }

  sortOrderById(orderId: number): SortOrder | undefined {
    return this.sortOrders.find((o) => o.orderId === orderId);
  }

  snapshotById(snapshotId: bigint): Snapshot | undefined {
    return this.snapshots.find((s) => s.snapshotId === snapshotId);
  }

  currentSnapshot(): Snapshot | undefined {
    return this.currentSnapshotId === undefined ? undefined : this.snapshotById(this.currentSnapshotId);
  }

  ref(name: string): SnapshotRef | undefined {
    return this.refs.get(name);
  }

  /** The snapshot a branch or tag points to. */
  snapshotByRef(name: string): Snapshot | undefined {
    const ref = this.refs.get(name);
    return ref === undefined ? undefined : this.snapshotById(ref.snapshotId);
  }

  /**
   * The table's current snapshot as of a time, from the snapshot log: the latest
   * entry at or before `timestampMs`. Undefined when there is none, or when that
   * snapshot has expired from the metadata.
   */
  snapshotAsOf(timestampMs: number): Snapshot | undefined {
    let found: SnapshotLogEntry | undefined;
    for (const entry of this.snapshotLog) {
      if (entry.timestampMs <= timestampMs && (found === undefined || entry.timestampMs >= found.timestampMs)) found = entry;
    }
    return found === undefined ? undefined : this.snapshotById(found.snapshotId);
  }

  /** The schema a snapshot was written with (its `schema-id`), else the current schema. */
  schemaForSnapshot(snapshot: Snapshot): Schema {
    return (snapshot.schemaId !== undefined ? this.schemaById(snapshot.schemaId) : undefined) ?? this.currentSchema();
  }

  /** Snapshots from `snapshotId` back through its parents, newest first. */
  ancestorsOf(snapshotId: bigint): Snapshot[] {
    const out: Snapshot[] = [];
    const seen = new Set<bigint>();
    let current = this.snapshotById(snapshotId);
    while (current !== undefined && !seen.has(current.snapshotId)) {
      out.push(current);
      seen.add(current.snapshotId);
      current = current.parentSnapshotId === undefined ? undefined : this.snapshotById(current.parentSnapshotId);
    }
    return out;
  }

  property(key: string): string | undefined {
    return Object.prototype.hasOwnProperty.call(this.properties, key) ? this.properties[key] : undefined;
  }

  /** The name mapping of the `schema.name-mapping.default` property, if set. */
  nameMapping(): NameMapping | undefined {
    const text = this.property(NAME_MAPPING_PROPERTY);
    return text === undefined ? undefined : parseNameMapping(text, `table property ${NAME_MAPPING_PROPERTY}`);
  }
}

function validate(m: TableMetadata, source: string): void {
  const fail = (message: string, field: string): never => {
    throw malformed(`${source}: ${message}`, { file: source, field });
  };
  if (!SUPPORTED_FORMAT_VERSIONS.includes(m.formatVersion)) fail(`format-version ${m.formatVersion} is not supported`, "format-version");
  if (m.schemaById(m.currentSchemaId) === undefined) fail(`current-schema-id ${m.currentSchemaId} names no schema`, "current-schema-id");
  if (m.specById(m.defaultSpecId) === undefined) fail(`default-spec-id ${m.defaultSpecId} names no partition spec`, "default-spec-id");
  if (m.sortOrderById(m.defaultSortOrderId) === undefined) {
    fail(`default-sort-order-id ${m.defaultSortOrderId} names no sort order`, "default-sort-order-id");
  }
  if (m.currentSnapshotId !== undefined && m.snapshotById(m.currentSnapshotId) === undefined) {
    fail(`current-snapshot-id ${m.currentSnapshotId} names no snapshot`, "current-snapshot-id");
  }
  for (const [name, ref] of m.refs) {
    if (m.snapshotById(ref.snapshotId) === undefined) fail(`refs.${name} points to snapshot ${ref.snapshotId}, which is not in snapshots`, `refs.${name}`);
  }
  const main = m.refs.get(MAIN_BRANCH);
  if (main !== undefined && main.snapshotId !== m.currentSnapshotId) {
    fail(`refs.main points to snapshot ${main.snapshotId} but current-snapshot-id is ${m.currentSnapshotId ?? "unset"}`, "refs.main");
  }
  if (main !== undefined && main.type !== "branch") fail("refs.main must be a branch", "refs.main");
}

// ---------------------------------------------------------------------------------------------
// JSON

/** Parses metadata JSON text losslessly. `source` (usually the file location) names the file in errors. */
export function parseTableMetadata(text: string, source = "table metadata"): TableMetadata {
  return parseTableMetadataJson(parseJsonLossless(text, source), source);
}

/** Parses metadata from an already (losslessly) parsed JSON value. */
export function parseTableMetadataJson(json: unknown, source = "table metadata"): TableMetadata {
  const obj = JsonFields.of(json, source);
  const version = obj.int("format-version");
  if (version < 1 || version > 3) {
    throw unsupported(`${source}: format-version ${version} is not supported (floe reads versions 1 to 3)`, {
      file: source,
      field: "format-version",
    });
  }
  const formatVersion = version as FormatVersion;
  const v2 = formatVersion >= 2;

  // schemas: v2+ `schemas` + `current-schema-id`; v1 may have only `schema`
  let schemas: Schema[];
  let currentSchemaId: number;
  if (obj.has("schemas") || v2) {
    schemas = obj.objects("schemas").map(parseSchemaJson);
    const legacy = obj.has("schema") ? parseSchemaJson(obj.object("schema")) : undefined;
    currentSchemaId = v2 ? obj.int("current-schema-id") : (obj.optInt("current-schema-id") ?? legacy?.schemaId ?? obj.int("current-schema-id"));
  } else {
    const schema = parseSchemaJson(obj.object("schema"));
    schemas = [schema];
    currentSchemaId = schema.schemaId;
  }
  const ids = new Set<number>();
  for (const [i, s] of schemas.entries()) {
    if (ids.has(s.schemaId)) throw obj.error(`schemas[${i}]`, `repeats schema-id ${s.schemaId}`);
    ids.add(s.schemaId);
  }

  // partition specs: v2+ `partition-specs` + `default-spec-id`; v1 may have only `partition-spec`
  let partitionSpecs: PartitionSpec[];
  let defaultSpecId: number;
  if (obj.has("partition-specs") || v2) {
    partitionSpecs = obj.objects("partition-specs").map(parsePartitionSpecJson);
    defaultSpecId = v2 ? obj.int("default-spec-id") : (obj.optInt("default-spec-id") ?? partitionSpecs[0]?.specId ?? 0);
  } else {
    partitionSpecs = [new PartitionSpec(0, parsePartitionFields(obj, "partition-spec"))];
    defaultSpecId = 0;
  }
  const lastPartitionId =
    obj.optInt("last-partition-id") ??
    (v2
      ? obj.int("last-partition-id")
      : partitionSpecs.reduce((max, s) => Math.max(max, s.lastAssignedFieldId()), PARTITION_DATA_ID_START - 1));

  // sort orders
  let sortOrders: SortOrder[];
  let defaultSortOrderId: number;
  if (obj.has("sort-orders") || v2) {
    sortOrders = obj.objects("sort-orders").map(parseSortOrderJson);
    defaultSortOrderId = v2 ? obj.int("default-sort-order-id") : (obj.optInt("default-sort-order-id") ?? sortOrders[0]?.orderId ?? 0);
  } else {
    sortOrders = [unsortedOrder()];
    defaultSortOrderId = 0;
  }

  let currentSnapshotId = obj.optLong("current-snapshot-id");
  if (currentSnapshotId === -1n) currentSnapshotId = undefined;

  const refs = new Map<string, SnapshotRef>();
  const refsObj = obj.optObject("refs");
  if (refsObj !== undefined) {
    for (const name of Object.keys(refsObj.value)) refs.set(name, parseSnapshotRefJson(refsObj.object(name)));
  }

  const fields: TableMetadataFields = {
    formatVersion,
    location: obj.string("location"),
    lastSequenceNumber: v2 ? obj.long("last-sequence-number") : (obj.optLong("last-sequence-number") ?? 0n),
    lastUpdatedMs: obj.millis("last-updated-ms"),
    lastColumnId: obj.int("last-column-id"),
    schemas,
    currentSchemaId,
    partitionSpecs,
    defaultSpecId,
    lastPartitionId,
    properties: obj.optStringMap("properties") ?? {},
    currentSnapshotId,
    snapshots: (obj.optObjects("snapshots") ?? []).map((s) => parseSnapshotJson(s, formatVersion)),
    snapshotLog: (obj.optObjects("snapshot-log") ?? []).map((e) => ({ snapshotId: e.long("snapshot-id"), timestampMs: e.millis("timestamp-ms") })),
    metadataLog: (obj.optObjects("metadata-log") ?? []).map((e) => ({ metadataFile: e.string("metadata-file"), timestampMs: e.millis("timestamp-ms") })),
    sortOrders,
    defaultSortOrderId,
    refs,
    statistics: (obj.optObjects("statistics") ?? []).map(parseStatisticsFileJson),
    partitionStatistics: (obj.optObjects("partition-statistics") ?? []).map(parsePartitionStatisticsFileJson),
  };
  const tableUuid = v2 ? obj.string("table-uuid") : obj.optString("table-uuid");
  if (tableUuid !== undefined) fields.tableUuid = tableUuid;
  if (formatVersion >= 3) {
    const nextRowId = obj.optLong("next-row-id");
    if (nextRowId !== undefined) fields.nextRowId = nextRowId;
    const keys = obj.optObjects("encryption-keys");
    if (keys !== undefined) fields.encryptionKeys = keys.map(parseEncryptionKeyJson);
  }
  return new TableMetadata(fields, source);
}

/**
 * The JSON object of table metadata in the layout of its format version: v1 also
 * writes the deprecated `schema` and `partition-spec`; v1 and v2 write -1 for "no
 * current snapshot", v3 writes null. Ids are bigints, written as bare integers.
 */
export function tableMetadataToJson(metadata: TableMetadata): Record<string, unknown> {
  const v = metadata.formatVersion;
  const out: Record<string, unknown> = { "format-version": v };
  if (metadata.tableUuid !== undefined) out["table-uuid"] = metadata.tableUuid;
  out.location = metadata.location;
  if (v >= 2) out["last-sequence-number"] = metadata.lastSequenceNumber;
  out["last-updated-ms"] = metadata.lastUpdatedMs;
  out["last-column-id"] = metadata.lastColumnId;
  if (v === 1) out.schema = schemaToJson(metadata.currentSchema());
  out["current-schema-id"] = metadata.currentSchemaId;
  out.schemas = metadata.schemas.map(schemaToJson);
  if (v === 1) out["partition-spec"] = partitionFieldsToJson(metadata.defaultSpec());
  out["default-spec-id"] = metadata.defaultSpecId;
  out["partition-specs"] = metadata.partitionSpecs.map(partitionSpecToJson);
  out["last-partition-id"] = metadata.lastPartitionId;
  out["default-sort-order-id"] = metadata.defaultSortOrderId;
  out["sort-orders"] = metadata.sortOrders.map(sortOrderToJson);
  out.properties = { ...metadata.properties };
  out["current-snapshot-id"] = metadata.currentSnapshotId ?? (v >= 3 ? null : -1);
  if (v >= 3) {
    if (metadata.nextRowId !== undefined) out["next-row-id"] = metadata.nextRowId;
    if (metadata.encryptionKeys !== undefined && metadata.encryptionKeys.length > 0) {
      out["encryption-keys"] = metadata.encryptionKeys.map(encryptionKeyToJson);
    }
  }
  out.refs = Object.fromEntries([...metadata.refs].map(([name, ref]) => [name, snapshotRefToJson(ref)]));
  out.snapshots = metadata.snapshots.map((s) => snapshotToJson(s, v));
  out.statistics = metadata.statistics.map(statisticsFileToJson);
  out["partition-statistics"] = metadata.partitionStatistics.map(partitionStatisticsFileToJson);
  out["snapshot-log"] = metadata.snapshotLog.map((e) => ({ "timestamp-ms": e.timestampMs, "snapshot-id": e.snapshotId }));
  out["metadata-log"] = metadata.metadataLog.map((e) => ({ "timestamp-ms": e.timestampMs, "metadata-file": e.metadataFile }));
  return out;
}

/** Metadata JSON text; `pretty` indents it. */
export function serializeTableMetadata(metadata: TableMetadata, options: { pretty?: boolean } = {}): string {
  return stringifyJson(tableMetadataToJson(metadata), options.pretty ? 2 : undefined);
}

/**
 * Where the fields of a manifest entry lie, as a manifest's writer schema lays them out.
 * One pass over an entry records where each known field starts, decoding nothing; any of
 * them can then be decoded on its own. A planner thus reads the few fields that decide
 * whether it needs a file (status, partition, a column's metrics) and decodes the rest
 * only for the files it keeps. Compiled once per writer schema and partition type: the
 * manifests of a table share a few.
 */
import type { StructType } from "../spec/types.js";
import { recordFieldReaders, type AvroCursor, type FieldReader, type ValueReader } from "./avroReader.js";
import type { AvroSchema, DecodingSchema } from "./avroSchema.js";
import { keyedMapValues, runSkipProgram, SkipProgramBuilder, type SkipProgram } from "./avroSkipper.js";
import { DATA_FILE, DATA_FILE_FIELD_ID, MANIFEST_ENTRY, manifestEntryReadType, PARTITION_FIELD_ID } from "./manifestSchemas.js";

/** The known fields of an entry, by their index in a position table. */
export const Slot = {
  status: 0,
  snapshotId: 1,
  sequenceNumber: 2,
  fileSequenceNumber: 3,
  dataFile: 4,
  content: 5,
  filePath: 6,
  fileFormat: 7,
  partition: 8,
  recordCount: 9,
  fileSizeInBytes: 10,
  columnSizes: 11,
  valueCounts: 12,
  nullValueCounts: 13,
  nanValueCounts: 14,
  lowerBounds: 15,
  upperBounds: 16,
  keyMetadata: 17,
  splitOffsets: 18,
  equalityIds: 19,
  sortOrderId: 20,
  firstRowId: 21,
  referencedDataFile: 22,
  contentOffset: 23,
  contentSizeInBytes: 24,
} as const;
export type Slot = (typeof Slot)[keyof typeof Slot];
export const SLOT_COUNT = Object.keys(Slot).length;

const ENTRY_SLOTS: ReadonlyMap<number, Slot> = new Map([
  [MANIFEST_ENTRY.status.id, Slot.status],
  [MANIFEST_ENTRY.snapshotId.id, Slot.snapshotId],
  [MANIFEST_ENTRY.sequenceNumber.id, Slot.sequenceNumber],
  [MANIFEST_ENTRY.fileSequenceNumber.id, Slot.fileSequenceNumber],
  [DATA_FILE_FIELD_ID, Slot.dataFile],
]);

const d = DATA_FILE;
const DATA_FILE_SLOTS: ReadonlyMap<number, Slot> = new Map([
  [d.content.id, Slot.content],
  [d.filePath.id, Slot.filePath],
  [d.fileFormat.id, Slot.fileFormat],
  [PARTITION_FIELD_ID, Slot.partition],
  [d.recordCount.id, Slot.recordCount],
  [d.fileSizeInBytes.id, Slot.fileSizeInBytes],
  [d.columnSizes.id, Slot.columnSizes],
  [d.valueCounts.id, Slot.valueCounts],
  [d.nullValueCounts.id, Slot.nullValueCounts],
  [d.nanValueCounts.id, Slot.nanValueCounts],
  [d.lowerBounds.id, Slot.lowerBounds],
  [d.upperBounds.id, Slot.upperBounds],
  [d.keyMetadata.id, Slot.keyMetadata],
  [d.splitOffsets.id, Slot.splitOffsets],
  [d.equalityIds.id, Slot.equalityIds],
  [d.sortOrderId.id, Slot.sortOrderId],
  [d.firstRowId.id, Slot.firstRowId],
  [d.referencedDataFile.id, Slot.referencedDataFile],
  [d.contentOffset.id, Slot.contentOffset],
  [d.contentSizeInBytes.id, Slot.contentSizeInBytes],
]);

/** Slots of the field id → count maps, and of the field id → bound maps. */
export type CountMapSlot = typeof Slot.columnSizes | typeof Slot.valueCounts | typeof Slot.nullValueCounts | typeof Slot.nanValueCounts;
export type BoundMapSlot = typeof Slot.lowerBounds | typeof Slot.upperBounds;
export type MetricsMapSlot = CountMapSlot | BoundMapSlot;

/** The metrics maps, with how their values must be encoded to be read in place. */
const METRICS_MAPS: readonly (readonly [MetricsMapSlot, "varint" | "length-prefixed"])[] = [
  [Slot.columnSizes, "varint"],
  [Slot.valueCounts, "varint"],
  [Slot.nullValueCounts, "varint"],
  [Slot.nanValueCounts, "varint"],
  [Slot.lowerBounds, "length-prefixed"],
  [Slot.upperBounds, "length-prefixed"],
];

/**
 * Columns whose metrics the walk over an entry notes as it passes them (the columns a
 * filter reads); the metrics of other columns are found by decoding their maps.
 */
export const NOTED_COLUMNS = 8;

/** By metrics map slot: where the positions of the values of the noted columns start in the position table. */
const NOTED_AT = new Int32Array(SLOT_COUNT).fill(-1);
METRICS_MAPS.forEach(([slot], i) => (NOTED_AT[slot] = SLOT_COUNT + i * NOTED_COLUMNS));

/** Length of an entry's position table: the fields, then the noted metrics. */
export const POSITIONS_LENGTH = SLOT_COUNT + METRICS_MAPS.length * NOTED_COLUMNS;

/** A record of the writer schema, possibly as the non-null branch of a union. */
interface RecordNode {
  node: Record<string, unknown>;
  /** Union branch indexes; -1 when the record is not in a union. */
  recordBranch: number;
  nullBranch: number;
}

export class ManifestEntryLayout {
  /**
   * Moves past the entry at the cursor, noting in `at` where each known field starts (-1:
   * absent, or a null data_file) and where the metrics of the `notedColumns` (field ids) are.
   */
  readonly skim: (c: AvroCursor, at: Int32Array, notedColumns: Int32Array) => void;
  private readonly readers: (ValueReader | undefined)[] = new Array(SLOT_COUNT).fill(undefined);
  /** By slot: whether the writer wrote the field as a plain int or long, read in place as a number. */
  private readonly plainVarints: boolean[] = new Array(SLOT_COUNT).fill(false);
  private readonly partitionRecord: RecordNode | undefined;
  /** The partition tuple's fields in writer order. */
  readonly partitionFields: readonly FieldReader[];
  /**
   * By metrics map slot: where the positions of the values of the noted columns start in
   * the position table (the i-th noted column's at `notedAt[slot] + i`); -1 when the walk
   * notes nothing in the map (it is not laid out the way Iceberg writes it).
   */
  readonly notedAt = new Int32Array(SLOT_COUNT).fill(-1);

  /** `schema` is the manifest's writer schema prepared for decoding; `partitionType` types the partition values. */
  constructor(schema: DecodingSchema, partitionType: StructType) {
    const readType = manifestEntryReadType(partitionType);
    const entry = recordOf(schema.schema, schema);
    if (entry === undefined || entry.recordBranch >= 0) throw new TypeError("a manifest entry must be a record");
    const entryFields = this.collect(entry.node, readType, ENTRY_SLOTS, schema);

    const dataFileType = readType.fields.find((f) => f.id === DATA_FILE_FIELD_ID)!.type as StructType;
    const dataFileAt = entryFields.findIndex((f) => f.id === DATA_FILE_FIELD_ID);
    const dataFile = dataFileAt < 0 ? undefined : recordOf(fieldType(entry.node, dataFileAt), schema);
    const dataFileFields = dataFile === undefined ? [] : this.collect(dataFile.node, dataFileType, DATA_FILE_SLOTS, schema);
    if (dataFile !== undefined) {
      const partitionAt = dataFileFields.findIndex((f) => f.id === PARTITION_FIELD_ID);
      this.partitionRecord = partitionAt < 0 ? undefined : recordOf(fieldType(dataFile.node, partitionAt), schema);
      for (const [slot, values] of METRICS_MAPS) {
        const at = dataFileFields.findIndex((f) => f.id !== undefined && DATA_FILE_SLOTS.get(f.id) === slot);
        if (at >= 0 && keyedMapValues(fieldType(dataFile.node, at), schema) === values) this.notedAt[slot] = NOTED_AT[slot];
      }
    }
    this.partitionFields = this.partitionRecord === undefined ? [] : recordFieldReaders(this.partitionRecord.node, partitionType, schema);

    const walk = entryWalk(schema, entry.node, entryFields, dataFile, dataFileFields, this.notedAt);
    this.skim = (c, at, notedColumns) => {
      at.fill(-1);
      runSkipProgram(walk, c, at, notedColumns);
    };
  }

  /** The field readers of a record, each also kept by its slot. */
  private collect(node: Record<string, unknown>, type: StructType, slots: ReadonlyMap<number, Slot>, schema: DecodingSchema): FieldReader[] {
    const fields = recordFieldReaders(node, type, schema);
    fields.forEach((f, i) => {
      const slot = f.id === undefined ? undefined : slots.get(f.id);
      if (slot === undefined) return;
      this.readers[slot] = f.read;
      const written = resolve(fieldType(node, i), schema);
      this.plainVarints[slot] = written === "int" || written === "long";
    });
    return fields;
  }

  /** Decodes a field of the entry whose positions are `at`; undefined when the entry lacks it. */
  read(c: AvroCursor, at: Int32Array, slot: Slot): unknown {
    const pos = at[slot];
    const read = this.readers[slot];
    if (pos < 0 || read === undefined) return undefined;
    c.pos = pos;
    return read(c);
  }

  /** Whether the writer wrote the field as a plain int or long (no union), which can be read in place as a varint. */
  isPlainVarint(slot: Slot): boolean {
    return this.plainVarints[slot];
  }

  /**
   * Moves the cursor to the first field of the entry's partition tuple, to be read with
   * `partitionFields`; false when the entry has no partition tuple.
   */
  enterPartition(c: AvroCursor, at: Int32Array): boolean {
    const record = this.partitionRecord;
    const pos = at[Slot.partition];
    if (record === undefined || pos < 0) return false;
    c.pos = pos;
    return record.recordBranch < 0 || c.int() === record.recordBranch;
  }
}

/**
 * The walk over one entry: a skip program through the entry and the data_file record in it
 * that marks where each known field starts, and notes the metrics of the noted columns in
 * the maps `notedAt` gives a place.
 */
function entryWalk(
  schema: DecodingSchema,
  entry: Record<string, unknown>,
  entryFields: readonly FieldReader[],
  dataFile: RecordNode | undefined,
  dataFileFields: readonly FieldReader[],
  notedAt: Int32Array,
): SkipProgram {
  const program = new SkipProgramBuilder(schema);
  const walkRecord = (node: Record<string, unknown>, fields: readonly FieldReader[], slots: ReadonlyMap<number, Slot>) =>
    fields.forEach((f, i) => {
      const slot = f.id === undefined ? undefined : slots.get(f.id);
      if (slot !== undefined) program.mark(slot);
      if (slot === Slot.dataFile && dataFile !== undefined) walkDataFile(dataFile);
      else program.skip(fieldType(node, i), slot === undefined ? -1 : notedAt[slot]);
    });
  const walkDataFile = (record: RecordNode) => {
    const walkFields = () => walkRecord(record.node, dataFileFields, DATA_FILE_SLOTS);
    if (record.recordBranch < 0) return walkFields();
    const branches: (() => void)[] = [];
    branches[record.recordBranch] = walkFields;
    branches[record.nullBranch] = () => program.unmark(Slot.dataFile);
    program.union(branches);
  };
  walkRecord(entry, entryFields, ENTRY_SLOTS);
  return program.build();
}

function resolve(node: AvroSchema, schema: DecodingSchema): AvroSchema {
  return typeof node === "string" ? (schema.named.get(node) ?? node) : node;
}

function fieldType(record: Record<string, unknown>, index: number): AvroSchema {
  return (record.fields as Record<string, unknown>[])[index].type as AvroSchema;
}

function isRecord(node: AvroSchema): node is Record<string, unknown> {
  return typeof node === "object" && !Array.isArray(node) && node.type === "record";
}

function recordOf(node: AvroSchema, schema: DecodingSchema): RecordNode | undefined {
  const resolved = resolve(node, schema);
  if (isRecord(resolved)) return { node: resolved, recordBranch: -1, nullBranch: -1 };
  if (!Array.isArray(resolved) || resolved.length !== 2) return undefined;
  const branches = resolved.map((b) => resolve(b, schema));
  const recordBranch = branches.findIndex(isRecord);
  const nullBranch = branches.indexOf("null");
  if (recordBranch < 0 || nullBranch < 0) return undefined;
  return { node: branches[recordBranch] as Record<string, unknown>, recordBranch, nullBranch };
}

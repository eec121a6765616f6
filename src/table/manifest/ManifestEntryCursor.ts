/**
 * A cursor over a manifest's entries that reads each entry field by field, in its Avro
 * encoding, on demand. A planner decides from the status, the partition tuple and a
 * column's metrics whether it needs a file, and decodes the whole entry (`decode`) only for
 * the files it keeps:
 *
 *   const entries = reader.entries([columnId]);
 *   while (entries.next()) if (keep(entries)) files.push(entries.decode());
 *
 * What the cursor says about an entry holds until it moves on; `decode` gives a value that stays.
 */
import { FloeError, malformed } from "../../core/errors/FloeError.js";
import type { FieldLookup } from "../expr/MetricsEvaluator.js";
import type { AvroBlock } from "./avroContainer.js";
import { AvroCursor } from "./avroReader.js";
import { DataFileContent, ManifestEntryStatus, type DataFile, type ManifestEntry, type PartitionData } from "./dataFile.js";
import { POSITIONS_LENGTH, Slot, type ManifestEntryLayout, type MetricsMapSlot } from "./manifestEntryLayout.js";
import { ManifestContent, UNASSIGNED_SEQUENCE_NUMBER, type ManifestFile } from "./manifestFile.js";
import type { ManifestMetadata } from "./manifestHeader.js";

/** What entries take from their manifest. */
export interface ManifestContext {
  path: string;
  metadata: ManifestMetadata;
  /** The manifest's list entry, whose values entries inherit. */
  manifestFile: ManifestFile | undefined;
  /** The manifest's records, decompressed. */
  blocks: readonly AvroBlock[];
  /** The layout of its entries (compiled on first use: a manifest without entries needs none). */
  layout: () => ManifestEntryLayout;
}

/** Optional data file fields, decoded when present, by the DataFile key they fill. */
const OPTIONAL_DATA_FILE_FIELDS: readonly (readonly [keyof DataFile, Slot])[] = [
  ["columnSizes", Slot.columnSizes],
  ["valueCounts", Slot.valueCounts],
  ["nullValueCounts", Slot.nullValueCounts],
  ["nanValueCounts", Slot.nanValueCounts],
  ["lowerBounds", Slot.lowerBounds],
  ["upperBounds", Slot.upperBounds],
  ["keyMetadata", Slot.keyMetadata],
  ["splitOffsets", Slot.splitOffsets],
  ["equalityIds", Slot.equalityIds],
  ["sortOrderId", Slot.sortOrderId],
  ["firstRowId", Slot.firstRowId],
  ["referencedDataFile", Slot.referencedDataFile],
  ["contentOffset", Slot.contentOffset],
  ["contentSizeInBytes", Slot.contentSizeInBytes],
];

const INHERITABLE_ENTRY_FIELDS = [
  ["snapshotId", Slot.snapshotId],
  ["sequenceNumber", Slot.sequenceNumber],
  ["fileSequenceNumber", Slot.fileSequenceNumber],
] as const;

/** One metrics map of the current entry, looked up in its encoding. */
class EncodedMetricsMap<T> implements FieldLookup<T> {
  constructor(
    private readonly entries: ManifestEntryCursor,
    private readonly slot: MetricsMapSlot,
  ) {}

  get(fieldId: number): T | undefined {
    return this.entries.metric(this.slot, fieldId) as T | undefined;
  }
}

export class ManifestEntryCursor {
  /** Position of the current entry in the manifest; -1 before the first. */
  index = -1;
  private layout: ManifestEntryLayout | undefined;
  private block = -1;
  private leftInBlock = 0;
  private c: AvroCursor | undefined;
  /** Where the next entry starts in the current block. */
  private nextStart = 0;
  /** Where each field of the current entry starts (see ManifestEntryLayout.skim). */
  private readonly at = new Int32Array(POSITIONS_LENGTH);
  /** The first row id of the next v3 data file without one: the manifest's plus the rows of the data files before it. */
  private nextRowId: bigint | undefined;
  private inheritedFirstRowId: bigint | undefined;
  /** Refilled for every entry: the entries of a manifest share one partition spec, so the same keys. */
  private readonly partitionValues: PartitionData = {};
  private partitionRead = false;

  /** Field id → count (a number or a bigint) or bound bytes, as the metrics evaluator reads them. */
  readonly valueCounts: FieldLookup<number | bigint> = new EncodedMetricsMap(this, Slot.valueCounts);
  readonly nullValueCounts: FieldLookup<number | bigint> = new EncodedMetricsMap(this, Slot.nullValueCounts);
  readonly nanValueCounts: FieldLookup<number | bigint> = new EncodedMetricsMap(this, Slot.nanValueCounts);
  readonly lowerBounds: FieldLookup<Uint8Array> = new EncodedMetricsMap(this, Slot.lowerBounds);
  readonly upperBounds: FieldLookup<Uint8Array> = new EncodedMetricsMap(this, Slot.upperBounds);

  /** `notedColumns`: field ids whose metrics are noted while walking an entry, to be read without decoding the maps (the filter's columns). */
  constructor(
    private readonly manifest: ManifestContext,
    private readonly notedColumns: Int32Array,
  ) {
    const manifestFile = manifest.manifestFile;
    this.nextRowId = manifestFile?.content === ManifestContent.DATA ? manifestFile.firstRowId : undefined;
  }

  /** Moves to the next entry; false after the last. */
  next(): boolean {
    const blocks = this.manifest.blocks;
    while (this.leftInBlock === 0) {
      if (this.block + 1 >= blocks.length) return false;
      const data = blocks[++this.block].data;
      this.c = new AvroCursor(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      this.leftInBlock = blocks[this.block].count;
      this.nextStart = 0;
    }
    this.leftInBlock--;
    this.index++;
    this.partitionRead = false;
    const layout = (this.layout ??= this.manifest.layout());
    const c = this.c!;
    c.pos = this.nextStart;
    try {
      layout.skim(c, this.at, this.notedColumns);
    } catch (error) {
      throw this.undecodable(error);
    }
    if (c.pos > c.bytes.length) throw malformed(`${this.manifest.path}: record ${this.index} is truncated`, { file: this.manifest.path });
    this.nextStart = c.pos;
    if (this.at[Slot.dataFile] < 0) this.fail("data_file", "is missing");
    this.inheritedFirstRowId = undefined;
    if (this.nextRowId !== undefined && this.content === DataFileContent.DATA && typeof this.field(Slot.firstRowId) !== "bigint") {
      this.inheritedFirstRowId = this.nextRowId;
      this.nextRowId += BigInt(this.recordCount);
    }
    return true;
  }

  get status(): ManifestEntryStatus {
    const status = this.number(Slot.status);
    if (status !== 0 && status !== 1 && status !== 2) this.fail("status", `must be 0, 1 or 2, got ${String(status)}`);
    return status as ManifestEntryStatus;
  }

  get content(): DataFileContent {
    const content = this.number(Slot.content) ?? DataFileContent.DATA;
    if (content !== 0 && content !== 1 && content !== 2) this.fail("data_file.content", `must be 0, 1 or 2, got ${String(content)}`);
    return content as DataFileContent;
  }

  /** The number of records, as a number (a bigint beyond 2^53). */
  get recordCount(): number | bigint {
    const count = this.number(Slot.recordCount);
    return typeof count === "number" || typeof count === "bigint" ? count : this.need(Slot.recordCount, "record_count", "bigint");
  }

  /** The partition tuple by partition field id (null for every spec field the file lacks); one object refilled from entry to entry. */
  get partition(): Readonly<PartitionData> {
    if (!this.partitionRead) {
      this.readPartition(this.partitionValues);
      this.partitionRead = true;
    }
    return this.partitionValues;
  }

  /**
   * One column's value in one of the entry's metrics maps: a count as a number or bigint, a
   * bound's bytes (a view, not a copy, when noted); undefined when the map is null or lacks
   * the column.
   */
  metric(slot: MetricsMapSlot, fieldId: number): unknown {
    const at = this.at;
    if (at[slot] < 0) return undefined;
    const notedAt = this.layout!.notedAt[slot];
    const notedColumns = this.notedColumns;
    for (let i = 0; notedAt >= 0 && i < notedColumns.length; i++) {
      if (notedColumns[i] !== fieldId) continue;
      const pos = at[notedAt + i];
      if (pos < 0) return undefined;
      const c = this.c!;
      c.pos = pos;
      try {
        return slot === Slot.lowerBounds || slot === Slot.upperBounds ? c.viewOf(c.int()) : c.varint();
      } catch (error) {
        throw this.undecodable(error);
      }
    }
    // not noted on the way: decode the map
    const map = this.field(slot);
    return map instanceof Map ? (map.get(fieldId) ?? undefined) : undefined;
  }

  /** The whole entry, with the values it inherits from its manifest. */
  decode(): ManifestEntry {
    const status = this.status;
    const content = this.content;
    const partition = this.readPartition({});
    const dataFile: DataFile = {
      content,
      filePath: this.need(Slot.filePath, "file_path", "string"),
      fileFormat: this.need(Slot.fileFormat, "file_format", "string").toLowerCase(),
      specId: this.manifest.metadata.specId,
      partition,
      recordCount: this.need(Slot.recordCount, "record_count", "bigint"),
      fileSizeInBytes: this.need(Slot.fileSizeInBytes, "file_size_in_bytes", "bigint"),
    };
    for (const [key, slot] of OPTIONAL_DATA_FILE_FIELDS) {
      const v = this.field(slot);
      if (v !== null && v !== undefined) (dataFile as unknown as Record<string, unknown>)[key] = v;
    }
    const entry: ManifestEntry = { status, dataFile };
    for (const [key, slot] of INHERITABLE_ENTRY_FIELDS) {
      const v = this.field(slot);
      if (typeof v === "bigint") entry[key] = v;
    }
    this.inherit(entry);
    return entry;
  }

  /**
   * Sequence number, snapshot id and first row id inheritance (format/spec.md): an
   * unset snapshot id takes the manifest's; an unset sequence number takes the
   * manifest's when the entry was added (or when the manifest's is 0, as in v1 tables,
   * where all default to 0); data files without a first row id get the one counted for them.
   */
  private inherit(entry: ManifestEntry): void {
    const manifestFile = this.manifest.manifestFile;
    if (manifestFile === undefined) {
      if (this.manifest.metadata.formatVersion === 1) {
        entry.sequenceNumber ??= 0n;
        entry.fileSequenceNumber ??= 0n;
      }
      return;
    }
    entry.snapshotId ??= manifestFile.addedSnapshotId;
    const seq = manifestFile.sequenceNumber;
    if (seq !== UNASSIGNED_SEQUENCE_NUMBER && (seq === 0n || entry.status === ManifestEntryStatus.ADDED)) {
      entry.sequenceNumber ??= seq;
      entry.fileSequenceNumber ??= seq;
    }
    if (this.inheritedFirstRowId !== undefined) entry.dataFile.firstRowId = this.inheritedFirstRowId;
  }

  /** Fills `out` with the partition tuple: the file's values, and null for every spec field it lacks. */
  private readPartition(out: PartitionData): PartitionData {
    for (const f of this.manifest.metadata.spec?.fields ?? []) out[f.fieldId] = null;
    const layout = this.layout!;
    const c = this.c!;
    let present: boolean;
    try {
      present = layout.enterPartition(c, this.at);
      if (present) {
        for (const f of layout.partitionFields) {
          const value = f.read(c);
          if (f.id !== undefined) out[f.id] = value;
        }
      }
    } catch (error) {
      throw this.undecodable(error);
    }
    if (!present) this.fail("data_file.partition", "is missing");
    return out;
  }

  private field(slot: Slot): unknown {
    try {
      return this.layout!.read(this.c!, this.at, slot);
    } catch (error) {
      throw this.undecodable(error);
    }
  }

  /** A field written as a plain int or long, read in place as a number; others decoded as `field` does. */
  private number(slot: Slot): unknown {
    const pos = this.at[slot];
    if (pos < 0 || !this.layout!.isPlainVarint(slot)) return this.field(slot);
    const c = this.c!;
    c.pos = pos;
    try {
      return c.varint();
    } catch (error) {
      throw this.undecodable(error);
    }
  }

  private need<K extends "string" | "bigint">(slot: Slot, name: string, kind: K): K extends "string" ? string : bigint {
    const v = this.field(slot);
    if (v === null || v === undefined) this.fail(`data_file.${name}`, "is missing");
    if (typeof v !== kind) this.fail(`data_file.${name}`, `must be a ${kind}, got ${typeof v}`);
    return v as K extends "string" ? string : bigint;
  }

  private fail(field: string, problem: string): never {
    const path = this.manifest.path;
    throw malformed(`${path}: manifest entry ${this.index}: ${field} ${problem}`, { file: path, entry: this.index, field });
  }

  private undecodable(error: unknown): FloeError {
    if (error instanceof FloeError) return error;
    const path = this.manifest.path;
    return malformed(`${path}: record ${this.index} cannot be decoded: ${(error as Error).message}`, { file: path }, error);
  }
}

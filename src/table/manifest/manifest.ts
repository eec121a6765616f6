/**
 * Manifests: reading any version's entries (with partition tuples decoded and
 * sequence numbers inherited), writing v1, v2 and v3 manifests the way Java does.
 */
import { invalidInput, malformed } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import { JsonFields, parseJsonLossless, stringifyJson } from "../spec/json.js";
import { parsePartitionFields, PartitionSpec, partitionFieldsToJson } from "../spec/partitionSpec.js";
import { Schema } from "../spec/schema.js";
import type { Snapshot } from "../spec/snapshot.js";
import type { FormatVersion } from "../spec/tableMetadata.js";
import { parseSchema, schemaToJson } from "../spec/typeJson.js";
import type { StructType } from "../spec/types.js";
import { readAvroContainer, writeAvroContainer, type AvroCodec } from "./avroContainer.js";
import { icebergToAvroSchema, toAvro, type FieldIdRecord } from "./avroSchema.js";
import {
  DataFileContent,
  ManifestEntryStatus,
  type DataFile,
  type ManifestEntry,
  type PartitionData,
} from "./dataFile.js";
import { ManifestContent, UNASSIGNED_SEQUENCE_NUMBER, type ManifestFile } from "./manifestFile.js";
import { readManifestList } from "./manifestList.js";
import {
  DATA_FILE,
  DATA_FILE_FIELD_ID,
  MANIFEST_ENTRY,
  manifestEntryReadType,
  manifestEntryType,
  PARTITION_FIELD_ID,
} from "./manifestSchemas.js";
import { summarizePartitions } from "./partitionSummary.js";

/** What a manifest's Avro header says about it. */
export interface ManifestMetadata {
  formatVersion: FormatVersion;
  content: ManifestContent;
  specId: number;
  /** The spec used to decode partitions: the caller's for `specId`, else the one in the file. */
  spec?: PartitionSpec;
  /** The table schema stored in the file, when it has one floe can read. */
  schema?: Schema;
}

export interface Manifest {
  path: string;
  metadata: ManifestMetadata;
  entries: ManifestEntry[];
}

export interface ReadManifestOptions {
  /**
   * The manifest's entry in the snapshot's manifest list. Gives the values entries
   * inherit (snapshot id, sequence numbers, v3 first row ids) and the spec id.
   */
  manifestFile?: ManifestFile;
  /** The table's partition specs (e.g. `metadata.specsById()`); else the spec stored in the file is used. */
  specs?: ReadonlyMap<number, PartitionSpec> | readonly PartitionSpec[];
  /** The table schema that gives partition fields their types; else the schema stored in the file. */
  schema?: Schema;
}

function specFrom(specs: ReadManifestOptions["specs"], specId: number): PartitionSpec | undefined {
  if (specs === undefined) return undefined;
  if (specs instanceof Map) return specs.get(specId);
  return (specs as readonly PartitionSpec[]).find((s) => s.specId === specId);
}

function metadataOf(meta: Map<string, string>, avroSchema: unknown, path: string, options: ReadManifestOptions): ManifestMetadata {
  const schemaText = JSON.stringify(avroSchema);
  const inferredVersion: FormatVersion = schemaText.includes(`"field-id":${DATA_FILE.content.id}`) ? 2 : 1;
  const v = Number(meta.get("format-version"));
  const formatVersion: FormatVersion = v === 1 || v === 2 || v === 3 ? v : inferredVersion;
  const contentText = meta.get("content");
  const content = options.manifestFile?.content ?? (contentText === "deletes" ? ManifestContent.DELETES : ManifestContent.DATA);
  const specIdText = meta.get("partition-spec-id");
  const specId = options.manifestFile?.partitionSpecId ?? (specIdText !== undefined && /^\d+$/.test(specIdText) ? Number(specIdText) : 0);

  let spec = specFrom(options.specs, specId);
  const specText = meta.get("partition-spec");
  if (spec === undefined && specText !== undefined) {
    const source = `${path} (partition-spec)`;
    const json = parseJsonLossless(specText, source);
    spec = new PartitionSpec(specId, parsePartitionFields(JsonFields.of({ fields: json }, source), "fields"));
  }
  const out: ManifestMetadata = { formatVersion, content, specId };
  if (spec !== undefined) out.spec = spec;
  const tableSchemaText = meta.get("schema");
  if (tableSchemaText !== undefined) {
    try {
      out.schema = parseSchema(parseJsonLossless(tableSchemaText, `${path} (schema)`), `${path} (schema)`);
    } catch {
      // a schema floe cannot read only costs the partition types, which the Avro schema also gives
    }
  }
  return out;
}

/** Decodes manifest bytes; `path` names the file in errors. */
export function decodeManifest(bytes: Uint8Array, path: string, options: ReadManifestOptions = {}): Manifest {
  const container = readAvroContainer(bytes, path);
  const metadata = metadataOf(container.metadata, container.schema, path, options);
  const schema = options.schema ?? metadata.schema;
  const partitionType: StructType =
    metadata.spec !== undefined && schema !== undefined ? metadata.spec.partitionType(schema) : { type: "struct", fields: [] };
  const readType = manifestEntryReadType(partitionType);
  const entries = container.decode(readType).map((record, i) => entryOf(record as FieldIdRecord, path, i, metadata));
  inherit(entries, metadata, options.manifestFile);
  return { path, metadata, entries };
}

/** Reads a manifest: its header metadata and its entries, with inherited values applied. */
export async function readManifest(io: FileIO, path: string, options: ReadManifestOptions = {}): Promise<Manifest> {
  return decodeManifest(await io.read(path), path, options);
}

/** The entries of a manifest listed in a manifest list (inheritance applied). */
export async function readManifestEntries(
  io: FileIO,
  manifestFile: ManifestFile,
  options: Omit<ReadManifestOptions, "manifestFile"> = {},
): Promise<ManifestEntry[]> {
  return (await readManifest(io, manifestFile.manifestPath, { ...options, manifestFile })).entries;
}

function entryOf(r: FieldIdRecord, path: string, index: number, metadata: ManifestMetadata): ManifestEntry {
  const fail = (field: string, problem: string): never => {
    throw malformed(`${path}: manifest entry ${index}: ${field} ${problem}`, { file: path, entry: index, field });
  };
  const status = r[MANIFEST_ENTRY.status.id];
  if (status !== 0 && status !== 1 && status !== 2) fail("status", `must be 0, 1 or 2, got ${String(status)}`);
  const d = r[DATA_FILE_FIELD_ID] as FieldIdRecord | null | undefined;
  if (d === null || d === undefined) return fail("data_file", "is missing");

  const need = <T>(f: { id: number; name: string }, kind: string): T => {
    const v = d[f.id];
    if (v === null || v === undefined) fail(`data_file.${f.name}`, "is missing");
    if (typeof v !== kind) fail(`data_file.${f.name}`, `must be a ${kind}, got ${typeof v}`);
    return v as T;
  };
  const content = d[DATA_FILE.content.id] ?? DataFileContent.DATA;
  if (content !== 0 && content !== 1 && content !== 2) fail("data_file.content", `must be 0, 1 or 2, got ${String(content)}`);
  const partition = d[PARTITION_FIELD_ID];
  if (partition === null || partition === undefined || typeof partition !== "object") fail("data_file.partition", "is missing");
  const dataFile: DataFile = {
    content: content as DataFileContent,
    filePath: need<string>(DATA_FILE.filePath, "string"),
    fileFormat: need<string>(DATA_FILE.fileFormat, "string").toLowerCase(),
    specId: metadata.specId,
    partition: partitionOf(partition as FieldIdRecord, metadata.spec),
    recordCount: need<bigint>(DATA_FILE.recordCount, "bigint"),
    fileSizeInBytes: need<bigint>(DATA_FILE.fileSizeInBytes, "bigint"),
  };
  for (const [key, id] of OPTIONAL_DATA_FILE_FIELDS) {
    const v = d[id];
    if (v !== null && v !== undefined) (dataFile as unknown as Record<string, unknown>)[key] = v;
  }
  const entry: ManifestEntry = { status: status as ManifestEntryStatus, dataFile };
  for (const [key, id] of INHERITABLE_ENTRY_FIELDS) {
    const v = r[id];
    if (typeof v === "bigint") entry[key] = v;
  }
  return entry;
}

/** Data file fields copied when present, by the DataFile key they fill. */
const OPTIONAL_DATA_FILE_FIELDS: readonly (readonly [keyof DataFile, number])[] = [
  ["columnSizes", DATA_FILE.columnSizes.id],
  ["valueCounts", DATA_FILE.valueCounts.id],
  ["nullValueCounts", DATA_FILE.nullValueCounts.id],
  ["nanValueCounts", DATA_FILE.nanValueCounts.id],
  ["lowerBounds", DATA_FILE.lowerBounds.id],
  ["upperBounds", DATA_FILE.upperBounds.id],
  ["keyMetadata", DATA_FILE.keyMetadata.id],
  ["splitOffsets", DATA_FILE.splitOffsets.id],
  ["equalityIds", DATA_FILE.equalityIds.id],
  ["sortOrderId", DATA_FILE.sortOrderId.id],
  ["firstRowId", DATA_FILE.firstRowId.id],
  ["referencedDataFile", DATA_FILE.referencedDataFile.id],
  ["contentOffset", DATA_FILE.contentOffset.id],
  ["contentSizeInBytes", DATA_FILE.contentSizeInBytes.id],
];

const INHERITABLE_ENTRY_FIELDS = [
  ["snapshotId", MANIFEST_ENTRY.snapshotId.id],
  ["sequenceNumber", MANIFEST_ENTRY.sequenceNumber.id],
  ["fileSequenceNumber", MANIFEST_ENTRY.fileSequenceNumber.id],
] as const;

/** Every field of the spec gets a key (null when the file has no value for it). */
function partitionOf(record: FieldIdRecord, spec: PartitionSpec | undefined): PartitionData {
  if (spec === undefined) return record;
  const out: PartitionData = { ...record };
  for (const f of spec.fields) if (out[f.fieldId] === undefined) out[f.fieldId] = null;
  return out;
}

/**
 * Sequence number, snapshot id and first row id inheritance (format/spec.md): an
 * unset snapshot id takes the manifest's; an unset sequence number takes the
 * manifest's when the entry was added (or when the manifest's is 0, as in v1 tables,
 * where all default to 0); data files without a first row id get the manifest's plus
 * the rows of the files before them.
 */
function inherit(entries: ManifestEntry[], metadata: ManifestMetadata, manifestFile: ManifestFile | undefined): void {
  if (manifestFile === undefined) {
    if (metadata.formatVersion === 1) {
      for (const e of entries) {
        e.sequenceNumber ??= 0n;
        e.fileSequenceNumber ??= 0n;
      }
    }
    return;
  }
  const seq = manifestFile.sequenceNumber;
  const inheritsSeq = seq !== UNASSIGNED_SEQUENCE_NUMBER;
  let nextRowId = manifestFile.content === ManifestContent.DATA ? manifestFile.firstRowId : undefined;
  for (const e of entries) {
    e.snapshotId ??= manifestFile.addedSnapshotId;
    if (inheritsSeq && (seq === 0n || e.status === ManifestEntryStatus.ADDED)) {
      e.sequenceNumber ??= seq;
      e.fileSequenceNumber ??= seq;
    }
    if (nextRowId !== undefined && e.dataFile.content === DataFileContent.DATA && e.dataFile.firstRowId === undefined) {
      e.dataFile.firstRowId = nextRowId;
      nextRowId += e.dataFile.recordCount;
    }
  }
}

/**
 * The manifests of a snapshot: from its manifest list, or for v1 snapshots that list
 * manifests inline, list entries made from the manifests themselves (sequence number
 * 0, counts unknown, spec id from each manifest's header).
 */
export async function readSnapshotManifests(io: FileIO, snapshot: Snapshot): Promise<ManifestFile[]> {
  if (snapshot.manifestList !== undefined) return readManifestList(io, snapshot.manifestList);
  return Promise.all(
    (snapshot.manifests ?? []).map(async (path) => {
      const bytes = await io.read(path);
      const container = readAvroContainer(bytes, path);
      const metadata = metadataOf(container.metadata, container.schema, path, {});
      const manifest: ManifestFile = {
        manifestPath: path,
        manifestLength: BigInt(bytes.length),
        partitionSpecId: metadata.specId,
        content: ManifestContent.DATA,
        sequenceNumber: 0n,
        minSequenceNumber: 0n,
        addedSnapshotId: snapshot.snapshotId,
        addedFilesCount: null,
        existingFilesCount: null,
        deletedFilesCount: null,
        addedRowsCount: null,
        existingRowsCount: null,
        deletedRowsCount: null,
      };
      return manifest;
    }),
  );
}

// --- writing ---------------------------------------------------------------------------------

export interface ManifestWriteOptions {
  formatVersion: FormatVersion;
  /** The spec of every entry's partition tuple. */
  spec: PartitionSpec;
  /** The table schema: gives the partition types, and is stored in the manifest. */
  schema: Schema;
  /** Data (default) or delete files. */
  content?: ManifestContent;
  /** The snapshot writing the manifest: `added_snapshot_id`, and the snapshot id of entries that leave theirs unset. */
  snapshotId: bigint;
  codec?: AvroCodec;
  syncMarker?: Uint8Array;
}

export interface EncodedManifest {
  bytes: Uint8Array;
  /** The manifest's list entry, without `manifestPath` and with the byte length of `bytes`. */
  manifestFile: Omit<ManifestFile, "manifestPath">;
}

/**
 * Encodes entries into a manifest. Added entries may leave sequence numbers unset to
 * inherit the commit's; existing and deleted entries must carry theirs (v2+). The
 * returned list entry has UNASSIGNED_SEQUENCE_NUMBER where the commit assigns it.
 */
export function encodeManifest(entries: readonly ManifestEntry[], options: ManifestWriteOptions): EncodedManifest {
  const v = options.formatVersion;
  const content = options.content ?? ManifestContent.DATA;
  if (v === 1 && content !== ManifestContent.DATA) throw invalidInput("v1 manifests hold only data files");
  const partitionType = options.spec.partitionType(options.schema);
  const type = manifestEntryType(v, partitionType);

  let minSeq: bigint | undefined;
  const counts = { added: 0, existing: 0, deleted: 0, addedRows: 0n, existingRows: 0n, deletedRows: 0n };
  const records = entries.map((e, i) => {
    const where = `manifest entry ${i} (${e.dataFile.filePath})`;
    const f = e.dataFile;
    if (content === ManifestContent.DATA ? f.content !== DataFileContent.DATA : f.content === DataFileContent.DATA) {
      throw invalidInput(`${where}: a ${content === ManifestContent.DATA ? "data" : "delete"} manifest cannot hold content ${f.content} files`);
    }
    if (f.specId !== options.spec.specId) {
      throw invalidInput(`${where}: its partition is for spec ${f.specId}, but the manifest is written with spec ${options.spec.specId}`);
    }
    if (v >= 2 && e.status !== ManifestEntryStatus.ADDED && (e.sequenceNumber === undefined || e.fileSequenceNumber === undefined)) {
      throw invalidInput(`${where}: existing and deleted entries must carry their sequence numbers`);
    }
    if (e.status === ManifestEntryStatus.ADDED) {
      counts.added++;
      counts.addedRows += f.recordCount;
    } else if (e.status === ManifestEntryStatus.EXISTING) {
      counts.existing++;
      counts.existingRows += f.recordCount;
    } else {
      counts.deleted++;
      counts.deletedRows += f.recordCount;
    }
    if (e.status !== ManifestEntryStatus.DELETED && e.sequenceNumber !== undefined) {
      minSeq = minSeq === undefined || e.sequenceNumber < minSeq ? e.sequenceNumber : minSeq;
    }
    const d = DATA_FILE;
    const dataFile: FieldIdRecord = {
      [d.content.id]: f.content,
      [d.filePath.id]: f.filePath,
      [d.fileFormat.id]: f.fileFormat.toUpperCase(),
      [PARTITION_FIELD_ID]: f.partition,
      [d.recordCount.id]: f.recordCount,
      [d.fileSizeInBytes.id]: f.fileSizeInBytes,
      [d.blockSizeInBytes.id]: 67108864n,
      [d.columnSizes.id]: f.columnSizes,
      [d.valueCounts.id]: f.valueCounts,
      [d.nullValueCounts.id]: f.nullValueCounts,
      [d.nanValueCounts.id]: f.nanValueCounts,
      [d.lowerBounds.id]: f.lowerBounds,
      [d.upperBounds.id]: f.upperBounds,
      [d.keyMetadata.id]: f.keyMetadata,
      [d.splitOffsets.id]: f.splitOffsets,
      [d.equalityIds.id]: f.equalityIds,
      [d.sortOrderId.id]: f.sortOrderId,
      [d.firstRowId.id]: f.firstRowId,
      [d.referencedDataFile.id]: f.referencedDataFile,
      [d.contentOffset.id]: f.contentOffset,
      [d.contentSizeInBytes.id]: f.contentSizeInBytes,
    };
    const record: FieldIdRecord = {
      [MANIFEST_ENTRY.status.id]: e.status,
      [MANIFEST_ENTRY.snapshotId.id]: e.snapshotId ?? options.snapshotId,
      [MANIFEST_ENTRY.sequenceNumber.id]: e.sequenceNumber,
      [MANIFEST_ENTRY.fileSequenceNumber.id]: e.fileSequenceNumber,
      [DATA_FILE_FIELD_ID]: dataFile,
    };
    try {
      return toAvro(record, type, "manifest_entry");
    } catch (error) {
      throw invalidInput(`${where}: ${(error as Error).message}`);
    }
  });

  const metadata: Record<string, string> = {
    schema: stringifyJson(schemaToJson(options.schema)),
    "schema-id": String(options.schema.schemaId),
    "partition-spec": stringifyJson(partitionFieldsToJson(options.spec)),
    "partition-spec-id": String(options.spec.specId),
    "format-version": String(v),
  };
  if (v >= 2) metadata.content = content === ManifestContent.DELETES ? "deletes" : "data";
  metadata["iceberg.schema"] = stringifyJson(schemaToJson(new Schema(type.fields)));

  const bytes = writeAvroContainer(icebergToAvroSchema(type, "manifest_entry"), records, {
    metadata,
    codec: options.codec,
    syncMarker: options.syncMarker,
  });
  return {
    bytes,
    manifestFile: {
      manifestLength: BigInt(bytes.length),
      partitionSpecId: options.spec.specId,
      content,
      sequenceNumber: UNASSIGNED_SEQUENCE_NUMBER,
      minSequenceNumber: minSeq ?? UNASSIGNED_SEQUENCE_NUMBER,
      addedSnapshotId: options.snapshotId,
      addedFilesCount: counts.added,
      existingFilesCount: counts.existing,
      deletedFilesCount: counts.deleted,
      addedRowsCount: counts.addedRows,
      existingRowsCount: counts.existingRows,
      deletedRowsCount: counts.deletedRows,
      partitions: summarizePartitions(
        partitionType,
        entries.map((e) => e.dataFile.partition),
      ),
    },
  };
}

/** Writes a manifest (never over an existing file) and returns its manifest list entry. */
export async function writeManifest(
  io: FileIO,
  path: string,
  entries: readonly ManifestEntry[],
  options: ManifestWriteOptions,
): Promise<ManifestFile> {
  const encoded = encodeManifest(entries, options);
  await io.write(path, encoded.bytes, { ifNotExists: true });
  return { manifestPath: path, ...encoded.manifestFile };
}

/**
 * Manifests: reading any version's entries (with partition tuples decoded and
 * sequence numbers inherited), writing v1, v2 and v3 manifests the way Java does.
 */
import { invalidInput } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import { stringifyJson } from "../spec/json.js";
import { PartitionSpec, partitionFieldsToJson } from "../spec/partitionSpec.js";
import { Schema } from "../spec/schema.js";
import type { Snapshot } from "../spec/snapshot.js";
import type { FormatVersion } from "../spec/tableMetadata.js";
import { schemaToJson } from "../spec/typeJson.js";
import { readAvroContainer, writeAvroContainer, type AvroCodec } from "./avroContainer.js";
import { icebergToAvroSchema, toAvro, type FieldIdRecord } from "./avroSchema.js";
import { DataFileContent, ManifestEntryStatus, type ManifestEntry } from "./dataFile.js";
import { manifestMetadataOf, type ManifestMetadata, type ReadManifestOptions } from "./manifestHeader.js";
import { ManifestContent, UNASSIGNED_SEQUENCE_NUMBER, type ManifestFile } from "./manifestFile.js";
import { readManifestList } from "./manifestList.js";
import { ManifestReader } from "./ManifestReader.js";
import { DATA_FILE, DATA_FILE_FIELD_ID, MANIFEST_ENTRY, manifestEntryType, PARTITION_FIELD_ID } from "./manifestSchemas.js";
import { summarizePartitions } from "./partitionSummary.js";

export type { ManifestMetadata, ReadManifestOptions } from "./manifestHeader.js";

export interface Manifest {
  path: string;
  metadata: ManifestMetadata;
  entries: ManifestEntry[];
}

/** Decodes manifest bytes; `path` names the file in errors. */
export function decodeManifest(bytes: Uint8Array, path: string, options: ReadManifestOptions = {}): Manifest {
  const reader = ManifestReader.decode(bytes, path, options);
  return { path, metadata: reader.metadata, entries: reader.decodeEntries() };
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
      const metadata = manifestMetadataOf(readAvroContainer(bytes, path), path, {});
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

/**
 * Manifest lists: reading any version's, writing v1, v2 and v3 ones the way Java does.
 */
import { invalidInput, malformed } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import { stringifyJson } from "../spec/json.js";
import { Schema } from "../spec/schema.js";
import type { FormatVersion } from "../spec/tableMetadata.js";
import { schemaToJson } from "../spec/typeJson.js";
import { readAvroContainer, writeAvroContainer, type AvroCodec } from "./avroContainer.js";
import { icebergToAvroSchema, toAvro, writerSchemaHasFieldId, type FieldIdRecord } from "./avroSchema.js";
import {
  ManifestContent,
  UNASSIGNED_SEQUENCE_NUMBER,
  type FieldSummary,
  type ManifestFile,
} from "./manifestFile.js";
import { MANIFEST_FILE, MANIFEST_LIST_READ_TYPE, manifestListType } from "./manifestSchemas.js";

/** A manifest list with the metadata its writer stored in the Avro header. */
export interface ManifestListContents {
  path: string;
  /** From the `format-version` key, else told by the fields present. */
  formatVersion: FormatVersion;
  snapshotId?: bigint;
  parentSnapshotId?: bigint;
  sequenceNumber?: bigint;
  firstRowId?: bigint;
  manifests: ManifestFile[];
}

function optionalBigInt(text: string | undefined): bigint | undefined {
  return text !== undefined && /^-?\d+$/.test(text) ? BigInt(text) : undefined;
}

function formatVersionOf(text: string | undefined, fallback: FormatVersion): FormatVersion {
  const v = Number(text);
  return v === 1 || v === 2 || v === 3 ? v : fallback;
}

/** Decodes manifest list bytes; `path` names the file in errors. */
export function decodeManifestListFile(bytes: Uint8Array, path: string): ManifestListContents {
  const container = readAvroContainer(bytes, path);
  const hasContent = writerSchemaHasFieldId(container.schemaText, MANIFEST_FILE.content.id);
  const meta = container.metadata;
  const manifests = container.decode(MANIFEST_LIST_READ_TYPE).map((r, i) => manifestFileOf(r as FieldIdRecord, path, i));
  const out: ManifestListContents = {
    path,
    formatVersion: formatVersionOf(meta.get("format-version"), hasContent ? 2 : 1),
    manifests,
  };
  const snapshotId = optionalBigInt(meta.get("snapshot-id"));
  if (snapshotId !== undefined) out.snapshotId = snapshotId;
  const parent = optionalBigInt(meta.get("parent-snapshot-id"));
  if (parent !== undefined) out.parentSnapshotId = parent;
  const seq = optionalBigInt(meta.get("sequence-number"));
  if (seq !== undefined) out.sequenceNumber = seq;
  const firstRowId = optionalBigInt(meta.get("first-row-id"));
  if (firstRowId !== undefined) out.firstRowId = firstRowId;
  return out;
}

function manifestFileOf(r: FieldIdRecord, path: string, index: number): ManifestFile {
  const m = MANIFEST_FILE;
  const fail = (field: string, problem: string): never => {
    throw malformed(`${path}: manifest list entry ${index}: ${field} ${problem}`, { file: path, entry: index, field });
  };
  const get = <T>(f: { id: number; name: string }, kind: "string" | "bigint" | "number" | "boolean", required: boolean): T | null => {
    const v = r[f.id];
    if (v === null || v === undefined) return required ? fail(f.name, "is missing") : null;
    if (typeof v !== kind) fail(f.name, `must be a ${kind}, got ${typeof v}`);
    return v as T;
  };
  const content = get<number>(m.content, "number", false) ?? ManifestContent.DATA;
  if (content !== 0 && content !== 1) fail(m.content.name, `must be 0 or 1, got ${content}`);
  const manifest: ManifestFile = {
    manifestPath: get<string>(m.path, "string", true) as string,
    manifestLength: get<bigint>(m.length, "bigint", true) as bigint,
    partitionSpecId: get<number>(m.specId, "number", true) as number,
    content: content as ManifestContent,
    sequenceNumber: get<bigint>(m.sequenceNumber, "bigint", false) ?? 0n,
    minSequenceNumber: get<bigint>(m.minSequenceNumber, "bigint", false) ?? 0n,
    addedSnapshotId: get<bigint>(m.addedSnapshotId, "bigint", true) as bigint,
    addedFilesCount: get<number>(m.addedFilesCount, "number", false),
    existingFilesCount: get<number>(m.existingFilesCount, "number", false),
    deletedFilesCount: get<number>(m.deletedFilesCount, "number", false),
    addedRowsCount: get<bigint>(m.addedRowsCount, "bigint", false),
    existingRowsCount: get<bigint>(m.existingRowsCount, "bigint", false),
    deletedRowsCount: get<bigint>(m.deletedRowsCount, "bigint", false),
  };
  const partitions = r[m.partitions.id];
  if (Array.isArray(partitions)) {
    manifest.partitions = partitions.map((p: FieldIdRecord, i) => {
      const summary: FieldSummary = { containsNull: p[509] === true };
      if (typeof p[509] !== "boolean") fail(`partitions[${i}].contains_null`, "is missing");
      if (typeof p[518] === "boolean") summary.containsNan = p[518];
      if (p[510] instanceof Uint8Array) summary.lowerBound = p[510];
      if (p[511] instanceof Uint8Array) summary.upperBound = p[511];
      return summary;
    });
  }
  const keyMetadata = r[m.keyMetadata.id];
  if (keyMetadata instanceof Uint8Array) manifest.keyMetadata = keyMetadata;
  const firstRowId = get<bigint>(m.firstRowId, "bigint", false);
  if (firstRowId !== null) manifest.firstRowId = firstRowId;
  return manifest;
}

/** Reads the manifest list of a snapshot. */
export async function readManifestList(io: FileIO, path: string): Promise<ManifestFile[]> {
  return decodeManifestListFile(await io.read(path), path).manifests;
}

/** Reads a manifest list with its header metadata (snapshot id, parent, sequence number, format version). */
export async function readManifestListFile(io: FileIO, path: string): Promise<ManifestListContents> {
  return decodeManifestListFile(await io.read(path), path);
}

export interface ManifestListWriteOptions {
  formatVersion: FormatVersion;
  /** The snapshot the list belongs to. */
  snapshotId: bigint;
  parentSnapshotId?: bigint;
  /**
   * The snapshot's sequence number (v2+): written into manifests whose sequence
   * numbers are UNASSIGNED_SEQUENCE_NUMBER, which must be manifests this snapshot added.
   */
  sequenceNumber?: bigint;
  /** v3: the snapshot's first-row-id; data manifests without a first row id get one from here. */
  firstRowId?: bigint;
  codec?: AvroCodec;
  syncMarker?: Uint8Array;
}

export interface EncodedManifestList {
  bytes: Uint8Array;
  /** The manifests as written: sequence numbers and first row ids assigned. */
  manifests: ManifestFile[];
  /** v3: the row id after the last one assigned (the table's next `next-row-id`). */
  nextRowId?: bigint;
}

/** Assigns what a commit assigns (sequence numbers, v3 first row ids) and encodes the list. */
export function encodeManifestList(manifests: readonly ManifestFile[], options: ManifestListWriteOptions): EncodedManifestList {
  const v = options.formatVersion;
  const type = manifestListType(v);
  let nextRowId = v >= 3 ? options.firstRowId : undefined;
  if (v >= 3 && nextRowId === undefined) throw invalidInput("a v3 manifest list needs the snapshot's firstRowId");
  if (v >= 2 && options.sequenceNumber === undefined) throw invalidInput(`a v${v} manifest list needs the snapshot's sequenceNumber`);

  const written = manifests.map((input, i) => {
    const m: ManifestFile = { ...input };
    const where = `manifest ${i} (${m.manifestPath})`;
    if (v === 1 && m.content !== ManifestContent.DATA) throw invalidInput(`${where}: v1 manifest lists hold only data manifests`);
    if (v >= 2) {
      const seq = options.sequenceNumber as bigint;
      for (const key of ["sequenceNumber", "minSequenceNumber"] as const) {
        if (m[key] !== UNASSIGNED_SEQUENCE_NUMBER) continue;
        if (m.addedSnapshotId !== options.snapshotId) {
          throw invalidInput(`${where}: has no sequence number but was added by snapshot ${m.addedSnapshotId}, not ${options.snapshotId}`);
        }
        m[key] = seq;
      }
      for (const key of ["addedFilesCount", "existingFilesCount", "deletedFilesCount", "addedRowsCount", "existingRowsCount", "deletedRowsCount"] as const) {
        if (m[key] === null) throw invalidInput(`${where}: ${key} is required in v${v} manifest lists`);
      }
    }
    if (v >= 3 && m.content === ManifestContent.DATA && m.firstRowId === undefined) {
      m.firstRowId = nextRowId as bigint;
      nextRowId = (nextRowId as bigint) + (m.addedRowsCount as bigint) + (m.existingRowsCount as bigint);
    }
    if (v < 3) delete m.firstRowId;
    return m;
  });

  const f = MANIFEST_FILE;
  const records = written.map((m, i) => {
    const r: FieldIdRecord = {
      [f.path.id]: m.manifestPath,
      [f.length.id]: m.manifestLength,
      [f.specId.id]: m.partitionSpecId,
      [f.content.id]: m.content,
      [f.sequenceNumber.id]: m.sequenceNumber,
      [f.minSequenceNumber.id]: m.minSequenceNumber,
      [f.addedSnapshotId.id]: m.addedSnapshotId,
      [f.addedFilesCount.id]: m.addedFilesCount,
      [f.existingFilesCount.id]: m.existingFilesCount,
      [f.deletedFilesCount.id]: m.deletedFilesCount,
      [f.addedRowsCount.id]: m.addedRowsCount,
      [f.existingRowsCount.id]: m.existingRowsCount,
      [f.deletedRowsCount.id]: m.deletedRowsCount,
      [f.partitions.id]: m.partitions?.map((p) => ({ 509: p.containsNull, 518: p.containsNan, 510: p.lowerBound, 511: p.upperBound })),
      [f.keyMetadata.id]: m.keyMetadata,
      [f.firstRowId.id]: m.firstRowId,
    };
    try {
      return toAvro(r, type, "manifest_file");
    } catch (error) {
      throw invalidInput(`manifest ${i} (${m.manifestPath}): ${(error as Error).message}`);
    }
  });

  const metadata: Record<string, string> = {
    "snapshot-id": options.snapshotId.toString(),
    "parent-snapshot-id": options.parentSnapshotId === undefined ? "null" : options.parentSnapshotId.toString(),
  };
  if (v >= 2) metadata["sequence-number"] = (options.sequenceNumber as bigint).toString();
  if (v >= 3) metadata["first-row-id"] = (options.firstRowId as bigint).toString();
  metadata["format-version"] = String(v);
  metadata["iceberg.schema"] = stringifyJson(schemaToJson(new Schema(type.fields)));

  const bytes = writeAvroContainer(icebergToAvroSchema(type, "manifest_file"), records, {
    metadata,
    codec: options.codec,
    syncMarker: options.syncMarker,
  });
  const out: EncodedManifestList = { bytes, manifests: written };
  if (v >= 3) out.nextRowId = nextRowId;
  return out;
}

/** Writes a manifest list (never over an existing file) and returns what was written. */
export async function writeManifestList(
  io: FileIO,
  path: string,
  manifests: readonly ManifestFile[],
  options: ManifestListWriteOptions,
): Promise<EncodedManifestList> {
  const encoded = encodeManifestList(manifests, options);
  await io.write(path, encoded.bytes, { ifNotExists: true });
  return encoded;
}

/**
 * Table statistics (Puffin files), partition statistics and v3 encryption keys as
 * listed in table metadata. floe keeps them through reads and writes.
 */
import type { JsonFields } from "./json.js";

export interface BlobMetadata {
  type: string;
  snapshotId: bigint;
  sequenceNumber: bigint;
  fields: number[];
  properties?: Record<string, string>;
}

export interface StatisticsFile {
  snapshotId: bigint;
  statisticsPath: string;
  fileSizeInBytes: bigint;
  fileFooterSizeInBytes: bigint;
  /** Base64 key metadata. */
  keyMetadata?: string;
  blobMetadata: BlobMetadata[];
}

export interface PartitionStatisticsFile {
  snapshotId: bigint;
  statisticsPath: string;
  fileSizeInBytes: bigint;
}

export interface EncryptionKey {
  keyId: string;
  /** Base64. */
  encryptedKeyMetadata: string;
  encryptedById?: string;
  properties?: Record<string, string>;
}

export function parseStatisticsFileJson(obj: JsonFields): StatisticsFile {
  const file: StatisticsFile = {
    snapshotId: obj.long("snapshot-id"),
    statisticsPath: obj.string("statistics-path"),
    fileSizeInBytes: obj.long("file-size-in-bytes"),
    fileFooterSizeInBytes: obj.long("file-footer-size-in-bytes"),
    blobMetadata: (obj.optObjects("blob-metadata") ?? []).map((b) => {
      const blob: BlobMetadata = {
        type: b.string("type"),
        snapshotId: b.long("snapshot-id"),
        sequenceNumber: b.long("sequence-number"),
        fields: b.ints("fields"),
      };
      const properties = b.optStringMap("properties");
      if (properties !== undefined) blob.properties = properties;
      return blob;
    }),
  };
  const keyMetadata = obj.optString("key-metadata");
  if (keyMetadata !== undefined) file.keyMetadata = keyMetadata;
  return file;
}

export function statisticsFileToJson(file: StatisticsFile): Record<string, unknown> {
  const out: Record<string, unknown> = {
    "snapshot-id": file.snapshotId,
    "statistics-path": file.statisticsPath,
    "file-size-in-bytes": file.fileSizeInBytes,
    "file-footer-size-in-bytes": file.fileFooterSizeInBytes,
  };
  if (file.keyMetadata !== undefined) out["key-metadata"] = file.keyMetadata;
  out["blob-metadata"] = file.blobMetadata.map((b) => {
    const blob: Record<string, unknown> = {
      type: b.type,
      "snapshot-id": b.snapshotId,
      "sequence-number": b.sequenceNumber,
      fields: [...b.fields],
    };
    if (b.properties !== undefined) blob.properties = { ...b.properties };
    return blob;
  });
  return out;
}

export function parsePartitionStatisticsFileJson(obj: JsonFields): PartitionStatisticsFile {
  return {
    snapshotId: obj.long("snapshot-id"),
    statisticsPath: obj.string("statistics-path"),
    fileSizeInBytes: obj.long("file-size-in-bytes"),
  };
}

export function partitionStatisticsFileToJson(file: PartitionStatisticsFile): Record<string, unknown> {
  return {
    "snapshot-id": file.snapshotId,
    "statistics-path": file.statisticsPath,
    "file-size-in-bytes": file.fileSizeInBytes,
  };
}

export function parseEncryptionKeyJson(obj: JsonFields): EncryptionKey {
  const key: EncryptionKey = { keyId: obj.string("key-id"), encryptedKeyMetadata: obj.string("encrypted-key-metadata") };
  const encryptedById = obj.optString("encrypted-by-id");
  if (encryptedById !== undefined) key.encryptedById = encryptedById;
  const properties = obj.optStringMap("properties");
  if (properties !== undefined) key.properties = properties;
  return key;
}

export function encryptionKeyToJson(key: EncryptionKey): Record<string, unknown> {
  const out: Record<string, unknown> = { "key-id": key.keyId, "encrypted-key-metadata": key.encryptedKeyMetadata };
  if (key.encryptedById !== undefined) out["encrypted-by-id"] = key.encryptedById;
  if (key.properties !== undefined) out.properties = { ...key.properties };
  return out;
}

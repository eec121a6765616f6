/**
 * Reading and writing table metadata files through a FileIO, plain or gzip-compressed.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { malformed } from "../../core/errors/FloeError.js";
import type { FileIO, WriteOptions } from "../../io/FileIO.js";
import { parseTableMetadata, serializeTableMetadata, type TableMetadata } from "./tableMetadata.js";

/** True for the names gzip metadata files use: `*.gz.metadata.json` and `*.metadata.json.gz`. */
export function isGzipMetadataLocation(location: string): boolean {
  return location.endsWith(".gz.metadata.json") || location.endsWith(".metadata.json.gz");
}

function hasGzipMagic(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decodes metadata file bytes to text, gunzipping when the bytes start with the gzip magic (whatever the name says). */
export function decodeMetadataBytes(bytes: Uint8Array, location: string): string {
  let raw = bytes;
  if (hasGzipMagic(bytes)) {
    try {
      raw = gunzipSync(bytes);
    } catch (error) {
      throw malformed(`${location}: not valid gzip: ${(error as Error).message}`, { file: location }, error);
    }
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(raw);
  } catch (error) {
    throw malformed(`${location}: not valid UTF-8 text`, { file: location }, error);
  }
}

/** Reads and parses a table metadata file; errors name the file and the bad field. */
export async function readTableMetadata(io: FileIO, location: string): Promise<TableMetadata> {
  const bytes = await io.read(location);
  return parseTableMetadata(decodeMetadataBytes(bytes, location), location);
}

/** The bytes of a metadata file for `location`: gzip when its name asks for it. */
export function encodeTableMetadata(metadata: TableMetadata, location: string): Uint8Array {
  const text = new TextEncoder().encode(serializeTableMetadata(metadata));
  return isGzipMetadataLocation(location) ? gzipSync(text) : text;
}

/**
 * Writes a metadata file. Metadata files are immutable, so by default the write
 * fails (`already-exists`) rather than replace an existing file.
 */
export async function writeTableMetadata(
  io: FileIO,
  location: string,
  metadata: TableMetadata,
  options: WriteOptions = { ifNotExists: true },
): Promise<void> {
  await io.write(location, encodeTableMetadata(metadata, location), options);
}

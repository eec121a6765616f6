/**
 * Where a catalog writes a table's next metadata file, named as Iceberg Java and PyIceberg
 * name them: `<metadata dir>/<5-digit version>-<uuid>.metadata.json`, the version one more
 * than the current file's. The uuid keeps two writers of the same version apart; the catalog's
 * pointer swap decides which of them becomes current.
 */
import { randomUUID } from "node:crypto";
import type { TableMetadata } from "../table/spec/tableMetadata.js";

/** Table property: where metadata files go instead of `<location>/metadata`. */
export const WRITE_METADATA_PATH = "write.metadata.path";
/** Table property: `gzip` writes `*.gz.metadata.json` files; `none` (the default) plain JSON. */
export const METADATA_COMPRESSION = "write.metadata.compression-codec";

/** `00003-<uuid>.metadata.json` → 3, also `.gz.metadata.json` and Hadoop-style `v3.metadata.json`; undefined otherwise. */
export function metadataVersion(location: string): number | undefined {
  const name = location.slice(location.lastIndexOf("/") + 1);
  const match = /^(\d+)-[^/]*\.metadata\.json(\.gz)?$/.exec(name) ?? /^v(\d+)(\.gz)?\.metadata\.json$/.exec(name);
  if (match === null) return undefined;
  const version = Number(match[1]);
  return Number.isSafeInteger(version) ? version : undefined;
}

/** The metadata directory of a table: the `write.metadata.path` property, else `<location>/metadata`. */
export function metadataDirectory(metadata: TableMetadata): string {
  const configured = metadata.property(WRITE_METADATA_PATH);
  return stripTrailingSlash(configured !== undefined && configured.trim() !== "" ? configured : `${stripTrailingSlash(metadata.location)}/metadata`);
}

/**
 * The location for `metadata` when it follows the metadata file at `previous` (undefined for a
 * new table): version 0 for a new table or when the previous name carries no version.
 */
export function newMetadataLocation(metadata: TableMetadata, previous?: string): string {
  const previousVersion = previous === undefined ? undefined : metadataVersion(previous);
  const version = previousVersion === undefined ? 0 : previousVersion + 1;
  const gzip = metadata.property(METADATA_COMPRESSION)?.toLowerCase() === "gzip";
  return `${metadataDirectory(metadata)}/${String(version).padStart(5, "0")}-${randomUUID()}${gzip ? ".gz" : ""}.metadata.json`;
}

function stripTrailingSlash(location: string): string {
  return location.length > 1 ? location.replace(/\/+$/, "") : location;
}

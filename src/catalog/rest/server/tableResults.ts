/**
 * The JSON bodies the table endpoints answer with: `LoadTableResult` (load, create, register)
 * and `CommitTableResponse` (commit). Metadata goes out through `tableMetadataToJson`, so
 * 64-bit ids are written exactly.
 */
import type { TableMetadata } from "../../../table/spec/tableMetadata.js";
import { tableMetadataToJson } from "../../../table/spec/tableMetadata.js";

export function loadTableResult(metadata: TableMetadata, metadataLocation: string | undefined): Record<string, unknown> {
  return { ...(metadataLocation === undefined ? {} : { "metadata-location": metadataLocation }), metadata: tableMetadataToJson(metadata), config: {} };
}

export function commitTableResponse(metadata: TableMetadata, metadataLocation: string): Record<string, unknown> {
  return { "metadata-location": metadataLocation, metadata: tableMetadataToJson(metadata) };
}

/**
 * The table properties that govern writing data files, with Iceberg's names and defaults.
 */
import { invalidInput } from "../../core/errors/FloeError.js";

/** Files roll over to a new one at about this size. */
export const WRITE_TARGET_FILE_SIZE_BYTES = "write.target-file-size-bytes";
export const WRITE_TARGET_FILE_SIZE_BYTES_DEFAULT = 512 * 1024 * 1024;
/** Where data files go; default `<table location>/data`. */
export const WRITE_DATA_LOCATION = "write.data.path";

/** The directory a table's data and delete files are written under, without a trailing slash. */
export function dataLocation(tableLocation: string, properties: Readonly<Record<string, string>>): string {
  const trim = (location: string) => location.replace(/\/+$/, "");
  return trim(properties[WRITE_DATA_LOCATION] || `${trim(tableLocation)}/data`);
}
export const PARQUET_COMPRESSION = "write.parquet.compression-codec";
export const PARQUET_COMPRESSION_DEFAULT = "zstd";
export const PARQUET_COMPRESSION_LEVEL = "write.parquet.compression-level";
export const METRICS_DEFAULT = "write.metadata.metrics.default";
export const METRICS_DEFAULT_MODE = "truncate(16)";
/** Prefix of per-column metrics modes: `write.metadata.metrics.column.<column name>`. */
export const METRICS_COLUMN_PREFIX = "write.metadata.metrics.column.";
/** With more leaf columns than this, those past it get no metrics unless configured one by one. */
export const METRICS_MAX_INFERRED_COLUMNS = "write.metadata.metrics.max-inferred-column-defaults";
export const METRICS_MAX_INFERRED_COLUMNS_DEFAULT = 100;

/**
 * What a data file records about a column: nothing, counts (values, nulls, NaNs) and sizes,
 * those plus bounds with strings and binary cut to `length`, or full bounds.
 */
export type MetricsMode = { kind: "none" } | { kind: "counts" } | { kind: "truncate"; length: number } | { kind: "full" };

export function parseMetricsMode(text: string, property: string): MetricsMode {
  const t = text.trim().toLowerCase();
  if (t === "none" || t === "counts" || t === "full") return { kind: t };
  const match = /^truncate\((\d+)\)$/.exec(t);
  if (match !== null && Number(match[1]) > 0) return { kind: "truncate", length: Number(match[1]) };
  throw invalidInput(`table property ${property} = ${JSON.stringify(text)} is not a metrics mode (none, counts, truncate(N), full)`, { property });
}

export function positiveIntegerProperty(properties: Readonly<Record<string, string>>, key: string, defaultValue: number): number {
  const text = properties[key];
  if (text === undefined) return defaultValue;
  const value = Number(text.trim());
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(value) || value <= 0) {
    throw invalidInput(`table property ${key} = ${JSON.stringify(text)} must be a positive whole number`, { property: key });
  }
  return value;
}

/** DuckDB's COPY compression option for the Iceberg codec name. */
export function duckdbCompression(properties: Readonly<Record<string, string>>): string {
  const codec = (properties[PARQUET_COMPRESSION] ?? PARQUET_COMPRESSION_DEFAULT).trim().toLowerCase();
  switch (codec) {
    case "zstd":
    case "snappy":
    case "gzip":
    case "lz4":
    case "brotli":
      return codec;
    case "uncompressed":
    case "none":
      return "uncompressed";
    default:
      throw invalidInput(`table property ${PARQUET_COMPRESSION} = ${JSON.stringify(codec)} is not a Parquet codec floe writes`, {
        property: PARQUET_COMPRESSION,
      });
  }
}

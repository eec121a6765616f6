import path from "node:path";
import { invalidInput } from "../core/errors/FloeError.js";

/**
 * Locations as Iceberg metadata writes them. They are opaque strings, not URLs:
 * nothing is percent-decoded, so a key or file name keeps `%`, `#`, `?` and spaces as written.
 */

/** The store a location belongs to: `file` for local paths (with or without `file:`), `s3` for s3/s3a/s3n, else the scheme as written (lower case). */
export function schemeOf(location: string): string {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(location);
  if (!match) return "file";
  const scheme = match[1].toLowerCase();
  if (scheme === "s3a" || scheme === "s3n") return "s3";
  return scheme;
}

/**
 * The absolute local path of `/abs/path`, `file:///abs/path`, `file://localhost/abs/path`, `file:/abs/path`
 * or a relative path (resolved against the process working directory).
 */
export function toLocalFilePath(location: string): string {
  if (schemeOf(location) !== "file") {
    throw invalidInput(`not a local file location: ${location}`, { path: location });
  }
  if (/^file:/i.test(location)) {
    const rest = location.slice("file:".length);
    if (rest.startsWith("//")) {
      const slash = rest.indexOf("/", 2);
      const host = slash === -1 ? rest.slice(2) : rest.slice(2, slash);
      if (host !== "" && host.toLowerCase() !== "localhost") {
        throw invalidInput(`file location names a remote host "${host}": ${location}`, { path: location });
      }
      return slash === -1 ? "/" : path.resolve(rest.slice(slash));
    }
    if (!rest.startsWith("/")) {
      throw invalidInput(`file location is not absolute: ${location}`, { path: location });
    }
    return path.resolve(rest);
  }
  return path.resolve(location);
}

export interface S3Location {
  /** The scheme as written (`s3`, `s3a` or `s3n`), kept so listings answer in the caller's spelling. */
  scheme: string;
  bucket: string;
  /** The object key, without a leading slash; empty for the bucket root. */
  key: string;
}

/** Splits `s3://bucket/key` (also `s3a://`, `s3n://`). */
export function parseS3Location(location: string): S3Location {
  const match = /^(s3|s3a|s3n):\/\/([^/]+)(?:\/(.*))?$/i.exec(location);
  if (!match) {
    throw invalidInput(`not an S3 location (expected s3://bucket/key): ${location}`, { path: location });
  }
  return { scheme: match[1].toLowerCase(), bucket: match[2], key: match[3] ?? "" };
}

/**
 * One spelling per place, for comparing locations: `file:` forms of local paths become plain
 * absolute paths, `s3a://` / `s3n://` become `s3://`, and a relative path loses its leading `./`.
 * Anything else (a `file:` URI around a relative path such as `file://data/x`) is returned as written.
 */
export function normalizeLocation(location: string): string {
  const scheme = schemeOf(location);
  if (scheme === "file") {
    if (!/^file:/i.test(location)) return location.replace(/^(\.\/)+/, "");
    try {
      return toLocalFilePath(location);
    } catch {
      return location;
    }
  }
  if (scheme === "s3") return location.replace(/^s3[an]?:\/\//i, "s3://");
  return location;
}

/** `prefix` as a directory: with exactly one trailing `/` (unless it is empty or already ends in `/`). */
export function asDirectoryPrefix(prefix: string): string {
  return prefix === "" || prefix.endsWith("/") ? prefix : `${prefix}/`;
}

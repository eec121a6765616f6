import { unsupported } from "../core/errors/FloeError.js";
import type { FileIO, FileStat, WriteOptions } from "./FileIO.js";
import { LocalFileIO } from "./LocalFileIO.js";
import { schemeOf } from "./location.js";
import { MemoryFileIO } from "./MemoryFileIO.js";
import { S3FileIO, type S3FileIOOptions } from "./S3FileIO.js";

export interface FileIORouterOptions {
  /** Settings for the S3FileIO made on the first `s3://` (`s3a://`, `s3n://`) location, or the FileIO to use for them. */
  s3?: S3FileIOOptions | FileIO;
  /** Iceberg table or catalog properties (`s3.endpoint`, `s3.region`, ...); fields set in `s3` win over them. */
  properties?: Record<string, string | undefined>;
  /** For local paths and `file:` locations; default a LocalFileIO. */
  local?: FileIO;
  /** For `memory://` locations; default a MemoryFileIO of this router. */
  memory?: FileIO;
}

/** The location schemes a FileIORouter serves. */
export const SUPPORTED_SCHEMES = ["file", "s3", "s3a", "s3n", "memory"] as const;

/**
 * One FileIO for every scheme: each call goes to the implementation that serves its location,
 * so a table whose metadata and data live in different stores reads as one. Stores are made on
 * first use and kept, so S3 settings are given once and one connection pool and cache are shared.
 */
export class FileIORouter implements FileIO {
  private readonly options: FileIORouterOptions;
  private local: FileIO | undefined;
  private memory: FileIO | undefined;
  private s3: FileIO | undefined;
  private ownsS3 = false;

  constructor(options: FileIORouterOptions = {}) {
    this.options = options;
    this.local = options.local;
    this.memory = options.memory;
    this.s3 = isFileIO(options.s3) ? options.s3 : undefined;
  }

  /** The FileIO that serves `location`; an `unsupported` FloeError for any other scheme. */
  forPath(location: string): FileIO {
    const scheme = schemeOf(location);
    switch (scheme) {
      case "file":
        return (this.local ??= new LocalFileIO());
      case "memory":
        return (this.memory ??= new MemoryFileIO());
      case "s3":
        if (!this.s3) {
          const settings = isFileIO(this.options.s3) ? {} : (this.options.s3 ?? {});
          this.s3 = S3FileIO.fromProperties(this.options.properties ?? {}, settings);
          this.ownsS3 = true;
        }
        return this.s3;
      default:
        throw unsupported(`no FileIO for "${scheme}:" locations (${location}); supported: ${SUPPORTED_SCHEMES.join(", ")}`, {
          path: location,
          scheme,
        });
    }
  }

  read(path: string): Promise<Uint8Array> {
    return this.route(path, (io) => io.read(path));
  }

  readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
    return this.route(path, (io) => io.readRange(path, offset, length));
  }

  stat(path: string): Promise<FileStat> {
    return this.route(path, (io) => io.stat(path));
  }

  exists(path: string): Promise<boolean> {
    return this.route(path, (io) => io.exists(path));
  }

  write(path: string, data: Uint8Array, options?: WriteOptions): Promise<void> {
    return this.route(path, (io) => io.write(path, data, options));
  }

  delete(path: string): Promise<void> {
    return this.route(path, (io) => io.delete(path));
  }

  list(prefix: string): AsyncIterable<string> {
    return this.forPath(prefix).list(prefix);
  }

  localPath(path: string): Promise<string> {
    return this.route(path, (io) => io.localPath(path));
  }

  /** Closes the S3 connections this router opened. */
  close(): void {
    if (this.ownsS3 && this.s3 instanceof S3FileIO) this.s3.close();
  }

  private async route<T>(path: string, call: (io: FileIO) => Promise<T>): Promise<T> {
    return call(this.forPath(path));
  }
}

/**
 * The FileIO for `location`'s scheme, made fresh: a LocalFileIO, an S3FileIO configured from
 * `options`, or a new (empty) MemoryFileIO unless `options.memory` is given. To serve several
 * locations with shared settings, keep a FileIORouter instead.
 */
export function resolveFileIO(location: string, options: FileIORouterOptions = {}): FileIO {
  return new FileIORouter(options).forPath(location);
}

function isFileIO(value: unknown): value is FileIO {
  return typeof value === "object" && value !== null && typeof (value as FileIO).read === "function";
}

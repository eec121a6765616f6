/**
 * Where table files live. Paths are full locations as written in Iceberg metadata
 * (`/abs/path`, `file:///abs/path`, `s3://bucket/key`, `memory://...`).
 * Implementations: LocalFileIO, MemoryFileIO, S3FileIO; `resolveFileIO` picks one by scheme,
 * `FileIORouter` serves every scheme at once, `PathRelocator` rewrites moved locations.
 *
 * Every failure is a FloeError whose message names the path: `not-found` for an absent file,
 * `already-exists` for a refused `ifNotExists` write, `invalid-input` for a bad location or range,
 * `unauthorized` for refused credentials, `io` for anything else the store or the OS reports.
 */
export interface FileStat {
  size: number;
  /** Milliseconds since the epoch, when the store reports it. */
  modifiedAt?: number;
  /** An opaque tag that changes when the content changes (the S3 ETag), when the store reports one. */
  etag?: string;
}

export interface WriteOptions {
  /** Fail with an `already-exists` FloeError instead of replacing an existing file (atomic where the store allows). */
  ifNotExists?: boolean;
}

export interface FileIO {
  /** The whole file. Throws a `not-found` FloeError naming the path when it is absent. */
  read(path: string): Promise<Uint8Array>;
  /**
   * `length` bytes from `offset`; used for Parquet footers and Avro headers without reading whole files.
   * Returns exactly `length` bytes, or throws an `invalid-input` FloeError when the range reaches past the end.
   */
  readRange(path: string, offset: number, length: number): Promise<Uint8Array>;
  /** Size (and what else the store knows) of a file; `not-found` when absent. */
  stat(path: string): Promise<FileStat>;
  exists(path: string): Promise<boolean>;
  /** Replaces the file as a whole: readers see the old bytes or the new ones, never a part. */
  write(path: string, data: Uint8Array, options?: WriteOptions): Promise<void>;
  /** Removes the file. Removing an absent file is not an error (object stores cannot tell the difference cheaply). */
  delete(path: string): Promise<void>;
  /**
   * Every file under `prefix` taken as a directory (a trailing `/` is implied), at any depth,
   * spelled with the caller's prefix (`file:/w` lists `file:/w/a/b`). An absent directory lists nothing.
   * No order is promised.
   */
  list(prefix: string): AsyncIterable<string>;
  /**
   * A path on the local disk that holds the same bytes, for readers (DuckDB) that need one.
   * Local files return their own path; remote stores download into a size-bounded cache.
   * `not-found` when the file is absent.
   */
  localPath(path: string): Promise<string>;
}

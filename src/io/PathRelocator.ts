import { FloeError } from "../core/errors/FloeError.js";
import type { FileIO, FileStat, WriteOptions } from "./FileIO.js";
import { asDirectoryPrefix } from "./location.js";
import { LocationMapper, type PathMapping } from "./LocationMapper.js";

export type { PathMapping } from "./LocationMapper.js";

/**
 * A FileIO for tables that were copied or moved (`floe sql --relocate FROM=TO`): callers keep using
 * the locations written in the table's metadata, and every method maps its path argument by the
 * `{ from, to }` prefix mappings (see LocationMapper: longest `from` wins, whole path segments only,
 * `file:`/`s3a:` spellings matched) before calling the wrapped FileIO.
 *
 * Errors name both locations: the relocated one the wrapped FileIO reports, and the one in the metadata.
 * `list` answers in the caller's spelling, below the prefix it was given, so listed locations
 * compare equal to metadata locations and can be passed back in. `localPath` returns a real
 * path on the local disk, which is not mapped back.
 */
export class PathRelocator implements FileIO {
  readonly mapper: LocationMapper;

  constructor(
    readonly inner: FileIO,
    mappings: readonly PathMapping[] | LocationMapper,
  ) {
    this.mapper = mappings instanceof LocationMapper ? mappings : new LocationMapper(mappings);
  }

  /** A mapping from its `FROM=TO` spelling (see LocationMapper.parseMapping). */
  static parseMapping(spec: string): PathMapping {
    return LocationMapper.parseMapping(spec);
  }

  /** Where the file written as `location` is now. */
  relocate(location: string): string {
    return this.mapper.map(location);
  }

  read(path: string): Promise<Uint8Array> {
    return this.call(path, (relocated) => this.inner.read(relocated));
  }

  readRange(path: string, offset: number, length: number): Promise<Uint8Array> {
    return this.call(path, (relocated) => this.inner.readRange(relocated, offset, length));
  }

  stat(path: string): Promise<FileStat> {
    return this.call(path, (relocated) => this.inner.stat(relocated));
  }

  exists(path: string): Promise<boolean> {
    return this.call(path, (relocated) => this.inner.exists(relocated));
  }

  write(path: string, data: Uint8Array, options?: WriteOptions): Promise<void> {
    return this.call(path, (relocated) => this.inner.write(relocated, data, options));
  }

  delete(path: string): Promise<void> {
    return this.call(path, (relocated) => this.inner.delete(relocated));
  }

  async *list(prefix: string): AsyncIterable<string> {
    const relocated = this.relocate(prefix);
    const asked = asDirectoryPrefix(prefix);
    const listed = asDirectoryPrefix(relocated);
    for await (const location of this.inner.list(relocated)) {
      yield location.startsWith(listed) ? asked + location.slice(listed.length) : location;
    }
  }

  localPath(path: string): Promise<string> {
    return this.call(path, (relocated) => this.inner.localPath(relocated));
  }

  private async call<T>(path: string, operation: (relocated: string) => Promise<T>): Promise<T> {
    const relocated = this.relocate(path);
    try {
      return await operation(relocated);
    } catch (error) {
      if (relocated === path || !(error instanceof FloeError) || error.message.includes(path)) throw error;
      throw new FloeError(error.kind, `${error.message} (relocated from ${path})`, {
        cause: error,
        context: { ...error.context, metadataPath: path },
      });
    }
  }
}

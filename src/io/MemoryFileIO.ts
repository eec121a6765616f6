import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { FloeError, notFound } from "../core/errors/FloeError.js";
import type { FileIO, FileStat, WriteOptions } from "./FileIO.js";
import { LocalFileIO } from "./LocalFileIO.js";
import { asDirectoryPrefix } from "./location.js";
import { checkRange, rangePastEnd } from "./ranges.js";

interface StoredFile {
  data: Uint8Array;
  modifiedAt: number;
  version: number;
}

/**
 * Files held in a Map, keyed by the location exactly as written (`memory://...` or any other
 * spelling). For tests. Bytes are copied on the way in and out, so callers cannot change what is stored.
 * `localPath` copies the file into a temporary directory of this instance; `close` removes it.
 */
export class MemoryFileIO implements FileIO {
  private readonly files = new Map<string, StoredFile>();
  private nextVersion = 1;
  private localDir: Promise<string> | undefined;

  async read(location: string): Promise<Uint8Array> {
    return this.get(location).data.slice();
  }

  async readRange(location: string, offset: number, length: number): Promise<Uint8Array> {
    checkRange(location, offset, length);
    const { data } = this.get(location);
    if (offset + length > data.length) throw rangePastEnd(location, offset, length, data.length);
    return data.slice(offset, offset + length);
  }

  async stat(location: string): Promise<FileStat> {
    const file = this.get(location);
    return { size: file.data.length, modifiedAt: file.modifiedAt, etag: String(file.version) };
  }

  async exists(location: string): Promise<boolean> {
    return this.files.has(location);
  }

  async write(location: string, data: Uint8Array, options: WriteOptions = {}): Promise<void> {
    if (options.ifNotExists && this.files.has(location)) {
      throw new FloeError("already-exists", `cannot write ${location}: the file already exists`, {
        context: { path: location, operation: "write" },
      });
    }
    this.files.set(location, { data: data.slice(), modifiedAt: Date.now(), version: this.nextVersion++ });
  }

  async delete(location: string): Promise<void> {
    this.files.delete(location);
  }

  async *list(prefix: string): AsyncIterable<string> {
    const directory = asDirectoryPrefix(prefix);
    const matches = [...this.files.keys()].filter((key) => key.startsWith(directory)).sort();
    for (const key of matches) {
      if (this.files.has(key)) yield key;
    }
  }

  async localPath(location: string): Promise<string> {
    const { data } = this.get(location);
    this.localDir ??= fs.mkdtemp(path.join(os.tmpdir(), "floe-memory-"));
    const digest = createHash("sha256").update(location).digest("hex").slice(0, 16);
    const name = location.slice(location.lastIndexOf("/") + 1).replace(/[^A-Za-z0-9._-]/g, "_");
    const file = path.join(await this.localDir, `${digest}-${name}`);
    await new LocalFileIO().write(file, data);
    return file;
  }

  /** Removes the copies `localPath` made. */
  async close(): Promise<void> {
    const dir = this.localDir;
    this.localDir = undefined;
    if (dir) await fs.rm(await dir, { recursive: true, force: true });
  }

  private get(location: string): StoredFile {
    const file = this.files.get(location);
    if (!file) throw notFound(`no such file: ${location}`, { path: location });
    return file;
  }
}

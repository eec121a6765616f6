import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { FloeError, invalidInput } from "../core/errors/FloeError.js";

export interface LocalFileCacheOptions {
  /** Directory of the cache; default `FLOE_CACHE_DIR`, else `<os.tmpdir()>/floe-cache`. */
  dir?: string;
  /** Most bytes the cache keeps; default `FLOE_CACHE_MAX_BYTES`, else 1 GiB. */
  maxBytes?: number;
  /** Where `FLOE_CACHE_DIR` and `FLOE_CACHE_MAX_BYTES` are read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** What identifies one version of a remote file: a changed size or ETag is a different entry. */
export interface CacheKey {
  location: string;
  size: number;
  etag?: string;
}

export const DEFAULT_CACHE_MAX_BYTES = 1024 * 1024 * 1024;

const TEMP_SUFFIX = ".floe-tmp";
/** Temporary files older than this were left by a process that died mid-download. */
const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * Local copies of remote files, for readers that need a path on disk.
 *
 * An entry's name is a digest of location, size and ETag (plus the original file name, so readers
 * that look at the extension still can), so a changed object gets a new entry. A download goes to a
 * temporary file in the cache directory and is renamed into place once complete, so no caller, in
 * this process or another, sees a partial file; concurrent requests for one entry in this process
 * share one download. After each download, least recently used entries (by modification time, which
 * a hit refreshes) are removed until the cache fits in `maxBytes`; the entry just fetched is kept even
 * if it alone is larger. A path handed out stays valid until eviction removes it, so readers should
 * open it promptly (an open file survives eviction).
 */
export class LocalFileCache {
  readonly dir: string;
  readonly maxBytes: number;
  private readonly downloads = new Map<string, Promise<string>>();

  constructor(options: LocalFileCacheOptions = {}) {
    const env = options.env ?? process.env;
    this.dir = path.resolve(options.dir ?? env.FLOE_CACHE_DIR ?? path.join(os.tmpdir(), "floe-cache"));
    this.maxBytes = options.maxBytes ?? parseMaxBytes(env.FLOE_CACHE_MAX_BYTES) ?? DEFAULT_CACHE_MAX_BYTES;
    if (!Number.isSafeInteger(this.maxBytes) || this.maxBytes < 0) {
      throw invalidInput(`cache size limit must be a non-negative integer number of bytes, got ${this.maxBytes}`);
    }
  }

  /**
   * The local file holding `key`, calling `download(tempFile)` to write it there when it is not cached.
   * The download must write exactly `key.size` bytes.
   */
  get(key: CacheKey, download: (tempFile: string) => Promise<void>): Promise<string> {
    const name = entryName(key);
    const pending = this.downloads.get(name);
    if (pending) return pending;
    const result = this.fill(name, key, download).finally(() => this.downloads.delete(name));
    this.downloads.set(name, result);
    return result;
  }

  /** Removes least recently used entries until the cache holds at most `maxBytes`, never `keep`. */
  async evict(keep?: string): Promise<void> {
    const entries = await this.entries();
    let total = entries.reduce((sum, entry) => sum + entry.size, 0);
    entries.sort((a, b) => a.usedAt - b.usedAt);
    for (const entry of entries) {
      if (total <= this.maxBytes) break;
      if (entry.file === keep) continue;
      await fs.rm(entry.file, { force: true });
      total -= entry.size;
    }
  }

  /** Bytes the cache holds now. */
  async size(): Promise<number> {
    return (await this.entries()).reduce((sum, entry) => sum + entry.size, 0);
  }

  private async fill(name: string, key: CacheKey, download: (tempFile: string) => Promise<void>): Promise<string> {
    const file = path.join(this.dir, name);
    const cached = await fs.stat(file).catch(() => undefined);
    if (cached?.isFile() && cached.size === key.size) {
      const now = new Date();
      await fs.utimes(file, now, now).catch(() => undefined);
      return file;
    }
    const temp = path.join(this.dir, `.${name}.${randomBytes(6).toString("hex")}${TEMP_SUFFIX}`);
    try {
      await fs.mkdir(this.dir, { recursive: true });
      await download(temp);
      const written = await fs.stat(temp);
      if (written.size !== key.size) {
        throw new FloeError("io", `download of ${key.location} wrote ${written.size} bytes, expected ${key.size}`, {
          context: { path: key.location, expected: key.size, actual: written.size },
        });
      }
      await fs.rename(temp, file);
    } catch (error) {
      if (error instanceof FloeError) throw error;
      throw new FloeError("io", `cannot cache ${key.location} in ${this.dir}: ${(error as Error).message}`, {
        cause: error,
        context: { path: key.location, cacheDir: this.dir },
      });
    } finally {
      await fs.rm(temp, { force: true });
    }
    await this.evict(file);
    return file;
  }

  private async entries(): Promise<Array<{ file: string; size: number; usedAt: number }>> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const entries: Array<{ file: string; size: number; usedAt: number }> = [];
    for (const name of names) {
      const file = path.join(this.dir, name);
      const stats = await fs.stat(file).catch(() => undefined);
      if (!stats?.isFile()) continue;
      if (name.endsWith(TEMP_SUFFIX)) {
        if (Date.now() - stats.mtimeMs > STALE_TEMP_MS) await fs.rm(file, { force: true });
        continue;
      }
      entries.push({ file, size: stats.size, usedAt: stats.mtimeMs });
    }
    return entries;
  }
}

function entryName(key: CacheKey): string {
  const digest = createHash("sha256")
    .update(`${key.location}\n${key.size}\n${key.etag ?? ""}`)
    .digest("hex")
    .slice(0, 32);
  const base = key.location.slice(key.location.lastIndexOf("/") + 1).replace(/[^A-Za-z0-9._-]/g, "_");
  return base === "" ? digest : `${digest}-${base.slice(-100)}`;
}

function parseMaxBytes(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = Number(raw.trim());
  if (!Number.isSafeInteger(value) || value < 0) {
    throw invalidInput(`FLOE_CACHE_MAX_BYTES must be a non-negative integer number of bytes, got "${raw}"`);
  }
  return value;
}

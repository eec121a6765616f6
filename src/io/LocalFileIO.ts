import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { FloeError } from "../core/errors/FloeError.js";
import type { FileIO, FileStat, WriteOptions } from "./FileIO.js";
import { asDirectoryPrefix, toLocalFilePath } from "./location.js";
import { checkRange, rangePastEnd } from "./ranges.js";

/** Files being written sit beside their target under this name until they are renamed into place. */
const TEMP_SUFFIX = ".floe-tmp";
const isTempName = (name: string) => name.startsWith(".") && name.endsWith(TEMP_SUFFIX);

/** Operations that only look, for which a missing path component means the file is not there. */
type Operation = "read" | "read range of" | "stat" | "write" | "delete" | "list";

/**
 * Files on the local disk: `/abs/path`, `file:///abs/path`, `file:/abs/path`, or a path relative
 * to the process working directory. Locations are taken literally (no percent-decoding).
 *
 * `write` puts the bytes in a temporary file in the target's directory, flushes it, and renames it
 * over the target, so a reader sees the old file or the new one. With `ifNotExists` the temporary
 * file is hard-linked to the target instead, which fails if the target exists; on a file system
 * without hard links it falls back to creating the target exclusively (`wx`) and writing into it,
 * where a concurrent reader could see a partly written file (it is removed if the write fails).
 * `list` skips the temporary files of writes in progress.
 */
export class LocalFileIO implements FileIO {
  async read(location: string): Promise<Uint8Array> {
    const file = toLocalFilePath(location);
    try {
      return await fs.readFile(file);
    } catch (error) {
      throw localError("read", location, file, error);
    }
  }

  async readRange(location: string, offset: number, length: number): Promise<Uint8Array> {
    checkRange(location, offset, length);
    const file = toLocalFilePath(location);
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(file, "r");
      const { size } = await handle.stat();
      if (offset + length > size) throw rangePastEnd(location, offset, length, size);
      const bytes = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(bytes, filled, length - filled, offset + filled);
        if (bytesRead === 0) throw rangePastEnd(location, offset, length);
        filled += bytesRead;
      }
      return bytes;
    } catch (error) {
      throw localError("read range of", location, file, error);
    } finally {
      await handle?.close();
    }
  }

  async stat(location: string): Promise<FileStat> {
    const file = toLocalFilePath(location);
    let stats;
    try {
      stats = await fs.stat(file);
    } catch (error) {
      throw localError("stat", location, file, error);
    }
    if (!stats.isFile()) {
      throw new FloeError("not-found", `not a file: ${location}`, { context: { path: location, file } });
    }
    return { size: stats.size, modifiedAt: stats.mtimeMs };
  }

  async exists(location: string): Promise<boolean> {
    try {
      await this.stat(location);
      return true;
    } catch (error) {
      if (error instanceof FloeError && error.kind === "not-found") return false;
      throw error;
    }
  }

  async write(location: string, data: Uint8Array, options: WriteOptions = {}): Promise<void> {
    const file = toLocalFilePath(location);
    const dir = path.dirname(file);
    const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString("hex")}${TEMP_SUFFIX}`);
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (error) {
      throw new FloeError("io", `cannot write ${location}: cannot create its directory ${dir}`, {
        cause: error,
        context: { path: location, file, operation: "write", code: (error as NodeJS.ErrnoException).code },
      });
    }
    try {
      await writeFlushed(temp, data);
      if (options.ifNotExists) {
        await linkOrCreateExclusively(temp, file, data);
      } else {
        await fs.rename(temp, file);
      }
      await flushDirectory(dir);
    } catch (error) {
      throw localError("write", location, file, error);
    } finally {
      await fs.rm(temp, { force: true });
    }
  }

  async delete(location: string): Promise<void> {
    const file = toLocalFilePath(location);
    try {
      await fs.unlink(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw localError("delete", location, file, error);
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    const root = toLocalFilePath(prefix);
    const spelled = asDirectoryPrefix(prefix);
    const visited = new Set<string>();
    for await (const relative of walk(root, "", visited, prefix)) yield spelled + relative;
  }

  async localPath(location: string): Promise<string> {
    await this.stat(location);
    return toLocalFilePath(location);
  }
}

async function writeFlushed(file: string, data: Uint8Array): Promise<void> {
  const handle = await fs.open(file, "wx");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Hard links `temp` to `target` (fails with EEXIST if it exists); without hard links, creates `target` with `wx`. */
async function linkOrCreateExclusively(temp: string, target: string, data: Uint8Array): Promise<void> {
  try {
    await fs.link(temp, target);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw error;
  }
  const handle = await fs.open(target, "wx");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.rm(target, { force: true });
    throw error;
  }
  await handle.close();
}

/** Makes a rename durable; file systems that cannot sync a directory are left as they are. */
async function flushDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, "r");
    await handle.sync();
  } catch {
    // Not every file system lets a directory be opened or synced; the rename itself has happened.
  } finally {
    await handle?.close();
  }
}

/** Relative paths (with `/`) of the files below `dir`, following symbolic links once. */
async function* walk(dir: string, relative: string, visited: Set<string>, prefix: string): AsyncGenerator<string> {
  let entries;
  try {
    const real = await fs.realpath(dir);
    if (visited.has(real)) return;
    visited.add(real);
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return;
    throw localError("list", prefix, dir, error);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (isTempName(entry.name)) continue;
    const child = path.join(dir, entry.name);
    const childRelative = relative === "" ? entry.name : `${relative}/${entry.name}`;
    let isDirectory = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await fs.stat(child).catch(() => undefined);
      isDirectory = target?.isDirectory() ?? false;
      isFile = target?.isFile() ?? false;
    }
    if (isDirectory) yield* walk(child, childRelative, visited, prefix);
    else if (isFile) yield childRelative;
  }
}

function localError(operation: Operation, location: string, file: string, error: unknown): FloeError {
  if (error instanceof FloeError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const context = { path: location, file, operation, code };
  const looking = operation !== "write" && operation !== "delete";
  if (code === "ENOENT" || (code === "ENOTDIR" && looking)) {
    return new FloeError("not-found", `cannot ${operation} ${location}: no such file`, { cause: error, context });
  }
  if (code === "EEXIST" && operation === "write") {
    return new FloeError("already-exists", `cannot write ${location}: the file already exists`, { cause: error, context });
  }
  if (code === "EISDIR") {
    return new FloeError(looking ? "not-found" : "io", `cannot ${operation} ${location}: it is a directory, not a file`, {
      cause: error,
      context,
    });
  }
  const reason = code === "EACCES" || code === "EPERM" ? "permission denied" : (error as Error).message;
  return new FloeError("io", `cannot ${operation} ${location}: ${reason}`, { cause: error, context });
}

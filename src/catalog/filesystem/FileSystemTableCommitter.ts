/**
 * Tables without a catalog: the table's directory is the catalog. Each commit writes the next
 * metadata file `<location>/metadata/v<N>.metadata.json`, created only if it does not exist
 * yet, which is the atomic step (of two writers of vN exactly one succeeds); then
 * `metadata/version-hint.text` is set to N, on a best-effort basis. This is the layout of
 * Iceberg's Hadoop tables, which DuckDB's `iceberg_scan` and other engines read through the
 * version hint. With `write.metadata.delete-after-commit.enabled`, a commit then deletes the
 * metadata files that fell off the metadata log.
 */
import { FloeError, isFloeError } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import { encodeTableMetadata, readTableMetadata } from "../../table/spec/metadataFile.js";
import type { TableMetadata } from "../../table/spec/tableMetadata.js";
import { deleteAfterCommitEnabled, metadataFilesDroppedFromLog } from "../../table/transaction/metadataLog.js";
import { checkRequirements } from "../../table/transaction/requirements.js";
import type { CommitRequest, CommittedTable, TableCommitter } from "../../table/transaction/TableCommitter.js";

export const VERSION_HINT_FILE = "version-hint.text";

/** `v12.metadata.json`, `v12.gz.metadata.json` → 12. */
const VERSION_FILE = /^v(\d+)(\.gz)?\.metadata\.json$/;

export interface FileSystemTableCommitterOptions {
  /** The metadata directory; default `<location>/metadata`. */
  metadataDirectory?: string;
}

export class FileSystemTableCommitter implements TableCommitter {
  readonly location: string;
  readonly metadataDirectory: string;
  private readonly io: FileIO;

  constructor(location: string, io: FileIO, options: FileSystemTableCommitterOptions = {}) {
    this.location = stripTrailingSlash(location);
    this.metadataDirectory = stripTrailingSlash(options.metadataDirectory ?? `${this.location}/metadata`);
    this.io = io;
  }

  /** The location of metadata version `version`. */
  metadataFile(version: number): string {
    return `${this.metadataDirectory}/v${version}.metadata.json`;
  }

  get versionHintLocation(): string {
    return `${this.metadataDirectory}/${VERSION_HINT_FILE}`;
  }

  /**
   * The current metadata: the version the hint names, or a later one if it exists (the hint
   * is written after the metadata file, so it may lag); without a usable hint, the highest
   * version in the metadata directory. Undefined when the table has no metadata file.
   */
  async load(): Promise<CommittedTable | undefined> {
    const version = await this.currentVersion();
    if (version === undefined) return undefined;
    const metadataLocation = version.location;
    return { metadata: await this.readMetadata(metadataLocation), metadataLocation };
  }

  /**
   * Writes `request.metadata` as the next version if the table is still at `request.base`.
   * A commit-conflict FloeError when another commit came first (the table moved since `base`,
   * or it won the race for the same version); a requirement that does not hold also fails
   * with commit-conflict.
   */
  async commit(request: CommitRequest): Promise<CommittedTable> {
    const current = await this.currentVersion();
    if ((current?.location ?? undefined) !== request.base) {
      throw new FloeError(
        "commit-conflict",
        request.base === undefined
          ? `cannot create table ${this.location}: it already exists (${current?.location})`
          : current === undefined
            ? `cannot commit to ${this.location}: the table has no metadata, but the commit started from ${request.base}`
            : `cannot commit to ${this.location}: the table moved to ${current.location} since the commit started from ${request.base}`,
        { context: { table: this.location, base: request.base, current: current?.location } },
      );
    }
    let base: TableMetadata | undefined;
    if (request.requirements.length > 0) {
      base = current === undefined ? undefined : await this.readMetadata(current.location);
      checkRequirements(base, request.requirements);
    }
    // The metadata log of the version being replaced tells which files the new one drops.
    if (current !== undefined && base === undefined && deleteAfterCommitEnabled(request.metadata.properties)) {
      base = await this.readMetadata(current.location).catch(() => undefined);
    }

    const version = (current?.version ?? 0) + 1;
    const location = this.metadataFile(version);
    const bytes = encodeTableMetadata(request.metadata, location);
    try {
      await this.io.write(location, bytes, { ifNotExists: true });
    } catch (error) {
      if (isFloeError(error, "already-exists")) {
        throw new FloeError("commit-conflict", `cannot commit to ${this.location}: another commit wrote ${location} first`, {
          cause: error,
          context: { table: this.location, metadataFile: location },
        });
      }
      await this.resolveFailedWrite(location, bytes, error);
    }
    try {
      await this.io.write(this.versionHintLocation, new TextEncoder().encode(String(version)));
    } catch {
      // the hint only speeds up loading; a stale one is corrected by probing the next versions
    }
    if (base !== undefined && deleteAfterCommitEnabled(request.metadata.properties)) await this.deleteDroppedMetadata(metadataFilesDroppedFromLog(base, request.metadata, location));
    this.lastRead = { location, metadata: request.metadata };
    return { metadata: request.metadata, metadataLocation: location };
  }

  /**
   * A metadata file's contents; the last one read or written is kept, since a file is never
   * changed once written (a commit usually checks its requirements against the version it
   * loaded a moment ago).
   */
  private async readMetadata(location: string): Promise<TableMetadata> {
    if (this.lastRead?.location === location) return this.lastRead.metadata;
    const metadata = await readTableMetadata(this.io, location);
    this.lastRead = { location, metadata };
    return metadata;
  }

  private lastRead: { location: string; metadata: TableMetadata } | undefined;

  /** Best effort: the commit has happened, so a file that cannot be deleted is only an orphan. */
  private async deleteDroppedMetadata(files: readonly string[]): Promise<void> {
    await Promise.all(
      files.map(async (file) => {
        try {
          await this.io.delete(file);
        } catch {
          // left for orphan-file cleanup
        }
      }),
    );
  }

  /**
   * After a failed write of the metadata file: done when the file holds exactly these bytes
   * (the write landed), a conflict when it holds others, the original error when it is absent
   * (nothing was committed), and commit-state-unknown when that cannot be told.
   */
  private async resolveFailedWrite(location: string, bytes: Uint8Array, error: unknown): Promise<void> {
    let stored: Uint8Array;
    try {
      stored = await this.io.read(location);
    } catch (readError) {
      if (isFloeError(readError, "not-found")) throw error;
      throw new FloeError("commit-state-unknown", `cannot tell whether ${location} was written: ${(error as Error).message}`, {
        cause: error,
        context: { table: this.location, metadataFile: location },
      });
    }
    if (Buffer.from(stored).equals(Buffer.from(bytes))) return;
    throw new FloeError("commit-conflict", `cannot commit to ${this.location}: another commit wrote ${location} first`, {
      cause: error,
      context: { table: this.location, metadataFile: location },
    });
  }

  private async currentVersion(): Promise<{ version: number; location: string } | undefined> {
    let version = await this.readHint();
    if (version !== undefined && !(await this.io.exists(this.metadataFile(version)))) version = undefined;
    if (version === undefined) {
      const listed = await this.highestListedVersion();
      if (listed === undefined) return undefined;
      if (listed.location !== this.metadataFile(listed.version)) return listed;
      version = listed.version;
    }
    while (await this.io.exists(this.metadataFile(version + 1))) version++;
    return { version, location: this.metadataFile(version) };
  }

  private async readHint(): Promise<number | undefined> {
    try {
      const text = new TextDecoder().decode(await this.io.read(this.versionHintLocation)).trim();
      if (!/^\d+$/.test(text)) return undefined;
      const version = Number(text);
      return Number.isSafeInteger(version) && version > 0 ? version : undefined;
    } catch (error) {
      if (isFloeError(error, "not-found")) return undefined;
      throw error;
    }
  }

  private async highestListedVersion(): Promise<{ version: number; location: string } | undefined> {
    let best: { version: number; location: string } | undefined;
    for await (const file of this.io.list(this.metadataDirectory)) {
      const name = file.slice(file.lastIndexOf("/") + 1);
      const match = VERSION_FILE.exec(name);
      if (match === null) continue;
      const version = Number(match[1]);
      // the plain name wins over the gzip one of the same version
      if (best === undefined || version > best.version || (version === best.version && match[2] === undefined)) {
        best = { version, location: match[2] === undefined ? this.metadataFile(version) : `${this.metadataDirectory}/${name}` };
      }
    }
    return best;
  }
}

function stripTrailingSlash(location: string): string {
  return location.length > 1 ? location.replace(/\/+$/, "") : location;
}

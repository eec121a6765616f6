/**
 * What the writer processes of the concurrency and crash tests share: the FileIO for a table
 * location (the local disk, or the stack's S3 server for `s3://`), the file-system committer,
 * and the way they report to the test (one line per event on stdout, which on Linux is a
 * synchronous pipe write, so a line printed before a SIGKILL reaches the test).
 */
import fs from "node:fs/promises";
import path from "node:path";
import { FileSystemTableCommitter } from "../../../src/catalog/filesystem/FileSystemTableCommitter.js";
import type { TableTarget } from "../../../src/engine/dml/TableTarget.js";
import type { FileIO } from "../../../src/io/FileIO.js";
import { LocalFileIO } from "../../../src/io/LocalFileIO.js";
import { S3FileIO } from "../../../src/io/S3FileIO.js";
import type { CommitRequest, CommittedTable, TableCommitter } from "../../../src/table/transaction/TableCommitter.js";
import { stackEnv } from "../../../scripts/stack/env.mjs";

/** The S3 connection of the stack (FLOE_TEST_S3_* variables win over its defaults). */
export function stackS3FileIO(cacheDir?: string): S3FileIO {
  const settings = stackEnv();
  return new S3FileIO({
    endpoint: settings.FLOE_TEST_S3_ENDPOINT,
    region: settings.FLOE_TEST_S3_REGION,
    accessKeyId: settings.FLOE_TEST_S3_ACCESS_KEY_ID,
    secretAccessKey: settings.FLOE_TEST_S3_SECRET_ACCESS_KEY,
    pathStyle: settings.FLOE_TEST_S3_FORCE_PATH_STYLE === "true",
    env: {},
    ...(cacheDir === undefined ? {} : { cache: { dir: cacheDir } }),
  });
}

/** A FileIO for the table at `location`: S3 for `s3://`, else the local disk. */
export function fileIOFor(location: string, cacheDir?: string): FileIO & { close?: () => void } {
  return location.startsWith("s3://") ? stackS3FileIO(cacheDir) : new LocalFileIO();
}

export function tableTarget(location: string, cacheDir?: string): TableTarget & { io: FileIO & { close?: () => void } } {
  const io = fileIOFor(location, cacheDir);
  return { io, committer: new FileSystemTableCommitter(location, io) };
}

/** Prints one report line for the test. */
export function report(...words: (string | number | bigint)[]): void {
  process.stdout.write(`${words.map(String).join(" ")}\n`);
}

/** Waits until `file` exists (the test creates it to let every writer go at once). */
export async function waitForFile(file: string, pollMs = 2): Promise<void> {
  for (;;) {
    try {
      await fs.access(file);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }
}

/**
 * A committer that holds the first commit back until `goFile` exists, reporting `ready`
 * when it gets there: writers that have written their files then commit at the same moment.
 */
export class BarrierCommitter implements TableCommitter {
  private released = false;

  constructor(
    private readonly inner: TableCommitter,
    private readonly goFile: string,
  ) {}

  load(): Promise<CommittedTable | undefined> {
    return this.inner.load();
  }

  async commit(request: CommitRequest): Promise<CommittedTable> {
    if (!this.released) {
      report("ready");
      await waitForFile(path.resolve(this.goFile));
      this.released = true;
    }
    return this.inner.commit(request);
  }
}

/** A committer that counts the commit attempts that reach it (the first try and every retry). */
export class CountingCommitter implements TableCommitter {
  attempts = 0;

  constructor(private readonly inner: TableCommitter) {}

  load(): Promise<CommittedTable | undefined> {
    return this.inner.load();
  }

  commit(request: CommitRequest): Promise<CommittedTable> {
    this.attempts++;
    return this.inner.commit(request);
  }
}

/** Exits with a report of the error: its kind and message as JSON on stdout, and the stack on stderr. */
export function failAndExit(error: unknown, code = 1): never {
  const kind = (error as { kind?: string })?.kind ?? "error";
  report("failed", JSON.stringify({ kind, message: (error as Error)?.message ?? String(error) }));
  process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(code);
}

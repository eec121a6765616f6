import assert from "node:assert/strict";
import fs from "node:fs/promises";
import { FloeError, type FloeErrorKind } from "../core/errors/FloeError.js";
import type { FileIO } from "./FileIO.js";

/**
 * What every FileIO must do, as named cases that any test runner can register
 * (`for (const c of fileIOContract(...)) it(c.name, c.run)`), so each implementation's test
 * states only how to make one and which cases it knowingly skips, with the reason.
 */
export interface FileIOContractCase {
  name: string;
  /** Why this implementation skips the case; absent when it runs. */
  skip?: string;
  run(): Promise<void>;
}

export interface FileIOContractSubject {
  io: FileIO;
  /** A fresh, empty directory location for one case, spelled as the store expects (`/tmp/x`, `s3://b/run-1`). */
  base: string;
  cleanup?(): Promise<void>;
}

export type FileIOContractCaseName = (typeof CASE_NAMES)[number];

const CASE_NAMES = [
  "write then read returns the same bytes",
  "an empty file and every byte value survive",
  "read of an absent file is not-found naming the path",
  "write replaces an existing file",
  "write with ifNotExists creates an absent file",
  "write with ifNotExists refuses an existing file and keeps its bytes",
  "concurrent ifNotExists writes: exactly one wins",
  "stat gives the size; an absent file is not-found naming the path",
  "exists tells present from absent",
  "readRange returns exactly the bytes asked for",
  "readRange past the end is invalid-input naming the path",
  "readRange of an absent file is not-found naming the path",
  "list is recursive and spelled with the prefix",
  "list takes the prefix as a directory",
  "list of an absent directory is empty",
  "delete removes a file; deleting an absent file is not an error",
  "localPath holds the same bytes; an absent file is not-found",
] as const;

export function fileIOContract(
  newSubject: () => Promise<FileIOContractSubject>,
  skips: Partial<Record<FileIOContractCaseName, string>> = {},
): FileIOContractCase[] {
  const withSubject =
    (body: (s: FileIOContractSubject) => Promise<void>) =>
    async (): Promise<void> => {
      const subject = await newSubject();
      try {
        await body(subject);
      } finally {
        await subject.cleanup?.();
      }
    };
  const bodies: Record<FileIOContractCaseName, (s: FileIOContractSubject) => Promise<void>> = {
    "write then read returns the same bytes": async ({ io, base }) => {
      const path = `${base}/a/b/data.bin`;
      await io.write(path, bytes("hello, floe"));
      assert.deepEqual(text(await io.read(path)), "hello, floe");
    },
    "an empty file and every byte value survive": async ({ io, base }) => {
      await io.write(`${base}/empty`, new Uint8Array(0));
      assert.equal((await io.read(`${base}/empty`)).length, 0);
      assert.equal((await io.stat(`${base}/empty`)).size, 0);
      const all = Uint8Array.from({ length: 256 * 4096 }, (_, i) => i % 256);
      await io.write(`${base}/all`, all);
      assert.ok(Buffer.from(await io.read(`${base}/all`)).equals(all));
    },
    "read of an absent file is not-found naming the path": async ({ io, base }) => {
      const path = `${base}/missing/file.avro`;
      await rejectsWith(io.read(path), "not-found", path);
    },
    "write replaces an existing file": async ({ io, base }) => {
      const path = `${base}/f`;
      await io.write(path, bytes("first, longer content"));
      await io.write(path, bytes("second"));
      assert.equal(text(await io.read(path)), "second");
    },
    "write with ifNotExists creates an absent file": async ({ io, base }) => {
      const path = `${base}/new/v1.metadata.json`;
      await io.write(path, bytes("{}"), { ifNotExists: true });
      assert.equal(text(await io.read(path)), "{}");
    },
    "write with ifNotExists refuses an existing file and keeps its bytes": async ({ io, base }) => {
      const path = `${base}/v1.metadata.json`;
      await io.write(path, bytes("original"));
      await rejectsWith(io.write(path, bytes("intruder"), { ifNotExists: true }), "already-exists", path);
      assert.equal(text(await io.read(path)), "original");
    },
    "concurrent ifNotExists writes: exactly one wins": async ({ io, base }) => {
      const path = `${base}/race.json`;
      const contenders = Array.from({ length: 8 }, (_, i) => `writer ${i}`);
      const results = await Promise.allSettled(contenders.map((c) => io.write(path, bytes(c), { ifNotExists: true })));
      const winners = results.flatMap((r, i) => (r.status === "fulfilled" ? [contenders[i]] : []));
      assert.equal(winners.length, 1, `expected one winner, got ${winners.length}`);
      for (const r of results) {
        if (r.status === "rejected") assert.ok(isKind(r.reason, "already-exists"), `unexpected failure: ${String(r.reason)}`);
      }
      assert.equal(text(await io.read(path)), winners[0]);
    },
    "stat gives the size; an absent file is not-found naming the path": async ({ io, base }) => {
      await io.write(`${base}/s`, bytes("12345"));
      assert.equal((await io.stat(`${base}/s`)).size, 5);
      await rejectsWith(io.stat(`${base}/absent`), "not-found", `${base}/absent`);
    },
    "exists tells present from absent": async ({ io, base }) => {
      await io.write(`${base}/here`, bytes("x"));
      assert.equal(await io.exists(`${base}/here`), true);
      assert.equal(await io.exists(`${base}/gone`), false);
    },
    "readRange returns exactly the bytes asked for": async ({ io, base }) => {
      const path = `${base}/r`;
      await io.write(path, bytes("0123456789"));
      assert.equal(text(await io.readRange(path, 0, 4)), "0123");
      assert.equal(text(await io.readRange(path, 3, 4)), "3456");
      assert.equal(text(await io.readRange(path, 6, 4)), "6789");
      assert.equal((await io.readRange(path, 10, 0)).length, 0);
    },
    "readRange past the end is invalid-input naming the path": async ({ io, base }) => {
      const path = `${base}/short`;
      await io.write(path, bytes("0123456789"));
      await rejectsWith(io.readRange(path, 8, 4), "invalid-input", path);
      await rejectsWith(io.readRange(path, 10, 1), "invalid-input", path);
      await rejectsWith(io.readRange(path, 20, 1), "invalid-input", path);
      await rejectsWith(io.readRange(path, -1, 1), "invalid-input", path);
    },
    "readRange of an absent file is not-found naming the path": async ({ io, base }) => {
      await rejectsWith(io.readRange(`${base}/nope`, 0, 8), "not-found", `${base}/nope`);
    },
    "list is recursive and spelled with the prefix": async ({ io, base }) => {
      for (const name of ["a", "d/b", "d/e/c", "d/e/f/g"]) await io.write(`${base}/${name}`, bytes(name));
      assert.deepEqual(await collect(io.list(base)), [`${base}/a`, `${base}/d/b`, `${base}/d/e/c`, `${base}/d/e/f/g`]);
      assert.deepEqual(await collect(io.list(`${base}/d/`)), [`${base}/d/b`, `${base}/d/e/c`, `${base}/d/e/f/g`]);
    },
    "list takes the prefix as a directory": async ({ io, base }) => {
      for (const name of ["data/x", "data2/y", "data.json"]) await io.write(`${base}/${name}`, bytes(name));
      assert.deepEqual(await collect(io.list(`${base}/data`)), [`${base}/data/x`]);
    },
    "list of an absent directory is empty": async ({ io, base }) => {
      assert.deepEqual(await collect(io.list(`${base}/nothing-here`)), []);
    },
    "delete removes a file; deleting an absent file is not an error": async ({ io, base }) => {
      await io.write(`${base}/del`, bytes("x"));
      await io.delete(`${base}/del`);
      assert.equal(await io.exists(`${base}/del`), false);
      await io.delete(`${base}/del`);
      await io.delete(`${base}/never/was`);
    },
    "localPath holds the same bytes; an absent file is not-found": async ({ io, base }) => {
      await io.write(`${base}/part-0.parquet`, bytes("PAR1...PAR1"));
      const local = await io.localPath(`${base}/part-0.parquet`);
      assert.equal(await fs.readFile(local, "utf8"), "PAR1...PAR1");
      await rejectsWith(io.localPath(`${base}/absent.parquet`), "not-found", `${base}/absent.parquet`);
    },
  };
  return CASE_NAMES.map((name) => ({ name, skip: skips[name], run: withSubject(bodies[name]) }));
}

function bytes(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

function text(value: Uint8Array): string {
  return new TextDecoder().decode(value);
}

async function collect(items: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const item of items) all.push(item);
  return all.sort();
}

function isKind(error: unknown, kind: FloeErrorKind): boolean {
  return error instanceof FloeError && error.kind === kind;
}

async function rejectsWith(promise: Promise<unknown>, kind: FloeErrorKind, path: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof FloeError, `expected a FloeError, got ${String(error)}`);
    assert.equal(error.kind, kind, `expected kind ${kind}: ${error.message}`);
    assert.ok(error.message.includes(path), `the message should name ${path}: ${error.message}`);
    return true;
  });
}

import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CreateBucketCommand, HeadBucketCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileIOContract } from "../../src/io/FileIOContract.js";
import { S3FileIO, type S3FileIOOptions } from "../../src/io/S3FileIO.js";
import { stackEnv } from "../../scripts/stack/env.mjs";

const settings = stackEnv();
const bucket = settings.FLOE_TEST_S3_BUCKET;
const connection: S3FileIOOptions = {
  endpoint: settings.FLOE_TEST_S3_ENDPOINT,
  region: settings.FLOE_TEST_S3_REGION,
  accessKeyId: settings.FLOE_TEST_S3_ACCESS_KEY_ID,
  secretAccessKey: settings.FLOE_TEST_S3_SECRET_ACCESS_KEY,
  pathStyle: settings.FLOE_TEST_S3_FORCE_PATH_STYLE === "true",
  env: {},
};
const NO_CONDITIONAL_WRITES =
  settings.FLOE_TEST_S3_CONDITIONAL_WRITES === "true"
    ? undefined
    : "this S3 server ignores If-None-Match (FLOE_TEST_S3_CONDITIONAL_WRITES is not true), so ifNotExists cannot refuse a write";
/** Every object this file writes sits below one run prefix, so runs never see each other's objects. */
const run = `s3://${bucket}/floe-test/s3-fileio/${randomUUID()}`;

let cacheRoot: string;
let io: S3FileIO;
let counter = 0;

beforeAll(async () => {
  cacheRoot = await fs.mkdtemp(path.join(os.tmpdir(), "floe-s3-cache-"));
  io = new S3FileIO({ ...connection, cache: { dir: path.join(cacheRoot, "shared") } });
  const exists = await io.client.send(new HeadBucketCommand({ Bucket: bucket })).then(
    () => true,
    () => false,
  );
  if (!exists) await io.client.send(new CreateBucketCommand({ Bucket: bucket }));
});

afterAll(async () => {
  if (io) {
    const leftovers: string[] = [];
    for await (const location of io.list(run)) leftovers.push(location);
    for (let i = 0; i < leftovers.length; i += 50) await Promise.all(leftovers.slice(i, i + 50).map((l) => io.delete(l)));
    io.close();
  }
  if (cacheRoot) await fs.rm(cacheRoot, { recursive: true, force: true });
});

const encode = (s: string) => new TextEncoder().encode(s);
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

/** An S3FileIO with its own cache and a count of the GetObject requests its client sends. */
function countingFileIO(maxBytes = 1_000_000) {
  const counted = new S3FileIO({ ...connection, cache: { dir: path.join(cacheRoot, `cache-${++counter}`), maxBytes } });
  const requests = { gets: 0 };
  counted.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "GetObjectCommand") requests.gets++;
      return next(args);
    },
    { step: "initialize", name: "countGetObject" },
  );
  return { io: counted, requests };
}

describe("S3FileIO contract", () => {
  const skips = {
    "write with ifNotExists refuses an existing file and keeps its bytes": NO_CONDITIONAL_WRITES,
    "concurrent ifNotExists writes: exactly one wins": NO_CONDITIONAL_WRITES,
  };
  for (const c of fileIOContract(async () => ({ io, base: `${run}/contract-${++counter}` }), skips)) {
    it.skipIf(c.skip !== undefined)(c.name, c.run);
  }
});

describe("S3FileIO against the stack's S3 server", () => {
  it("answers in the scheme it was asked with (s3a://, s3n://)", async () => {
    const key = `${bucket}/${run.slice(`s3://${bucket}/`.length)}/schemes/x.json`;
    await io.write(`s3a://${key}`, encode("{}"));
    expect(decode(await io.read(`s3n://${key}`))).toBe("{}");
    const listed: string[] = [];
    for await (const location of io.list(`s3a://${key.slice(0, key.lastIndexOf("/"))}`)) listed.push(location);
    expect(listed).toEqual([`s3a://${key}`]);
  });

  it("lists more than one page (over 1000 keys)", async () => {
    const base = `${run}/many`;
    const names = Array.from({ length: 1005 }, (_, i) => `${base}/${String(i).padStart(4, "0")}.json`);
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(names.slice(i, i + 50).map((name) => io.write(name, encode("1"))));
    }
    const listed: string[] = [];
    for await (const location of io.list(base)) listed.push(location);
    expect(listed.sort()).toEqual(names);
  });

  it("skips directory-marker objects when listing", async () => {
    const base = `${run}/markers`;
    await io.write(`${base}/dir/file`, encode("x"));
    const markerKey = `${base.slice(`s3://${bucket}/`.length)}/dir/`;
    await io.client.send(new PutObjectCommand({ Bucket: bucket, Key: markerKey, Body: new Uint8Array(0) }));
    const listed: string[] = [];
    for await (const location of io.list(base)) listed.push(location);
    expect(listed).toEqual([`${base}/dir/file`]);
  });

  it.skipIf(NO_CONDITIONAL_WRITES !== undefined)("honours If-None-Match: * so ifNotExists cannot replace an object", async () => {
    const location = `${run}/conditional/v1.metadata.json`;
    await io.write(location, encode("first"), { ifNotExists: true });
    await expect(io.write(location, encode("second"), { ifNotExists: true })).rejects.toMatchObject({
      kind: "already-exists",
      message: expect.stringContaining(location),
    });
    expect(decode(await io.read(location))).toBe("first");
  });

  it("names the bucket when it does not exist", async () => {
    const location = `s3://floe-no-such-bucket-${randomUUID().slice(0, 8)}/k`;
    await expect(io.read(location)).rejects.toMatchObject({ kind: "not-found", message: expect.stringContaining(location) });
  });

  it("reports refused credentials as unauthorized, naming the path", async (ctx) => {
    const location = `${run}/secret.json`;
    await io.write(location, encode("{}"));
    const intruder = new S3FileIO({ ...connection, accessKeyId: "floe-wrong-key", secretAccessKey: "floe-wrong-secret" });
    try {
      const outcome = await intruder.read(location).then(
        () => undefined,
        (error: unknown) => error,
      );
      if (outcome === undefined) ctx.skip("this S3 server does not check credentials");
      expect(outcome).toMatchObject({ kind: "unauthorized", message: expect.stringContaining(location) });
    } finally {
      intruder.close();
    }
  });

  describe("localPath", () => {
    it("downloads once; the second call is served from the cache", async () => {
      const { io: counted, requests } = countingFileIO();
      const location = `${run}/cache/once/part-0.parquet`;
      await counted.write(location, encode("PAR1 first version PAR1"));
      const first = await counted.localPath(location);
      expect(await fs.readFile(first, "utf8")).toBe("PAR1 first version PAR1");
      expect(requests.gets).toBe(1);
      expect(await counted.localPath(location)).toBe(first);
      expect(requests.gets).toBe(1);
      counted.close();
    });

    it("shares one download among concurrent callers", async () => {
      const { io: counted, requests } = countingFileIO();
      const location = `${run}/cache/concurrent/big.bin`;
      await counted.write(location, new Uint8Array(2 * 1024 * 1024).fill(7));
      const paths = await Promise.all(Array.from({ length: 8 }, () => counted.localPath(location)));
      expect(new Set(paths).size).toBe(1);
      expect(requests.gets).toBe(1);
      expect((await fs.stat(paths[0])).size).toBe(2 * 1024 * 1024);
      counted.close();
    });

    it("refetches an object that changed", async () => {
      const { io: counted, requests } = countingFileIO();
      const location = `${run}/cache/changed/data.json`;
      await counted.write(location, encode("version-1"));
      const before = await counted.localPath(location);
      await counted.write(location, encode("version-2"));
      const after = await counted.localPath(location);
      expect(after).not.toBe(before);
      expect(await fs.readFile(after, "utf8")).toBe("version-2");
      expect(requests.gets).toBe(2);
      counted.close();
    });

    it("evicts least recently used files when over its limit", async () => {
      const { io: counted } = countingFileIO(250);
      const names = ["a", "b", "c"].map((n) => `${run}/cache/evict/${n}.bin`);
      for (const name of names) await counted.write(name, new Uint8Array(100).fill(1));
      const [a, b] = [await counted.localPath(names[0]), await counted.localPath(names[1])];
      await new Promise((resolve) => setTimeout(resolve, 20));
      await counted.localPath(names[0]);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const c = await counted.localPath(names[2]);
      const present = async (file: string) => fs.stat(file).then(() => true, () => false);
      expect([await present(a), await present(b), await present(c)]).toEqual([true, false, true]);
      expect(await counted.cache.size()).toBeLessThanOrEqual(250);
      counted.close();
    });

    it("is not-found for an absent object, naming it", async () => {
      const location = `${run}/cache/absent.parquet`;
      await expect(io.localPath(location)).rejects.toMatchObject({ kind: "not-found", message: expect.stringContaining(location) });
    });
  });
});

import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalFileCache } from "./LocalFileCache.js";

let root: string;
let counter = 0;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "floe-cache-test-"));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

function newCache(maxBytes = 1_000_000) {
  return new LocalFileCache({ dir: path.join(root, `cache-${++counter}`), maxBytes });
}

/** A downloader that writes `size` copies of `fill` and counts its calls. */
function downloader(size: number, fill = "x") {
  const calls = { count: 0 };
  const download = async (temp: string) => {
    calls.count++;
    await new Promise((resolve) => setTimeout(resolve, 20));
    await fs.writeFile(temp, fill.repeat(size), { flag: "wx" });
  };
  return { calls, download };
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 15));

describe("LocalFileCache", () => {
  it("downloads once and serves hits from disk", async () => {
    const cache = newCache();
    const { calls, download } = downloader(10);
    const key = { location: "s3://b/t/data/part-0.parquet", size: 10, etag: '"e1"' };
    const first = await cache.get(key, download);
    const second = await cache.get(key, download);
    expect(second).toBe(first);
    expect(calls.count).toBe(1);
    expect(path.basename(first).endsWith("part-0.parquet")).toBe(true);
    expect(await fs.readFile(first, "utf8")).toBe("x".repeat(10));
  });

  it("shares one download among concurrent callers", async () => {
    const cache = newCache();
    const { calls, download } = downloader(100);
    const key = { location: "s3://b/k", size: 100, etag: "e" };
    const paths = await Promise.all(Array.from({ length: 10 }, () => cache.get(key, download)));
    expect(new Set(paths).size).toBe(1);
    expect(calls.count).toBe(1);
  });

  it("treats a new size or etag as a new entry", async () => {
    const cache = newCache();
    const one = await cache.get({ location: "s3://b/k", size: 3, etag: "v1" }, downloader(3, "a").download);
    const two = await cache.get({ location: "s3://b/k", size: 3, etag: "v2" }, downloader(3, "b").download);
    expect(two).not.toBe(one);
    expect(await fs.readFile(two, "utf8")).toBe("bbb");
  });

  it("evicts the least recently used entries beyond the limit", async () => {
    const cache = newCache(250);
    const get = (name: string) => cache.get({ location: `s3://b/${name}`, size: 100, etag: "e" }, downloader(100).download);
    const a = await get("a");
    await pause();
    const b = await get("b");
    await pause();
    await get("a"); // a is now more recent than b
    await pause();
    const c = await get("c");
    const exists = async (file: string) => fs.stat(file).then(() => true, () => false);
    expect(await exists(a)).toBe(true);
    expect(await exists(b)).toBe(false);
    expect(await exists(c)).toBe(true);
    expect(await cache.size()).toBeLessThanOrEqual(250);
  });

  it("keeps the entry just fetched even when it alone is over the limit", async () => {
    const cache = newCache(50);
    const file = await cache.get({ location: "s3://b/big", size: 100, etag: "e" }, downloader(100).download);
    expect((await fs.stat(file)).size).toBe(100);
  });

  it("refuses a download of the wrong size and leaves nothing behind", async () => {
    const cache = newCache();
    await expect(cache.get({ location: "s3://b/k", size: 5, etag: "e" }, downloader(4).download)).rejects.toMatchObject({
      kind: "io",
      message: expect.stringContaining("s3://b/k"),
    });
    expect(await fs.readdir(cache.dir)).toEqual([]);
  });

  it("reads its directory and limit from FLOE_CACHE_DIR and FLOE_CACHE_MAX_BYTES", () => {
    const cache = new LocalFileCache({ env: { FLOE_CACHE_DIR: "/tmp/somewhere", FLOE_CACHE_MAX_BYTES: "1234" } });
    expect(cache.dir).toBe("/tmp/somewhere");
    expect(cache.maxBytes).toBe(1234);
    expect(new LocalFileCache({ env: {} }).dir).toBe(path.join(os.tmpdir(), "floe-cache"));
    expect(() => new LocalFileCache({ env: { FLOE_CACHE_MAX_BYTES: "lots" } })).toThrow(/FLOE_CACHE_MAX_BYTES/);
  });
});

import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FloeError } from "../core/errors/FloeError.js";
import { fileIOContract } from "./FileIOContract.js";
import { LocalFileIO } from "./LocalFileIO.js";

let root: string;
let counter = 0;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "floe-local-io-"));
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const freshDir = async () => {
  const dir = path.join(root, `case-${++counter}`);
  await fs.mkdir(dir);
  return dir;
};

const spellings: Array<[string, (dir: string) => string]> = [
  ["absolute paths", (dir) => dir],
  ["file:/// locations", (dir) => `file://${dir}`],
  ["file:/ locations", (dir) => `file:${dir}`],
];

for (const [label, spell] of spellings) {
  describe(`LocalFileIO contract with ${label}`, () => {
    for (const c of fileIOContract(async () => ({ io: new LocalFileIO(), base: spell(await freshDir()) }))) {
      it.skipIf(c.skip !== undefined)(c.name, c.run);
    }
  });
}

describe("LocalFileIO", () => {
  const io = new LocalFileIO();
  const encode = (s: string) => new TextEncoder().encode(s);

  it("reads the same file under every spelling of its location", async () => {
    const dir = await freshDir();
    await io.write(`${dir}/x.json`, encode("{}"));
    for (const location of [`${dir}/x.json`, `file://${dir}/x.json`, `file:${dir}/x.json`, `file://localhost${dir}/x.json`]) {
      expect(new TextDecoder().decode(await io.read(location))).toBe("{}");
    }
  });

  it("resolves relative paths against the working directory", async () => {
    const dir = await freshDir();
    const before = process.cwd();
    process.chdir(dir);
    try {
      await io.write("rel/file.txt", encode("relative"));
      expect(await fs.readFile(path.join(dir, "rel/file.txt"), "utf8")).toBe("relative");
      expect(await io.localPath("rel/file.txt")).toBe(path.join(dir, "rel/file.txt"));
      expect(await collect(io.list("rel"))).toEqual(["rel/file.txt"]);
    } finally {
      process.chdir(before);
    }
  });

  it("localPath is the file itself", async () => {
    const dir = await freshDir();
    await io.write(`file://${dir}/part.parquet`, encode("x"));
    expect(await io.localPath(`file://${dir}/part.parquet`)).toBe(`${dir}/part.parquet`);
  });

  it("never lets a reader see a partly written file", async () => {
    const dir = await freshDir();
    const file = `${dir}/metadata.json`;
    const size = 4 * 1024 * 1024;
    const versions = ["a", "b"].map((c) => new Uint8Array(size).fill(c.charCodeAt(0)));
    await io.write(file, versions[0]);
    let writing = true;
    const writer = (async () => {
      for (let i = 1; i <= 20; i++) await io.write(file, versions[i % 2]);
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      const seen = await io.read(file);
      expect(seen.length).toBe(size);
      expect(seen[0] === seen[size - 1] && seen[0] === seen[size >> 1]).toBe(true);
      reads++;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
    expect(await fs.readdir(dir)).toEqual(["metadata.json"]);
  });

  it("leaves no temporary file after a refused or failed write", async () => {
    const dir = await freshDir();
    await io.write(`${dir}/v1.json`, encode("one"));
    await expect(io.write(`${dir}/v1.json`, encode("two"), { ifNotExists: true })).rejects.toMatchObject({ kind: "already-exists" });
    await fs.mkdir(`${dir}/a-directory`);
    await expect(io.write(`${dir}/a-directory`, encode("x"))).rejects.toMatchObject({ kind: "io" });
    expect((await fs.readdir(dir)).sort()).toEqual(["a-directory", "v1.json"]);
  });

  it("fails with io naming the path when a parent is a file", async () => {
    const dir = await freshDir();
    await io.write(`${dir}/plain`, encode("x"));
    const error = await io.write(`${dir}/plain/child`, encode("y")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FloeError);
    expect(error).toMatchObject({ kind: "io" });
    expect((error as Error).message).toContain(`${dir}/plain/child`);
  });

  it("list skips the temporary files of writes in progress", async () => {
    const dir = await freshDir();
    await io.write(`${dir}/done`, encode("x"));
    await fs.writeFile(`${dir}/.done.0123456789ab.floe-tmp`, "partial");
    expect(await collect(io.list(dir))).toEqual([`${dir}/done`]);
  });

  it("a directory is not a file", async () => {
    const dir = await freshDir();
    await fs.mkdir(`${dir}/sub`);
    await expect(io.read(`${dir}/sub`)).rejects.toMatchObject({ kind: "not-found" });
    await expect(io.stat(`${dir}/sub`)).rejects.toMatchObject({ kind: "not-found" });
    expect(await io.exists(`${dir}/sub`)).toBe(false);
  });

  it("refuses locations of other stores and remote file hosts", async () => {
    await expect(io.read("s3://bucket/key")).rejects.toMatchObject({ kind: "invalid-input" });
    await expect(io.read("file://server/share/x")).rejects.toMatchObject({ kind: "invalid-input" });
  });
});

async function collect(items: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const item of items) all.push(item);
  return all.sort();
}

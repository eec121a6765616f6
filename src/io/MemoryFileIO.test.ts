import fs from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { fileIOContract } from "./FileIOContract.js";
import { MemoryFileIO } from "./MemoryFileIO.js";

let counter = 0;

describe("MemoryFileIO contract", () => {
  for (const c of fileIOContract(async () => {
    const io = new MemoryFileIO();
    return { io, base: `memory://case-${++counter}`, cleanup: () => io.close() };
  })) {
    it.skipIf(c.skip !== undefined)(c.name, c.run);
  }
});

describe("MemoryFileIO", () => {
  it("keeps its own copy of written and read bytes", async () => {
    const io = new MemoryFileIO();
    const data = new TextEncoder().encode("abc");
    await io.write("memory://t/f", data);
    data[0] = 0;
    const read = await io.read("memory://t/f");
    read[1] = 0;
    expect(new TextDecoder().decode(await io.read("memory://t/f"))).toBe("abc");
  });

  it("lists everything below memory://", async () => {
    const io = new MemoryFileIO();
    await io.write("memory://a/x", new Uint8Array(1));
    await io.write("memory://b/y", new Uint8Array(1));
    await io.write("/elsewhere", new Uint8Array(1));
    const listed: string[] = [];
    for await (const location of io.list("memory://")) listed.push(location);
    expect(listed).toEqual(["memory://a/x", "memory://b/y"]);
  });

  it("gives each version its own etag", async () => {
    const io = new MemoryFileIO();
    await io.write("memory://v", new Uint8Array(1));
    const first = (await io.stat("memory://v")).etag;
    await io.write("memory://v", new Uint8Array(1));
    expect((await io.stat("memory://v")).etag).not.toBe(first);
  });

  it("localPath copies the current bytes to disk and close removes the copies", async () => {
    const io = new MemoryFileIO();
    await io.write("memory://t/data.parquet", new TextEncoder().encode("one"));
    const local = await io.localPath("memory://t/data.parquet");
    expect(local.endsWith("data.parquet")).toBe(true);
    expect(await fs.readFile(local, "utf8")).toBe("one");
    await io.write("memory://t/data.parquet", new TextEncoder().encode("two"));
    expect(await fs.readFile(await io.localPath("memory://t/data.parquet"), "utf8")).toBe("two");
    await io.close();
    await expect(fs.stat(local)).rejects.toMatchObject({ code: "ENOENT" });
  });
});

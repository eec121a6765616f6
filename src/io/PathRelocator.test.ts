import { describe, expect, it } from "vitest";
import { fileIOContract } from "./FileIOContract.js";
import { LocationMapper } from "./LocationMapper.js";
import { MemoryFileIO } from "./MemoryFileIO.js";
import { PathRelocator } from "./PathRelocator.js";

let counter = 0;

describe("PathRelocator contract (metadata locations under s3://old, files in memory)", () => {
  for (const c of fileIOContract(async () => {
    const inner = new MemoryFileIO();
    const io = new PathRelocator(inner, [{ from: "s3://old/warehouse", to: "memory://moved" }]);
    return { io, base: `s3://old/warehouse/case-${++counter}`, cleanup: () => inner.close() };
  })) {
    it.skipIf(c.skip !== undefined)(c.name, c.run);
  }
});

describe("LocationMapper", () => {
  const mapper = new LocationMapper([
    { from: "s3://old/warehouse", to: "/data/warehouse" },
    { from: "s3://old/warehouse/special", to: "/mnt/special/" },
    { from: "file:/home/alice/wh", to: "s3://new/wh" },
  ]);

  it("maps a prefix and whole path segments only", () => {
    expect(mapper.map("s3://old/warehouse/db/t/metadata/v1.metadata.json")).toBe("/data/warehouse/db/t/metadata/v1.metadata.json");
    expect(mapper.map("s3://old/warehouse")).toBe("/data/warehouse");
    expect(mapper.map("s3://old/warehouse2/x")).toBe("s3://old/warehouse2/x");
    expect(mapper.map("s3://other/warehouse/x")).toBe("s3://other/warehouse/x");
  });

  it("prefers the longest matching prefix", () => {
    expect(mapper.map("s3://old/warehouse/special/x.parquet")).toBe("/mnt/special/x.parquet");
  });

  it("matches every spelling of one place", () => {
    expect(mapper.map("s3a://old/warehouse/x")).toBe("/data/warehouse/x");
    expect(mapper.map("s3n://old/warehouse/x")).toBe("/data/warehouse/x");
    expect(mapper.map("/home/alice/wh/t/data/a.parquet")).toBe("s3://new/wh/t/data/a.parquet");
    expect(mapper.map("file:///home/alice/wh/t/data/a.parquet")).toBe("s3://new/wh/t/data/a.parquet");
    expect(mapper.map("file:/home/alice/wh/t/data/a.parquet")).toBe("s3://new/wh/t/data/a.parquet");
  });

  it("maps the relative and odd spellings other writers leave in metadata", () => {
    const fixtures = new LocationMapper([
      { from: "file://data/persistent/", to: "/pack/duckdb-iceberg/" },
      { from: "data/persistent/", to: "/pack/duckdb-iceberg/" },
      { from: "lineitem_iceberg/", to: "/pack/duckdb-iceberg/iceberg/lineitem_iceberg/" },
    ]);
    expect(fixtures.map("file://data/persistent/map_stats/data/a.parquet")).toBe("/pack/duckdb-iceberg/map_stats/data/a.parquet");
    expect(fixtures.map("data/persistent/t/metadata/v1.metadata.json")).toBe("/pack/duckdb-iceberg/t/metadata/v1.metadata.json");
    expect(fixtures.map("./lineitem_iceberg/data/x.parquet")).toBe("/pack/duckdb-iceberg/iceberg/lineitem_iceberg/data/x.parquet");
    expect(fixtures.map("lineitem_iceberg_gz/data/x.parquet")).toBe("lineitem_iceberg_gz/data/x.parquet");
  });

  it("parses FROM=TO, also when the locations hold '='", () => {
    expect(LocationMapper.parseMapping("s3://old/wh=/data/wh")).toEqual({ from: "s3://old/wh", to: "/data/wh" });
    expect(LocationMapper.parseMapping("s3://b/t/data/dt=2024-01-01=/data/dt=2024-01-01")).toEqual({
      from: "s3://b/t/data/dt=2024-01-01",
      to: "/data/dt=2024-01-01",
    });
    expect(LocationMapper.parseMapping("/a/b=relative/dir")).toEqual({ from: "/a/b", to: "relative/dir" });
    for (const bad of ["no-equals-sign", "=/only/to", "/only/from="]) {
      expect(() => LocationMapper.parseMapping(bad)).toThrow(expect.objectContaining({ kind: "invalid-input", message: expect.stringContaining(bad) }));
    }
  });
});

describe("PathRelocator", () => {
  it("reads files where they are now through the locations metadata names", async () => {
    const inner = new MemoryFileIO();
    await inner.write("memory://now/t/metadata/v1.metadata.json", new TextEncoder().encode("{}"));
    const io = new PathRelocator(inner, [PathRelocator.parseMapping("s3://then/t=memory://now/t")]);
    expect(io.relocate("s3://then/t/metadata/v1.metadata.json")).toBe("memory://now/t/metadata/v1.metadata.json");
    expect(new TextDecoder().decode(await io.read("s3://then/t/metadata/v1.metadata.json"))).toBe("{}");
    expect(await io.exists("s3://then/t/metadata/v2.metadata.json")).toBe(false);
  });

  it("lists in the caller's spelling and names the relocated path in errors", async () => {
    const inner = new MemoryFileIO();
    await inner.write("memory://now/t/data/a.parquet", new Uint8Array(1));
    const io = new PathRelocator(inner, [{ from: "s3://then/t", to: "memory://now/t" }]);
    const listed: string[] = [];
    for await (const location of io.list("s3a://then/t/data")) listed.push(location);
    expect(listed).toEqual(["s3a://then/t/data/a.parquet"]);
    await expect(io.read("s3://then/t/data/b.parquet")).rejects.toMatchObject({
      kind: "not-found",
      message: expect.stringMatching(/memory:\/\/now\/t\/data\/b\.parquet.*s3:\/\/then\/t\/data\/b\.parquet/),
    });
  });

  it("passes unmapped locations through", async () => {
    const inner = new MemoryFileIO();
    await inner.write("memory://x", new Uint8Array(2));
    const io = new PathRelocator(inner, []);
    expect((await io.stat("memory://x")).size).toBe(2);
  });
});

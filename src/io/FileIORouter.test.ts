import { describe, expect, it } from "vitest";
import { FileIORouter, resolveFileIO } from "./FileIORouter.js";
import { LocalFileIO } from "./LocalFileIO.js";
import { MemoryFileIO } from "./MemoryFileIO.js";
import { S3FileIO } from "./S3FileIO.js";

describe("FileIORouter", () => {
  it("picks the implementation by scheme", () => {
    const router = new FileIORouter({ s3: { endpoint: "http://127.0.0.1:1", accessKeyId: "a", secretAccessKey: "b" } });
    expect(router.forPath("/tmp/x")).toBeInstanceOf(LocalFileIO);
    expect(router.forPath("file:///tmp/x")).toBeInstanceOf(LocalFileIO);
    expect(router.forPath("memory://x")).toBeInstanceOf(MemoryFileIO);
    const s3 = router.forPath("s3://b/k");
    expect(s3).toBeInstanceOf(S3FileIO);
    expect(router.forPath("s3a://b/k")).toBe(s3);
    router.close();
  });

  it("routes each call, so one table may span stores", async () => {
    const memory = new MemoryFileIO();
    const router = new FileIORouter({ memory });
    await router.write("memory://t/metadata/v1.metadata.json", new Uint8Array(3));
    expect((await memory.stat("memory://t/metadata/v1.metadata.json")).size).toBe(3);
    const listed: string[] = [];
    for await (const location of router.list("memory://t")) listed.push(location);
    expect(listed).toEqual(["memory://t/metadata/v1.metadata.json"]);
  });

  it("refuses schemes it has no FileIO for, naming the location", async () => {
    const router = new FileIORouter();
    await expect(router.read("gs://bucket/key")).rejects.toMatchObject({ kind: "unsupported", message: expect.stringContaining("gs://bucket/key") });
    expect(() => resolveFileIO("hdfs://nn/x")).toThrow(expect.objectContaining({ kind: "unsupported" }));
  });

  it("configures S3 from Iceberg properties, explicit settings winning", async () => {
    const router = new FileIORouter({
      properties: { "s3.endpoint": "http://props:9000", "s3.region": "eu-west-3", "s3.access-key-id": "p", "s3.secret-access-key": "q" },
      s3: { region: "ap-south-1" },
    });
    const s3 = router.forPath("s3://b/k") as S3FileIO;
    expect(await s3.client.config.region()).toBe("ap-south-1");
    const endpoint = await s3.client.config.endpoint?.();
    expect(endpoint?.hostname).toBe("props");
    router.close();
  });

  it("uses a FileIO given for a scheme", () => {
    const fake = new MemoryFileIO();
    expect(resolveFileIO("s3://b/k", { s3: fake })).toBe(fake);
  });
});

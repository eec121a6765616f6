import { describe, it, expect } from "vitest";
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { stackEnv } from "../../scripts/stack/env.mjs";

const settings = stackEnv();
const bucket = settings.FLOE_TEST_S3_BUCKET;
const conditionalWrites = settings.FLOE_TEST_S3_CONDITIONAL_WRITES === "true";

function client(credentials: { accessKeyId?: string; secretAccessKey?: string } = {}): S3Client {
  return new S3Client({
    endpoint: settings.FLOE_TEST_S3_ENDPOINT,
    region: settings.FLOE_TEST_S3_REGION,
    forcePathStyle: settings.FLOE_TEST_S3_FORCE_PATH_STYLE === "true",
    credentials: {
      accessKeyId: credentials.accessKeyId ?? settings.FLOE_TEST_S3_ACCESS_KEY_ID,
      secretAccessKey: credentials.secretAccessKey ?? settings.FLOE_TEST_S3_SECRET_ACCESS_KEY,
    },
    maxAttempts: 1,
  });
}

async function failure(promise: Promise<unknown>): Promise<S3ServiceException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof S3ServiceException) return error;
    throw error;
  }
  throw new Error("expected the request to fail");
}

describe("stack: S3-compatible object store", () => {
  const prefix = `stack-smoke/${process.pid}-${Date.now()}/`;

  it("puts, gets and lists objects", async () => {
    const s3 = client();
    try {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}a.json`, Body: '{"a":1}', ContentType: "application/json" }));
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${prefix}nested/b.bin`, Body: new Uint8Array([0, 1, 2, 255]) }));

      const a = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}a.json` }));
      expect(await a.Body!.transformToString()).toBe('{"a":1}');
      const b = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}nested/b.bin`, Range: "bytes=2-3" }));
      expect(Array.from(await b.Body!.transformToByteArray())).toEqual([2, 255]);

      const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
      expect((listed.Contents ?? []).map((object) => [object.Key, object.Size])).toEqual([
        [`${prefix}a.json`, 7],
        [`${prefix}nested/b.bin`, 4],
      ]);
      const missing = await failure(s3.send(new GetObjectCommand({ Bucket: bucket, Key: `${prefix}missing` })));
      expect(missing.name).toBe("NoSuchKey");
    } finally {
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: `${prefix}a.json` }, { Key: `${prefix}nested/b.bin` }] } }));
      s3.destroy();
    }
  });

  it("refuses a wrong secret and an unknown access key with 403, as S3 does", async () => {
    const wrongSecret = client({ secretAccessKey: "not-the-secret" });
    const unknownKey = client({ accessKeyId: "floe-unknown-access-key" });
    try {
      const signature = await failure(wrongSecret.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix })));
      expect([signature.$metadata.httpStatusCode, signature.name]).toEqual([403, "SignatureDoesNotMatch"]);
      const unknown = await failure(unknownKey.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix })));
      expect([unknown.$metadata.httpStatusCode, unknown.name]).toEqual([403, "InvalidAccessKeyId"]);
    } finally {
      wrongSecret.destroy();
      unknownKey.destroy();
    }
  });

  it.runIf(conditionalWrites)("honours conditional writes: If-None-Match * creates once, If-Match swaps on the current ETag only", async () => {
    const s3 = client();
    const key = `${prefix}pointer.json`;
    try {
      const created = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "v1", IfNoneMatch: "*" }));
      const again = await failure(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "v2", IfNoneMatch: "*" })));
      expect(again.$metadata.httpStatusCode).toBe(412);
      expect(again.name).toBe("PreconditionFailed");

      const stale = await failure(s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "v2", IfMatch: '"0123456789abcdef0123456789abcdef"' })));
      expect(stale.$metadata.httpStatusCode).toBe(412);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "v2", IfMatch: created.ETag }));

      const current = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      expect(await current.Body!.transformToString()).toBe("v2");
    } finally {
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: key }] } }));
      s3.destroy();
    }
  });

  it.runIf(conditionalWrites)("lets exactly one of many concurrent If-None-Match * writers win", async () => {
    const s3 = client();
    const key = `${prefix}race.json`;
    try {
      const writers = Array.from({ length: 8 }, (_, i) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `writer-${i}`, IfNoneMatch: "*" })));
      const outcomes = await Promise.allSettled(writers);
      const winners = outcomes.filter((outcome) => outcome.status === "fulfilled");
      expect(winners).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === "rejected") expect([409, 412]).toContain((outcome.reason as S3ServiceException).$metadata.httpStatusCode);
      }
      const stored = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      expect(await stored.Body!.transformToString()).toBe(`writer-${outcomes.findIndex((outcome) => outcome.status === "fulfilled")}`);
    } finally {
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: key }] } }));
      s3.destroy();
    }
  });
});

import { describe, expect, it } from "vitest";
import { S3FileIO } from "./S3FileIO.js";

// Behaviour against a real S3 server is covered in test/stack/s3-fileio.test.ts; these check configuration only.
describe("S3FileIO configuration", () => {
  const config = async (io: S3FileIO) => {
    const endpoint = await io.client.config.endpoint?.();
    const credentials = await io.client.config.credentials();
    const settings = {
      region: await io.client.config.region(),
      endpoint: endpoint ? `${endpoint.protocol}//${endpoint.hostname}${endpoint.port ? `:${endpoint.port}` : ""}` : undefined,
      pathStyle: io.client.config.forcePathStyle,
      accessKeyId: credentials.accessKeyId,
      sessionToken: credentials.sessionToken,
    };
    io.close();
    return settings;
  };

  it("reads the usual AWS variables", async () => {
    const env = {
      AWS_ENDPOINT_URL: "http://generic:1",
      AWS_ENDPOINT_URL_S3: "http://s3-specific:9000",
      AWS_DEFAULT_REGION: "eu-north-1",
      AWS_ACCESS_KEY_ID: "env-key",
      AWS_SECRET_ACCESS_KEY: "env-secret",
      AWS_SESSION_TOKEN: "env-token",
    };
    expect(await config(new S3FileIO({ env }))).toEqual({
      region: "eu-north-1",
      endpoint: "http://s3-specific:9000",
      pathStyle: true,
      accessKeyId: "env-key",
      sessionToken: "env-token",
    });
    expect((await config(new S3FileIO({ env: { ...env, AWS_REGION: "us-west-2" } }))).region).toBe("us-west-2");
  });

  it("lets properties win over the environment and options over properties", async () => {
    const env = { AWS_REGION: "us-west-2", AWS_ACCESS_KEY_ID: "env-key", AWS_SECRET_ACCESS_KEY: "env-secret", AWS_SESSION_TOKEN: "env-token" };
    const properties = {
      "s3.endpoint": "minio:9000",
      "client.region": "eu-central-1",
      "s3.access-key-id": "prop-key",
      "s3.secret-access-key": "prop-secret",
      "s3.path-style-access": "false",
    };
    expect(await config(S3FileIO.fromProperties(properties, { env }))).toEqual({
      region: "eu-central-1",
      endpoint: "https://minio:9000",
      pathStyle: false,
      accessKeyId: "prop-key",
      sessionToken: undefined,
    });
    expect((await config(S3FileIO.fromProperties(properties, { env, region: "sa-east-1" }))).region).toBe("sa-east-1");
  });

  it("defaults to us-east-1 and virtual-host addressing on AWS itself", async () => {
    const settings = await config(new S3FileIO({ env: {}, accessKeyId: "a", secretAccessKey: "b" }));
    expect(settings.region).toBe("us-east-1");
    expect(settings.pathStyle).toBe(false);
  });

  it("names a bad path-style setting", () => {
    expect(() => S3FileIO.fromProperties({ "s3.path-style-access": "sometimes" })).toThrow(/s3\.path-style-access/);
  });

  it("refuses locations that name no object", async () => {
    const io = new S3FileIO({ env: {}, endpoint: "http://127.0.0.1:1", accessKeyId: "a", secretAccessKey: "b" });
    await expect(io.read("s3://bucket")).rejects.toMatchObject({ kind: "invalid-input", message: expect.stringContaining("s3://bucket") });
    await expect(io.write("s3://bucket/dir/", new Uint8Array(1))).rejects.toMatchObject({ kind: "invalid-input" });
    await expect(io.read("/local/path")).rejects.toMatchObject({ kind: "invalid-input" });
    io.close();
  });
});

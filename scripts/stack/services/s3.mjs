// An S3-compatible object store: the Versity S3 Gateway over a POSIX folder, built from the Go
// module proxy. It checks SigV4 signatures and honours conditional writes (If-None-Match: *,
// If-Match) atomically, which Iceberg commits on object storage rely on.
import fs from "node:fs";
import path from "node:path";
import { host, ports, s3 as settings, stackDir } from "../env.mjs";
import { StackError, logFile, run, runningPid, startDetached, stopService, which } from "../lib/process.mjs";

export const versitygwVersion = "v1.8.0";
const modulePath = "github.com/versity/versitygw/cmd/versitygw";
const home = path.join(stackDir, "s3");
const dataDir = path.join(home, "data");
/** With an IAM store, an unknown access key is refused as S3 does (403 InvalidAccessKeyId), not as 404. */
const iamDir = path.join(home, "iam");
const binDir = path.join(stackDir, "bin");
const binary = path.join(binDir, "versitygw");
const versionMarker = path.join(binDir, "versitygw.version");
const signature = "versitygw";

function installed() {
  try {
    return which(binary) !== undefined && fs.readFileSync(versionMarker, "utf8").trim() === versitygwVersion;
  } catch {
    return false;
  }
}

async function client() {
  const { S3Client } = await import("@aws-sdk/client-s3");
  return new S3Client({
    endpoint: `http://${host}:${ports.s3}`,
    region: settings.region,
    forcePathStyle: true,
    credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
    maxAttempts: 1,
  });
}

export const s3Service = {
  name: "s3",
  port: ports.s3,
  address: `${host}:${ports.s3}`,

  async aptPackages() {
    return installed() || which("go") ? [] : ["golang-go"];
  },

  async install(ctx) {
    if (installed()) return;
    ctx.progress(`go install versitygw ${versitygwVersion}`);
    fs.mkdirSync(binDir, { recursive: true });
    await run(which("go"), ["install", "-trimpath", "-ldflags=-s -w", `${modulePath}@${versitygwVersion}`], {
      env: { ...process.env, GOBIN: binDir, CGO_ENABLED: "0" },
      logFile: logFile("go"),
    });
    fs.writeFileSync(versionMarker, `${versitygwVersion}\n`);
  },

  runningPid() {
    return runningPid(this.name, signature);
  },

  async start() {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.mkdirSync(iamDir, { recursive: true });
    const env = {
      ...process.env,
      ROOT_ACCESS_KEY_ID: settings.accessKeyId,
      ROOT_SECRET_ACCESS_KEY: settings.secretAccessKey,
    };
    const args = ["--port", `${host}:${ports.s3}`, "--region", settings.region, "--iam-dir", iamDir, "--quiet", "posix", dataDir];
    startDetached(this.name, binary, args, { cwd: home, env });
  },

  /** ListBuckets, signed with the test credentials. */
  async health() {
    const { ListBucketsCommand } = await import("@aws-sdk/client-s3");
    const s3 = await client();
    try {
      await s3.send(new ListBucketsCommand({}));
    } finally {
      s3.destroy();
    }
  },

  /** Creates the test bucket when it is not there yet. */
  async ready() {
    const { CreateBucketCommand, ListBucketsCommand } = await import("@aws-sdk/client-s3");
    const s3 = await client();
    try {
      const { Buckets = [] } = await s3.send(new ListBucketsCommand({}));
      if (!Buckets.some((bucket) => bucket.Name === settings.bucket)) {
        await s3.send(new CreateBucketCommand({ Bucket: settings.bucket }));
      }
    } catch (error) {
      throw new StackError(`s3: cannot create bucket ${settings.bucket}: ${error.message}`);
    } finally {
      s3.destroy();
    }
  },

  stop() {
    return stopService(this.name, signature);
  },
};

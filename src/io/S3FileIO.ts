import { createWriteStream } from "node:fs";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { FloeError, invalidInput } from "../core/errors/FloeError.js";
import type { FileIO, FileStat, WriteOptions } from "./FileIO.js";
import { LocalFileCache, type LocalFileCacheOptions } from "./LocalFileCache.js";
import { asDirectoryPrefix, parseS3Location } from "./location.js";
import { checkRange, rangePastEnd } from "./ranges.js";

export interface S3FileIOOptions {
  /** e.g. `http://127.0.0.1:9000`; default `AWS_ENDPOINT_URL_S3`, else `AWS_ENDPOINT_URL`, else AWS itself. */
  endpoint?: string;
  /** Default `AWS_REGION`, else `AWS_DEFAULT_REGION`, else `us-east-1`. */
  region?: string;
  /** With `secretAccessKey`; default `AWS_ACCESS_KEY_ID`, else the SDK's credential chain (profiles, SSO, instance roles). */
  accessKeyId?: string;
  /** Default `AWS_SECRET_ACCESS_KEY`. */
  secretAccessKey?: string;
  /** Default `AWS_SESSION_TOKEN`. */
  sessionToken?: string;
  /** `http://endpoint/bucket/key` instead of `http://bucket.endpoint/key`; default `FLOE_S3_PATH_STYLE`, else on when an endpoint is set. */
  pathStyle?: boolean;
  /** Use this client as it is; the connection settings above are then ignored. */
  client?: S3Client;
  /** The cache behind `localPath`: an instance to share, or settings for a new one. */
  cache?: LocalFileCache | LocalFileCacheOptions;
  /** Where the AWS_* and FLOE_* variables are read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** Iceberg table and catalog properties understood by `S3FileIO.fromProperties`. */
export const S3_PROPERTIES = {
  endpoint: "s3.endpoint",
  region: "s3.region",
  clientRegion: "client.region",
  accessKeyId: "s3.access-key-id",
  secretAccessKey: "s3.secret-access-key",
  sessionToken: "s3.session-token",
  pathStyleAccess: "s3.path-style-access",
} as const;

/** How many times `localPath` starts over when the object changes between its HEAD and its GET. */
const LOCAL_PATH_ATTEMPTS = 3;

/**
 * Objects in an S3-compatible store: `s3://bucket/key` (also `s3a://` and `s3n://`).
 *
 * `write` with `ifNotExists` sends `If-None-Match: *`; the store answers 412 when the key exists,
 * which becomes an `already-exists` FloeError. A store that ignores the header (older MinIO and
 * Ceph releases, some S3 emulators) overwrites instead, so there the guarantee does not hold.
 * `list` treats its prefix as a directory and skips `key/` directory-marker objects.
 * `localPath` downloads into a LocalFileCache keyed by location, size and ETag; the GET carries
 * `If-Match: <etag>` so bytes of a newer version are never stored under the old key.
 */
export class S3FileIO implements FileIO {
  readonly client: S3Client;
  readonly cache: LocalFileCache;
  /** Part of every cache key, so two stores with the same bucket names do not share entries. */
  private readonly endpointKey: string;
  private readonly ownsClient: boolean;

  constructor(options: S3FileIOOptions = {}) {
    const env = options.env ?? process.env;
    const endpoint = normalizeEndpoint(options.endpoint ?? nonEmpty(env.AWS_ENDPOINT_URL_S3) ?? nonEmpty(env.AWS_ENDPOINT_URL));
    this.endpointKey = endpoint ?? "aws";
    this.cache = options.cache instanceof LocalFileCache ? options.cache : new LocalFileCache({ env, ...options.cache });
    if (options.client) {
      this.client = options.client;
      this.ownsClient = false;
      return;
    }
    const region = options.region ?? nonEmpty(env.AWS_REGION) ?? nonEmpty(env.AWS_DEFAULT_REGION) ?? "us-east-1";
    const accessKeyId = options.accessKeyId ?? nonEmpty(env.AWS_ACCESS_KEY_ID);
    const secretAccessKey = options.secretAccessKey ?? nonEmpty(env.AWS_SECRET_ACCESS_KEY);
    const sessionToken =
      options.accessKeyId !== undefined ? options.sessionToken : (options.sessionToken ?? nonEmpty(env.AWS_SESSION_TOKEN));
    const pathStyle = options.pathStyle ?? parseBoolean(env.FLOE_S3_PATH_STYLE, "FLOE_S3_PATH_STYLE") ?? endpoint !== undefined;
    const config: S3ClientConfig = { region, forcePathStyle: pathStyle, followRegionRedirects: true };
    if (endpoint !== undefined) {
      config.endpoint = endpoint;
      // S3-compatible servers differ in their support for the newer default checksums; send them only where required.
      config.requestChecksumCalculation = "WHEN_REQUIRED";
      config.responseChecksumValidation = "WHEN_REQUIRED";
    }
    if (accessKeyId !== undefined && secretAccessKey !== undefined) {
      config.credentials = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
    }
    this.client = new S3Client(config);
    this.ownsClient = true;
  }

  /**
   * An S3FileIO configured from Iceberg properties (`s3.endpoint`, `s3.region` or `client.region`,
   * `s3.access-key-id`, `s3.secret-access-key`, `s3.session-token`, `s3.path-style-access`).
   * Properties win over the environment; fields set in `options` win over properties.
   */
  static fromProperties(properties: Record<string, string | undefined>, options: S3FileIOOptions = {}): S3FileIO {
    return new S3FileIO({ ...S3FileIO.optionsFromProperties(properties), ...definedFields(options) });
  }

  /** The connection settings that Iceberg properties give (absent properties stay undefined). */
  static optionsFromProperties(properties: Record<string, string | undefined>): S3FileIOOptions {
    const get = (key: string) => nonEmpty(properties[key]);
    return definedFields({
      endpoint: get(S3_PROPERTIES.endpoint),
      region: get(S3_PROPERTIES.region) ?? get(S3_PROPERTIES.clientRegion),
      accessKeyId: get(S3_PROPERTIES.accessKeyId),
      secretAccessKey: get(S3_PROPERTIES.secretAccessKey),
      sessionToken: get(S3_PROPERTIES.sessionToken),
      pathStyle: parseBoolean(get(S3_PROPERTIES.pathStyleAccess), S3_PROPERTIES.pathStyleAccess),
    });
  }

  async read(location: string): Promise<Uint8Array> {
    const { bucket, key } = parseObjectLocation(location);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return await bodyBytes(response.Body);
    } catch (error) {
      throw s3Error("read", location, error);
    }
  }

  async readRange(location: string, offset: number, length: number): Promise<Uint8Array> {
    checkRange(location, offset, length);
    if (length === 0) {
      const { size } = await this.stat(location);
      if (offset > size) throw rangePastEnd(location, offset, length, size);
      return new Uint8Array(0);
    }
    const { bucket, key } = parseObjectLocation(location);
    let bytes: Uint8Array;
    let contentRange: string | undefined;
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${offset}-${offset + length - 1}` }),
      );
      contentRange = response.ContentRange;
      bytes = await bodyBytes(response.Body);
    } catch (error) {
      if (statusOf(error) === 416 || nameOf(error) === "InvalidRange") {
        throw rangePastEnd(location, offset, length, await this.stat(location).then((s) => s.size, () => undefined));
      }
      throw s3Error("read range of", location, error);
    }
    if (bytes.length !== length) {
      const total = /\/(\d+)$/.exec(contentRange ?? "")?.[1];
      throw rangePastEnd(location, offset, length, total === undefined ? undefined : Number(total));
    }
    return bytes;
  }

  async stat(location: string): Promise<FileStat> {
    const { bucket, key } = parseObjectLocation(location);
    try {
      const response = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return definedFields({
        size: Number(response.ContentLength ?? 0),
        modifiedAt: response.LastModified?.getTime(),
        etag: response.ETag,
      }) as FileStat;
    } catch (error) {
      throw s3Error("stat", location, error);
    }
  }

  async exists(location: string): Promise<boolean> {
    try {
      await this.stat(location);
      return true;
    } catch (error) {
      if (error instanceof FloeError && error.kind === "not-found") return false;
      throw error;
    }
  }

  async write(location: string, data: Uint8Array, options: WriteOptions = {}): Promise<void> {
    const { bucket, key } = parseObjectLocation(location);
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: data,
          ContentLength: data.length,
          ...(options.ifNotExists ? { IfNoneMatch: "*" } : {}),
        }),
      );
    } catch (error) {
      if (options.ifNotExists && (statusOf(error) === 412 || nameOf(error) === "PreconditionFailed")) {
        throw new FloeError("already-exists", `cannot write ${location}: the object already exists`, {
          cause: error,
          context: { path: location, operation: "write" },
        });
      }
      throw s3Error("write", location, error);
    }
  }

  async delete(location: string): Promise<void> {
    const { bucket, key } = parseObjectLocation(location);
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (statusOf(error) === 404 && nameOf(error) !== "NoSuchBucket") return;
      throw s3Error("delete", location, error);
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    const { bucket, key } = parseS3Location(prefix);
    const keyPrefix = asDirectoryPrefix(key);
    const spelled = asDirectoryPrefix(prefix);
    let continuationToken: string | undefined;
    do {
      let response;
      try {
        response = await this.client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: keyPrefix, ContinuationToken: continuationToken }),
        );
      } catch (error) {
        throw s3Error("list", prefix, error);
      }
      for (const object of response.Contents ?? []) {
        if (object.Key === undefined || object.Key.endsWith("/")) continue;
        yield spelled + object.Key.slice(keyPrefix.length);
      }
      continuationToken = response.IsTruncated ? response.NextContinuationToken : undefined;
    } while (continuationToken !== undefined);
  }

  async localPath(location: string): Promise<string> {
    const { bucket, key } = parseObjectLocation(location);
    for (let attempt = 1; ; attempt++) {
      const { size, etag } = await this.stat(location);
      const cacheKey = { location: `${this.endpointKey} s3://${bucket}/${key}`, size, etag };
      try {
        return await this.cache.get(cacheKey, (tempFile) => this.download(location, etag, tempFile));
      } catch (error) {
        const changed = error instanceof FloeError && error.context.changedDuringDownload === true;
        if (!changed || attempt >= LOCAL_PATH_ATTEMPTS) throw error;
      }
    }
  }

  /** Closes the connections of a client this instance created. */
  close(): void {
    if (this.ownsClient) this.client.destroy();
  }

  private async download(location: string, etag: string | undefined, tempFile: string): Promise<void> {
    const { bucket, key } = parseObjectLocation(location);
    try {
      const response = await this.client.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, ...(etag ? { IfMatch: etag } : {}) }),
      );
      if (!response.Body) throw new Error("the response has no body");
      await pipeline(response.Body as Readable, createWriteStream(tempFile, { flags: "wx" }));
    } catch (error) {
      if (statusOf(error) === 412 || nameOf(error) === "PreconditionFailed") {
        throw new FloeError("io", `cannot download ${location}: the object changed while it was being fetched`, {
          cause: error,
          context: { path: location, operation: "download", changedDuringDownload: true },
        });
      }
      throw s3Error("download", location, error);
    }
  }
}

function parseObjectLocation(location: string): { bucket: string; key: string } {
  const { bucket, key } = parseS3Location(location);
  if (key === "" || key.endsWith("/")) {
    throw invalidInput(`not an object location (no key after the bucket, or ends in /): ${location}`, { path: location });
  }
  return { bucket, key };
}

async function bodyBytes(body: unknown): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  return (body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function nameOf(error: unknown): string | undefined {
  const e = error as { name?: string; Code?: string } | undefined;
  return e?.Code ?? e?.name;
}

const UNAUTHORIZED = new Set([
  "AccessDenied",
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "InvalidToken",
  "CredentialsProviderError",
]);

/** One S3 failure as a FloeError naming the operation and the location. */
function s3Error(operation: string, location: string, error: unknown): FloeError {
  if (error instanceof FloeError) return error;
  const status = statusOf(error);
  const name = nameOf(error);
  const context = { path: location, operation, ...(status ? { status } : {}), ...(name ? { code: name } : {}) };
  if (name === "NoSuchBucket") {
    const { bucket } = parseS3Location(location);
    return new FloeError("not-found", `cannot ${operation} ${location}: no such bucket "${bucket}"`, { cause: error, context });
  }
  if (status === 404 || name === "NoSuchKey" || name === "NotFound") {
    return new FloeError("not-found", `cannot ${operation} ${location}: no such object`, { cause: error, context });
  }
  const message = (error as Error | undefined)?.message || name || `HTTP ${status ?? "error"}`;
  if (status === 401 || status === 403 || (name !== undefined && UNAUTHORIZED.has(name))) {
    return new FloeError("unauthorized", `cannot ${operation} ${location}: access refused (${name ?? status}): ${message}`, {
      cause: error,
      context,
    });
  }
  const label = name && name !== "Error" && !message.includes(name) ? `${name}: ${message}` : message;
  return new FloeError("io", `cannot ${operation} ${location}: ${label}`, { cause: error, context });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** Endpoints are URLs; a bare `host:port` is taken to mean HTTPS. */
function normalizeEndpoint(endpoint: string | undefined): string | undefined {
  if (endpoint === undefined) return undefined;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
}

function parseBoolean(raw: string | undefined, name: string): boolean | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  const value = raw.trim().toLowerCase();
  if (value === "true" || value === "1" || value === "yes") return true;
  if (value === "false" || value === "0" || value === "no") return false;
  throw invalidInput(`${name} must be true or false, got "${raw}"`, { setting: name });
}

function definedFields<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

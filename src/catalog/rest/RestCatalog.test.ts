/**
 * RestCatalog against a stand-in REST server (node:http), for the behaviours a real server
 * cannot be made to show on demand: expiring tokens and 419, many pages, 503s and dropped
 * connections, 5xx answers to commits, the error model, and an `endpoints` list.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FloeError, type FloeErrorKind } from "../../core/errors/FloeError.js";
import { FileIORouter } from "../../io/FileIORouter.js";
import { S3FileIO } from "../../io/S3FileIO.js";
import { Schema } from "../../table/spec/schema.js";
import { Transaction } from "../../table/transaction/Transaction.js";
import { MemoryFileIO } from "../../io/MemoryFileIO.js";
import { RestAuth } from "./RestAuth.js";
import { RestCatalog, type RestCatalogOptions } from "./RestCatalog.js";

interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Drop the connection instead of answering. */
  drop?: boolean;
}

type Handler = (request: Recorded) => Reply | undefined;

/** A REST server that answers `/v1/config` (unless the handler does) and whatever the handler says. */
class StandInServer {
  readonly requests: Recorded[] = [];
  private server: http.Server | undefined;
  uri = "";

  constructor(private readonly handler: Handler, private readonly config: unknown = {}) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://localhost");
        const recorded = { method: req.method ?? "", path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
        this.requests.push(recorded);
        const reply = this.handler(recorded) ?? (url.pathname.endsWith("/v1/config") ? { status: 200, body: this.config } : { status: 500, body: error(500, "no route", "InternalServerError") });
        if (reply.drop) {
          req.socket.destroy();
          return;
        }
        res.writeHead(reply.status, { "Content-Type": "application/json", ...reply.headers });
        res.end(reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.uri = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/iceberg`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Requests other than config and token requests. */
  calls(): Recorded[] {
    return this.requests.filter((r) => !r.path.endsWith("/v1/config") && !r.path.endsWith("/oauth/tokens"));
  }
}

function error(code: number, message: string, type: string): unknown {
  return { error: { message, type, code } };
}

const servers: StandInServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop();
});

async function serve(handler: Handler, config: unknown = {}): Promise<StandInServer> {
  const server = await new StandInServer(handler, config).start();
  servers.push(server);
  return server;
}

const noWait = async (): Promise<void> => undefined;

function open(server: StandInServer, options: Partial<RestCatalogOptions> = {}): Promise<RestCatalog> {
  return RestCatalog.open({ uri: server.uri, sleep: noWait, io: new MemoryFileIO(), ...options });
}

async function rejectsWith(promise: Promise<unknown>, kind: FloeErrorKind, ...mentions: string[]): Promise<FloeError> {
  const failure = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(failure, `expected a ${kind} FloeError`).toBeInstanceOf(FloeError);
  const floe = failure as FloeError;
  expect(floe.kind, floe.message).toBe(kind);
  for (const mention of mentions) expect(floe.message).toContain(mention);
  return floe;
}

const SCHEMA = new Schema([{ id: 1, name: "id", required: true, type: { type: "long" } }]);
const BIG_SNAPSHOT_ID = "9007199254740993";

/** A v2 metadata document with a snapshot id past 2^53, as text (so the id is not rounded here). */
function metadataJson(location = "s3://bucket/wh/ns/t"): string {
  return `{"format-version":2,"table-uuid":"9c12d441-03fe-4693-9a96-a0705ddf69c1","location":"${location}",
  "last-sequence-number":1,"last-updated-ms":1700000000000,"last-column-id":1,
  "schemas":[{"type":"struct","schema-id":0,"fields":[{"id":1,"name":"id","required":true,"type":"long"}]}],"current-schema-id":0,
  "partition-specs":[{"spec-id":0,"fields":[]}],"default-spec-id":0,"last-partition-id":999,
  "sort-orders":[{"order-id":0,"fields":[]}],"default-sort-order-id":0,"properties":{},
  "current-snapshot-id":${BIG_SNAPSHOT_ID},
  "snapshots":[{"snapshot-id":${BIG_SNAPSHOT_ID},"sequence-number":1,"timestamp-ms":1700000000000,"manifest-list":"${location}/metadata/snap.avro","summary":{"operation":"append"},"schema-id":0}],
  "refs":{"main":{"snapshot-id":${BIG_SNAPSHOT_ID},"type":"branch"}},"snapshot-log":[],"metadata-log":[]}`;
}

function loadResult(metadataLocation: string, config: Record<string, string> = {}): string {
  return `{"metadata-location":"${metadataLocation}","metadata":${metadataJson()},"config":${JSON.stringify(config)}}`;
}

describe("RestCatalog configuration", () => {
  it("merges defaults < client properties < overrides and puts the prefix in every path", async () => {
    const server = await serve(
      (r) => (r.path === "/iceberg/v1/wh%2F1/namespaces" || r.path === "/iceberg/v1/wh/1/namespaces" ? { status: 200, body: { namespaces: [["b"], ["a"]] } } : undefined),
      { defaults: { a: "default", b: "default", c: "default" }, overrides: { b: "override", prefix: "wh/1" } },
    );
    const catalog = await open(server, { properties: { a: "client", b: "client" }, warehouse: "s3://bucket/wh" });
    expect(catalog.properties).toMatchObject({ a: "client", b: "override", c: "default", prefix: "wh/1" });
    expect(server.requests[0].path).toBe("/iceberg/v1/config");
    expect(server.requests[0].query.get("warehouse")).toBe("s3://bucket/wh");
    expect(await catalog.listNamespaces()).toEqual([["a"], ["b"]]);
    expect(server.calls().map((r) => r.path)).toEqual(["/iceberg/v1/wh/1/namespaces"]);
  });

  it("calls only the endpoints the server lists; others are unsupported, naming the endpoint, with no request", async () => {
    const server = await serve(
      (r) => {
        if (r.method === "HEAD" && r.path === "/iceberg/v1/namespaces/ns/tables/t") return { status: 204 };
        if (r.method === "HEAD" && r.path === "/iceberg/v1/namespaces/ns/tables/gone") return { status: 404 };
        return undefined;
      },
      { endpoints: ["GET /v1/{prefix}/namespaces", "HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}"] },
    );
    const catalog = await open(server);
    await rejectsWith(catalog.createNamespace(["ns"]), "unsupported", "POST /v1/{prefix}/namespaces", "ns");
    await rejectsWith(catalog.commitTransaction([{ identifier: { namespace: ["ns"], name: "t" }, requirements: [], updates: [], metadata: undefined as never }]), "unsupported", "POST /v1/{prefix}/transactions/commit");
    await rejectsWith(catalog.loadTable({ namespace: ["ns"], name: "t" }), "unsupported", "GET /v1/{prefix}/namespaces/{namespace}/tables/{table}");
    expect(server.calls()).toEqual([]);
    expect(await catalog.tableExists({ namespace: ["ns"], name: "t" })).toBe(true);
    expect(await catalog.tableExists({ namespace: ["ns"], name: "gone" })).toBe(false);
    expect(server.calls().map((r) => r.method)).toEqual(["HEAD", "HEAD"]);
  });

  it("without an endpoints list uses the protocol's default set: existence through GET, not HEAD", async () => {
    const server = await serve((r) => (r.method === "GET" && r.path === "/iceberg/v1/namespaces/ns/tables/t" ? { status: 404, body: error(404, "no table ns.t", "NoSuchTableException") } : undefined));
    const catalog = await open(server);
    expect(await catalog.tableExists({ namespace: ["ns"], name: "t" })).toBe(false);
    expect(server.calls().map((r) => r.method)).toEqual(["GET"]);
  });
});

describe("RestCatalog namespaces and pages", () => {
  it("joins namespace levels with the unit separator, URL-encoded, in paths and the parent parameter", async () => {
    const server = await serve((r) => {
      if (r.path === "/iceberg/v1/namespaces/a%1Fb") return { status: 200, body: { namespace: ["a", "b"], properties: { owner: "ann" } } };
      if (r.path === "/iceberg/v1/namespaces") return { status: 200, body: { namespaces: [["a", "b", "c"]] } };
      return undefined;
    });
    const catalog = await open(server);
    expect(await catalog.loadNamespaceProperties(["a", "b"])).toEqual({ owner: "ann" });
    expect(await catalog.listNamespaces(["a", "b"])).toEqual([["a", "b", "c"]]);
    expect(server.calls()[1].query.get("parent")).toBe("a\x1Fb");
  });

  it("follows next-page-token until the last page, for namespaces and tables", async () => {
    const pages: Record<string, unknown> = {
      "": { namespaces: [["n3"]], "next-page-token": "p2" },
      p2: { namespaces: [["n1"]], "next-page-token": "p3" },
      p3: { namespaces: [["n2"]], "next-page-token": null },
    };
    const tablePages: Record<string, unknown> = {
      "": { identifiers: [{ namespace: ["ns"], name: "b" }], "next-page-token": "t2" },
      t2: { identifiers: [{ namespace: ["ns"], name: "a" }] },
    };
    const server = await serve((r) => {
      if (r.path === "/iceberg/v1/namespaces") return { status: 200, body: pages[r.query.get("pageToken") ?? ""] };
      if (r.path === "/iceberg/v1/namespaces/ns/tables") return { status: 200, body: tablePages[r.query.get("pageToken") ?? ""] };
      return undefined;
    });
    const catalog = await open(server);
    expect(await catalog.listNamespaces()).toEqual([["n1"], ["n2"], ["n3"]]);
    expect(server.calls().map((r) => r.query.get("pageToken"))).toEqual([null, "p2", "p3"]);
    expect(await catalog.listTables(["ns"])).toEqual([
      { namespace: ["ns"], name: "a" },
      { namespace: ["ns"], name: "b" },
    ]);
  });
});

describe("RestCatalog error model", () => {
  it("maps statuses to FloeError kinds, naming the table or namespace and keeping the server's message", async () => {
    const server = await serve((r) => {
      const p = r.path.replace("/iceberg/v1/", "");
      if (p === "namespaces/bad") return { status: 400, body: error(400, "malformed name", "BadRequestException") };
      if (p === "namespaces/secret") return { status: 403, body: error(403, "forbidden here", "ForbiddenException") };
      if (p === "namespaces/anon") return { status: 401, body: error(401, "who are you", "NotAuthorizedException") };
      if (p === "namespaces/ns/tables/missing") return { status: 404, body: error(404, "Table does not exist: ns.missing", "NoSuchTableException") };
      if (p === "namespaces" && r.method === "POST") return { status: 409, body: error(409, "Namespace already exists: ns", "AlreadyExistsException") };
      if (p === "namespaces/full" && r.method === "DELETE") return { status: 409, body: error(409, "Namespace full is not empty: holds orders", "NamespaceNotEmptyException") };
      if (p === "namespaces/broken") return { status: 500, body: "<html>oops</html>" };
      if (p === "namespaces/ns/tables" && r.method === "POST") return { status: 409, body: error(409, "Table already exists", "AlreadyExistsException") };
      return undefined;
    });
    const catalog = await open(server);
    await rejectsWith(catalog.loadNamespaceProperties(["bad"]), "invalid-input", "namespace bad", "malformed name");
    await rejectsWith(catalog.loadNamespaceProperties(["secret"]), "unauthorized", "secret", "forbidden here");
    await rejectsWith(catalog.loadNamespaceProperties(["anon"]), "unauthorized", "who are you");
    await rejectsWith(catalog.loadTable({ namespace: ["ns"], name: "missing" }), "not-found", "ns.missing", "Table does not exist");
    await rejectsWith(catalog.createNamespace(["ns"]), "already-exists", "ns", "Namespace already exists");
    await rejectsWith(catalog.dropNamespace(["full"]), "invalid-input", "full", "orders");
    await rejectsWith(catalog.loadNamespaceProperties(["broken"]), "io", "broken", "oops", "500");
    await rejectsWith(catalog.createTable({ namespace: ["ns"], name: "t" }, { schema: SCHEMA }), "already-exists", "ns.t");
    // bad names never leave the client
    const before = server.requests.length;
    await rejectsWith(catalog.createNamespace(["a.b"]), "invalid-input", "a.b");
    expect(server.requests.length).toBe(before);
  });

  it("parses load responses losslessly and gives the table a FileIORouter configured from catalog properties and the table's config", async () => {
    const server = await serve((r) => (r.path === "/iceberg/v1/namespaces/ns/tables/t" ? { status: 200, body: loadResult("s3://bucket/wh/ns/t/metadata/00001.metadata.json", { "s3.endpoint": "http://127.0.0.1:9999" }) } : undefined), {
      defaults: { "s3.region": "eu-west-3" },
    });
    const catalog = await RestCatalog.open({ uri: server.uri });
    const table = await catalog.loadTable({ namespace: ["ns"], name: "t" });
    expect(table.metadataLocation).toBe("s3://bucket/wh/ns/t/metadata/00001.metadata.json");
    expect(table.metadata.currentSnapshot()?.snapshotId).toBe(BigInt(BIG_SNAPSHOT_ID));
    expect(table.io).toBeInstanceOf(FileIORouter);
    const s3 = (table.io as FileIORouter).forPath("s3://bucket/x");
    expect(s3).toBeInstanceOf(S3FileIO);
    const endpoint = await (s3 as S3FileIO).client.config.endpoint?.();
    expect(endpoint?.hostname).toBe("127.0.0.1");
    expect(endpoint?.port).toBe(9999);
    expect(await (s3 as S3FileIO).client.config.region()).toBe("eu-west-3");
    await catalog.close();
  });
});

describe("RestCatalog retries", () => {
  it("retries GET after 503 and 429 with backoff, and after a dropped connection", async () => {
    let n = 0;
    const server = await serve((r) => {
      if (r.path !== "/iceberg/v1/namespaces/ns") return undefined;
      n++;
      if (n === 1) return { status: 503, body: error(503, "busy", "ServiceUnavailableException") };
      if (n === 2) return { status: 429, body: error(429, "slow down", "TooManyRequests"), headers: { "Retry-After": "0" } };
      if (n === 3) return { status: 200, drop: true };
      return { status: 200, body: { namespace: ["ns"], properties: { k: "v" } } };
    });
    const waits: number[] = [];
    const catalog = await open(server, { sleep: async (ms) => void waits.push(ms) });
    expect(await catalog.loadNamespaceProperties(["ns"])).toEqual({ k: "v" });
    expect(server.calls()).toHaveLength(4);
    expect(waits).toHaveLength(3);
    expect(waits[1]).toBe(0); // Retry-After: 0
  });

  it("gives up after the bounded number of retries with an io error", async () => {
    const server = await serve((r) => (r.path === "/iceberg/v1/namespaces/ns" ? { status: 503, body: error(503, "down for maintenance", "ServiceUnavailableException") } : undefined));
    const catalog = await open(server, { retry: { retries: 2 } });
    await rejectsWith(catalog.loadNamespaceProperties(["ns"]), "io", "ns", "down for maintenance");
    expect(server.calls()).toHaveLength(3);
  });

  it("never retries a POST: a create answered 503 is sent once", async () => {
    const server = await serve((r) => (r.method === "POST" ? { status: 503, body: error(503, "busy", "ServiceUnavailableException") } : undefined));
    const catalog = await open(server);
    await rejectsWith(catalog.createNamespace(["ns"]), "io", "create namespace ns", "busy");
    await rejectsWith(catalog.createTable({ namespace: ["ns"], name: "t" }, { schema: SCHEMA }), "io", "create table ns.t");
    expect(server.calls().map((r) => r.method)).toEqual(["POST", "POST"]);
  });
});

describe("RestCatalog commits", () => {
  const id = { namespace: ["ns"], name: "t" };

  async function prepared(catalog: RestCatalog) {
    const table = await catalog.loadTable(id);
    const p = await new Transaction({ io: table.io }).setProperties({ k: "v" }).prepare(table);
    return { base: p.base, requirements: p.requirements, updates: p.updates, metadata: p.metadata! };
  }

  for (const status of [500, 502, 503, 504]) {
    it(`a ${status} answer to a commit is commit-state-unknown, sent once`, async () => {
      const server = await serve((r) => {
        if (r.path !== "/iceberg/v1/namespaces/ns/tables/t") return undefined;
        if (r.method === "GET") return { status: 200, body: loadResult("memory://wh/ns/t/metadata/00001.metadata.json") };
        return { status, body: error(status, "gateway lost the backend", "ServerError") };
      });
      const catalog = await open(server);
      const request = await prepared(catalog);
      await rejectsWith(catalog.tableCommitter(id).commit(request), "commit-state-unknown", "ns.t", "gateway lost the backend");
      expect(server.calls().filter((r) => r.method === "POST")).toHaveLength(1);
    });
  }

  it("a dropped connection during a commit is commit-state-unknown, and a Transaction does not retry it", async () => {
    const server = await serve((r) => {
      if (r.path !== "/iceberg/v1/namespaces/ns/tables/t") return undefined;
      if (r.method === "GET") return { status: 200, body: loadResult("memory://wh/ns/t/metadata/00001.metadata.json") };
      return { status: 200, drop: true };
    });
    const catalog = await open(server);
    const table = await catalog.loadTable(id);
    await rejectsWith(new Transaction({ io: table.io, sleep: noWait }).setProperties({ k: "v" }).commit(catalog.tableCommitter(id)), "commit-state-unknown", "ns.t");
    expect(server.calls().filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("sends requirements and updates with 64-bit ids intact; a 409 is a commit-conflict the Transaction retries", async () => {
    let posts = 0;
    const bodies: string[] = [];
    const server = await serve((r) => {
      if (r.path !== "/iceberg/v1/namespaces/ns/tables/t") return undefined;
      if (r.method === "GET") return { status: 200, body: loadResult("memory://wh/ns/t/metadata/00001.metadata.json") };
      bodies.push(r.body);
      if (++posts === 1) return { status: 409, body: error(409, "Requirement failed: branch main has changed", "CommitFailedException") };
      return { status: 200, body: `{"metadata-location":"memory://wh/ns/t/metadata/00002.metadata.json","metadata":${metadataJson()}}` };
    });
    const catalog = await open(server);
    const table = await catalog.loadTable(id);
    const committed = await new Transaction({ io: table.io, sleep: noWait })
      .manageSnapshots((m) => m.createTag("keep", BigInt(BIG_SNAPSHOT_ID)))
      .commit(catalog.tableCommitter(id));
    expect(committed.metadataLocation).toBe("memory://wh/ns/t/metadata/00002.metadata.json");
    expect(posts).toBe(2);
    expect(bodies[0]).toContain(`"snapshot-id":${BIG_SNAPSHOT_ID}`);
    expect(bodies[0]).toContain(`"identifier":{"namespace":["ns"],"name":"t"}`);
    expect(bodies[0]).toContain(`"action":"set-snapshot-ref"`);
  });

  it("a 409 on a commit without an exception type is still a commit-conflict, naming the table", async () => {
    const server = await serve((r) => {
      if (r.path !== "/iceberg/v1/namespaces/ns/tables/t") return undefined;
      if (r.method === "GET") return { status: 200, body: loadResult("memory://wh/ns/t/metadata/00001.metadata.json") };
      return { status: 409, body: "" };
    });
    const catalog = await open(server);
    await rejectsWith(catalog.tableCommitter(id).commit(await prepared(catalog)), "commit-conflict", "ns.t");
  });

  it("commitTransaction posts every table's changes at once and returns each table as loaded afterwards", async () => {
    const server = await serve((r) => {
      if (r.path === "/iceberg/v1/transactions/commit") return { status: 204 };
      if (r.path === "/iceberg/v1/namespaces/ns/tables/t") return { status: 200, body: loadResult("memory://wh/ns/t/metadata/00001.metadata.json") };
      return undefined;
    });
    const catalog = await open(server);
    const request = await prepared(catalog);
    const [committed] = await catalog.commitTransaction([{ ...request, identifier: id }]);
    expect(committed.metadataLocation).toBe("memory://wh/ns/t/metadata/00001.metadata.json");
    const post = server.calls().find((r) => r.method === "POST")!;
    expect(post.body).toContain(`"table-changes":[{"identifier":{"namespace":["ns"],"name":"t"}`);
    await rejectsWith(catalog.commitTransaction([{ ...request, identifier: id }, { ...request, identifier: { ...id } }]), "invalid-input", "ns.t");
  });
});

describe("RestCatalog authentication", () => {
  it("sends a bearer token on every request", async () => {
    const server = await serve((r) => (r.path === "/iceberg/v1/namespaces" ? { status: 200, body: { namespaces: [] } } : undefined));
    const catalog = await open(server, { token: "tok-123" });
    await catalog.listNamespaces();
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(["Bearer tok-123", "Bearer tok-123"]);
  });

  it("gets a token with OAuth2 client credentials, and on a 419 fetches a new one and repeats the request once", async () => {
    let issued = 0;
    let expireNext = false;
    const server = await serve((r) => {
      if (r.path === "/iceberg/v1/oauth/tokens") return { status: 200, body: { access_token: `tok-${++issued}`, token_type: "bearer", expires_in: 3600 } };
      if (r.path === "/iceberg/v1/namespaces/ns") {
        if (expireNext && r.headers.authorization === "Bearer tok-1") return { status: 419, body: error(419, "token expired", "AuthenticationTimeoutException") };
        return { status: 200, body: { namespace: ["ns"], properties: {} } };
      }
      if (r.path === "/iceberg/v1/namespaces/dead") return { status: 419, body: error(419, "token expired", "AuthenticationTimeoutException") };
      return undefined;
    });
    const catalog = await open(server, { credential: "client-a:s3cr3t" });
    const tokenRequest = server.requests[0];
    expect(tokenRequest.path).toBe("/iceberg/v1/oauth/tokens");
    expect(tokenRequest.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    const form = new URLSearchParams(tokenRequest.body);
    expect([form.get("grant_type"), form.get("client_id"), form.get("client_secret"), form.get("scope")]).toEqual(["client_credentials", "client-a", "s3cr3t", "catalog"]);
    expect(server.requests[1].headers.authorization).toBe("Bearer tok-1");

    expireNext = true;
    expect(await catalog.loadNamespaceProperties(["ns"])).toEqual({});
    expect(issued).toBe(2);
    expect(server.requests.at(-1)?.headers.authorization).toBe("Bearer tok-2");

    // a second 419 in a row is not retried again
    const failure = await rejectsWith(catalog.loadNamespaceProperties(["dead"]), "unauthorized", "token expired");
    expect(issued).toBe(3);
    expect(failure.message).not.toContain("s3cr3t");
  });

  it("uses oauth2-server-uri for tokens and reports a refused credential without the secret", async () => {
    const server = await serve((r) => (r.path === "/auth/token" ? { status: 401, body: { error: "invalid_client", error_description: "unknown client" } } : undefined));
    const failure = await rejectsWith(
      RestCatalog.open({ uri: server.uri, credential: "client-a:s3cr3t", properties: { "oauth2-server-uri": server.uri.replace("/iceberg", "/auth/token") } }),
      "unauthorized",
      "invalid_client",
      "unknown client",
    );
    expect(failure.message).not.toContain("s3cr3t");
    expect(server.requests.map((r) => r.path)).toEqual(["/auth/token"]);
  });

  it("fetches a new token shortly before the current one expires", async () => {
    let issued = 0;
    const server = await serve((r) => (r.path === "/token" ? { status: 200, body: { access_token: `tok-${++issued}`, expires_in: 300 } } : undefined));
    let now = 1_000_000;
    const auth = new RestAuth({ credential: "id:secret", tokenEndpoint: server.uri.replace("/iceberg", "/token"), clock: () => now });
    expect(await auth.headers()).toEqual({ Authorization: "Bearer tok-1" });
    now += 200_000;
    expect(await auth.headers()).toEqual({ Authorization: "Bearer tok-1" });
    now += 71_000; // within 30 s (a tenth of the lifetime) of expiry
    expect(await auth.headers()).toEqual({ Authorization: "Bearer tok-2" });
    expect(issued).toBe(2);
  });
});

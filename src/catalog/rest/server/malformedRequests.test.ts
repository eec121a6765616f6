import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCHEMA_JSON, startRestHarness, type RestHarness } from "./restTestHarness.js";

// Every request here is wrong in one way; each must get its exact status, in the error model,
// and leave the catalog as it was.

const BODY_LIMIT = 64 * 1024;
const JSON_TYPE = { "Content-Type": "application/json" };
const FORM_TYPE = { "Content-Type": "application/x-www-form-urlencoded" };

interface Case {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  status: number;
  type?: string;
  auth?: boolean;
}

const commit = (requirements: unknown[], updates: unknown[]) => ({ requirements, updates });

const CASES: Case[] = [
  { name: "body is not JSON", method: "POST", path: "/v1/namespaces", body: "{not json", headers: JSON_TYPE, status: 400, type: "BadRequestException" },
  { name: "body is a JSON array", method: "POST", path: "/v1/namespaces", body: [1, 2], status: 400 },
  { name: "empty body", method: "POST", path: "/v1/namespaces", body: "", headers: JSON_TYPE, status: 400 },
  { name: "namespace missing", method: "POST", path: "/v1/namespaces", body: { properties: {} }, status: 400 },
  { name: "namespace of the wrong type", method: "POST", path: "/v1/namespaces", body: { namespace: "shop" }, status: 400 },
  { name: "namespace level not a string", method: "POST", path: "/v1/namespaces", body: { namespace: ["a", 1] }, status: 400 },
  { name: "namespace with an empty level", method: "POST", path: "/v1/namespaces", body: { namespace: ["a", ""] }, status: 400 },
  { name: "namespace with a control character", method: "POST", path: "/v1/namespaces", body: { namespace: ["a\u0000b"] }, status: 400 },
  { name: "namespace property not a string", method: "POST", path: "/v1/namespaces", body: { namespace: ["n1"], properties: { k: 1 } }, status: 400 },
  { name: "namespace location outside the warehouse", method: "POST", path: "/v1/namespaces", body: { namespace: ["n2"], properties: { location: "/etc" } }, status: 400 },
  { name: "namespace that exists", method: "POST", path: "/v1/namespaces", body: { namespace: ["shop"] }, status: 409, type: "AlreadyExistsException" },
  { name: "path namespace with an empty level", method: "GET", path: "/v1/namespaces/shop%1F", status: 400 },
  { name: "bad percent-encoding", method: "GET", path: "/v1/namespaces/%E0%A4%A", status: 400 },
  { name: "unknown parent", method: "GET", path: "/v1/namespaces?parent=nope", status: 404, type: "NoSuchNamespaceException" },
  { name: "bad page size", method: "GET", path: "/v1/namespaces?pageSize=-1", status: 400 },
  { name: "bad page token", method: "GET", path: "/v1/namespaces?pageToken=abc", status: 400 },
  { name: "unknown namespace", method: "GET", path: "/v1/namespaces/nope", status: 404, type: "NoSuchNamespaceException" },
  { name: "drop unknown namespace", method: "DELETE", path: "/v1/namespaces/nope", status: 404, type: "NoSuchNamespaceException" },
  { name: "drop namespace with tables", method: "DELETE", path: "/v1/namespaces/shop", status: 409, type: "NamespaceNotEmptyException" },
  { name: "removals not an array", method: "POST", path: "/v1/namespaces/shop/properties", body: { removals: "a" }, status: 400 },
  { name: "tables of unknown namespace", method: "GET", path: "/v1/namespaces/nope/tables", status: 404, type: "NoSuchNamespaceException" },
  { name: "unknown table", method: "GET", path: "/v1/namespaces/shop/tables/nope", status: 404, type: "NoSuchTableException" },
  { name: "drop unknown table", method: "DELETE", path: "/v1/namespaces/shop/tables/nope", status: 404, type: "NoSuchTableException" },
  { name: "purgeRequested not a boolean", method: "DELETE", path: "/v1/namespaces/shop/tables/orders?purgeRequested=yes", status: 400 },
  { name: "create table without a schema", method: "POST", path: "/v1/namespaces/shop/tables", body: { name: "t" }, status: 400 },
  { name: "create table with a bad schema type", method: "POST", path: "/v1/namespaces/shop/tables", body: { name: "t", schema: { type: "struct", fields: [{ id: 1, name: "x", required: true, type: "nonsense" }] } }, status: 400 },
  { name: "create table with an empty name", method: "POST", path: "/v1/namespaces/shop/tables", body: { name: "", schema: SCHEMA_JSON }, status: 400 },
  { name: "create table at ../../etc", method: "POST", path: "/v1/namespaces/shop/tables", body: { name: "t", schema: SCHEMA_JSON, location: "WAREHOUSE/../../etc" }, status: 400 },
  { name: "create table outside the warehouse", method: "POST", path: "/v1/namespaces/shop/tables", body: { name: "t", schema: SCHEMA_JSON, location: "/tmp/elsewhere" }, status: 400 },
  { name: "create table in unknown namespace", method: "POST", path: "/v1/namespaces/nope/tables", body: { name: "t", schema: SCHEMA_JSON }, status: 404, type: "NoSuchNamespaceException" },
  { name: "create table that exists", method: "POST", path: "/v1/namespaces/shop/tables", body: { name: "orders", schema: SCHEMA_JSON }, status: 409, type: "AlreadyExistsException" },
  { name: "commit without updates", method: "POST", path: "/v1/namespaces/shop/tables/orders", body: { requirements: [] }, status: 400 },
  { name: "commit with unknown update action", method: "POST", path: "/v1/namespaces/shop/tables/orders", body: commit([], [{ action: "drop-everything" }]), status: 400 },
  { name: "commit with unknown requirement type", method: "POST", path: "/v1/namespaces/shop/tables/orders", body: commit([{ type: "assert-nothing" }], []), status: 400 },
  { name: "commit with a field of the wrong type", method: "POST", path: "/v1/namespaces/shop/tables/orders", body: commit([], [{ action: "set-current-schema", "schema-id": "zero" }]), status: 400 },
  { name: "commit with a failing requirement", method: "POST", path: "/v1/namespaces/shop/tables/orders", body: commit([{ type: "assert-current-schema-id", "current-schema-id": 5 }], [{ action: "set-properties", updates: { a: "b" } }]), status: 409, type: "CommitFailedException" },
  { name: "commit with an update that cannot apply", method: "POST", path: "/v1/namespaces/shop/tables/orders", body: commit([], [{ action: "set-current-schema", "schema-id": 42 }]), status: 400 },
  { name: "commit moving the table out of the warehouse", method: "POST", path: "/v1/namespaces/shop/tables/orders", body: commit([], [{ action: "set-location", location: "/etc/x" }]), status: 400 },
  { name: "commit to unknown table", method: "POST", path: "/v1/namespaces/shop/tables/nope", body: commit([], [{ action: "set-properties", updates: { a: "b" } }]), status: 404, type: "NoSuchTableException" },
  { name: "commit naming another table", method: "POST", path: "/v1/namespaces/shop/tables/orders", body: { identifier: { namespace: ["shop"], name: "other" }, ...commit([], []) }, status: 400 },
  { name: "rename without destination", method: "POST", path: "/v1/tables/rename", body: { source: { namespace: ["shop"], name: "orders" } }, status: 400 },
  { name: "rename unknown table", method: "POST", path: "/v1/tables/rename", body: { source: { namespace: ["shop"], name: "nope" }, destination: { namespace: ["shop"], name: "x" } }, status: 404, type: "NoSuchTableException" },
  { name: "register metadata outside the warehouse", method: "POST", path: "/v1/namespaces/shop/register", body: { name: "r", "metadata-location": "/etc/passwd" }, status: 400 },
  { name: "transaction without table-changes", method: "POST", path: "/v1/transactions/commit", body: {}, status: 400 },
  { name: "transaction with a failing requirement", method: "POST", path: "/v1/transactions/commit", body: { "table-changes": [{ identifier: { namespace: ["shop"], name: "orders" }, ...commit([{ type: "assert-table-uuid", uuid: "00000000-0000-0000-0000-000000000000" }], [{ action: "set-properties", updates: { a: "b" } }]) }] }, status: 409, type: "CommitFailedException" },
  { name: "text body on a JSON endpoint", method: "POST", path: "/v1/namespaces", body: '{"namespace":["x"]}', headers: { "Content-Type": "text/plain" }, status: 415 },
  { name: "accepts only XML", method: "GET", path: "/v1/namespaces", headers: { Accept: "application/xml" }, status: 406 },
  { name: "body over the limit", method: "POST", path: "/v1/namespaces", body: JSON.stringify({ namespace: ["big"], properties: { blob: "x".repeat(BODY_LIMIT) } }), headers: JSON_TYPE, status: 413 },
  { name: "unsupported method", method: "PUT", path: "/v1/namespaces", body: {}, status: 405 },
  { name: "unknown route", method: "GET", path: "/v1/nothing-here", status: 404 },
  { name: "outside the mount path", method: "GET", path: "/../v1/config", status: 404 },
  { name: "missing bearer token", method: "GET", path: "/v1/namespaces", status: 401, type: "NotAuthorizedException", auth: true },
  { name: "invalid bearer token", method: "GET", path: "/v1/namespaces", headers: { Authorization: "Bearer wrong" }, status: 401, auth: true },
  { name: "not a bearer scheme", method: "POST", path: "/v1/namespaces", body: { namespace: ["x"] }, headers: { Authorization: "Basic dTpw" }, status: 401, auth: true },
  { name: "wrong client secret", method: "POST", path: "/v1/oauth/tokens", body: "grant_type=client_credentials&client_id=client&client_secret=nope", headers: FORM_TYPE, status: 401, auth: true },
  { name: "unknown client", method: "POST", path: "/v1/oauth/tokens", body: "grant_type=client_credentials&client_id=who&client_secret=s3cret", headers: FORM_TYPE, status: 401, auth: true },
  { name: "wrong grant type", method: "POST", path: "/v1/oauth/tokens", body: "grant_type=password&client_id=client&client_secret=s3cret", headers: FORM_TYPE, status: 400, auth: true },
  { name: "token request as JSON", method: "POST", path: "/v1/oauth/tokens", body: { grant_type: "client_credentials" }, status: 415, auth: true },
];

let open: RestHarness;
let authed: RestHarness;

async function seed(h: RestHarness): Promise<void> {
  await h.catalog.createNamespace(["shop"]);
  await h.catalog.createTable({ namespace: ["shop"], name: "orders" }, { schema: (await import("../../../table/spec/typeJson.js")).parseSchema(SCHEMA_JSON) });
}

beforeAll(async () => {
  open = await startRestHarness({ bodyLimit: BODY_LIMIT });
  authed = await startRestHarness({ auth: { tokens: ["good"], clients: [{ id: "client", secret: "s3cret" }] } });
  await seed(open);
  await seed(authed);
});

afterAll(async () => {
  await open?.close();
  await authed?.close();
});

describe("malformed, oversized, path-traversing and unauthenticated requests", () => {
  it("has at least 30 kinds of bad request", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of CASES) {
    it(`${c.name}: ${c.status}`, async () => {
      const h = c.auth ? authed : open;
      const before = await h.state();
      const orders = await h.catalog.loadTable({ namespace: ["shop"], name: "orders" });
      const body = typeof c.body === "object" && c.body !== null ? JSON.parse(JSON.stringify(c.body).replaceAll("WAREHOUSE", h.warehouse)) : c.body;
      const response = await h.call(c.method, c.path, body, c.headers);
      expect(response.status).toBe(c.status);
      const text = await response.text();
      if (c.path === "/v1/oauth/tokens" && c.status !== 415) {
        expect(JSON.parse(text)).toEqual({ error: expect.any(String), error_description: expect.any(String) });
      } else {
        const parsed = JSON.parse(text) as { error: { message: string; type: string; code: number } };
        expect(parsed.error.code).toBe(c.status);
        expect(parsed.error.message).toEqual(expect.any(String));
        if (c.type) expect(parsed.error.type).toBe(c.type);
      }
      expect(await h.state()).toEqual(before);
      expect((await h.catalog.loadTable({ namespace: ["shop"], name: "orders" })).metadataLocation).toBe(orders.metadataLocation);
    });
  }
});

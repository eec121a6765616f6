import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseJsonLossless } from "../../../table/spec/json.js";
import { parseTableMetadataJson } from "../../../table/spec/tableMetadata.js";
import { SCHEMA_JSON, startRestHarness, type RestHarness } from "./restTestHarness.js";

let h: RestHarness;

beforeAll(async () => {
  h = await startRestHarness();
});

afterAll(async () => {
  await h?.close();
});

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

describe("REST catalog: config and namespaces", () => {
  it("serves the config with the endpoints it implements", async () => {
    const response = await h.call("GET", "/v1/config");
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.defaults).toEqual({});
    expect(body.overrides).toEqual({});
    expect(body.endpoints).toContain("POST /v1/{prefix}/namespaces/{namespace}/tables/{table}");
    expect(body.endpoints).toContain("POST /v1/{prefix}/transactions/commit");
    expect(body.endpoints).toContain("HEAD /v1/{prefix}/namespaces/{namespace}");
    expect(h.logs.some((line) => line.startsWith("GET /iceberg/v1/config 200"))).toBe(true);
  });

  it("creates, lists (with parent and pages), loads, checks, updates and drops namespaces", async () => {
    expect((await h.call("POST", "/v1/namespaces", { namespace: ["ns_a"], properties: { owner: "me" } })).status).toBe(200);
    expect((await h.call("POST", "/v1/namespaces", { namespace: ["ns_b"] })).status).toBe(200);
    const nested = await h.call("POST", "/v1/namespaces", { namespace: ["ns_a", "inner"] });
    expect(await json(nested)).toEqual({ namespace: ["ns_a", "inner"], properties: expect.any(Object) });

    expect(await json(await h.call("GET", "/v1/namespaces"))).toEqual({ namespaces: [["ns_a"], ["ns_b"]] });
    expect(await json(await h.call("GET", "/v1/namespaces?parent=ns_a"))).toEqual({ namespaces: [["ns_a", "inner"]] });
    const first = await json(await h.call("GET", "/v1/namespaces?pageSize=1"));
    expect(first).toEqual({ namespaces: [["ns_a"]], "next-page-token": "1" });
    expect(await json(await h.call("GET", "/v1/namespaces?pageSize=1&pageToken=1"))).toEqual({ namespaces: [["ns_b"]] });

    const loaded = await json(await h.call("GET", "/v1/namespaces/ns_a%1Finner"));
    expect(loaded.namespace).toEqual(["ns_a", "inner"]);
    expect((await json(await h.call("GET", "/v1/namespaces/ns_a"))).properties).toMatchObject({ owner: "me" });
    expect((await h.call("HEAD", "/v1/namespaces/ns_a")).status).toBe(204);
    expect((await h.call("HEAD", "/v1/namespaces/nope")).status).toBe(404);

    const update = await h.call("POST", "/v1/namespaces/ns_a/properties", { removals: ["owner", "absent"], updates: { team: "data" } });
    expect(await json(update)).toEqual({ updated: ["team"], removed: ["owner"], missing: ["absent"] });

    expect((await h.call("DELETE", "/v1/namespaces/ns_b")).status).toBe(204);
    expect((await h.call("HEAD", "/v1/namespaces/ns_b")).status).toBe(404);
  });

  it("answers the error model for conflicts on namespaces", async () => {
    const again = await h.call("POST", "/v1/namespaces", { namespace: ["ns_a"] });
    expect(again.status).toBe(409);
    expect(await json(again)).toEqual({ error: { message: expect.stringContaining("already exists"), type: "AlreadyExistsException", code: 409 } });
    const notEmpty = await h.call("DELETE", "/v1/namespaces/ns_a");
    expect(notEmpty.status).toBe(409);
    expect((await json(notEmpty)).error).toMatchObject({ type: "NamespaceNotEmptyException", code: 409 });
    const missing = await h.call("GET", "/v1/namespaces/missing");
    expect((await json(missing)).error).toMatchObject({ type: "NoSuchNamespaceException", code: 404 });
    const both = await h.call("POST", "/v1/namespaces/ns_a/properties", { removals: ["k"], updates: { k: "v" } });
    expect(both.status).toBe(422);
  });
});

describe("REST catalog: tables", () => {
  beforeAll(async () => {
    await h.call("POST", "/v1/namespaces", { namespace: ["shop"] });
  });

  it("creates, lists, loads and checks a table", async () => {
    const created = await h.call("POST", "/v1/namespaces/shop/tables", {
      name: "orders",
      schema: SCHEMA_JSON,
      "partition-spec": { fields: [{ "source-id": 1, name: "id_bucket", transform: "bucket[4]" }] },
      properties: { "write.format.default": "parquet" },
    });
    expect(created.status).toBe(200);
    const body = await json(created);
    expect(body["metadata-location"]).toMatch(new RegExp(`^${h.warehouse}/shop.db/orders/metadata/.*\\.metadata\\.json$`));
    expect(body.config).toEqual({});
    expect((body.metadata as Record<string, unknown>).location).toBe(path.join(h.warehouse, "shop.db", "orders"));

    expect(await json(await h.call("GET", "/v1/namespaces/shop/tables"))).toEqual({ identifiers: [{ namespace: ["shop"], name: "orders" }] });
    const loaded = await json(await h.call("GET", "/v1/namespaces/shop/tables/orders"));
    expect(loaded["metadata-location"]).toBe(body["metadata-location"]);
    expect((await h.call("HEAD", "/v1/namespaces/shop/tables/orders")).status).toBe(204);
    expect((await h.call("HEAD", "/v1/namespaces/shop/tables/missing")).status).toBe(404);
    const missing = await json(await h.call("GET", "/v1/namespaces/shop/tables/missing"));
    expect(missing.error).toMatchObject({ type: "NoSuchTableException", code: 404 });
  });

  it("stage-creates without registering, then creates through a commit with assert-create", async () => {
    const staged = await json(await h.call("POST", "/v1/namespaces/shop/tables", { name: "staged", schema: SCHEMA_JSON, "stage-create": true }));
    expect(staged["metadata-location"]).toBeUndefined();
    expect((await h.call("HEAD", "/v1/namespaces/shop/tables/staged")).status).toBe(404);
    const metadata = staged.metadata as Record<string, unknown>;
    const commit = await h.call("POST", "/v1/namespaces/shop/tables/staged", {
      requirements: [{ type: "assert-create" }],
      updates: [
        { action: "assign-uuid", uuid: metadata["table-uuid"] },
        { action: "upgrade-format-version", "format-version": 2 },
        { action: "add-schema", schema: SCHEMA_JSON },
        { action: "set-current-schema", "schema-id": -1 },
        { action: "add-spec", spec: { "spec-id": 0, fields: [] } },
        { action: "set-default-spec", "spec-id": -1 },
        { action: "add-sort-order", "sort-order": { "order-id": 0, fields: [] } },
        { action: "set-default-sort-order", "sort-order-id": -1 },
        { action: "set-location", location: metadata.location },
      ],
    });
    expect(commit.status).toBe(200);
    expect((await h.call("HEAD", "/v1/namespaces/shop/tables/staged")).status).toBe(204);
  });

  it("commits requirements and updates server-side, keeping 64-bit ids exact", async () => {
    const before = await h.catalog.loadTable({ namespace: ["shop"], name: "orders" });
    const uuid = before.metadata.tableUuid;
    const evolved = { ...SCHEMA_JSON, "schema-id": 1, fields: [...SCHEMA_JSON.fields, { id: 3, name: "amount", required: false, type: "double" }] };
    const snapshotId = "9007199254740993";
    const response = await h.call(
      "POST",
      "/v1/namespaces/shop/tables/orders",
      `{"identifier":{"namespace":["shop"],"name":"orders"},
        "requirements":[{"type":"assert-table-uuid","uuid":"${uuid}"},{"type":"assert-current-schema-id","current-schema-id":0}],
        "updates":[{"action":"add-schema","schema":${JSON.stringify(evolved)}},{"action":"set-current-schema","schema-id":-1},
                   {"action":"set-properties","updates":{"k":"v"}},
                   {"action":"add-snapshot","snapshot":{"snapshot-id":${snapshotId},"sequence-number":1,"timestamp-ms":1700000000000,
                     "manifest-list":"${before.metadata.location}/metadata/snap.avro","summary":{"operation":"append"},"schema-id":1}},
                   {"action":"set-snapshot-ref","ref-name":"main","snapshot-id":${snapshotId},"type":"branch"}]}`,
      { "Content-Type": "application/json" },
    );
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain(`"current-snapshot-id":${snapshotId}`);
    const body = parseJsonLossless(text, "response") as Record<string, unknown>;
    const metadata = parseTableMetadataJson(body.metadata);
    expect(metadata.currentSchemaId).toBe(1);
    expect(metadata.currentSnapshotId).toBe(BigInt(snapshotId));
    expect(metadata.properties.k).toBe("v");
    const after = await h.catalog.loadTable({ namespace: ["shop"], name: "orders" });
    expect(after.metadataLocation).toBe(body["metadata-location"]);
    expect(after.metadata.currentSnapshotId).toBe(BigInt(snapshotId));

    const stale = await h.call("POST", "/v1/namespaces/shop/tables/orders", {
      requirements: [{ type: "assert-current-schema-id", "current-schema-id": 0 }],
      updates: [{ action: "set-properties", updates: { k: "w" } }],
    });
    expect(stale.status).toBe(409);
    expect((await json(stale)).error).toMatchObject({ type: "CommitFailedException", code: 409 });
  });

  it("loses a race with a 409 CommitFailedException: one of two concurrent commits wins", async () => {
    const current = await h.catalog.loadTable({ namespace: ["shop"], name: "orders" });
    const requirement = { type: "assert-ref-snapshot-id", ref: "main", "snapshot-id": current.metadata.currentSnapshotId?.toString() };
    const commit = (value: string) =>
      h.call(
        "POST",
        "/v1/namespaces/shop/tables/orders",
        `{"requirements":[{"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":${requirement["snapshot-id"]}}],
          "updates":[{"action":"set-properties","updates":{"race":"${value}"}},
                     {"action":"add-snapshot","snapshot":{"snapshot-id":${value},"parent-snapshot-id":${requirement["snapshot-id"]},"sequence-number":2,
                       "timestamp-ms":1700000000001,"manifest-list":"${current.metadata.location}/metadata/${value}.avro","summary":{"operation":"append"},"schema-id":1}},
                     {"action":"set-snapshot-ref","ref-name":"main","snapshot-id":${value},"type":"branch"}]}`,
        { "Content-Type": "application/json" },
      );
    const statuses = (await Promise.all([commit("11"), commit("12")])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
  });

  it("renames, registers, reports metrics and drops (with purge)", async () => {
    expect((await h.call("POST", "/v1/tables/rename", { source: { namespace: ["shop"], name: "staged" }, destination: { namespace: ["shop"], name: "moved" } })).status).toBe(204);
    expect((await h.call("HEAD", "/v1/namespaces/shop/tables/moved")).status).toBe(204);
    const moved = await h.catalog.loadTable({ namespace: ["shop"], name: "moved" });
    const registered = await h.call("POST", "/v1/namespaces/shop/register", { name: "copy", "metadata-location": moved.metadataLocation });
    expect(registered.status).toBe(200);
    expect((await json(registered))["metadata-location"]).toBe(moved.metadataLocation);
    const metrics = await h.call("POST", "/v1/namespaces/shop/tables/copy/metrics", { "report-type": "scan-report", "table-name": "shop.copy" });
    expect(metrics.status).toBe(204);
    expect((await h.call("DELETE", "/v1/namespaces/shop/tables/copy")).status).toBe(204);
    expect((await h.call("DELETE", "/v1/namespaces/shop/tables/moved?purgeRequested=true")).status).toBe(204);
    expect(await h.catalog.tableExists({ namespace: ["shop"], name: "moved" })).toBe(false);
  });

  it("commits several tables atomically, or none of them", async () => {
    for (const name of ["t1", "t2"]) await h.call("POST", "/v1/namespaces/shop/tables", { name, schema: SCHEMA_JSON });
    const change = (name: string, requirements: unknown[]) => ({
      identifier: { namespace: ["shop"], name },
      requirements,
      updates: [{ action: "set-properties", updates: { txn: name } }],
    });
    const ok = await h.call("POST", "/v1/transactions/commit", { "table-changes": [change("t1", []), change("t2", [])] });
    expect(ok.status).toBe(204);
    expect((await h.catalog.loadTable({ namespace: ["shop"], name: "t2" })).metadata.properties.txn).toBe("t2");

    const before = await h.state();
    const failing = await h.call("POST", "/v1/transactions/commit", {
      "table-changes": [change("t1", []), change("t2", [{ type: "assert-current-schema-id", "current-schema-id": 7 }])],
    });
    expect(failing.status).toBe(409);
    expect(await h.state()).toEqual(before);
  });
});

describe("REST catalog: authentication", () => {
  let authed: RestHarness;

  beforeAll(async () => {
    authed = await startRestHarness({ auth: { tokens: ["static-token"], clients: [{ id: "client", secret: "s3cret" }] } });
  });

  afterAll(async () => {
    await authed?.close();
  });

  it("accepts a configured token and issues tokens for the client-credentials grant", async () => {
    expect((await authed.call("GET", "/v1/config")).status).toBe(401);
    expect((await authed.call("GET", "/v1/config", undefined, { Authorization: "Bearer static-token" })).status).toBe(200);
    const token = await authed.call("POST", "/v1/oauth/tokens", "grant_type=client_credentials&client_id=client&client_secret=s3cret&scope=catalog", {
      "Content-Type": "application/x-www-form-urlencoded",
    });
    expect(token.status).toBe(200);
    const body = await json(token);
    expect(body).toMatchObject({ token_type: "bearer", expires_in: 3600, issued_token_type: "urn:ietf:params:oauth:token-type:access_token" });
    expect(typeof body.access_token).toBe("string");
    const listed = await authed.call("GET", "/v1/namespaces", undefined, { Authorization: `Bearer ${String(body.access_token)}` });
    expect(listed.status).toBe(200);
  });
});

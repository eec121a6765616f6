import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FloeError } from "../../../core/errors/FloeError.js";
import { protocolMessage } from "./protocolMessages.js";
import { SCHEMA_JSON, startRestHarness, type RestHarness } from "./restTestHarness.js";

// Clients (Iceberg Java's RESTCatalog, the REST Compatibility Kit) compare these messages, so
// they are asserted word for word.

let h: RestHarness;

beforeAll(async () => {
  h = await startRestHarness();
  expect((await h.call("POST", "/v1/namespaces", { namespace: ["ns"] })).status).toBe(200);
  expect((await h.call("POST", "/v1/namespaces/ns/tables", { name: "tbl", schema: SCHEMA_JSON })).status).toBe(200);
});

afterAll(async () => {
  await h?.close();
});

async function error(response: Response): Promise<{ message: string; type: string; code: number }> {
  return ((await response.json()) as { error: { message: string; type: string; code: number } }).error;
}

describe("REST error messages in the reference catalog's wording", () => {
  it("states missing namespaces and tables exactly", async () => {
    expect(await error(await h.call("GET", "/v1/namespaces/missing"))).toEqual({ message: "Namespace does not exist: missing", type: "NoSuchNamespaceException", code: 404 });
    expect(await error(await h.call("GET", "/v1/namespaces/missing/tables"))).toMatchObject({ message: "Namespace does not exist: missing", code: 404 });
    expect(await error(await h.call("GET", "/v1/namespaces?parent=a%1Fb"))).toMatchObject({ message: "Namespace does not exist: a.b", code: 404 });
    expect(await error(await h.call("GET", "/v1/namespaces/ns/tables/nope"))).toEqual({ message: "Table does not exist: ns.nope", type: "NoSuchTableException", code: 404 });
    const rename = await h.call("POST", "/v1/tables/rename", { source: { namespace: ["ns"], name: "tbl" }, destination: { namespace: ["elsewhere"], name: "t" } });
    expect(await error(rename)).toMatchObject({ message: "Namespace does not exist: elsewhere", type: "NoSuchNamespaceException", code: 404 });
  });

  it("states duplicates exactly", async () => {
    expect(await error(await h.call("POST", "/v1/namespaces", { namespace: ["ns"] }))).toEqual({ message: "Namespace already exists: ns", type: "AlreadyExistsException", code: 409 });
    expect(await error(await h.call("POST", "/v1/namespaces/ns/tables", { name: "tbl", schema: SCHEMA_JSON }))).toEqual({
      message: "Table already exists: ns.tbl",
      type: "AlreadyExistsException",
      code: 409,
    });
  });

  it("leads a failed requirement with what changed, then floe's detail", async () => {
    const commit = await h.call("POST", "/v1/namespaces/ns/tables/tbl", {
      requirements: [{ type: "assert-current-schema-id", "current-schema-id": 7 }],
      updates: [{ action: "set-properties", updates: { a: "b" } }],
    });
    const body = await error(commit);
    expect(body).toMatchObject({ type: "CommitFailedException", code: 409 });
    expect(body.message).toBe("Requirement failed: current schema changed (requirement assert-current-schema-id failed: the current schema id is 0, expected 7)");
  });

  it("answers NotFoundException naming the file when a table's metadata file is gone", async () => {
    const loaded = (await (await h.call("GET", "/v1/namespaces/ns/tables/tbl")).json()) as { "metadata-location": string };
    const location = loaded["metadata-location"];
    fs.renameSync(location, `${location}.moved`);
    try {
      const body = await error(await h.call("GET", "/v1/namespaces/ns/tables/tbl"));
      expect(body).toMatchObject({ type: "NotFoundException", code: 404 });
      expect(body.message.startsWith(`Failed to open input stream for file: ${location} (`)).toBe(true);
    } finally {
      fs.renameSync(`${location}.moved`, location);
    }
  });
});

describe("protocolMessage", () => {
  it("leaves errors without a known object or requirement as they are", () => {
    expect(protocolMessage(new FloeError("not-found", "snapshot 5 does not exist"))).toBeUndefined();
    expect(protocolMessage(new FloeError("commit-conflict", "the table moved", { context: { table: "ns.t" } }))).toBeUndefined();
    expect(protocolMessage(new FloeError("commit-conflict", "x", { context: { requirement: "assert-unknown" } }))).toBeUndefined();
  });
});

/**
 * The table endpoints: list, create (also staged), load, exists (HEAD), drop (with
 * `purgeRequested`), commit, rename, register and metrics reports.
 */
import type { CreateTableOptions, TableIdentifier } from "../../Catalog.js";
import { JsonFields } from "../../../table/spec/json.js";
import { PartitionSpec, parsePartitionFields } from "../../../table/spec/partitionSpec.js";
import { parseSortOrderJson } from "../../../table/spec/sortOrder.js";
import { parseSchemaJson } from "../../../table/spec/typeJson.js";
import { applyUpdates } from "../../../table/transaction/applyUpdates.js";
import { NewTableAction } from "../../../table/transaction/NewTableAction.js";
import { commitTable, parseTableChanges } from "./commitTable.js";
import { badRequest, noSuchNamespace, noSuchTable, parseInput } from "./errors.js";
import { decodeNamespace, identifierJson, parseTableIdentifier, tableIdentifier } from "./names.js";
import { paginate } from "./pagination.js";
import { noContent, ok, type RestContext, type RestRequest, type RouteHandler } from "./routeTypes.js";
import { commitTableResponse, loadTableResult } from "./tableResults.js";

function pathIdentifier(request: RestRequest): TableIdentifier {
  return tableIdentifier(decodeNamespace(request.params.namespace), request.params.table);
}

async function requireNamespace(namespace: string[], context: RestContext): Promise<void> {
  if (!(await context.catalog.namespaceExists(namespace))) throw noSuchNamespace(namespace);
}

export const listTables: RouteHandler = {
  async handle(request, context) {
    const namespace = decodeNamespace(request.params.namespace);
    await requireNamespace(namespace, context);
    const page = paginate(await context.catalog.listTables(namespace), request.query);
    return ok({ identifiers: page.items.map(identifierJson), ...(page.nextPageToken ? { "next-page-token": page.nextPageToken } : {}) });
  },
};

/** `CreateTableRequest` → the catalog's options; spec and order ids may be left out by clients. */
function parseCreateOptions(body: JsonFields): CreateTableOptions {
  return parseInput(() => {
    const schema = parseSchemaJson(body.object("schema"));
    const specJson = body.optObject("partition-spec");
    const spec = specJson === undefined ? undefined : new PartitionSpec(specJson.optInt("spec-id") ?? 0, parsePartitionFields(specJson, "fields"));
    const orderJson = body.optObject("write-order");
    const sortOrder = orderJson === undefined ? undefined : parseSortOrderJson(withDefault(orderJson, "order-id", 1));
    const location = body.optString("location");
    const properties = body.optStringMap("properties");
    return { schema, spec, sortOrder, location, properties };
  });
}

function withDefault(fields: JsonFields, key: string, value: unknown): JsonFields {
  return fields.has(key) ? fields : JsonFields.of({ ...fields.value, [key]: value }, fields.source, fields.path);
}

export const createTable: RouteHandler = {
  subject: "table",
  async handle(request, context) {
    const namespace = decodeNamespace(request.params.namespace);
    const body = await request.json("create table request");
    const identifier = tableIdentifier(namespace, parseInput(() => body.string("name")));
    const options = parseCreateOptions(body);
    const stage = parseInput(() => body.optBool("stage-create")) ?? false;
    if (options.location !== undefined) context.locations.check(options.location, "table location");
    await requireNamespace(namespace, context);
    if (stage) {
      if (await context.catalog.tableExists(identifier)) throw parseInput(() => body.error("name", "names a table that already exists"));
      const location = options.location ?? (await context.defaultTableLocation(identifier));
      context.locations.check(location, "table location");
      const action = new NewTableAction({ ...options, location });
      const staged = await action.commit({ metadata: undefined, io: context.io, attempt: 1, nowMs: Date.now() });
      return ok(loadTableResult(applyUpdates(undefined, staged.updates), undefined));
    }
    if (options.location === undefined) context.locations.check(await context.defaultTableLocation(identifier), "table location");
    const table = await context.catalog.createTable(identifier, options);
    return ok(loadTableResult(table.metadata, table.metadataLocation));
  },
};

export const loadTable: RouteHandler = {
  subject: "table",
  async handle(request, { catalog }) {
    const table = await catalog.loadTable(pathIdentifier(request));
    return ok(loadTableResult(table.metadata, table.metadataLocation));
  },
};

export const tableExists: RouteHandler = {
  subject: "table",
  async handle(request, { catalog }) {
    const identifier = pathIdentifier(request);
    if (!(await catalog.tableExists(identifier))) throw noSuchTable(identifier);
    return noContent();
  },
};

export const dropTable: RouteHandler = {
  subject: "table",
  async handle(request, { catalog }) {
    // clients spell booleans differently (PyIceberg sends "False")
    const purgeText = (request.query.get("purgeRequested") ?? "false").toLowerCase();
    if (purgeText !== "true" && purgeText !== "false") throw badRequest(`purgeRequested must be true or false, got ${JSON.stringify(purgeText)}`);
    await catalog.dropTable(pathIdentifier(request), { purge: purgeText === "true" });
    return noContent();
  },
};

export const updateTable: RouteHandler = {
  subject: "table",
  async handle(request, context) {
    const identifier = pathIdentifier(request);
    const body = await request.json("commit table request");
    if (body.has("identifier")) {
      const named = parseTableIdentifier(body, "identifier");
      if (named.name !== identifier.name || named.namespace.join("\x1F") !== identifier.namespace.join("\x1F")) {
        throw badRequest("commit table request: identifier does not name the table of the path");
      }
    }
    const committed = await commitTable(identifier, parseTableChanges(body, "commit table request"), context);
    return ok(commitTableResponse(committed.metadata, committed.metadataLocation));
  },
};

export const renameTable: RouteHandler = {
  subject: "table",
  async handle(request, { catalog }) {
    const body = await request.json("rename table request");
    const source = parseTableIdentifier(body, "source");
    const destination = parseTableIdentifier(body, "destination");
    await catalog.renameTable(source, destination);
    return noContent();
  },
};

export const registerTable: RouteHandler = {
  subject: "table",
  async handle(request, context) {
    const namespace = decodeNamespace(request.params.namespace);
    const body = await request.json("register table request");
    const identifier = tableIdentifier(namespace, parseInput(() => body.string("name")));
    const metadataLocation = parseInput(() => body.string("metadata-location"));
    if (parseInput(() => body.optBool("overwrite")) === true) throw badRequest("register table request: overwrite is not supported");
    context.locations.check(metadataLocation, "metadata-location");
    const table = await context.catalog.registerTable(identifier, metadataLocation);
    return ok(loadTableResult(table.metadata, table.metadataLocation));
  },
};

export const reportMetrics: RouteHandler = {
  subject: "table",
  async handle(request, { catalog }) {
    const identifier = pathIdentifier(request);
    const body = await request.json("report metrics request");
    parseInput(() => body.string("report-type"));
    if (!(await catalog.tableExists(identifier))) throw noSuchTable(identifier);
    return noContent();
  },
};

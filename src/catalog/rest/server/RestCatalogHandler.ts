/**
 * The REST catalog as one `node:http` request listener: strips the mount path (`/iceberg`),
 * authenticates, routes, reads bodies within the size limit, and writes every failure in the
 * protocol's error model. One log line per request.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import type { Catalog, TableIdentifier } from "../../Catalog.js";
import type { FileIO } from "../../../io/FileIO.js";
import { schemeOf } from "../../../io/location.js";
import { DEFAULT_BODY_LIMIT, parseJsonObject, readBodyText, requireJsonContentType, sendJson, sendNoContent } from "./bodies.js";
import { configRoute } from "./configRoute.js";
import { RestError, toErrorModel, type Subject } from "./errors.js";
import { LocationPolicy } from "./locations.js";
import * as namespaces from "./namespaceRoutes.js";
import { OAuthError, requireFormContentType, TokenAuthority, type AuthOptions } from "./oauth.js";
import { Router } from "./router.js";
import type { RestContext, RestRequest, RouteHandler } from "./routeTypes.js";
import * as tables from "./tableRoutes.js";
import { commitTransaction } from "./transactionRoutes.js";

export const DEFAULT_MOUNT_PATH = "/iceberg";
const TOKEN_PATH = "/v1/oauth/tokens";

export interface RestCatalogOptions {
  catalog: Catalog;
  /** The warehouse the catalog puts tables in: the default root for table locations. */
  warehouse: string;
  /** The FileIO for table files. */
  io: FileIO;
  /** Where table locations may be; default `[warehouse]`. */
  allowedLocations?: string[];
  /** Where the protocol is served; default `/iceberg`. */
  mountPath?: string;
  /** Largest request body in bytes; default 10 MiB. */
  bodyLimit?: number;
  /** Authentication; off when absent. */
  auth?: AuthOptions;
  /** Called once per request with a one-line summary. */
  log?: (line: string) => void;
}

export type RequestListener = (request: IncomingMessage, response: ServerResponse) => void;

function buildRouter(): Router<RouteHandler> {
  const router = new Router<RouteHandler>();
  router
    .add("GET", "/v1/namespaces", namespaces.listNamespaces)
    .add("POST", "/v1/namespaces", namespaces.createNamespace)
    .add("GET", "/v1/namespaces/{namespace}", namespaces.loadNamespace)
    .add("HEAD", "/v1/namespaces/{namespace}", namespaces.namespaceExists)
    .add("DELETE", "/v1/namespaces/{namespace}", namespaces.dropNamespace)
    .add("POST", "/v1/namespaces/{namespace}/properties", namespaces.updateNamespaceProperties)
    .add("GET", "/v1/namespaces/{namespace}/tables", tables.listTables)
    .add("POST", "/v1/namespaces/{namespace}/tables", tables.createTable)
    .add("GET", "/v1/namespaces/{namespace}/tables/{table}", tables.loadTable)
    .add("HEAD", "/v1/namespaces/{namespace}/tables/{table}", tables.tableExists)
    .add("POST", "/v1/namespaces/{namespace}/tables/{table}", tables.updateTable)
    .add("DELETE", "/v1/namespaces/{namespace}/tables/{table}", tables.dropTable)
    .add("POST", "/v1/namespaces/{namespace}/register", tables.registerTable)
    .add("POST", "/v1/namespaces/{namespace}/tables/{table}/metrics", tables.reportMetrics)
    .add("POST", "/v1/tables/rename", tables.renameTable)
    .add("POST", "/v1/transactions/commit", commitTransaction);
  const endpoints = router.list().map((route) => `${route.method} ${route.template.replace(/^\/v1\//, "/v1/{prefix}/")}`);
  router.add("GET", "/v1/config", configRoute(() => endpoints));
  return router;
}

/** A request listener serving the REST catalog protocol over `options.catalog`. */
export function restCatalogHandler(options: RestCatalogOptions): RequestListener {
  const router = buildRouter();
  const warehouse = absoluteLocation(options.warehouse);
  const mount = (options.mountPath ?? DEFAULT_MOUNT_PATH).replace(/\/+$/, "");
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const authority = options.auth === undefined ? undefined : new TokenAuthority(options.auth);
  const context: RestContext = {
    catalog: options.catalog,
    io: options.io,
    locations: new LocationPolicy((options.allowedLocations ?? [options.warehouse]).map(absoluteLocation)),
    defaultTableLocation: (identifier: TableIdentifier) => defaultTableLocation(options.catalog, warehouse, identifier),
  };

  const serve = async (request: IncomingMessage, response: ServerResponse): Promise<number> => {
    const method = request.method ?? "GET";
    let subject: Subject | undefined;
    try {
      const url = new URL(request.url ?? "/", "http://localhost");
      if (url.pathname !== mount && !url.pathname.startsWith(`${mount}/`)) throw new RestError(404, "NoSuchResourceException", `no such endpoint: ${url.pathname} (the catalog is at ${mount})`);
      const path = url.pathname.slice(mount.length);
      const body = lazyBody(request, bodyLimit);
      if (path === TOKEN_PATH) return await serveToken(method, request, response, body, authority);
      if (authority !== undefined) authority.authenticate(request.headers.authorization);
      checkAccept(request);
      const { route, params } = router.match(method, path);
      subject = route.handler.subject;
      const restRequest: RestRequest = {
        params,
        query: url.searchParams,
        json: async (what) => {
          requireJsonContentType(request);
          return parseJsonObject(await body(), what);
        },
        form: async () => new URLSearchParams(await body()),
      };
      const result = await route.handler.handle(restRequest, context);
      if (result.body === undefined || method === "HEAD") sendNoContent(response, result.status);
      else sendJson(response, result.status, result.body);
      return result.status;
    } catch (error) {
      const { model, headers } = toErrorModel(error, subject);
      // an unread body would otherwise keep the connection busy
      const extra = model.code === 413 ? { ...headers, Connection: "close" } : headers;
      if (method === "HEAD") {
        response.writeHead(model.code, extra);
        response.end();
      } else {
        sendJson(response, model.code, { error: model }, extra);
      }
      if (model.code >= 500) options.log?.(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return model.code;
    }
  };

  return (request, response) => {
    const started = Date.now();
    void serve(request, response).then((status) => {
      options.log?.(`${request.method ?? "?"} ${request.url ?? "/"} ${status} ${Date.now() - started}ms`);
    });
  };
}

/** The body, read once on first use. */
function lazyBody(request: IncomingMessage, limit: number): () => Promise<string> {
  let text: Promise<string> | undefined;
  return () => (text ??= readBodyText(request, limit));
}

function checkAccept(request: IncomingMessage): void {
  const accept = request.headers.accept;
  if (accept === undefined || accept.trim() === "") return;
  if (!/(^|,)\s*(\*\/\*|application\/\*|application\/json)/i.test(accept)) {
    throw new RestError(406, "NotAcceptableException", `responses are application/json; the request accepts only ${accept}`);
  }
}

async function serveToken(
  method: string,
  request: IncomingMessage,
  response: ServerResponse,
  body: () => Promise<string>,
  authority: TokenAuthority | undefined,
): Promise<number> {
  if (method !== "POST") throw new RestError(405, "MethodNotAllowedException", `method ${method} is not allowed on ${TOKEN_PATH}; allowed: POST`, { Allow: "POST" });
  requireFormContentType(request.headers["content-type"]);
  const form = new URLSearchParams(await body());
  try {
    if (authority === undefined) throw new OAuthError(400, "invalid_request", "this server has no authentication configured; no token is needed");
    sendJson(response, 200, authority.grant(form), { "Cache-Control": "no-store" });
    return 200;
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    sendJson(response, error.status, { error: error.error, error_description: error.message });
    return error.status;
  }
}

/** Under the namespace's `location` property when it has one, else `<warehouse>/<ns>.db/<table>` (the SQL catalog's rule). */
async function defaultTableLocation(catalog: Catalog, warehouse: string, identifier: TableIdentifier): Promise<string> {
  const properties = await catalog.loadNamespaceProperties(identifier.namespace);
  const namespaceLocation = properties.location;
  if (namespaceLocation !== undefined && namespaceLocation.trim() !== "") return `${namespaceLocation.replace(/\/+$/, "")}/${identifier.name}`;
  return `${warehouse}/${identifier.namespace.join(".")}.db/${identifier.name}`;
}

/** A relative local path made absolute (as the SQL catalog does with its warehouse); URIs as they are. */
function absoluteLocation(location: string): string {
  const trimmed = location.trim();
  const absolute = schemeOf(trimmed) === "file" && !/^file:/i.test(trimmed) ? path.resolve(trimmed) : trimmed;
  return absolute.length > 1 ? absolute.replace(/\/+$/, "") : absolute;
}

/**
 * The REST catalog's routes: the URL of each operation under the catalog's base URI and
 * `prefix`, and which operations the server supports (the `endpoints` of `GET /v1/config`, or
 * the protocol's default set when it sends none). A route the server does not list is
 * `unsupported`, naming it, before any request is made.
 */
import { unsupported } from "../../core/errors/FloeError.js";
import type { Namespace } from "../Catalog.js";

/** The operations the client uses, as the protocol spells them (`<verb> <path>`). */
export const ENDPOINTS = {
  listNamespaces: "GET /v1/{prefix}/namespaces",
  createNamespace: "POST /v1/{prefix}/namespaces",
  loadNamespace: "GET /v1/{prefix}/namespaces/{namespace}",
  namespaceExists: "HEAD /v1/{prefix}/namespaces/{namespace}",
  dropNamespace: "DELETE /v1/{prefix}/namespaces/{namespace}",
  updateNamespace: "POST /v1/{prefix}/namespaces/{namespace}/properties",
  listTables: "GET /v1/{prefix}/namespaces/{namespace}/tables",
  createTable: "POST /v1/{prefix}/namespaces/{namespace}/tables",
  loadTable: "GET /v1/{prefix}/namespaces/{namespace}/tables/{table}",
  tableExists: "HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}",
  updateTable: "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}",
  dropTable: "DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}",
  registerTable: "POST /v1/{prefix}/namespaces/{namespace}/register",
  renameTable: "POST /v1/{prefix}/tables/rename",
  commitTransaction: "POST /v1/{prefix}/transactions/commit",
} as const;

export type EndpointName = keyof typeof ENDPOINTS;

/** What a server supports when its config names no endpoints (the protocol's default set). */
export const DEFAULT_ENDPOINTS: readonly string[] = [
  "GET /v1/{prefix}/namespaces",
  "POST /v1/{prefix}/namespaces",
  "GET /v1/{prefix}/namespaces/{namespace}",
  "DELETE /v1/{prefix}/namespaces/{namespace}",
  "POST /v1/{prefix}/namespaces/{namespace}/properties",
  "GET /v1/{prefix}/namespaces/{namespace}/tables",
  "POST /v1/{prefix}/namespaces/{namespace}/tables",
  "GET /v1/{prefix}/namespaces/{namespace}/tables/{table}",
  "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}",
  "DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}",
  "POST /v1/{prefix}/namespaces/{namespace}/register",
  "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}/metrics",
  "POST /v1/{prefix}/tables/rename",
  "POST /v1/{prefix}/transactions/commit",
];

/** The unit separator: how multi-level namespaces travel in paths and `parent` parameters. */
export const DEFAULT_NAMESPACE_SEPARATOR = "\x1F";

export class RestEndpoints {
  private readonly supported: ReadonlySet<string>;
  private readonly base: string;
  private readonly separator: string;

  /**
   * `uri`: the catalog's base (e.g. `http://host:8181/iceberg`); `prefix`: the config's `prefix`
   * property; `endpoints`: the config's list, undefined when the server sent none.
   */
  constructor(uri: string, options: { prefix?: string; endpoints?: readonly string[]; namespaceSeparator?: string } = {}) {
    const prefix = options.prefix === undefined || options.prefix === "" ? "" : `/${options.prefix.split("/").filter(Boolean).map(encodeURIComponent).join("/")}`;
    this.base = `${uri.replace(/\/+$/, "")}/v1${prefix}`;
    this.supported = new Set((options.endpoints ?? DEFAULT_ENDPOINTS).map(normalizeEndpoint));
    this.separator = options.namespaceSeparator ?? DEFAULT_NAMESPACE_SEPARATOR;
  }

  supports(name: EndpointName): boolean {
    return this.supported.has(normalizeEndpoint(ENDPOINTS[name]));
  }

  /** Throws `unsupported` naming the endpoint when the server does not list it. */
  require(name: EndpointName, what: string): void {
    if (!this.supports(name)) throw unsupported(`${what}: the catalog server does not support ${ENDPOINTS[name]}`, { endpoint: ENDPOINTS[name] });
  }

  /** A namespace's levels joined by the separator (the `parent` parameter, before URL-encoding). */
  joinNamespace(namespace: Namespace): string {
    return namespace.join(this.separator);
  }

  /** A namespace as one path segment: levels joined by the separator, URL-encoded. */
  namespaceParam(namespace: Namespace): string {
    return encodeURIComponent(this.joinNamespace(namespace));
  }

  namespaces(query: Record<string, string | undefined> = {}): string {
    return `${this.base}/namespaces${queryString(query)}`;
  }

  namespace(namespace: Namespace): string {
    return `${this.base}/namespaces/${this.namespaceParam(namespace)}`;
  }

  namespaceProperties(namespace: Namespace): string {
    return `${this.namespace(namespace)}/properties`;
  }

  tables(namespace: Namespace, query: Record<string, string | undefined> = {}): string {
    return `${this.namespace(namespace)}/tables${queryString(query)}`;
  }

  table(namespace: Namespace, name: string, query: Record<string, string | undefined> = {}): string {
    return `${this.namespace(namespace)}/tables/${encodeURIComponent(name)}${queryString(query)}`;
  }

  register(namespace: Namespace): string {
    return `${this.namespace(namespace)}/register`;
  }

  rename(): string {
    return `${this.base}/tables/rename`;
  }

  transactionCommit(): string {
    return `${this.base}/transactions/commit`;
  }
}

/** `GET  /v1/{prefix}/x` and `get /v1/{prefix}/x/` compare equal. */
function normalizeEndpoint(endpoint: string): string {
  const [verb = "", path = ""] = endpoint.trim().split(/\s+/, 2);
  return `${verb.toUpperCase()} ${path.replace(/\/+$/, "")}`;
}

/** `?a=1&b=2` of the defined entries (values URL-encoded), or "". */
export function queryString(query: Record<string, string | undefined>): string {
  const entries = Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (entries.length === 0) return "";
  return `?${entries.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join("&")}`;
}

/**
 * A `Catalog` over the Iceberg REST catalog protocol (apache/iceberg
 * `open-api/rest-catalog-open-api.yaml`), with the global `fetch`.
 *
 * `open` asks the server for its configuration first: properties are the server's defaults,
 * then the client's, then the server's overrides; `prefix` goes into every path and only the
 * endpoints the server lists are called (others are `unsupported`, naming the endpoint). Lists
 * follow `next-page-token` until the last page. Tables are read through a FileIORouter set up
 * from the catalog's properties and the table's own `config` (S3 endpoint and keys as
 * `s3.*` properties), unless a FileIO is given.
 */
import { FloeError, invalidInput } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import { FileIORouter } from "../../io/FileIORouter.js";
import type { TableMetadata } from "../../table/spec/tableMetadata.js";
import type { CommitRequest, CommittedTable, TableCommitter } from "../../table/transaction/TableCommitter.js";
import type {
  Catalog,
  CreateTableOptions,
  DropTableOptions,
  LoadedTable,
  Namespace,
  NamespacePropertiesUpdate,
  TableCommit,
  TableIdentifier,
} from "../Catalog.js";
import { checkNamespace, checkTableIdentifier, formatNamespace, formatTableIdentifier, sameIdentifier } from "../identifiers.js";
import { RestAuth } from "./RestAuth.js";
import { fetchRestConfig } from "./restConfig.js";
import { RestEndpoints, type EndpointName } from "./restEndpoints.js";
import type { ErrorMapping } from "./restErrors.js";
import { requireBody, RestHttpClient, type RetryPolicy } from "./RestHttpClient.js";
import {
  commitTableRequest,
  createTableRequest,
  identifierToJson,
  parseCommitTableResponse,
  parseLoadTableResult,
  parseNamespaceProperties,
  parseNamespacesPage,
  parseTablesPage,
  parseUpdateNamespacePropertiesResponse,
  type LoadTableResult,
} from "./restJson.js";
import { RestTableCommitter } from "./RestTableCommitter.js";

/** Catalog properties with a meaning to the client. */
export const REST_PROPERTIES = {
  prefix: "prefix",
  token: "token",
  credential: "credential",
  oauth2ServerUri: "oauth2-server-uri",
  scope: "scope",
  namespaceSeparator: "namespace-separator",
  warehouse: "warehouse",
} as const;

export interface RestCatalogOptions {
  /** The catalog's base URI, e.g. `http://127.0.0.1:8181/iceberg` (routes are `<uri>/v1/...`). */
  uri: string;
  /** The catalog's name; default `rest`. */
  name?: string;
  /** Sent as `?warehouse=` to `/v1/config`. */
  warehouse?: string;
  /** A bearer token (also the `token` property). */
  token?: string;
  /** OAuth2 client credentials `id:secret` (also the `credential` property). */
  credential?: string;
  /** Client properties, merged between the server's defaults and overrides. */
  properties?: Record<string, string>;
  /** The FileIO for every table; default a FileIORouter per table configuration. */
  io?: FileIO;
  /** Retries of GET and HEAD requests. */
  retry?: Partial<RetryPolicy>;
  /** Extra headers on every request. */
  headers?: Record<string, string>;
  /** How retries wait; default a timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** A table created with `stage-create`: its metadata exists only in the answer until a commit creates it. */
export interface StagedTable {
  identifier: TableIdentifier;
  metadata: TableMetadata;
  io: FileIO;
}

export class RestCatalog implements Catalog {
  readonly name: string;
  /** The merged catalog properties (server defaults < client < server overrides). */
  readonly properties: Readonly<Record<string, string>>;
  private readonly http: RestHttpClient;
  private readonly endpoints: RestEndpoints;
  private readonly io: FileIO | undefined;
  /** One router per distinct table configuration, so S3 clients are shared. */
  private readonly routers = new Map<string, FileIORouter>();

  private constructor(name: string, properties: Record<string, string>, http: RestHttpClient, endpoints: RestEndpoints, io: FileIO | undefined) {
    this.name = name;
    this.properties = properties;
    this.http = http;
    this.endpoints = endpoints;
    this.io = io;
  }

  /** Connects: authenticates when asked to and reads the server's configuration. */
  static async open(options: RestCatalogOptions): Promise<RestCatalog> {
    const uri = options.uri.trim().replace(/\/+$/, "");
    if (!/^https?:\/\//i.test(uri)) throw invalidInput(`REST catalog URI "${options.uri}" must start with http:// or https://`);
    const client = { ...options.properties };
    const auth = new RestAuth({
      token: options.token ?? client[REST_PROPERTIES.token],
      credential: options.credential ?? client[REST_PROPERTIES.credential],
      tokenEndpoint: client[REST_PROPERTIES.oauth2ServerUri] ?? `${uri}/v1/oauth/tokens`,
      scope: client[REST_PROPERTIES.scope],
    });
    const http = new RestHttpClient({ auth, retry: options.retry, headers: options.headers, sleep: options.sleep });
    const warehouse = options.warehouse ?? client[REST_PROPERTIES.warehouse];
    const config = await fetchRestConfig(http, uri, client, warehouse);
    const separator = config.properties[REST_PROPERTIES.namespaceSeparator];
    const endpoints = new RestEndpoints(uri, {
      prefix: config.properties[REST_PROPERTIES.prefix],
      endpoints: config.endpoints,
      namespaceSeparator: separator === undefined || separator === "" ? undefined : decodeURIComponent(separator),
    });
    return new RestCatalog(options.name ?? "rest", config.properties, http, endpoints, options.io);
  }

  // --- namespaces ------------------------------------------------------------------------------

  async listNamespaces(parent?: Namespace): Promise<string[][]> {
    if (parent !== undefined && parent.length > 0) checkNamespace(parent);
    const mapping = { subject: parent === undefined || parent.length === 0 ? "list namespaces" : `list namespaces in ${formatNamespace(parent)}` };
    this.require("listNamespaces", mapping);
    const parentParam = parent === undefined || parent.length === 0 ? undefined : this.endpoints.joinNamespace(parent);
    const namespaces = await this.paginate(mapping, (pageToken) => this.endpoints.namespaces({ parent: parentParam, pageToken }), (json) => {
      const page = parseNamespacesPage(json, mapping.subject);
      return { items: page.namespaces, next: page.next };
    });
    return namespaces.sort((a, b) => compareText(a.join("\x00"), b.join("\x00")));
  }

  async createNamespace(namespace: Namespace, properties: Record<string, string> = {}): Promise<void> {
    checkNamespace(namespace);
    const mapping = { subject: `create namespace ${formatNamespace(namespace)}`, conflict: "already-exists" as const };
    this.require("createNamespace", mapping);
    await this.http.send({ method: "POST", url: this.endpoints.namespaces(), body: { namespace: [...namespace], properties: { ...properties } }, mapping });
  }

  async namespaceExists(namespace: Namespace): Promise<boolean> {
    checkNamespace(namespace);
    const mapping = { subject: `namespace ${formatNamespace(namespace)}` };
    const method = this.endpoints.supports("namespaceExists") ? "HEAD" : "GET";
    if (method === "GET") this.require("loadNamespace", mapping);
    const response = await this.http.send({ method, url: this.endpoints.namespace(namespace), mapping, accept: [404] });
    return response.status !== 404;
  }

  async loadNamespaceProperties(namespace: Namespace): Promise<Record<string, string>> {
    checkNamespace(namespace);
    const mapping = { subject: `namespace ${formatNamespace(namespace)}` };
    this.require("loadNamespace", mapping);
    const response = await this.http.send({ method: "GET", url: this.endpoints.namespace(namespace), mapping });
    return parseNamespaceProperties(requireBody(response, mapping), mapping.subject);
  }

  async updateNamespaceProperties(namespace: Namespace, removals: readonly string[], updates: Record<string, string>): Promise<NamespacePropertiesUpdate> {
    checkNamespace(namespace);
    const both = removals.filter((key) => Object.prototype.hasOwnProperty.call(updates, key));
    if (both.length > 0) {
      throw invalidInput(`namespace ${formatNamespace(namespace)}: properties ${both.join(", ")} are both set and removed; pick one`, { keys: both });
    }
    const mapping = { subject: `update properties of namespace ${formatNamespace(namespace)}` };
    this.require("updateNamespace", mapping);
    const response = await this.http.send({
      method: "POST",
      url: this.endpoints.namespaceProperties(namespace),
      body: { removals: [...removals], updates: { ...updates } },
      mapping,
    });
    return parseUpdateNamespacePropertiesResponse(requireBody(response, mapping), mapping.subject);
  }

  async dropNamespace(namespace: Namespace): Promise<void> {
    checkNamespace(namespace);
    // a 409 here means the namespace still holds something
    const mapping = { subject: `drop namespace ${formatNamespace(namespace)}`, conflict: "invalid-input" as const };
    this.require("dropNamespace", mapping);
    await this.http.send({ method: "DELETE", url: this.endpoints.namespace(namespace), mapping });
  }

  // --- tables ----------------------------------------------------------------------------------

  async listTables(namespace: Namespace): Promise<TableIdentifier[]> {
    checkNamespace(namespace);
    const mapping = { subject: `list tables in namespace ${formatNamespace(namespace)}` };
    this.require("listTables", mapping);
    const tables = await this.paginate(mapping, (pageToken) => this.endpoints.tables(namespace, { pageToken }), (json) => {
      const page = parseTablesPage(json, mapping.subject);
      return { items: page.identifiers, next: page.next };
    });
    return tables.sort((a, b) => compareText(a.name, b.name));
  }

  async createTable(identifier: TableIdentifier, options: CreateTableOptions): Promise<LoadedTable> {
    checkTableIdentifier(identifier);
    const mapping = { subject: `create table ${formatTableIdentifier(identifier)}`, conflict: "already-exists" as const };
    this.require("createTable", mapping);
    const response = await this.http.send({
      method: "POST",
      url: this.endpoints.tables(identifier.namespace),
      body: createTableRequest(identifier.name, options, false),
      mapping,
    });
    return this.loaded(identifier, parseLoadTableResult(requireBody(response, mapping), mapping.subject), mapping);
  }

  /**
   * Asks the server for a new table's first metadata without creating it (`stage-create`); a
   * commit with `assert-create` through `tableCommitter` creates it.
   */
  async stageCreateTable(identifier: TableIdentifier, options: CreateTableOptions): Promise<StagedTable> {
    checkTableIdentifier(identifier);
    const mapping = { subject: `stage-create table ${formatTableIdentifier(identifier)}`, conflict: "already-exists" as const };
    this.require("createTable", mapping);
    const response = await this.http.send({
      method: "POST",
      url: this.endpoints.tables(identifier.namespace),
      body: createTableRequest(identifier.name, options, true),
      mapping,
    });
    const result = parseLoadTableResult(requireBody(response, mapping), mapping.subject);
    return { identifier: copyIdentifier(identifier), metadata: result.metadata, io: this.tableIO(result.config) };
  }

  async loadTable(identifier: TableIdentifier): Promise<LoadedTable> {
    checkTableIdentifier(identifier);
    const mapping = { subject: `table ${formatTableIdentifier(identifier)}` };
    this.require("loadTable", mapping);
    const response = await this.http.send({ method: "GET", url: this.endpoints.table(identifier.namespace, identifier.name), mapping });
    return this.loaded(identifier, parseLoadTableResult(requireBody(response, mapping), mapping.subject), mapping);
  }

  /** The table, or undefined when the server answers 404 (no such table or namespace). */
  async loadTableIfExists(identifier: TableIdentifier): Promise<LoadedTable | undefined> {
    checkTableIdentifier(identifier);
    const mapping = { subject: `table ${formatTableIdentifier(identifier)}` };
    this.require("loadTable", mapping);
    const response = await this.http.send({ method: "GET", url: this.endpoints.table(identifier.namespace, identifier.name), mapping, accept: [404] });
    if (response.status === 404) return undefined;
    return this.loaded(identifier, parseLoadTableResult(requireBody(response, mapping), mapping.subject), mapping);
  }

  async tableExists(identifier: TableIdentifier): Promise<boolean> {
    checkTableIdentifier(identifier);
    const mapping = { subject: `table ${formatTableIdentifier(identifier)}` };
    const method = this.endpoints.supports("tableExists") ? "HEAD" : "GET";
    if (method === "GET") this.require("loadTable", mapping);
    const response = await this.http.send({ method, url: this.endpoints.table(identifier.namespace, identifier.name), mapping, accept: [404] });
    return response.status !== 404;
  }

  async dropTable(identifier: TableIdentifier, options: DropTableOptions = {}): Promise<void> {
    checkTableIdentifier(identifier);
    const mapping = { subject: `drop table ${formatTableIdentifier(identifier)}` };
    this.require("dropTable", mapping);
    const query = options.purge ? { purgeRequested: "true" } : {};
    await this.http.send({ method: "DELETE", url: this.endpoints.table(identifier.namespace, identifier.name, query), mapping });
  }

  async renameTable(from: TableIdentifier, to: TableIdentifier): Promise<void> {
    checkTableIdentifier(from);
    checkTableIdentifier(to);
    const mapping = { subject: `rename table ${formatTableIdentifier(from)} to ${formatTableIdentifier(to)}`, conflict: "already-exists" as const };
    this.require("renameTable", mapping);
    await this.http.send({ method: "POST", url: this.endpoints.rename(), body: { source: identifierToJson(from), destination: identifierToJson(to) }, mapping });
  }

  async registerTable(identifier: TableIdentifier, metadataLocation: string): Promise<LoadedTable> {
    checkTableIdentifier(identifier);
    const mapping = { subject: `register table ${formatTableIdentifier(identifier)} at ${metadataLocation}`, conflict: "already-exists" as const };
    this.require("registerTable", mapping);
    const response = await this.http.send({
      method: "POST",
      url: this.endpoints.register(identifier.namespace),
      body: { name: identifier.name, "metadata-location": metadataLocation },
      mapping,
    });
    return this.loaded(identifier, parseLoadTableResult(requireBody(response, mapping), mapping.subject), mapping);
  }

  // --- commits ---------------------------------------------------------------------------------

  tableCommitter(identifier: TableIdentifier): TableCommitter {
    checkTableIdentifier(identifier);
    return new RestTableCommitter(this, copyIdentifier(identifier));
  }

  /** Sends one table's requirements and updates; the committed table is what the server answers. */
  async commitTable(identifier: TableIdentifier, request: CommitRequest): Promise<CommittedTable> {
    const mapping = { subject: `commit to table ${formatTableIdentifier(identifier)}`, conflict: "commit-conflict" as const, commit: true };
    this.require("updateTable", mapping);
    const response = await this.http.send({
      method: "POST",
      url: this.endpoints.table(identifier.namespace, identifier.name),
      body: commitTableRequest(identifier, request),
      mapping,
    });
    return parseCommitTableResponse(requireBody(response, mapping), mapping.subject);
  }

  /**
   * `POST /v1/{prefix}/transactions/commit`. The server answers without the new metadata, so
   * each table is loaded afterwards (a commit landing in between would show there).
   */
  async commitTransaction(commits: readonly TableCommit[]): Promise<CommittedTable[]> {
    if (commits.length === 0) return [];
    for (const [i, commit] of commits.entries()) {
      checkTableIdentifier(commit.identifier);
      if (commits.findIndex((other) => sameIdentifier(other.identifier, commit.identifier)) !== i) {
        throw invalidInput(`table ${formatTableIdentifier(commit.identifier)} appears twice in one commit; merge its changes into one`, {
          table: formatTableIdentifier(commit.identifier),
        });
      }
    }
    const names = commits.map((commit) => formatTableIdentifier(commit.identifier)).join(", ");
    const mapping = { subject: `commit to tables ${names}`, conflict: "commit-conflict" as const, commit: true };
    this.require("commitTransaction", mapping);
    await this.http.send({
      method: "POST",
      url: this.endpoints.transactionCommit(),
      body: { "table-changes": commits.map((commit) => commitTableRequest(commit.identifier, commit)) },
      mapping,
    });
    const committed: CommittedTable[] = [];
    for (const commit of commits) {
      const table = await this.loadTable(commit.identifier);
      committed.push({ metadata: table.metadata, metadataLocation: table.metadataLocation });
    }
    return committed;
  }

  async close(): Promise<void> {
    for (const router of this.routers.values()) router.close();
    this.routers.clear();
  }

  // --- helpers ---------------------------------------------------------------------------------

  private require(endpoint: EndpointName, mapping: ErrorMapping): void {
    this.endpoints.require(endpoint, mapping.subject);
  }

  /** Every item of a paged list: follows `next-page-token` until a page has none. */
  private async paginate<T>(mapping: ErrorMapping, url: (pageToken?: string) => string, page: (json: unknown) => { items: T[]; next?: string }): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    for (;;) {
      const response = await this.http.send({ method: "GET", url: url(token), mapping });
      const { items: pageItems, next } = page(response.json ?? {});
      items.push(...pageItems);
      if (next === undefined) return items;
      if (seen.has(next)) throw new FloeError("malformed", `${mapping.subject}: the server returned the page token ${JSON.stringify(next)} twice`);
      seen.add(next);
      token = next;
    }
  }

  private loaded(identifier: TableIdentifier, result: LoadTableResult, mapping: ErrorMapping): LoadedTable {
    if (result.metadataLocation === undefined) throw new FloeError("malformed", `${mapping.subject}: the server's answer has no metadata-location`);
    return { identifier: copyIdentifier(identifier), metadata: result.metadata, metadataLocation: result.metadataLocation, io: this.tableIO(result.config) };
  }

  /** The FileIO for a table: the given one, or a router set up from catalog properties and the table's config. */
  private tableIO(config: Record<string, string>): FileIO {
    if (this.io !== undefined) return this.io;
    const properties = { ...this.properties, ...config };
    const key = JSON.stringify(Object.entries(properties).sort(([a], [b]) => compareText(a, b)));
    let router = this.routers.get(key);
    if (router === undefined) {
      router = new FileIORouter({ properties });
      this.routers.set(key, router);
    }
    return router;
  }
}

function copyIdentifier(identifier: TableIdentifier): TableIdentifier {
  return { namespace: [...identifier.namespace], name: identifier.name };
}

/** Code-unit order, the same on every machine. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

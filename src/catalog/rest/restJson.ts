/**
 * The JSON bodies of the REST catalog protocol that the client sends and reads: create-table
 * and commit requests, and the list, namespace, load-table and commit responses. Responses are
 * parsed losslessly and checked field by field; a field that is not what the protocol says is
 * a `malformed` FloeError naming the response and the field.
 */
import { JsonFields } from "../../table/spec/json.js";
import { partitionSpecToJson } from "../../table/spec/partitionSpec.js";
import { sortOrderToJson } from "../../table/spec/sortOrder.js";
import { parseTableMetadataJson, type TableMetadata } from "../../table/spec/tableMetadata.js";
import { schemaToJson } from "../../table/spec/typeJson.js";
import { FORMAT_VERSION_PROPERTY } from "../../table/transaction/NewTableAction.js";
import type { CommitRequest } from "../../table/transaction/TableCommitter.js";
import { tableRequirementToJson, tableUpdateToJson } from "../../table/transaction/updatesJson.js";
import type { CreateTableOptions, NamespacePropertiesUpdate, TableIdentifier } from "../Catalog.js";

/** A `LoadTableResult`: the metadata, where it is (absent for a staged table) and the table's config. */
export interface LoadTableResult {
  metadataLocation?: string;
  metadata: TableMetadata;
  config: Record<string, string>;
}

export function identifierToJson(identifier: TableIdentifier): Record<string, unknown> {
  return { namespace: [...identifier.namespace], name: identifier.name };
}

/** A `CreateTableRequest`; the format version travels as the `format-version` property. */
export function createTableRequest(name: string, options: CreateTableOptions, stage: boolean): Record<string, unknown> {
  const properties = { ...options.properties };
  if (options.formatVersion !== undefined) properties[FORMAT_VERSION_PROPERTY] = String(options.formatVersion);
  const body: Record<string, unknown> = { name, schema: schemaToJson(options.schema), "stage-create": stage, properties };
  if (options.location !== undefined) body.location = options.location;
  if (options.spec !== undefined) body["partition-spec"] = partitionSpecToJson(options.spec);
  if (options.sortOrder !== undefined) body["write-order"] = sortOrderToJson(options.sortOrder);
  return body;
}

/** A `CommitTableRequest`: requirements and updates, the table named. */
export function commitTableRequest(identifier: TableIdentifier, request: CommitRequest): Record<string, unknown> {
  return {
    identifier: identifierToJson(identifier),
    requirements: request.requirements.map(tableRequirementToJson),
    updates: request.updates.map(tableUpdateToJson),
  };
}

export function parseLoadTableResult(json: unknown, source: string): LoadTableResult {
  const obj = JsonFields.of(json, source);
  const metadataLocation = obj.optString("metadata-location");
  const result: LoadTableResult = {
    metadata: parseTableMetadataJson(obj.object("metadata").value, `${source}: metadata`),
    config: obj.optStringMap("config") ?? {},
  };
  if (metadataLocation !== undefined) result.metadataLocation = metadataLocation;
  return result;
}

/** A `CommitTableResponse`: both fields are required. */
export function parseCommitTableResponse(json: unknown, source: string): { metadataLocation: string; metadata: TableMetadata } {
  const obj = JsonFields.of(json, source);
  return { metadataLocation: obj.string("metadata-location"), metadata: parseTableMetadataJson(obj.object("metadata").value, `${source}: metadata`) };
}

/** One page of `ListNamespacesResponse`. */
export function parseNamespacesPage(json: unknown, source: string): { namespaces: string[][]; next?: string } {
  const obj = JsonFields.of(json, source);
  const namespaces = (obj.optArray("namespaces") ?? []).map((ns, i) => stringArray(obj, `namespaces[${i}]`, ns));
  return { namespaces, next: nextPageToken(obj) };
}

/** One page of `ListTablesResponse`. */
export function parseTablesPage(json: unknown, source: string): { identifiers: TableIdentifier[]; next?: string } {
  const obj = JsonFields.of(json, source);
  const identifiers = obj.optObjects("identifiers") ?? [];
  return {
    identifiers: identifiers.map((id) => ({ namespace: stringArray(id, "namespace", id.raw("namespace")), name: id.string("name") })),
    next: nextPageToken(obj),
  };
}

/** The `properties` of a `GetNamespaceResponse` or `CreateNamespaceResponse` (absent: none). */
export function parseNamespaceProperties(json: unknown, source: string): Record<string, string> {
  return JsonFields.of(json, source).optStringMap("properties") ?? {};
}

export function parseUpdateNamespacePropertiesResponse(json: unknown, source: string): NamespacePropertiesUpdate {
  const obj = JsonFields.of(json, source);
  const strings = (key: string) => (obj.optArray(key) ?? []).map((v, i) => (typeof v === "string" ? v : failString(obj, `${key}[${i}]`)));
  return { updated: strings("updated"), removed: strings("removed"), missing: strings("missing") };
}

function nextPageToken(obj: JsonFields): string | undefined {
  const token = obj.raw("next-page-token");
  if (token === undefined || token === null || token === "") return undefined;
  if (typeof token !== "string") throw obj.error("next-page-token", "must be a string");
  return token;
}

function stringArray(holder: JsonFields, key: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((level) => typeof level === "string")) throw holder.error(key, "must be an array of strings");
  return value as string[];
}

function failString(obj: JsonFields, key: string): never {
  throw obj.error(key, "must be a string");
}

/**
 * The catalog configuration a REST server hands out at `GET /v1/config`: the properties the
 * client ends up with (server `defaults`, then the client's own properties, then server
 * `overrides`) and the endpoints it supports (undefined when it sends none).
 */
import { JsonFields } from "../../table/spec/json.js";
import type { RestHttpClient } from "./RestHttpClient.js";
import { queryString } from "./restEndpoints.js";

export interface RestCatalogConfig {
  /** defaults < client properties < overrides. */
  properties: Record<string, string>;
  /** The `endpoints` list; undefined when the server sent none. */
  endpoints?: string[];
}

export async function fetchRestConfig(
  http: RestHttpClient,
  uri: string,
  clientProperties: Record<string, string>,
  warehouse: string | undefined,
): Promise<RestCatalogConfig> {
  const url = `${uri.replace(/\/+$/, "")}/v1/config${queryString({ warehouse })}`;
  const mapping = { subject: `catalog configuration from ${uri}` };
  const response = await http.send({ method: "GET", url, mapping });
  return mergeRestConfig(response.json ?? {}, clientProperties, mapping.subject);
}

/** The merged configuration from a `CatalogConfig` body. */
export function mergeRestConfig(json: unknown, clientProperties: Record<string, string>, source: string): RestCatalogConfig {
  const obj = JsonFields.of(json, source);
  const config: RestCatalogConfig = {
    properties: { ...(obj.optStringMap("defaults") ?? {}), ...clientProperties, ...(obj.optStringMap("overrides") ?? {}) },
  };
  const endpoints = obj.optArray("endpoints");
  if (endpoints !== undefined) {
    config.endpoints = endpoints.map((endpoint, i) => {
      if (typeof endpoint !== "string") throw obj.error(`endpoints[${i}]`, "must be a string");
      return endpoint;
    });
  }
  return config;
}

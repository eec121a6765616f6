/**
 * What a REST route handler gets and returns: handlers are plain async functions from a parsed
 * request to a status and JSON body, so they know nothing of `node:http`.
 */
import type { Catalog, TableIdentifier } from "../../Catalog.js";
import type { FileIO } from "../../../io/FileIO.js";
import type { JsonFields } from "../../../table/spec/json.js";
import type { Subject } from "./errors.js";
import type { LocationPolicy } from "./locations.js";
import type { PathParams } from "./router.js";

export interface RestContext {
  catalog: Catalog;
  /** The FileIO for table files (the catalog's). */
  io: FileIO;
  /** Where tables may be put. */
  locations: LocationPolicy;
  /** A new table's location when the request names none. */
  defaultTableLocation(identifier: TableIdentifier): Promise<string>;
}

export interface RestRequest {
  params: PathParams;
  query: URLSearchParams;
  /** The body as a JSON object (400 when it is not one); `what` names the request in errors. */
  json(what: string): Promise<JsonFields>;
  /** The body as `application/x-www-form-urlencoded` fields. */
  form(): Promise<URLSearchParams>;
}

export interface RestResponse {
  status: number;
  /** Undefined for an empty body (204). */
  body?: unknown;
}

export interface RouteHandler {
  /** What the route is about, so a 404 names the right exception type. */
  subject?: Subject;
  handle(request: RestRequest, context: RestContext): Promise<RestResponse>;
}

export const noContent = (): RestResponse => ({ status: 204 });
export const ok = (body: unknown): RestResponse => ({ status: 200, body });

/**
 * The namespace endpoints: list (with `parent` and pagination), create, load, exists (HEAD),
 * drop and update properties. A namespace's `location` property must stay in the warehouse,
 * since its tables go under it.
 */
import { isFloeError } from "../../../core/errors/FloeError.js";
import type { JsonFields } from "../../../table/spec/json.js";
import { stringArray } from "./bodies.js";
import { noSuchNamespace, parseInput, RestError } from "./errors.js";
import { checkNamespaceLevels, decodeNamespace } from "./names.js";
import { paginate } from "./pagination.js";
import { noContent, ok, type RestContext, type RouteHandler } from "./routeTypes.js";

const LOCATION_PROPERTY = "location";

function checkLocationProperty(properties: Record<string, string>, context: RestContext): void {
  const location = properties[LOCATION_PROPERTY];
  if (location !== undefined) context.locations.check(location, "namespace property location");
}

function stringMapOrEmpty(fields: JsonFields, key: string): Record<string, string> {
  return parseInput(() => fields.optStringMap(key) ?? {});
}

export const listNamespaces: RouteHandler = {
  async handle(request, { catalog }) {
    const parentText = request.query.get("parent");
    const parent = parentText === null || parentText === "" ? [] : decodeNamespace(parentText);
    if (parent.length > 0 && !(await catalog.namespaceExists(parent))) throw noSuchNamespace(parent);
    const page = paginate(await catalog.listNamespaces(parent), request.query);
    return ok({ namespaces: page.items, ...(page.nextPageToken ? { "next-page-token": page.nextPageToken } : {}) });
  },
};

export const createNamespace: RouteHandler = {
  async handle(request, context) {
    const body = await request.json("create namespace request");
    const namespace = stringArray(body, "namespace");
    checkNamespaceLevels(namespace);
    const properties = stringMapOrEmpty(body, "properties");
    checkLocationProperty(properties, context);
    await context.catalog.createNamespace(namespace, properties);
    return ok({ namespace, properties: await context.catalog.loadNamespaceProperties(namespace) });
  },
};

export const loadNamespace: RouteHandler = {
  async handle(request, { catalog }) {
    const namespace = decodeNamespace(request.params.namespace);
    return ok({ namespace, properties: await catalog.loadNamespaceProperties(namespace) });
  },
};

export const namespaceExists: RouteHandler = {
  async handle(request, { catalog }) {
    const namespace = decodeNamespace(request.params.namespace);
    if (!(await catalog.namespaceExists(namespace))) throw noSuchNamespace(namespace);
    return noContent();
  },
};

export const dropNamespace: RouteHandler = {
  async handle(request, { catalog }) {
    const namespace = decodeNamespace(request.params.namespace);
    try {
      await catalog.dropNamespace(namespace);
    } catch (error) {
      // the name was checked above, so the catalog refuses only a namespace that is not empty
      if (isFloeError(error, "invalid-input")) throw new RestError(409, "NamespaceNotEmptyException", error.message);
      throw error;
    }
    return noContent();
  },
};

export const updateNamespaceProperties: RouteHandler = {
  async handle(request, context) {
    const namespace = decodeNamespace(request.params.namespace);
    const body = await request.json("update namespace properties request");
    const removals = body.has("removals") ? stringArray(body, "removals") : [];
    const updates = stringMapOrEmpty(body, "updates");
    const both = removals.filter((key) => key in updates);
    if (both.length > 0) throw new RestError(422, "UnprocessableEntityException", `keys both removed and updated: ${both.join(", ")}`);
    checkLocationProperty(updates, context);
    const result = await context.catalog.updateNamespaceProperties(namespace, removals, updates);
    return ok({ updated: result.updated, removed: result.removed, missing: result.missing });
  },
};

/**
 * A small router: routes are a method and a path template (`/v1/namespaces/{namespace}`); a
 * path that matches no template is a 404, a template matched with another method a 405
 * naming the methods allowed.
 */
import { RestError } from "./errors.js";

/** Path parameters, percent-decoded. */
export type PathParams = Record<string, string>;

export interface Route<H> {
  method: string;
  template: string;
  handler: H;
}

interface CompiledRoute<H> extends Route<H> {
  segments: string[];
}

export interface RouteMatch<H> {
  route: Route<H>;
  params: PathParams;
}

export class Router<H> {
  private readonly routes: CompiledRoute<H>[] = [];

  add(method: string, template: string, handler: H): this {
    this.routes.push({ method, template, handler, segments: template.split("/").slice(1) });
    return this;
  }

  /** Every route as `METHOD template`, e.g. for the config endpoint's `endpoints` list. */
  list(): Route<H>[] {
    return this.routes.map(({ method, template, handler }) => ({ method, template, handler }));
  }

  /** The route for `method` and `path` (without the query), or a 404/405/400 RestError. */
  match(method: string, path: string): RouteMatch<H> {
    const segments = path.split("/").slice(1);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (params === undefined) continue;
      if (route.method === method) return { route, params };
      allowed.push(route.method);
    }
    if (allowed.length > 0) {
      throw new RestError(405, "MethodNotAllowedException", `method ${method} is not allowed on ${path}; allowed: ${allowed.join(", ")}`, {
        Allow: allowed.join(", "),
      });
    }
    throw new RestError(404, "NoSuchResourceException", `no such endpoint: ${method} ${path}`);
  }
}

function matchSegments(template: string[], actual: string[]): PathParams | undefined {
  if (template.length !== actual.length) return undefined;
  const params: PathParams = {};
  for (const [i, part] of template.entries()) {
    if (part.startsWith("{") && part.endsWith("}")) {
      params[part.slice(1, -1)] = decodeSegment(actual[i]);
    } else if (part !== actual[i]) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new RestError(400, "BadRequestException", `path segment ${JSON.stringify(segment)} is not valid percent-encoding`);
  }
}

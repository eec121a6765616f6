/**
 * `GET /v1/config`: the client's configuration — no prefix, nothing to override but the
 * list of endpoints this server serves, so clients do not call what is not there.
 */
import { ok, type RouteHandler } from "./routeTypes.js";

export function configRoute(endpoints: () => string[]): RouteHandler {
  return {
    async handle() {
      return ok({ defaults: {}, overrides: {}, endpoints: endpoints() });
    },
  };
}

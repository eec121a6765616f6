/**
 * `floe serve`: the Iceberg REST catalog over the configured catalog, until SIGINT/SIGTERM,
 * with one log line per request on stderr.
 */
import { InvalidArgumentError, type Command } from "commander";
import { FileIORouter } from "../../io/FileIORouter.js";
import { DEFAULT_HOST, DEFAULT_PORT, FloeServer } from "../../catalog/rest/server/FloeServer.js";
import type { CliContext } from "../main.js";

interface ServeOptions {
  host: string;
  port: number;
  token: string[];
  client: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `ID:SECRET` → a client of the OAuth2 token endpoint. */
function oauthClient(text: string): { id: string; secret: string } {
  const at = text.indexOf(":");
  if (at <= 0 || at === text.length - 1) throw new InvalidArgumentError(`expected CLIENT_ID:SECRET, got "${text.replace(/:.*/, ":…")}"`);
  return { id: text.slice(0, at), secret: text.slice(at + 1) };
}

/** A TCP port, 0 (any free port) to 65535. */
function portNumber(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError(`expected a port number from 0 to 65535, got "${value}"`);
  return n;
}

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command("serve")
    .description("serve the catalog over the Iceberg REST protocol (catalog URI http://HOST:PORT/iceberg)")
    .option("--host <host>", "address to listen on", DEFAULT_HOST)
    .option("--port <port>", "port to listen on (0: any free port)", portNumber, DEFAULT_PORT)
    .option("--token <token>", "require this bearer token (repeatable; also FLOE_SERVE_TOKENS, comma-separated)", collect, [])
    .option("--client <id:secret>", "accept this OAuth2 client at /iceberg/v1/oauth/tokens (repeatable; also FLOE_SERVE_CLIENTS)", collect, [])
    .addHelpText(
      "after",
      `
Clients use http://HOST:PORT/iceberg as the REST catalog URI, e.g. PyIceberg:
  load_catalog("floe", type="rest", uri="http://127.0.0.1:8181/iceberg")

Authentication is off unless tokens or clients are given; then every request needs
"Authorization: Bearer TOKEN" with a given token or one the token endpoint issued.

Examples:
  floe serve
  floe --catalog sqlite:warehouse/catalog.db --warehouse warehouse serve --port 9000`,
    )
    .action(async (options: ServeOptions) => {
      const config = await ctx.config();
      const io = new FileIORouter();
      const { openCatalog } = await import("../../catalog/openCatalog.js");
      const catalog = await openCatalog(config.catalog, { warehouse: config.warehouse, io });
      const fromEnv = (name: string) => (process.env[name] ?? "").split(",").map((t) => t.trim()).filter((t) => t !== "");
      const tokens = [...options.token, ...fromEnv("FLOE_SERVE_TOKENS")];
      const clients = [...options.client, ...fromEnv("FLOE_SERVE_CLIENTS")].map(oauthClient);
      const auth = tokens.length > 0 || clients.length > 0 ? { tokens, clients } : undefined;
      const server = new FloeServer({
        catalog,
        warehouse: config.warehouse,
        io,
        auth,
        log: (line) => ctx.stderr.write(`${new Date().toISOString()} ${line}\n`),
      });
      const port = await server.start({ host: options.host, port: options.port });
      ctx.stderr.write(
        `floe REST catalog on http://${options.host}:${port}/iceberg (catalog ${config.catalog}, warehouse ${config.warehouse}, authentication ${auth ? "on" : "off"})\n`,
      );
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await server.stop();
      await catalog.close();
    });
}

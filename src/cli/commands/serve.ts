/**
 * `floe serve`: the Iceberg REST catalog over the configured catalog, until SIGINT/SIGTERM,
 * with one log line per request on stderr.
 */
import { InvalidArgumentError, type Command } from "commander";
import { FileIORouter } from "../../io/FileIORouter.js";
import { DEFAULT_HOST, DEFAULT_PORT, FloeServer } from "../../server/FloeServer.js";
import type { CliContext } from "../main.js";

interface ServeOptions {
  host: string;
  port: number;
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
    .addHelpText(
      "after",
      `
Clients use http://HOST:PORT/iceberg as the REST catalog URI, e.g. PyIceberg:
  load_catalog("floe", type="rest", uri="http://127.0.0.1:8181/iceberg")

Examples:
  floe serve
  floe --catalog sqlite:warehouse/catalog.db --warehouse warehouse serve --port 9000`,
    )
    .action(async (options: ServeOptions) => {
      const config = await ctx.config();
      const io = new FileIORouter();
      const { openCatalog } = await import("../../catalog/openCatalog.js");
      const catalog = await openCatalog(config.catalog, { warehouse: config.warehouse, io });
      const server = new FloeServer({
        catalog,
        warehouse: config.warehouse,
        io,
        log: (line) => ctx.stderr.write(`${new Date().toISOString()} ${line}\n`),
      });
      const port = await server.start({ host: options.host, port: options.port });
      ctx.stderr.write(`floe REST catalog on http://${options.host}:${port}/iceberg (catalog ${config.catalog}, warehouse ${config.warehouse})\n`);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await server.stop();
      await catalog.close();
    });
}

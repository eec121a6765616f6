/**
 * floe's HTTP server: the Iceberg REST catalog (at `/iceberg`) over a catalog, on `node:http`.
 * `start` listens (port 0 picks a free port) and returns the port it got; `stop` closes the
 * listener and open connections. The catalog stays open: its owner closes it.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { restCatalogHandler, type RestCatalogOptions } from "./RestCatalogHandler.js";

export type FloeServerOptions = RestCatalogOptions;

export interface ListenOptions {
  /** Default 127.0.0.1: nothing outside the machine reaches an unauthenticated catalog unless asked. */
  host?: string;
  /** Default 8181; 0 picks a free port. */
  port?: number;
}

export const DEFAULT_HOST = "127.0.0.1";
export const DEFAULT_PORT = 8181;

export class FloeServer {
  private readonly server: http.Server;

  constructor(options: FloeServerOptions) {
    this.server = http.createServer(restCatalogHandler(options));
  }

  /** Starts listening; resolves to the port actually bound. */
  async start(options: ListenOptions = {}): Promise<number> {
    const host = options.host ?? DEFAULT_HOST;
    const port = options.port ?? DEFAULT_PORT;
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) => reject(error);
      this.server.once("error", onError);
      this.server.listen(port, host, () => {
        this.server.off("error", onError);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
    this.server.closeAllConnections();
    await closed;
  }
}

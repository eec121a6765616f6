// NATS with JetStream: Debian's nats-server, or one built from the Go module proxy where Debian has none.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { host, ports, stackDir } from "../env.mjs";
import { StackError, run, runningPid, startDetached, stopService, which } from "../lib/process.mjs";

/** Built into .stack/bin only when the system has no nats-server package. */
const goModuleVersion = "v2.15.2";
const home = path.join(stackDir, "nats");
const builtBinary = path.join(stackDir, "bin", "nats-server");
const signature = "nats-server";

function binary() {
  return which("nats-server") ?? (which(builtBinary) ? builtBinary : undefined);
}

async function debianHasPackage() {
  if (!which("apt-cache")) return false;
  try {
    const policy = await run("apt-cache", ["policy", "nats-server"]);
    return /Candidate: (?!\(none\))/.test(policy);
  } catch {
    return false;
  }
}

export const natsService = {
  name: "nats",
  port: ports.nats,
  otherPorts: [ports.natsMonitor],
  address: `${host}:${ports.nats}`,

  async aptPackages() {
    if (binary()) return [];
    if (await debianHasPackage()) return ["nats-server"];
    return which("go") ? [] : ["golang-go"];
  },

  async install(ctx) {
    if (binary()) return;
    ctx.progress(`go install nats-server ${goModuleVersion}`);
    await run(which("go"), ["install", "-trimpath", "-ldflags=-s -w", `github.com/nats-io/nats-server/v2@${goModuleVersion}`], {
      env: { ...process.env, GOBIN: path.dirname(builtBinary), CGO_ENABLED: "0" },
    });
  },

  runningPid() {
    return runningPid(this.name, signature);
  },

  async start() {
    fs.mkdirSync(home, { recursive: true });
    const args = ["-a", host, "-p", String(ports.nats), "-m", String(ports.natsMonitor), "-js", "-sd", home, "-n", "floe-stack"];
    startDetached(this.name, binary(), args, { cwd: home });
  },

  /** The monitoring endpoint's /healthz answers ok once JetStream is up. */
  health() {
    return new Promise((resolve, reject) => {
      const request = http.get({ host, port: ports.natsMonitor, path: "/healthz", timeout: 2000 }, (response) => {
        let body = "";
        response.on("data", (chunk) => (body += chunk));
        response.on("end", () => {
          if (response.statusCode === 200 && body.includes('"ok"')) resolve();
          else reject(new StackError(`nats: /healthz answered ${response.statusCode} ${body.trim()}`));
        });
      });
      request.on("timeout", () => request.destroy(new Error("no answer within 2s")));
      request.on("error", reject);
    });
  },

  async ready() {},

  stop() {
    return stopService(this.name, signature);
  },
};

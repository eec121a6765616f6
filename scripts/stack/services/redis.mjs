// Redis: its own config and data under .stack/redis, no persistence.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { host, ports, stackDir } from "../env.mjs";
import { StackError, runningPid, startDetached, stopService, which } from "../lib/process.mjs";

const home = path.join(stackDir, "redis");
const configFile = path.join(home, "redis.conf");
const signature = "redis-server";

export const redisService = {
  name: "redis",
  port: ports.redis,
  address: `${host}:${ports.redis}`,

  async aptPackages() {
    return which("redis-server") ? [] : ["redis-server"];
  },

  async install() {},

  runningPid() {
    return runningPid(this.name, signature);
  },

  async start() {
    fs.mkdirSync(home, { recursive: true });
    fs.writeFileSync(
      configFile,
      [
        `bind ${host}`,
        "protected-mode yes",
        `port ${ports.redis}`,
        "daemonize no",
        `dir ${home}`,
        'save ""',
        "appendonly no",
        "databases 16",
        "loglevel notice",
        "",
      ].join("\n"),
    );
    startDetached(this.name, which("redis-server"), [configFile], { cwd: home });
  },

  async health() {
    const reply = await command(`PING`);
    if (!reply.startsWith("+PONG")) throw new StackError(`redis: PING answered ${JSON.stringify(reply.trim())}`);
  },

  async ready() {},

  stop() {
    return stopService(this.name, signature);
  },
};

/** Sends one inline command and resolves with the first reply line. */
function command(text) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port: ports.redis });
    let reply = "";
    socket.setTimeout(2000, () => {
      socket.destroy();
      reject(new Error("no reply within 2s"));
    });
    socket.once("connect", () => socket.write(`${text}\r\n`));
    socket.on("data", (chunk) => {
      reply += chunk.toString("utf8");
      if (reply.includes("\r\n")) {
        socket.end();
        resolve(reply);
      }
    });
    socket.once("error", reject);
  });
}

// PostgreSQL: a private cluster under .stack/postgres, trust auth on loopback, database `floe`.
import fs from "node:fs";
import path from "node:path";
import { host, ports, postgres as settings, stackDir } from "../env.mjs";
import { StackError, isAlive, logFile, pidFile, run, runningPid, startDetached, stopService } from "../lib/process.mjs";
import { findPostgresBin, isRoot, systemUser } from "../lib/system.mjs";

const home = path.join(stackDir, "postgres");
const dataDir = path.join(home, "data");
const postmasterPidFile = path.join(dataDir, "postmaster.pid");
const signature = "postgres";

/** Root may not run PostgreSQL: the cluster belongs to the `postgres` system user then. */
function owner() {
  if (!isRoot) return {};
  const user = systemUser("postgres");
  if (!user) throw new StackError("postgres: running as root and there is no `postgres` system user to own the cluster");
  return user;
}

function bin(name) {
  const dir = findPostgresBin();
  if (!dir) throw new StackError("postgres: no PostgreSQL server binaries found");
  return path.join(dir, name);
}

export const postgresService = {
  name: "postgres",
  port: ports.postgres,
  address: `${host}:${ports.postgres}`,

  async aptPackages() {
    return findPostgresBin() ? [] : ["postgresql"];
  },

  async install() {},

  runningPid() {
    return runningPid(this.name, signature);
  },

  /**
   * postmaster.pid names the server running on this cluster. If that server still runs
   * while our pid file was lost, it is ours: record it rather than start a second one.
   */
  adopt() {
    try {
      const postmaster = Number.parseInt(fs.readFileSync(postmasterPidFile, "utf8").split("\n")[0], 10);
      if (Number.isInteger(postmaster) && isAlive(postmaster)) fs.writeFileSync(pidFile(this.name), `${postmaster}\n`);
    } catch {
      // no server has run on this cluster, or it left no pid
    }
    return this.runningPid();
  },

  async start(ctx) {
    const user = owner();
    fs.mkdirSync(home, { recursive: true });
    if (user.uid !== undefined) fs.chownSync(home, user.uid, user.gid);
    if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) {
      ctx.progress("initdb");
      fs.rmSync(dataDir, { recursive: true, force: true });
      await run(bin("initdb"), ["-D", dataDir, "-U", settings.user, "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-sync"], {
        ...user,
        cwd: home,
        logFile: logFile(this.name),
      });
      fs.appendFileSync(
        path.join(dataDir, "postgresql.conf"),
        [
          "",
          "# floe dev stack: loopback only, TCP only, tuned for tests not durability",
          `listen_addresses = '${host}'`,
          `port = ${ports.postgres}`,
          "unix_socket_directories = ''",
          "max_connections = 200",
          "fsync = off",
          "synchronous_commit = off",
          "full_page_writes = off",
          "max_prepared_transactions = 20",
          "",
        ].join("\n"),
      );
    }
    // A postmaster.pid left by a killed server would stop the new one from starting.
    fs.rmSync(postmasterPidFile, { force: true });
    startDetached(this.name, bin("postgres"), ["-D", dataDir], { ...user, cwd: home });
  },

  async health() {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ host, port: ports.postgres, user: settings.user, database: "postgres", connectionTimeoutMillis: 2000 });
    await client.connect();
    try {
      await client.query("select 1");
    } finally {
      await client.end();
    }
  },

  async ready() {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ host, port: ports.postgres, user: settings.user, database: "postgres" });
    await client.connect();
    try {
      const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [settings.database]);
      if (rowCount === 0) await client.query(`create database ${settings.database}`);
    } finally {
      await client.end();
    }
  },

  stop() {
    // SIGINT is PostgreSQL's fast shutdown: it does not wait for clients to disconnect.
    return stopService(this.name, signature, { signal: "SIGINT" });
  },
};

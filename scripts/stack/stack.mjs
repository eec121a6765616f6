#!/usr/bin/env node
// The dev stack: the real services the stack tests run against, on loopback, with all state in .stack/.
//
//   node scripts/stack/stack.mjs up       install what is missing, start what is not running, wait until healthy
//   node scripts/stack/stack.mjs down     stop what `up` started
//   node scripts/stack/stack.mjs status   one line per service
//   node scripts/stack/stack.mjs env      the connection settings as `export FLOE_TEST_...=...` lines
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { exportLines, stackDefaults, stackDir } from "./env.mjs";
import { StackError, isAlive, logFile, portOpen, tailFile, waitUntil } from "./lib/process.mjs";
import { aptInstall } from "./lib/system.mjs";
import { kafkaService } from "./services/kafka.mjs";
import { natsService } from "./services/nats.mjs";
import { postgresService } from "./services/postgres.mjs";
import { pythonEnvironment } from "./services/python.mjs";
import { redisService } from "./services/redis.mjs";
import { s3Service } from "./services/s3.mjs";

/** Servers, each with how long it may take from its start to a healthy answer. */
const servers = [
  { service: postgresService, healthTimeoutMs: 60_000 },
  { service: redisService, healthTimeoutMs: 20_000 },
  { service: natsService, healthTimeoutMs: 30_000 },
  { service: kafkaService, healthTimeoutMs: 120_000 },
  { service: s3Service, healthTimeoutMs: 30_000 },
];
const environments = [pythonEnvironment];
const nameWidth = Math.max(...[...servers.map((s) => s.service), ...environments].map((s) => s.name.length));

// The AWS SDK warns on every run that its future releases will need a newer Node; that is not news here.
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  const text = `${warning.name}: ${warning.message}`;
  if (!text.includes("NodeVersionSupportWarning")) console.error(text);
});

const startedAt = Date.now();
const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;

function say(name, message) {
  const clock = `[${seconds(Date.now() - startedAt).padStart(7)}]`;
  console.log(`${clock} ${name.padEnd(nameWidth)}  ${message}`);
}

/** Whether a check passes right now (one try, no waiting). */
async function passes(check) {
  try {
    await check();
    return true;
  } catch {
    return false;
  }
}

// ---- one stack command at a time ------------------------------------------------------------

const lockFile = path.join(stackDir, "stack.lock");

async function withLock(action) {
  fs.mkdirSync(stackDir, { recursive: true });
  let waited = false;
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: "wx" });
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      const holder = Number.parseInt(fs.readFileSync(lockFile, "utf8"), 10);
      if (!Number.isInteger(holder) || !isAlive(holder)) {
        fs.rmSync(lockFile, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new StackError(`another stack command (pid ${holder}) still holds ${lockFile}`);
      if (!waited) say("stack", `waiting for another stack command (pid ${holder}) to finish`);
      waited = true;
      await sleep(500);
    }
  }
  try {
    return await action();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}

// ---- up ------------------------------------------------------------------------------------

async function up() {
  // Fast path: everything already runs and answers.
  const serverStates = await Promise.all(
    servers.map(async ({ service }) => service.runningPid() !== undefined && (await passes(() => service.health()))),
  );
  const environmentStates = environments.map((environment) => environment.installed());
  if ([...serverStates, ...environmentStates].every(Boolean)) {
    for (const { service } of servers) say(service.name, `running on ${service.address} (pid ${service.runningPid()})`);
    for (const environment of environments) say(environment.name, `ready: ${environment.address}`);
    say("stack", `up, nothing to do (${seconds(Date.now() - startedAt)})`);
    return 0;
  }

  // Debian packages for everything missing: one apt-get update and one apt-get install.
  const work = [
    ...servers.map(({ service, healthTimeoutMs }, i) => ({ item: service, healthTimeoutMs, ok: serverStates[i] })),
    ...environments.map((environment, i) => ({ item: environment, ok: environmentStates[i] })),
  ];
  for (const entry of work) entry.packages = entry.ok ? [] : await entry.item.aptPackages();
  const packages = [...new Set(work.flatMap((entry) => entry.packages))];
  let apt;
  const aptDone = () => {
    apt ??= (async () => {
      const began = Date.now();
      await aptInstall(packages, (message) => say("apt", message));
      say("apt", `installed ${packages.join(" ")} in ${seconds(Date.now() - began)}`);
    })();
    return apt;
  };
  // Started at once; each service that needs a package waits for it (and reports its failure).
  if (packages.length > 0) aptDone().catch(() => {});

  // Each service goes its own way at once: install, start, wait until healthy, finish its setup.
  const results = await Promise.allSettled(work.map((entry) => bringUp(entry, aptDone)));
  const failures = results.map((result, i) => ({ result, item: work[i].item })).filter(({ result }) => result.status === "rejected");
  if (failures.length === 0) {
    say("stack", `up in ${seconds(Date.now() - startedAt)}`);
    return 0;
  }
  for (const { item, result } of failures) report(item, result.reason);
  console.error(`stack: up failed for ${failures.map(({ item }) => item.name).join(", ")}`);
  return 1;
}

async function bringUp({ item, healthTimeoutMs, ok, packages }, aptDone) {
  const progress = (message) => say(item.name, message);
  if (ok) {
    progress(item.environment ? `ready: ${item.address}` : `running on ${item.address} (pid ${item.runningPid()})`);
    return;
  }
  if (packages.length > 0) await aptDone();

  const installStarted = Date.now();
  await item.install({ progress });
  const installTime = Date.now() - installStarted;
  if (installTime > 1000) progress(`installed in ${seconds(installTime)}`);

  if (item.environment) {
    await item.health();
    progress(`ready: ${item.address}`);
    return;
  }

  const launched = Date.now();
  let pid = item.runningPid();
  if (pid === undefined && (pid = item.adopt?.()) !== undefined) {
    progress(`found running (pid ${pid}) without its pid file; recorded it`);
  } else if (pid === undefined) {
    for (const port of [item.port, ...(item.otherPorts ?? [])]) {
      if (await portOpen(port)) {
        throw new StackError(`port ${port} is taken by a process this stack did not start (see \`ss -ltnp 'sport = :${port}'\`)`, { log: null });
      }
    }
    await item.start({ progress });
    pid = item.runningPid();
    if (pid === undefined) throw new StackError("the process exited right after it started");
    progress(`started (pid ${pid}), waiting for a healthy answer`);
  } else {
    progress(`running (pid ${pid}) but not answering yet, waiting`);
  }
  await waitUntil(() => item.health(), { timeoutMs: healthTimeoutMs, pid, what: "health check" });
  await item.ready({ progress });
  progress(`healthy on ${item.address} in ${seconds(Date.now() - launched)}`);
}

function report(item, error) {
  console.error(`\n✗ ${item.name}: ${error?.message ?? error}`);
  if (error?.detail) console.error(`--- command output:\n${error.detail}`);
  if (error?.log === null) return;
  const log = error?.log ?? logFile(item.name);
  const tail = tailFile(log, 40, "\n---- ");
  if (tail) console.error(`--- last lines of ${path.relative(process.cwd(), log)}:\n${tail}`);
  if (!(error instanceof StackError) && error?.stack) console.error(error.stack);
}

// ---- down, status, env ---------------------------------------------------------------------

async function down() {
  const results = await Promise.allSettled(
    servers.map(async ({ service }) => {
      const began = Date.now();
      const outcome = await service.stop();
      say(service.name, outcome === "not running" ? "not running" : `${outcome} in ${seconds(Date.now() - began)}`);
    }),
  );
  const failed = results.filter((result) => result.status === "rejected");
  for (const failure of failed) console.error(`stack: ${failure.reason?.message ?? failure.reason}`);
  say("stack", failed.length === 0 ? "down" : "down with errors");
  return failed.length === 0 ? 0 : 1;
}

async function status() {
  const lines = await Promise.all(
    servers.map(async ({ service }) => {
      const pid = service.runningPid();
      if (pid === undefined) return [service.name, "stopped", service.address, ""];
      const answering = await portOpen(service.port);
      return [service.name, answering ? "running" : "not answering", service.address, `pid ${pid}`];
    }),
  );
  for (const environment of environments) {
    lines.push([environment.name, environment.installed() ? "ready" : "missing", environment.address, ""]);
  }
  const widths = [0, 1, 2].map((column) => Math.max(...lines.map((line) => line[column].length)));
  for (const line of lines) console.log(line.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]) : cell)).join("  ").trimEnd());
  return 0;
}

function env() {
  for (const line of exportLines(stackDefaults())) console.log(line);
  return 0;
}

// ---- main ----------------------------------------------------------------------------------

const commands = { up: () => withLock(up), down: () => withLock(down), status, env };
const command = process.argv[2];
if (!(command in commands)) {
  console.error(`usage: node scripts/stack/stack.mjs ${Object.keys(commands).join("|")}${command ? ` (unknown command "${command}")` : ""}`);
  process.exit(2);
}
try {
  process.exitCode = await commands[command]();
} catch (error) {
  console.error(`stack: ${error?.message ?? error}`);
  if (error?.detail) console.error(error.detail);
  process.exitCode = 1;
}

// Running commands, starting detached servers, and tracking them by pid file.
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { stackDir } from "../env.mjs";

export const logDir = path.join(stackDir, "logs");

export class StackError extends Error {
  /**
   * @param {string} message
   * @param {{ log?: string | null, detail?: string }} [extra] the log to show the tail of (null: none), command output
   */
  constructor(message, extra = {}) {
    super(message);
    this.name = "StackError";
    this.log = extra.log;
    this.detail = extra.detail;
  }
}

/**
 * Runs a command to completion. Resolves with its output; rejects with a
 * StackError carrying the tail of the output when it exits non-zero.
 * `logFile` appends the output there as well.
 */
export function run(command, args, options = {}) {
  const { cwd, env, uid, gid, logFile, input } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: env ?? process.env,
      uid,
      gid,
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    const chunks = [];
    if (logFile) fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const log = logFile ? fs.createWriteStream(logFile, { flags: "a" }) : undefined;
    log?.on("error", () => {});
    const collect = (chunk) => {
      chunks.push(chunk);
      log?.write(chunk);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    if (input !== undefined) child.stdin.end(input);
    child.on("error", (error) => {
      log?.end();
      reject(new StackError(`cannot run ${command}: ${error.message}`));
    });
    child.on("close", (code, signal) => {
      log?.end();
      const output = Buffer.concat(chunks).toString("utf8");
      if (code === 0) resolve(output);
      else {
        const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
        reject(new StackError(`${[command, ...args].join(" ")} ${how}`, { detail: lastLines(output, 30) }));
      }
    });
  });
}

/** Whether a command is on the PATH (or an absolute path that exists). */
export function which(command) {
  if (command.includes("/")) return isExecutable(command) ? command : undefined;
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function pidFile(service) {
  return path.join(stackDir, `${service}.pid`);
}

export function logFile(service) {
  return path.join(logDir, `${service}.log`);
}

/**
 * Starts a long-running server that outlives this process: its own session,
 * stdio to .stack/logs/<service>.log, its pid in .stack/<service>.pid.
 */
export function startDetached(service, command, args, options = {}) {
  fs.mkdirSync(logDir, { recursive: true });
  const log = logFile(service);
  fs.appendFileSync(log, `\n---- ${new Date().toISOString()} ${[command, ...args].join(" ")}\n`);
  const fd = fs.openSync(log, "a");
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      uid: options.uid,
      gid: options.gid,
      detached: true,
      stdio: ["ignore", fd, fd],
    });
    child.on("error", () => {});
    if (child.pid === undefined) throw new StackError(`${service}: cannot start ${command}`, { log });
    child.unref();
    fs.writeFileSync(pidFile(service), `${child.pid}\n`);
    return child.pid;
  } finally {
    fs.closeSync(fd);
  }
}

export function readPid(service) {
  try {
    const pid = Number.parseInt(fs.readFileSync(pidFile(service), "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if (error.code !== "EPERM") return false;
  }
  // A zombie (exited, not yet reaped) is not running.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true;
  }
}

/** The command line of a process, or undefined where /proc cannot tell. */
function commandLine(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return undefined;
  }
}

/**
 * The pid recorded for a service if that process still runs and is the
 * server we started (its command line contains `signature`), else undefined.
 */
export function runningPid(service, signature) {
  const pid = readPid(service);
  if (pid === undefined || !isAlive(pid)) return undefined;
  const cmdline = commandLine(pid);
  if (cmdline !== undefined && signature && !cmdline.includes(signature)) return undefined;
  return pid;
}

/**
 * Stops the process recorded for a service with `signal`, escalating to
 * SIGKILL after `graceMs`, and removes its pid file. Returns what it did.
 */
export async function stopService(service, signature, { signal = "SIGTERM", graceMs = 30_000 } = {}) {
  const pid = runningPid(service, signature);
  if (pid === undefined) {
    fs.rmSync(pidFile(service), { force: true });
    return "not running";
  }
  process.kill(pid, signal);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) break;
    await sleep(100);
  }
  let how = "stopped";
  if (isAlive(pid)) {
    process.kill(pid, "SIGKILL");
    while (isAlive(pid)) await sleep(50);
    how = `killed (no exit within ${graceMs / 1000}s of ${signal})`;
  }
  fs.rmSync(pidFile(service), { force: true });
  return how;
}

/** Whether something accepts TCP connections on host:port. */
export function portOpen(port, host = "127.0.0.1", timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * Polls `check` until it resolves, failing when `timeoutMs` passes or when
 * `pid` (if given) exits first. The last error is in the failure message.
 */
export async function waitUntil(check, { timeoutMs, intervalMs = 250, pid, what }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      lastError = error;
    }
    if (pid !== undefined && !isAlive(pid)) {
      throw new StackError(`${what}: the process exited (${lastError?.message ?? "no answer"})`);
    }
    if (Date.now() > deadline) {
      throw new StackError(`${what}: no healthy answer within ${timeoutMs / 1000}s (${lastError?.message ?? "no answer"})`);
    }
    await sleep(intervalMs);
  }
}

export function lastLines(text, count) {
  const lines = text.trimEnd().split("\n");
  return lines.slice(-count).join("\n");
}

/** The last `count` lines of a file; with `since`, only those after the last occurrence of that marker. */
export function tailFile(file, count = 40, since) {
  try {
    const size = fs.statSync(file).size;
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    const fd = fs.openSync(file, "r");
    try {
      fs.readSync(fd, buffer, 0, length, size - length);
    } finally {
      fs.closeSync(fd);
    }
    let text = buffer.toString("utf8");
    if (since && text.lastIndexOf(since) >= 0) text = text.slice(text.lastIndexOf(since) + 1);
    return lastLines(text, count);
  } catch {
    return "";
  }
}

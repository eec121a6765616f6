/**
 * Runs a writer script of this folder as a separate OS process (`node --import tsx`) and
 * collects what it reports: its stdout lines as they come, its stderr, and how it ended.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { projectRoot } from "../../../scripts/stack/env.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

export interface WriterExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WriterProcess {
  child: ChildProcess;
  /** Every complete stdout line so far. */
  readonly lines: string[];
  stderr(): string;
  /** Resolves with the first line (already seen or still to come) that `match` accepts; rejects when the process ends first. */
  waitForLine(match: (line: string) => boolean): Promise<string>;
  exited: Promise<WriterExit>;
}

/** Starts `test/support/writers/<script>` with `args`. */
export function startWriter(script: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): WriterProcess {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(here, script), ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void; reject: (error: Error) => void }[] = [];
  let partial = "";
  let stderr = "";
  let closed = false;
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    partial += chunk;
    let newline: number;
    while ((newline = partial.indexOf("\n")) >= 0) {
      const line = partial.slice(0, newline);
      partial = partial.slice(newline + 1);
      lines.push(line);
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i].match(line)) {
          waiters[i].resolve(line);
          waiters.splice(i, 1);
        }
      }
    }
  });
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<WriterExit>((resolve) => {
    child.on("close", (code, signal) => {
      closed = true;
      for (const waiter of waiters.splice(0)) {
        waiter.reject(new Error(`${script} ended (code ${code}, signal ${signal}) before the expected line; stderr:\n${stderr}`));
      }
      resolve({ code, signal });
    });
  });
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitForLine(match) {
      const seen = lines.find(match);
      if (seen !== undefined) return Promise.resolve(seen);
      if (closed) {
        return Promise.reject(new Error(`${script} ended before the expected line; stderr:\n${stderr}`));
      }
      return new Promise((resolve, reject) => waiters.push({ match, resolve, reject }));
    },
  };
}

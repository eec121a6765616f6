import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
/** Scratch space for generated tables; git-ignored. */
export const WORK_DIR = path.join(PROJECT_ROOT, "bench", ".work");

export function workDir(name: string, fresh = true): string {
  const dir = path.join(WORK_DIR, name);
  if (fresh) fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The dev stack's Python (PyIceberg, pyarrow); `npm run stack -- up` installs it. */
export function stackPython(): string {
  const python = process.env.FLOE_TEST_PYTHON ?? path.join(PROJECT_ROOT, ".stack", "venv", "bin", "python");
  if (!fs.existsSync(python)) {
    throw new Error(`no Python with PyIceberg at ${python}: run \`npm run stack -- up\` first (or set FLOE_TEST_PYTHON)`);
  }
  return python;
}

/** Runs a Python snippet with the stack's Python and returns what it printed as JSON. */
export function runPython<T>(code: string, args: string[] = []): T {
  const out = execFileSync(stackPython(), ["-c", code, ...args], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const last = out.trim().split("\n").pop()!;
  return JSON.parse(last) as T;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export async function timeMs(work: () => Promise<unknown> | unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function machineLine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

/** Prints a result block in the form docs/benchmarks.md keeps. */
export function report(title: string, command: string, rows: [string, string][], notes: string[] = []): void {
  const lines = [`### ${title}`, "", `\`${command}\` — ${machineLine()}`, "", "| measure | value |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`)];
  if (notes.length) lines.push("", ...notes);
  console.log(lines.join("\n") + "\n");
}

// Debian packages and the toolchains (Java, Maven, Go, Python) the services are installed with.
import fs from "node:fs";
import path from "node:path";
import { StackError, logFile, logDir, run, which } from "./process.mjs";

const policyFile = "/usr/sbin/policy-rc.d";

export const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

/**
 * Installs Debian packages in one `apt-get update` and one `apt-get install`.
 * While it runs, a policy-rc.d (when none exists) keeps the packages' own
 * services (a default PostgreSQL on 5432, Redis on 6379, ...) from starting:
 * the stack runs its own instances on its own ports.
 */
export async function aptInstall(packages, progress) {
  if (packages.length === 0) return;
  if (!which("apt-get")) throw new StackError(`apt: missing packages ${packages.join(" ")} and no apt-get to install them`);
  const sudo = isRoot ? [] : which("sudo") ? ["sudo", "-n"] : undefined;
  if (!sudo) throw new StackError(`apt: missing packages ${packages.join(" ")}; install them as root`);
  fs.mkdirSync(logDir, { recursive: true });
  const log = logFile("apt");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const apt = (args) =>
    sudo.length ? run(sudo[0], [...sudo.slice(1), "env", "DEBIAN_FRONTEND=noninteractive", "apt-get", ...args], { logFile: log }) : run("apt-get", args, { env, logFile: log });

  let placedPolicy = false;
  if (isRoot && !fs.existsSync(policyFile)) {
    fs.writeFileSync(policyFile, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
    placedPolicy = true;
  }
  try {
    progress(`apt-get update`);
    await apt(["update", "-q"]);
    progress(`apt-get install ${packages.join(" ")}`);
    await apt(["install", "-y", "-q", "--no-install-recommends", ...packages]);
  } finally {
    if (placedPolicy) fs.rmSync(policyFile, { force: true });
  }
}

/** The major version of a `java` binary, or undefined when it cannot run. */
export async function javaMajorVersion(java) {
  try {
    const output = await run(java, ["-version"]);
    const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
    if (!match) return undefined;
    const major = Number(match[1]);
    return major === 1 ? Number(match[2]) : major;
  } catch {
    return undefined;
  }
}

/** A Java of at least `minimum`: JAVA_HOME, the PATH, then the JDKs under /usr/lib/jvm. */
export async function findJava(minimum) {
  const candidates = [];
  if (process.env.JAVA_HOME) candidates.push(path.join(process.env.JAVA_HOME, "bin", "java"));
  const onPath = which("java");
  if (onPath) candidates.push(onPath);
  try {
    for (const jdk of fs.readdirSync("/usr/lib/jvm").sort().reverse()) candidates.push(path.join("/usr/lib/jvm", jdk, "bin", "java"));
  } catch {
    // no JVMs installed there
  }
  for (const java of candidates) {
    if (!which(java)) continue;
    const major = await javaMajorVersion(java);
    if (major !== undefined && major >= minimum) return java;
  }
  return undefined;
}

/** The bin folder of the newest PostgreSQL server installed the Debian way, or one on the PATH. */
export function findPostgresBin() {
  const root = "/usr/lib/postgresql";
  try {
    const versions = fs
      .readdirSync(root)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const bin = path.join(root, version, "bin");
      if (which(path.join(bin, "initdb")) && which(path.join(bin, "postgres"))) return bin;
    }
  } catch {
    // not installed the Debian way
  }
  const initdb = which("initdb");
  return initdb && which("pg_ctl") ? path.dirname(fs.realpathSync(initdb)) : undefined;
}

/** A Python 3 that can create virtual environments with pip, or undefined. */
export async function findPython() {
  for (const candidate of ["python3", "/usr/bin/python3"]) {
    const python = which(candidate);
    if (!python) continue;
    try {
      await run(python, ["-c", "import sys, venv, ensurepip; assert sys.version_info >= (3, 10)"]);
      return python;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

/** The uid and gid of a system user, from /etc/passwd. */
export function systemUser(name) {
  try {
    for (const line of fs.readFileSync("/etc/passwd", "utf8").split("\n")) {
      const [user, , uid, gid] = line.split(":");
      if (user === name) return { uid: Number(uid), gid: Number(gid) };
    }
  } catch {
    // no passwd file
  }
  return undefined;
}

// A Python virtual environment with PyIceberg and PyArrow: a second Iceberg implementation for interoperability tests.
import fs from "node:fs";
import path from "node:path";
import { pythonPath, stackDir } from "../env.mjs";
import { StackError, logFile, run, which } from "../lib/process.mjs";
import { findPython } from "../lib/system.mjs";

// pyiceberg-core brings the Rust transforms PyIceberg needs to write bucket, truncate and time partitions.
export const requirements = ["pyiceberg[pyarrow,sql-sqlite,sql-postgres,pyiceberg-core]==0.12.0"];
const venvDir = path.join(stackDir, "venv");
const marker = path.join(venvDir, ".floe-requirements");

function installed() {
  try {
    return which(pythonPath) !== undefined && fs.readFileSync(marker, "utf8").trim() === requirements.join(" ");
  } catch {
    return false;
  }
}

export const pythonEnvironment = {
  name: "python",
  address: path.relative(process.cwd(), pythonPath) || pythonPath,
  environment: true,

  async aptPackages() {
    return installed() || (await findPython()) ? [] : ["python3", "python3-venv"];
  },

  async install(ctx) {
    if (installed()) return;
    const python = await findPython();
    if (!python) throw new StackError("python: no Python 3.10 or newer with venv and ensurepip");
    if (!which(pythonPath)) {
      ctx.progress(`creating the virtual environment with ${python}`);
      fs.rmSync(venvDir, { recursive: true, force: true });
      await run(python, ["-m", "venv", venvDir], { logFile: logFile(this.name) });
    }
    ctx.progress(`pip install ${requirements.join(" ")}`);
    await run(pythonPath, ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "-q", ...requirements], {
      logFile: logFile(this.name),
      env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1" },
    });
    fs.writeFileSync(marker, `${requirements.join(" ")}\n`);
  },

  installed,

  async health() {
    await run(pythonPath, ["-c", "import pyiceberg, pyarrow, sqlalchemy, psycopg2"]);
  },
};

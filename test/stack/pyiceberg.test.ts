import { describe, it, expect } from "vitest";
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { stackEnv } from "../../scripts/stack/env.mjs";

const { FLOE_TEST_PYTHON } = stackEnv();
const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "pyiceberg_roundtrip.py");

describe("stack: PyIceberg", () => {
  it("writes a table through a SQL catalog and scans the rows back", async () => {
    const warehouse = fs.mkdtempSync(path.join(os.tmpdir(), "floe-pyiceberg-"));
    try {
      const { stdout } = await promisify(execFile)(FLOE_TEST_PYTHON, [script, warehouse], { timeout: 120_000 });
      const result = JSON.parse(stdout);
      expect(result.rows).toEqual([
        { id: "1", name: "one", amount: 1.5 },
        { id: "2", name: "two", amount: null },
        { id: "9007199254740993", name: "big", amount: -2.25 },
      ]);
      expect(result.filtered_ids).toEqual(["2", "9007199254740993"]);
      expect(result.snapshots).toBe(2);
      expect([1, 2, 3]).toContain(result.format_version);
      const metadataFile = fileURLToPath(result.metadata_location);
      expect(metadataFile.startsWith(warehouse)).toBe(true);
      expect(fs.existsSync(metadataFile)).toBe(true);
    } finally {
      fs.rmSync(warehouse, { recursive: true, force: true });
    }
  });
});

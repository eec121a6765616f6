import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./loadConfig.js";

const tempProject = (files: Record<string, string> = {}) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-config-"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
};

describe("loadConfig", () => {
  it("defaults to ./warehouse and a SQLite catalog inside it", async () => {
    const dir = tempProject();
    const config = await loadConfig({ projectDir: dir, env: {} });
    expect(config.warehouse).toBe(path.join(dir, "warehouse"));
    expect(config.catalog).toBe(`sqlite:${path.join(dir, "warehouse", "catalog.db")}`);
  });

  it("resolves flag > environment > config file > default", async () => {
    const dir = tempProject({ "floe.config.json": JSON.stringify({ warehouse: "from-file" }) });
    expect((await loadConfig({ projectDir: dir, env: {} })).warehouse).toBe(path.join(dir, "from-file"));
    expect((await loadConfig({ projectDir: dir, env: { FLOE_WAREHOUSE: "from-env" } })).warehouse).toBe(path.join(dir, "from-env"));
    expect((await loadConfig({ projectDir: dir, env: { FLOE_WAREHOUSE: "from-env" }, flags: { warehouse: "/abs/flag" } })).warehouse).toBe("/abs/flag");
  });

  it("loads floe.config.ts", async () => {
    const dir = tempProject({ "floe.config.ts": `const config: { warehouse: string } = { warehouse: "s3://bucket/lake" };\nexport default config;\n` });
    const config = await loadConfig({ projectDir: dir, env: {} });
    expect(config.warehouse).toBe("s3://bucket/lake");
    expect(config.catalog).toBe(`sqlite:${path.join(dir, "catalog.db")}`);
  });

  it("names an unknown setting and its file", async () => {
    const dir = tempProject({ "floe.config.json": JSON.stringify({ warehous: "typo" }) });
    await expect(loadConfig({ projectDir: dir, env: {} })).rejects.toThrow(/floe\.config\.json: unknown setting "warehous"/);
  });

  it("names the variable that holds a bad catalog URI", async () => {
    await expect(loadConfig({ projectDir: tempProject(), env: { FLOE_CATALOG: "mysql://x" } })).rejects.toThrow(/FLOE_CATALOG: catalog URI "mysql:\/\/x"/);
  });
});

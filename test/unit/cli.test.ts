import { describe, expect, it } from "vitest";
import { buildProgram } from "../../src/cli/main.js";
import { runFloe } from "../support/runFloe.js";

/** Every command path of the program, e.g. ["table", "files"]. */
function commandPaths(): string[][] {
  const { program } = buildProgram({ stdout: process.stdout, stderr: process.stderr });
  const out: string[][] = [];
  const walk = (command: typeof program, prefix: string[]) => {
    for (const sub of command.commands) {
      const path = [...prefix, sub.name()];
      out.push(path);
      walk(sub, path);
    }
  };
  walk(program, []);
  return out;
}

describe("the floe command", () => {
  it("describes every command in --help", async () => {
    const { code, stdout } = await runFloe(["--help"]);
    expect(code).toBe(0);
    for (const path of commandPaths().filter((p) => p.length === 1)) expect(stdout).toContain(path[0]);
  });

  it.each(commandPaths().map((p) => [p.join(" "), p]))("floe %s --help describes the command", async (_label, path) => {
    const { code, stdout, stderr } = await runFloe([...(path as string[]), "--help"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: floe /);
    expect(stdout.length).toBeGreaterThan(40);
  });

  it("rejects an unknown command with one line and exit code 1", async () => {
    const { code, stderr, stdout } = await runFloe(["no-such-command"]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("no-such-command");
  });

  it("rejects a bad flag value with one line naming the flag", async () => {
    const { code, stderr } = await runFloe(["sql", "--table", "t=x.json", "--format", "xml", "SELECT 1"]);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/--format/);
    expect(stderr).toContain("xml");
  });

  it("rejects an unknown flag with one line naming it", async () => {
    const { code, stderr } = await runFloe(["sql", "--no-such-flag", "SELECT 1"]);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("--no-such-flag");
  });

  it("names a missing metadata file", async () => {
    const { code, stderr } = await runFloe(["sql", "--table", "t=/nonexistent/v1.metadata.json", "SELECT * FROM t"]);
    expect(code).toBe(1);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain("/nonexistent/v1.metadata.json");
  });

  it("rejects a malformed --table value", async () => {
    const { code, stderr } = await runFloe(["sql", "--table", "just-a-path.json", "SELECT 1"]);
    expect(code).toBe(1);
    expect(stderr).toContain("--table");
  });

  it("rejects a bad configuration value from the environment, naming the variable", async () => {
    process.env.FLOE_CATALOG = "mysql://nope";
    try {
      const { code, stderr } = await runFloe(["quickstart"]);
      expect(code).toBe(1);
      expect(stderr).toContain("FLOE_CATALOG");
    } finally {
      delete process.env.FLOE_CATALOG;
    }
  });
});

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runFloe } from "../support/runFloe.js";

const warehouse = fs.mkdtempSync(path.join(os.tmpdir(), "floe-quickstart-"));
afterAll(() => fs.rmSync(warehouse, { recursive: true, force: true }));

describe("floe quickstart", () => {
  it("builds a usable local warehouse and says what to try next", async () => {
    const run = await runFloe(["--warehouse", warehouse, "quickstart", "--days", "3"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Created Iceberg table demo.events");
    expect(run.stdout).toMatch(/read 2 of 3 data files/);
    expect(run.stdout).toContain("Time travel: 20000 events at the first snapshot");
    expect(run.stdout).toContain("Try next:");

    // The warehouse it leaves is usable with the other commands.
    const metadata = path.join(warehouse, "demo", "events", "metadata", "v4.metadata.json");
    expect(fs.existsSync(metadata)).toBe(true);
    const query = await runFloe(["sql", "--table", `events=${metadata}`, "--format", "json", "SELECT count(*) AS n, count(DISTINCT date_trunc('day', ts)) AS days FROM events"]);
    expect(query.code).toBe(0);
    expect(JSON.parse(query.stdout)).toEqual([{ n: 60000, days: 3 }]);
    const snapshots = await runFloe(["table", "snapshots", metadata, "--format", "json"]);
    expect(snapshots.code).toBe(0);
    expect(JSON.parse(snapshots.stdout)).toHaveLength(3);
  });

  it("rebuilds the demo table when run again", async () => {
    const run = await runFloe(["--warehouse", warehouse, "quickstart", "--days", "2"]);
    expect(run.code).toBe(0);
    const metadata = path.join(warehouse, "demo", "events", "metadata", "v3.metadata.json");
    const query = await runFloe(["sql", "--table", `events=${metadata}`, "--format", "csv", "SELECT count(*) AS n FROM events"]);
    expect(query.stdout).toBe("n\n40000\n");
  });
});

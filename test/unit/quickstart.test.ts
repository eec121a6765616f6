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

    expect(run.stdout).toContain("DELETE 16");
    expect(run.stdout).toMatch(/59985 events now, 60000 at tag before_cleanup/);
    expect(run.stdout).toMatch(/a REST client listed demo\.events and counted 59985 events through it/);

    // The catalog and warehouse it leaves are usable with the other commands.
    const query = await runFloe(["--warehouse", warehouse, "sql", "--format", "json", "SELECT count(*) AS n, count(DISTINCT date_trunc('day', ts)) AS days, count(country) AS countries FROM demo.events"]);
    expect(query.stderr).toBe("");
    expect(JSON.parse(query.stdout)).toEqual([{ n: 59985, days: 3, countries: 1 }]);
    const snapshots = await runFloe(["--warehouse", warehouse, "table", "snapshots", "demo.events", "--format", "json"]);
    expect(snapshots.code).toBe(0);
    // three days, then the delete, the update and the insert
    expect(JSON.parse(snapshots.stdout)).toHaveLength(6);
  });

  it("rebuilds the demo table when run again", async () => {
    const run = await runFloe(["--warehouse", warehouse, "quickstart", "--days", "2"]);
    expect(run.code).toBe(0);
    const query = await runFloe(["--warehouse", warehouse, "sql", "--format", "csv", "SELECT count(*) AS n FROM demo.events FOR SYSTEM_VERSION AS OF 'before_cleanup'"]);
    expect(query.stdout).toBe("n\n40000\n");
  });
});

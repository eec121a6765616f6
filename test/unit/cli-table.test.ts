import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveTableArgument, snapshotSelector } from "../../src/cli/commands/table.js";
import { HAVE_ICEBERG_FIXTURES, ICEBERG_FIXTURES, NO_FIXTURES_MESSAGE, fixtureRelocations } from "../support/fixtures.js";
import { runFloe } from "../support/runFloe.js";

const run = (...argv: string[]) => runFloe(argv);
const relocateFlags = () => fixtureRelocations().flatMap(({ from, to }) => ["--relocate", `${from}=${to}`]);
const BUNNIES = path.join(ICEBERG_FIXTURES, "icebird/spark/bunnies/metadata/v5.metadata.json");
const EQ_DELETES = path.join(ICEBERG_FIXTURES, "duckdb-iceberg/equality_deletes/warehouse/mydb/mytable_partitioned/metadata/v6.metadata.json");
const RENAME_COLUMN = path.join(ICEBERG_FIXTURES, "icebird/spark/rename_column/metadata/v3.metadata.json");

describe("floe table: arguments", () => {
  it("takes a metadata file by path or URI", () => {
    expect(resolveTableArgument("t/metadata/v1.metadata.json")).toEqual({ kind: "metadata-file", location: path.resolve("t/metadata/v1.metadata.json") });
    expect(resolveTableArgument("s3://bucket/t/metadata/v1.metadata.json")).toEqual({ kind: "metadata-file", location: "s3://bucket/t/metadata/v1.metadata.json" });
    expect(resolveTableArgument("file:///w/t/metadata/v1.metadata.json").location).toBe("file:///w/t/metadata/v1.metadata.json");
    expect(resolveTableArgument("db.events")).toEqual({ kind: "catalog-table", namespace: ["db"], name: "events", location: "db.events" });
    expect(() => resolveTableArgument(" ")).toThrow(/metadata JSON file/);
  });

  it("takes one of --snapshot, --as-of and --ref", () => {
    expect(snapshotSelector({})).toEqual({});
    expect(snapshotSelector({ snapshot: "9223372036854775807" })).toEqual({ snapshotId: 9223372036854775807n });
    expect(snapshotSelector({ asOf: "2025-03-30T04:55:00Z" })).toEqual({ asOfTimestampMs: Date.parse("2025-03-30T04:55:00Z") });
    expect(snapshotSelector({ asOf: "1743310500792" })).toEqual({ asOfTimestampMs: 1743310500792 });
    expect(snapshotSelector({ ref: "main" })).toEqual({ ref: "main" });
    expect(() => snapshotSelector({ snapshot: "12x" })).toThrow(/--snapshot 12x/);
    expect(() => snapshotSelector({ asOf: "yesterday" })).toThrow(/--as-of yesterday/);
    expect(() => snapshotSelector({ snapshot: "1", ref: "main" })).toThrow(/--snapshot and --ref/);
  });
});

describe("floe table: help", () => {
  it("lists the subcommands with examples", async () => {
    const { code, stdout } = await run("table", "--help");
    expect(code).toBe(0);
    for (const sub of ["describe", "history", "snapshots", "refs", "files", "partitions", "manifests", "metadata-log"]) {
      expect(stdout).toContain(sub);
      expect(stdout).toContain(`floe table ${sub} `);
    }
  });

  it("documents each subcommand's flags and gives examples", async () => {
    const files = await run("table", "files", "--help");
    expect(files.code).toBe(0);
    expect(files.stdout).toMatch(/--snapshot <id>/);
    expect(files.stdout).toMatch(/--as-of <timestamp>/);
    expect(files.stdout).toMatch(/--ref <name>/);
    expect(files.stdout).toMatch(/--relocate <from=to>/);
    expect(files.stdout).toMatch(/--format <format>/);
    expect(files.stdout).toMatch(/Examples:\n\s+floe table files /);
    const describeHelp = await run("table", "describe", "--help");
    expect(describeHelp.stdout).not.toMatch(/--snapshot/);
    expect(describeHelp.stdout).toMatch(/Examples:\n\s+floe table describe /);
  });
});

describe("floe table: errors", () => {
  it("names a missing metadata file", async () => {
    const missing = path.resolve("no/such/table/metadata/v1.metadata.json");
    const { code, stdout, stderr } = await run("table", "history", missing);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain(missing);
  });

  it("names a bad flag", async () => {
    const bad = await run("table", "files", "x.metadata.json", "--snapshot", "latest");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^floe: --snapshot latest: not a snapshot id/);
    const both = await run("table", "files", "x.metadata.json", "--snapshot", "1", "--as-of", "2024-01-01");
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/--snapshot and --as-of/);
    const relocate = await run("table", "describe", "x.metadata.json", "--relocate", "nothing");
    expect(relocate.code).toBe(1);
    expect(relocate.stderr).toMatch(/^floe: --relocate nothing: expected FROM=TO/);
    const format = await run("table", "describe", "x.metadata.json", "--format", "xml");
    expect(format.code).toBe(1);
    expect(format.stderr).toMatch(/--format/);
    // snapshot flags belong to the subcommands that read a snapshot's files
    const unknown = await run("table", "describe", "x.metadata.json", "--snapshot", "1");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown option '--snapshot'/);
  });

  it("names a catalog table the catalog does not have", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "floe-cli-table-"));
    const { code, stderr } = await run("table", "describe", "db.events", "--catalog", `sqlite:${dir}/catalog.db`, "--warehouse", dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/db\.events/);
  });
});

describe.skipIf(!HAVE_ICEBERG_FIXTURES)("floe table: on the fixture tables", () => {
  it("describes a table", async () => {
    const { code, stdout, stderr } = await run("table", "describe", RENAME_COLUMN, ...relocateFlags());
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const lines = stdout.split("\n");
    expect(lines[0]).toMatch(/^section\s+│ id\s+│ name\s+│ type\s+│ required │ doc\s+│ value$/);
    expect(stdout).toMatch(/partition │ 1000 │ id_bucket .*│ bucket\[4\]\(id\)/);
    expect(stdout).toMatch(/table\s+│ NULL │ location .*│ s3a:\/\/hyperparam-iceberg\/spark\/rename_column/);
  });

  it("prints history as CSV and snapshots as JSON with exact ids", async () => {
    const csv = await run("table", "history", BUNNIES, "--format", "csv");
    expect(csv.code).toBe(0);
    expect(csv.stdout).toBe(
      [
        "made_current_at,snapshot_id,parent_id,is_current_ancestor",
        "2025-03-30T04:54:14.186Z,7505300640432048841,,true",
        "2025-03-30T04:55:00.792Z,469881615898633426,7505300640432048841,true",
        "2025-03-30T04:56:01.983Z,2701171901096418979,469881615898633426,true",
        "",
      ].join("\n"),
    );
    const json = await run("table", "snapshots", BUNNIES, "--format", "json");
    expect(json.code).toBe(0);
    // ids above 2^53 are written exactly
    expect(json.stdout).toContain('"snapshot_id":2701171901096418979');
    expect(json.stdout).toContain('"total-records":"20"');
  });

  it("lists refs and the metadata log", async () => {
    const refs = await run("table", "refs", BUNNIES, "--format", "csv");
    expect(refs.stdout).toBe("name,type,snapshot_id,max_reference_age_in_ms,min_snapshots_to_keep,max_snapshot_age_in_ms\nmain,BRANCH,2701171901096418979,,,\n");
    const log = await run("table", "metadata-log", BUNNIES, "--format", "csv");
    const lines = log.stdout.trim().split("\n");
    expect(lines).toHaveLength(6);
    expect(lines[5]).toBe(`2025-03-30T04:56:01.983Z,${BUNNIES},2701171901096418979,1,3`);
  });

  it("lists files, through relocated paths, at a chosen snapshot", async () => {
    const current = await run("table", "files", BUNNIES, ...relocateFlags(), "--format", "json");
    expect(current.stderr).toBe("");
    const rows = JSON.parse(current.stdout) as Record<string, unknown>[];
    expect(rows.map((r) => [r.content, r.record_count, r.file_size_in_bytes])).toEqual([
      [0, 20, 3560],
      [1, 1, 1437],
    ]);
    expect(rows[0].lower_bounds).toMatchObject({ 1: "American Fuzzy L", 4: "5" });
    const first = await run("table", "files", BUNNIES, ...relocateFlags(), "--snapshot", "7505300640432048841", "--format", "json");
    expect((JSON.parse(first.stdout) as Record<string, unknown>[]).map((r) => r.record_count)).toEqual([21]);
    const asOf = await run("table", "files", BUNNIES, ...relocateFlags(), "--as-of", "2025-03-30T04:55:30Z", "--format", "json");
    expect((JSON.parse(asOf.stdout) as Record<string, unknown>[]).map((r) => [r.content, r.record_count])).toEqual([
      [0, 21],
      [1, 1],
    ]);
  });

  it("fails with a message when the data files cannot be found without --relocate", async () => {
    const { code, stderr } = await run("table", "files", EQ_DELETES);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^floe: .*data\/persistent\/equality_deletes/);
  });

  it("names a snapshot or ref that does not exist", async () => {
    const snapshot = await run("table", "manifests", BUNNIES, ...relocateFlags(), "--snapshot", "42");
    expect(snapshot.code).toBe(1);
    expect(snapshot.stderr).toMatch(/no snapshot 42/);
    const ref = await run("table", "partitions", BUNNIES, ...relocateFlags(), "--ref", "audit");
    expect(ref.code).toBe(1);
    expect(ref.stderr).toMatch(/no branch or tag "audit"/);
  });

  it("sums partitions and lists manifests", async () => {
    const parts = await run("table", "partitions", EQ_DELETES, ...relocateFlags(), "--format", "json");
    expect(parts.stderr).toBe("");
    const rows = JSON.parse(parts.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(6);
    expect(parts.stdout).toContain('"partition":{"name":"f"},"spec_id":0,"record_count":1,');
    expect(parts.stdout).toContain('"last_updated_snapshot_id":3138177759849079112}');
    expect(rows.find((r) => (r.partition as { name: string }).name === "f")).toMatchObject({
      record_count: 1,
      file_count: 1,
      equality_delete_record_count: 1,
      equality_delete_file_count: 1,
    });
    const list = await run("table", "manifests", EQ_DELETES, ...relocateFlags(), "--snapshot", "6447922032991303611", "--format", "csv");
    const lines = list.stdout.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(
      "content,path,length,partition_spec_id,added_snapshot_id,added_data_files_count,existing_data_files_count,deleted_data_files_count,added_delete_files_count,existing_delete_files_count,deleted_delete_files_count,partition_summaries",
    );
    expect(lines[1]).toContain(",7394,0,6447922032991303611,4,0,0,0,0,0,");
    expect(lines[1]).toContain('""lower_bound"":""a"",""upper_bound"":""d""');
  });
});

describe.skipIf(HAVE_ICEBERG_FIXTURES)("floe table: on the fixture tables", () => {
  it.skip(NO_FIXTURES_MESSAGE, () => undefined);
});

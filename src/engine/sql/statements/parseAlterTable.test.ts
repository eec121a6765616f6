import { describe, expect, it } from "vitest";
import type { AlterTableAction, AlterTableStatement } from "./ast.js";
import { parseStatement } from "./parseStatement.js";

const action = (sql: string) => {
  const statement = parseStatement(sql) as AlterTableStatement;
  expect(statement).toMatchObject({ kind: "alter-table", table: ["ns", "t"] });
  return statement.action;
};
const double = { type: "double" } as const;

describe("ALTER TABLE", () => {
  it.each<[string, AlterTableAction]>([
    // columns
    ["ADD COLUMN z DOUBLE", { kind: "add-columns", columns: [{ path: ["z"], type: double, required: false }] }],
    ["ADD COLUMN point.z DOUBLE NOT NULL COMMENT 'height' AFTER y", { kind: "add-columns", columns: [{ path: ["point", "z"], type: double, required: true, comment: "height", position: { kind: "after", column: "y" } }] }],
    [
      "ADD COLUMNS (a INT FIRST, b STRING DEFAULT 'x, y' COMMENT 'c')",
      {
        kind: "add-columns",
        columns: [
          { path: ["a"], type: { type: "int" }, required: false, position: { kind: "first" } },
          { path: ["b"], type: { type: "string" }, required: false, default: "'x, y'", comment: "c" },
        ],
      },
    ],
    ["ADD COLUMNS a INT, b INT", { kind: "add-columns", columns: [{ path: ["a"], type: { type: "int" }, required: false }, { path: ["b"], type: { type: "int" }, required: false }] }],
    ["ADD x INT", { kind: "add-columns", columns: [{ path: ["x"], type: { type: "int" }, required: false }] }],
    ["DROP COLUMN x", { kind: "drop-column", columns: [["x"]], ifExists: false }],
    ["DROP COLUMN IF EXISTS point.z", { kind: "drop-column", columns: [["point", "z"]], ifExists: true }],
    ["DROP COLUMNS (a, b)", { kind: "drop-column", columns: [["a"], ["b"]], ifExists: false }],
    ["RENAME COLUMN a TO \"B\"", { kind: "rename-column", column: ["a"], newName: "B" }],
    ["RENAME COLUMN point.x TO x1", { kind: "rename-column", column: ["point", "x"], newName: "x1" }],
    ["ALTER COLUMN x TYPE BIGINT", { kind: "alter-column-type", column: ["x"], type: { type: "long" } }],
    ["ALTER COLUMN x TYPE DOUBLE COMMENT 'unit: m'", { kind: "alter-column-type", column: ["x"], type: double, comment: "unit: m" }],
    ["ALTER COLUMN x SET DATA TYPE DECIMAL(12, 2)", { kind: "alter-column-type", column: ["x"], type: { type: "decimal", precision: 12, scale: 2 } }],
    ["ALTER x TYPE BIGINT", { kind: "alter-column-type", column: ["x"], type: { type: "long" } }],
    ["CHANGE COLUMN x TYPE BIGINT", { kind: "alter-column-type", column: ["x"], type: { type: "long" } }],
    ["ALTER COLUMN x DROP NOT NULL", { kind: "alter-column-nullability", column: ["x"], required: false }],
    ["ALTER COLUMN x SET NOT NULL", { kind: "alter-column-nullability", column: ["x"], required: true }],
    ["ALTER COLUMN x FIRST", { kind: "alter-column-position", column: ["x"], position: { kind: "first" } }],
    ["ALTER COLUMN point.x AFTER y", { kind: "alter-column-position", column: ["point", "x"], position: { kind: "after", column: "y" } }],
    ["ALTER COLUMN x COMMENT 'doc'", { kind: "alter-column-comment", column: ["x"], comment: "doc" }],
    ["ALTER COLUMN x SET DEFAULT 1 + 2", { kind: "alter-column-default", column: ["x"], default: "1 + 2" }],
    ["ALTER COLUMN x DROP DEFAULT", { kind: "alter-column-default", column: ["x"] }],
    // partition spec
    ["ADD PARTITION FIELD bucket(16, id)", { kind: "add-partition-field", term: { transform: "bucket[16]", column: "id" } }],
    ["ADD PARTITION FIELD years(ts) AS yr", { kind: "add-partition-field", term: { transform: "year", column: "ts", name: "yr" } }],
    ["ADD PARTITION FIELD region", { kind: "add-partition-field", term: { transform: "identity", column: "region" } }],
    ["DROP PARTITION FIELD truncate(data, 4)", { kind: "drop-partition-field", term: { transform: "truncate[4]", column: "data" } }],
    ["DROP PARTITION FIELD shard", { kind: "drop-partition-field", term: { transform: "identity", column: "shard" } }],
    ["REPLACE PARTITION FIELD ts_day WITH hours(ts) AS ts_hour", { kind: "replace-partition-field", term: { transform: "identity", column: "ts_day" }, replacement: { transform: "hour", column: "ts", name: "ts_hour" } }],
    ["REPLACE PARTITION FIELD days(ts) WITH months(ts)", { kind: "replace-partition-field", term: { transform: "day", column: "ts" }, replacement: { transform: "month", column: "ts" } }],
    // write order
    [
      "WRITE ORDERED BY category ASC, id DESC NULLS FIRST, days(ts)",
      {
        kind: "write-ordered-by",
        distributionMode: "range",
        order: [
          { transform: "identity", column: "category", direction: "asc", nullOrder: "nulls-first" },
          { transform: "identity", column: "id", direction: "desc", nullOrder: "nulls-first" },
          { transform: "day", column: "ts", direction: "asc", nullOrder: "nulls-first" },
        ],
      },
    ],
    ["WRITE LOCALLY ORDERED BY (id DESC)", { kind: "write-ordered-by", order: [{ transform: "identity", column: "id", direction: "desc", nullOrder: "nulls-last" }] }],
    ["WRITE DISTRIBUTED BY PARTITION LOCALLY ORDERED BY bucket(4, id) NULLS LAST", { kind: "write-ordered-by", distributionMode: "hash", order: [{ transform: "bucket[4]", column: "id", direction: "asc", nullOrder: "nulls-last" }] }],
    ["WRITE DISTRIBUTED BY PARTITION", { kind: "write-ordered-by", distributionMode: "hash", order: [] }],
    ["WRITE UNORDERED", { kind: "write-ordered-by", distributionMode: "none", order: [] }],
    // properties, identifier fields, name
    ["SET TBLPROPERTIES ('read.split.target-size'='268435456', 'comment' = 'x')", { kind: "set-properties", properties: { "read.split.target-size": "268435456", comment: "x" } }],
    ["UNSET TBLPROPERTIES ('a', 'b.c')", { kind: "unset-properties", keys: ["a", "b.c"], ifExists: false }],
    ["UNSET TBLPROPERTIES IF EXISTS (a)", { kind: "unset-properties", keys: ["a"], ifExists: true }],
    ["SET IDENTIFIER FIELDS id, point.x", { kind: "set-identifier-fields", columns: [["id"], ["point", "x"]] }],
    ["DROP IDENTIFIER FIELDS id", { kind: "drop-identifier-fields", columns: [["id"]] }],
    ["RENAME TO ns2.t2", { kind: "rename-table", newName: ["ns2", "t2"] }],
    // branches and tags
    ["CREATE BRANCH audit", { kind: "create-branch", name: "audit", ifNotExists: false, orReplace: false }],
    [
      "CREATE BRANCH IF NOT EXISTS `audit` AS OF VERSION 9223372036854775807 RETAIN 7 DAYS WITH SNAPSHOT RETENTION 2 SNAPSHOTS 3 HOURS",
      { kind: "create-branch", name: "audit", ifNotExists: true, orReplace: false, snapshotId: 9223372036854775807n, maxRefAgeMs: 604_800_000n, minSnapshotsToKeep: 2, maxSnapshotAgeMs: 10_800_000n },
    ],
    ["CREATE OR REPLACE BRANCH b WITH SNAPSHOT RETENTION 30 MINUTES", { kind: "create-branch", name: "b", ifNotExists: false, orReplace: true, maxSnapshotAgeMs: 1_800_000n }],
    ["REPLACE BRANCH b AS OF VERSION 5", { kind: "replace-branch", name: "b", snapshotId: 5n }],
    ["CREATE TAG v1 AS OF VERSION 42 RETAIN 365 DAYS", { kind: "create-tag", name: "v1", ifNotExists: false, orReplace: false, snapshotId: 42n, maxRefAgeMs: 31_536_000_000n }],
    ["CREATE OR REPLACE TAG v1", { kind: "create-tag", name: "v1", ifNotExists: false, orReplace: true }],
    ["REPLACE TAG v1 AS OF VERSION 43", { kind: "replace-tag", name: "v1", snapshotId: 43n }],
    ["DROP BRANCH IF EXISTS b", { kind: "drop-branch", name: "b", ifExists: true }],
    ["DROP TAG v1", { kind: "drop-tag", name: "v1", ifExists: false }],
  ])("%s", (text, expected) => {
    expect(action(`ALTER TABLE ns.t ${text}`)).toEqual(expected);
  });

  it.each([
    ["ALTER TABLE ns.t", 'expected ADD, DROP, RENAME, ALTER, SET TBLPROPERTIES, UNSET TBLPROPERTIES, ADD/DROP/REPLACE PARTITION FIELD, WRITE, CREATE/REPLACE/DROP BRANCH or TAG after "t" at 1:17 (end of statement)'],
    ["ALTER TABLE ns.t ADD COLUMN amount", 'expected a column type after "amount" at 1:35 (end of statement)'],
    ["ALTER TABLE ns.t ALTER COLUMN x BECOME INT", 'expected TYPE, SET DATA TYPE, SET NOT NULL, DROP NOT NULL, FIRST, AFTER, COMMENT, SET DEFAULT or DROP DEFAULT after "x" at 1:33 (found "BECOME")'],
    ["ALTER TABLE ns.t RENAME COLUMN a b", 'expected TO after "a" at 1:34 (found "b")'],
    ["ALTER TABLE ns.t WRITE", 'expected ORDERED BY, LOCALLY ORDERED BY, UNORDERED or DISTRIBUTED BY PARTITION after "WRITE" at 1:23 (end of statement)'],
    ["ALTER TABLE ns.t WRITE ORDERED BY id NULLS", 'expected FIRST or LAST after "NULLS" at 1:43 (end of statement)'],
    ["ALTER TABLE ns.t CREATE BRANCH b RETAIN 7 WEEKS", 'expected DAYS, HOURS or MINUTES after "7" at 1:43 (found "WEEKS")'],
    ["ALTER TABLE ns.t CREATE TAG t WITH SNAPSHOT RETENTION 2 SNAPSHOTS", 'expected the end of the statement after "t" at 1:31 (found "WITH")'],
    ["ALTER TABLE ns.t CREATE BRANCH b WITH SNAPSHOT RETENTION", 'expected a number of SNAPSHOTS or a maximum snapshot age after "RETENTION"'],
    ["ALTER TABLE ns.t ADD PARTITION FIELD bucket(id, 16)", 'expected a bucket count after "(" at 1:45 (found "id")'],
    ["ALTER TABLE ns.t DROP COLUMN x y", 'expected the end of the statement after "x" at 1:32 (found "y")'],
    ["ALTER TABLE ns.t ALTER COLUMN x TYPE INT USING x::INT", "ALTER COLUMN .. TYPE .. USING is not supported"],
  ])("rejects %j", (sql, message) => {
    expect(() => parseStatement(sql)).toThrow(message);
  });
});

import { describe, expect, it } from "vitest";
import { isFloeError } from "../../../core/errors/FloeError.js";
import type { Statement } from "./ast.js";
import { parseStatement } from "./parseStatement.js";
import { splitStatements } from "./splitStatements.js";

describe("parseStatement", () => {
  it.each([
    "SELECT * FROM ns.t WHERE note = 'DROP TABLE x'",
    "WITH x AS (SELECT 1) SELECT * FROM x",
    "VALUES (1), (2)",
    "FROM ns.t",
    "EXPLAIN SELECT 1",
    "SHOW TABLES",
    "DESCRIBE ns.t",
    "PRAGMA version",
    "CREATE VIEW v AS SELECT 1",
    "CREATE TEMP TABLE tmp (x INT)",
    "DROP VIEW v",
    "ALTER VIEW v RENAME TO w",
    "(SELECT 1)",
  ])("passes %j through as a query", (sql) => {
    expect(parseStatement(sql)).toEqual({ kind: "query", sql });
  });

  it("trims comments around a query and a trailing semicolon", () => {
    expect(parseStatement("-- hi\n  SELECT 1 /* in */ + 2 ; -- bye")).toEqual({ kind: "query", sql: "SELECT 1 /* in */ + 2" });
  });

  it.each<[string, Statement]>([
    ["CREATE SCHEMA ns", { kind: "create-schema", namespace: ["ns"], ifNotExists: false, properties: {} }],
    ["create namespace if not exists a.b", { kind: "create-schema", namespace: ["a", "b"], ifNotExists: true, properties: {} }],
    [
      "CREATE DATABASE `a`.\"B\" COMMENT 'sales' LOCATION 's3://w/a' WITH DBPROPERTIES ('owner' = 'ops', 'x' = 1)",
      { kind: "create-schema", namespace: ["a", "B"], ifNotExists: false, properties: { comment: "sales", location: "s3://w/a", owner: "ops", x: "1" } },
    ],
    ["CREATE SCHEMA s WITH PROPERTIES ('k'='v') COMMENT 'c'", { kind: "create-schema", namespace: ["s"], ifNotExists: false, properties: { k: "v", comment: "c" } }],
    ["DROP SCHEMA ns", { kind: "drop-schema", namespace: ["ns"], ifExists: false, cascade: false }],
    ["DROP NAMESPACE IF EXISTS a.b CASCADE", { kind: "drop-schema", namespace: ["a", "b"], ifExists: true, cascade: true }],
    ["DROP DATABASE a RESTRICT", { kind: "drop-schema", namespace: ["a"], ifExists: false, cascade: false }],
    ["DROP TABLE ns.t", { kind: "drop-table", table: ["ns", "t"], ifExists: false, purge: false }],
    ["drop table if exists a.b.t purge", { kind: "drop-table", table: ["a", "b", "t"], ifExists: true, purge: true }],
  ])("%s", (sql, expected) => {
    expect(parseStatement(sql)).toEqual(expected);
  });

  describe("CALL", () => {
    it.each<[string, Statement]>([
      ["CALL system.rollback_to_snapshot('ns.t', 123)", { kind: "call", procedure: "rollback_to_snapshot", args: [{ value: "'ns.t'" }, { value: "123" }] }],
      ["CALL cat.system.rollback_to_timestamp(table => 'ns.t', timestamp => TIMESTAMP '2024-01-01 00:00:00')", { kind: "call", procedure: "rollback_to_timestamp", args: [{ name: "table", value: "'ns.t'" }, { name: "timestamp", value: "TIMESTAMP '2024-01-01 00:00:00'" }] }],
      ["CALL system.set_current_snapshot('ns.t', 9223372036854775807)", { kind: "call", procedure: "set_current_snapshot", args: [{ value: "'ns.t'" }, { value: "9223372036854775807" }] }],
      ["CALL system.fast_forward('ns.t', 'main', 'audit')", { kind: "call", procedure: "fast_forward", args: [{ value: "'ns.t'" }, { value: "'main'" }, { value: "'audit'" }] }],
      ["CALL system.rewrite_data_files('ns.t')", { kind: "call", procedure: "rewrite_data_files", args: [{ value: "'ns.t'" }] }],
      ["CALL SYSTEM.EXPIRE_SNAPSHOTS(table => 'ns.t', retain_last => 5, snapshot_ids => array(1, 2))", { kind: "call", procedure: "expire_snapshots", args: [{ name: "table", value: "'ns.t'" }, { name: "retain_last", value: "5" }, { name: "snapshot_ids", value: "array(1, 2)" }] }],
      ["CALL rewrite_data_files()", { kind: "call", procedure: "rewrite_data_files", args: [] }],
    ])("%s", (sql, expected) => {
      expect(parseStatement(sql)).toEqual(expected);
    });

    it("rejects procedures floe does not run, as unsupported", () => {
      expect(() => parseStatement("CALL system.migrate('t')")).toThrow(expect.objectContaining({ kind: "unsupported", message: expect.stringContaining('procedure "migrate" is not supported') }));
      expect(() => parseStatement("CALL other.rewrite_data_files('t')")).toThrow('procedure "other.rewrite_data_files" is not in the system namespace');
      expect(() => parseStatement("CALL system.rewrite_data_files('t',)")).toThrow('expected an argument after "," at 1:36 (found ")")');
    });
  });

  describe("errors", () => {
    it("are invalid-input with the offending token and its line:column", () => {
      try {
        parseStatement("CREATE TABLE ns.t (\n  id INT,\n  amount\n)");
        expect.unreachable();
      } catch (error) {
        expect(isFloeError(error, "invalid-input")).toBe(true);
        expect((error as Error).message).toBe('expected a column type after "amount" at 4:1 (found ")")');
        expect((error as { context: unknown }).context).toEqual({ line: 4, column: 1, offset: 39 });
      }
    });

    it("count lines in the script when given the statement's origin", () => {
      const script = "SELECT 1;\n\nDROP TABLE ns.t CASCADE;";
      const [, drop] = splitStatements(script);
      expect(() => parseStatement(drop.sql, { script, start: drop.start })).toThrow('expected the end of the statement after "t" at 3:17 (found "CASCADE")');
    });

    it.each([
      ["", "empty statement at 1:1"],
      ["  -- only a comment", "empty statement at 1:1"],
      ["DROP TABLE", 'expected a table name after "TABLE" at 1:11 (end of statement)'],
      ["DROP TABLE ns.", 'expected a name after "." at 1:15 (end of statement)'],
      ["CREATE SCHEMA s OWNER bob", 'expected COMMENT, LOCATION, WITH DBPROPERTIES or the end of the statement after "s" at 1:17 (found "OWNER")'],
      ["SELECT 1; SELECT 2", 'a second statement follows ";" at 1:9 (split scripts with splitStatements)'],
      ["INSERT INTO t VALUES (1);;", 'a second statement follows ";" at 1:25 (split scripts with splitStatements)'],
    ])("%j", (sql, message) => {
      expect(() => parseStatement(sql)).toThrow(message);
    });
  });

  it("parses each statement of a multi-line script", () => {
    const script = `
      CREATE SCHEMA IF NOT EXISTS sales;  -- first
      CREATE TABLE sales.orders (
        id BIGINT NOT NULL,
        note STRING COMMENT 'free text; may hold ";"'
      ) PARTITIONED BY (bucket(8, id));
      INSERT INTO sales.orders VALUES (1, 'a;b');
      /* a block comment; with a semicolon */
      SELECT count(*) FROM sales.orders;
    `;
    expect(splitStatements(script).map((s) => parseStatement(s.sql, { script, start: s.start }).kind)).toEqual(["create-schema", "create-table", "insert", "query"]);
  });
});

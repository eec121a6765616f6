import { describe, expect, it } from "vitest";
import type { CreateTableStatement, PartitionTerm } from "./ast.js";
import { parseStatement } from "./parseStatement.js";

const createTable = (sql: string) => parseStatement(sql) as CreateTableStatement;

describe("CREATE TABLE", () => {
  it("reads columns with types, NOT NULL, DEFAULT and COMMENT", () => {
    expect(
      parseStatement(`CREATE TABLE ns.events (
        id BIGINT NOT NULL COMMENT 'the key',
        "Kind" STRING DEFAULT 'click',
        amount DECIMAL(10, 2) DEFAULT (1 + 2) * 3 NOT NULL,
        tags ARRAY<STRING> NULL,
        at TIMESTAMPTZ COMMENT 'when; exactly' DEFAULT now()
      )`),
    ).toEqual({
      kind: "create-table",
      table: ["ns", "events"],
      ifNotExists: false,
      orReplace: false,
      columns: [
        { name: "id", type: { type: "long" }, required: true, comment: "the key" },
        { name: "Kind", type: { type: "string" }, required: false, default: "'click'" },
        { name: "amount", type: { type: "decimal", precision: 10, scale: 2 }, required: true, default: "(1 + 2) * 3" },
        { name: "tags", type: { type: "list", elementId: 0, elementRequired: false, element: { type: "string" } }, required: false },
        { name: "at", type: { type: "timestamptz" }, required: false, comment: "when; exactly", default: "now()" },
      ],
      partitionBy: [],
      properties: {},
    });
  });

  it("reads every clause, in any order", () => {
    const clauses = [
      "USING iceberg",
      "PARTITIONED BY (days(ts), bucket(16, id))",
      "LOCATION 's3://b/t'",
      "COMMENT 'events'",
      "TBLPROPERTIES ('format-version' = '2', write.format.default 'parquet', 'x.y'=3, 'z' = true)",
    ];
    const expected = {
      partitionBy: [
        { transform: "day", column: "ts" },
        { transform: "bucket[16]", column: "id" },
      ],
      location: "s3://b/t",
      comment: "events",
      properties: { "format-version": "2", "write.format.default": "parquet", "x.y": "3", z: "true" },
    };
    for (const order of [clauses, [...clauses].reverse(), [clauses[2], clauses[4], clauses[0], clauses[3], clauses[1]]]) {
      expect(createTable(`CREATE TABLE a.b.t (id INT, ts TIMESTAMP) ${order.join("\n")}`)).toMatchObject(expected);
    }
  });

  it("reads OR REPLACE and IF NOT EXISTS, with quoted and one-part names", () => {
    expect(createTable("CREATE OR REPLACE TABLE `my ns`.\"T\" (x INT)")).toMatchObject({ table: ["my ns", "T"], orReplace: true, ifNotExists: false });
    expect(createTable("create table if not exists t (x int);")).toMatchObject({ table: ["t"], orReplace: false, ifNotExists: true });
  });

  it("reads CREATE TABLE .. AS query without a column list", () => {
    const statement = createTable("CREATE TABLE ns.t PARTITIONED BY (region) TBLPROPERTIES ('k'='v') AS SELECT region, count(*) AS n FROM ns.src GROUP BY 1");
    expect(statement).toEqual({
      kind: "create-table",
      table: ["ns", "t"],
      ifNotExists: false,
      orReplace: false,
      partitionBy: [{ transform: "identity", column: "region" }],
      properties: { k: "v" },
      asQuery: "SELECT region, count(*) AS n FROM ns.src GROUP BY 1",
    });
    expect(createTable("CREATE TABLE t AS WITH x AS (SELECT 1 AS a) SELECT * FROM x").asQuery).toBe("WITH x AS (SELECT 1 AS a) SELECT * FROM x");
  });

  it.each<[string, PartitionTerm]>([
    ["region", { transform: "identity", column: "region" }],
    ["identity(region)", { transform: "identity", column: "region" }],
    ["point.x", { transform: "identity", column: "point.x" }],
    ["years(ts)", { transform: "year", column: "ts" }],
    ["year(ts)", { transform: "year", column: "ts" }],
    ["months(ts)", { transform: "month", column: "ts" }],
    ["MONTH(ts)", { transform: "month", column: "ts" }],
    ["days(ts)", { transform: "day", column: "ts" }],
    ["day(ts)", { transform: "day", column: "ts" }],
    ["date(ts)", { transform: "day", column: "ts" }],
    ["hours(ts)", { transform: "hour", column: "ts" }],
    ["hour(ts)", { transform: "hour", column: "ts" }],
    ["date_hour(ts)", { transform: "hour", column: "ts" }],
    ["bucket(16, id)", { transform: "bucket[16]", column: "id" }],
    ["truncate(4, name)", { transform: "truncate[4]", column: "name" }],
    ["truncate(name, 4)", { transform: "truncate[4]", column: "name" }],
    ["void(x)", { transform: "void", column: "x" }],
  ])("partition term %s", (term, expected) => {
    expect(createTable(`CREATE TABLE t (x INT) PARTITIONED BY (${term})`).partitionBy).toEqual([expected]);
  });

  it.each([
    ["CREATE TABLE ns.t (id INT, amount)", 'expected a column type after "amount" at 1:34 (found ")")'],
    ["CREATE TABLE ns.t (id INT, amount", 'expected a column type after "amount" at 1:34 (end of statement)'],
    ["CREATE TABLE ns.t (id INT,\n  amount MONEY)", 'unknown type "MONEY" at 2:10'],
    ["CREATE TABLE ns.t", 'expected a column list or AS query after "t" at 1:18 (end of statement)'],
    ["CREATE TABLE ns.t (id INT) AS SELECT 1", "CREATE TABLE .. AS query takes its columns from the query: drop the column list at 1:31"],
    ["CREATE TABLE ns.t (id INT) COMMENT 'a' COMMENT 'b'", "COMMENT is given twice at 1:40"],
    ["CREATE TABLE ns.t (id INT) USING parquet", "USING parquet: floe creates Iceberg tables only at 1:34"],
    ["CREATE TABLE ns.t (id INT) PARTITIONED BY (bucket(0, id))", "a bucket count must be from 1 to 2147483647, got 0 at 1:51"],
    ["CREATE TABLE ns.t (id INT) PARTITIONED BY (squash(id))", 'unknown partition transform "squash" at 1:44'],
    ["CREATE TABLE ns.t (id INT) CLUSTERED BY (id)", 'expected a table clause, AS query or the end of the statement after ")" at 1:28 (found "CLUSTERED")'],
    ["CREATE TABLE ns.t (id INT) TBLPROPERTIES ('k' = )", 'expected a value for property "k" after "=" at 1:49 (found ")")'],
    ["CREATE OR REPLACE TABLE IF NOT EXISTS t (x INT)", "CREATE OR REPLACE TABLE cannot have IF NOT EXISTS at 1:39"],
  ])("rejects %j", (sql, message) => {
    expect(() => parseStatement(sql)).toThrow(message);
  });

  it.each(["PRIMARY KEY (id)", "CONSTRAINT pk PRIMARY KEY (id)", "UNIQUE (id)", "CHECK (id > 0)", "FOREIGN KEY (id) REFERENCES u (id)"])("rejects table constraint %s as unsupported", (constraint) => {
    expect(() => parseStatement(`CREATE TABLE t (id INT, ${constraint})`)).toThrow(expect.objectContaining({ kind: "unsupported", message: expect.stringContaining("table constraints") }));
  });

  it("reads columns named like keywords", () => {
    expect(createTable("CREATE TABLE t (unique INT, check STRING, constraint INT NOT NULL, comment STRING COMMENT 'c', primary BOOLEAN)").columns?.map((c) => c.name)).toEqual([
      "unique",
      "check",
      "constraint",
      "comment",
      "primary",
    ]);
  });
});

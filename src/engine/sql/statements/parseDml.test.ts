import { describe, expect, it } from "vitest";
import type { MergeStatement, Statement } from "./ast.js";
import { parseStatement } from "./parseStatement.js";

describe("INSERT", () => {
  it.each<[string, Statement]>([
    ["INSERT INTO ns.t VALUES (1, 'a'), (2, 'b')", { kind: "insert", table: ["ns", "t"], overwrite: false, byName: false, query: "VALUES (1, 'a'), (2, 'b')" }],
    ["INSERT INTO TABLE ns.t SELECT * FROM ns.s", { kind: "insert", table: ["ns", "t"], overwrite: false, byName: false, query: "SELECT * FROM ns.s" }],
    ["insert into ns.t (a, \"B\") select 1, 2;", { kind: "insert", table: ["ns", "t"], overwrite: false, columns: ["a", "B"], byName: false, query: "select 1, 2" }],
    ["INSERT INTO ns.t (SELECT 1)", { kind: "insert", table: ["ns", "t"], overwrite: false, byName: false, query: "(SELECT 1)" }],
    ["INSERT INTO ns.t ((SELECT 1) UNION ALL (SELECT 2))", { kind: "insert", table: ["ns", "t"], overwrite: false, byName: false, query: "((SELECT 1) UNION ALL (SELECT 2))" }],
    ["INSERT OVERWRITE ns.t SELECT * FROM s", { kind: "insert", table: ["ns", "t"], overwrite: true, byName: false, query: "SELECT * FROM s" }],
    ["INSERT OVERWRITE TABLE ns.t (a) WITH x AS (SELECT 1) SELECT * FROM x", { kind: "insert", table: ["ns", "t"], overwrite: true, columns: ["a"], byName: false, query: "WITH x AS (SELECT 1) SELECT * FROM x" }],
    ["INSERT INTO ns.t BY NAME SELECT 1 AS b, 2 AS a", { kind: "insert", table: ["ns", "t"], overwrite: false, byName: true, query: "SELECT 1 AS b, 2 AS a" }],
    ["INSERT INTO ns.t BY POSITION FROM s", { kind: "insert", table: ["ns", "t"], overwrite: false, byName: false, query: "FROM s" }],
    ["INSERT INTO ns.t -- the rows\nSELECT ';' /* ; */", { kind: "insert", table: ["ns", "t"], overwrite: false, byName: false, query: "SELECT ';'" }],
  ])("%s", (sql, expected) => {
    expect(parseStatement(sql)).toEqual(expected);
  });

  it.each([
    ["INSERT ns.t VALUES (1)", 'expected INTO after "INSERT" at 1:8 (found "ns")'],
    ["INSERT INTO ns.t", 'expected a query or VALUES after "t" at 1:17 (end of statement)'],
    ["INSERT INTO ns.t (a, ) VALUES (1)", 'expected a column name after "," at 1:22 (found ")")'],
    ["INSERT OR REPLACE INTO t VALUES (1)", "INSERT OR REPLACE is not supported on Iceberg tables at 1:8"],
    ["INSERT INTO t PARTITION (p = 1) VALUES (1)", "INSERT .. PARTITION (..) is not supported"],
  ])("rejects %j", (sql, message) => {
    expect(() => parseStatement(sql)).toThrow(message);
  });
});

describe("DELETE", () => {
  it.each<[string, Statement]>([
    ["DELETE FROM ns.t", { kind: "delete", table: ["ns", "t"] }],
    ["DELETE FROM ns.t WHERE id = 1 AND note = 'WHERE; x'", { kind: "delete", table: ["ns", "t"], where: "id = 1 AND note = 'WHERE; x'" }],
    ["DELETE FROM ns.t AS x WHERE x.id IN (SELECT id FROM ns.s WHERE y)", { kind: "delete", table: ["ns", "t"], alias: "x", where: "x.id IN (SELECT id FROM ns.s WHERE y)" }],
    ["delete from ns.t x where\n  x.id > 2 -- trailing\n", { kind: "delete", table: ["ns", "t"], alias: "x", where: "x.id > 2" }],
  ])("%s", (sql, expected) => {
    expect(parseStatement(sql)).toEqual(expected);
  });

  it.each([
    ["DELETE ns.t", 'expected FROM after "DELETE" at 1:8 (found "ns")'],
    ["DELETE FROM ns.t WHERE", 'expected a condition after "WHERE" at 1:23 (end of statement)'],
    ["DELETE FROM ns.t USING s WHERE t.id = s.id", "DELETE .. USING is not supported"],
  ])("rejects %j", (sql, message) => {
    expect(() => parseStatement(sql)).toThrow(message);
  });
});

describe("UPDATE", () => {
  it.each<[string, Statement]>([
    ["UPDATE ns.t SET a = 1", { kind: "update", table: ["ns", "t"], assignments: [{ column: "a", expr: "1" }] }],
    [
      "UPDATE ns.t AS x SET a = coalesce(b, 'x,y'), x.c = CASE WHEN d THEN [1, 2] ELSE [3] END, \"E\" = {'k': 1, 'v': 2} WHERE x.id = 5",
      {
        kind: "update",
        table: ["ns", "t"],
        alias: "x",
        assignments: [
          { column: "a", expr: "coalesce(b, 'x,y')" },
          { column: "c", expr: "CASE WHEN d THEN [1, 2] ELSE [3] END" },
          { column: "E", expr: "{'k': 1, 'v': 2}" },
        ],
        where: "x.id = 5",
      },
    ],
    ["UPDATE ns.t SET t.a = 1, point.x = 2", { kind: "update", table: ["ns", "t"], assignments: [{ column: "a", expr: "1" }, { column: "point.x", expr: "2" }] }],
    ["UPDATE ns.t u SET a = (SELECT max(v) FROM s WHERE s.k = u.k)", { kind: "update", table: ["ns", "t"], alias: "u", assignments: [{ column: "a", expr: "(SELECT max(v) FROM s WHERE s.k = u.k)" }] }],
  ])("%s", (sql, expected) => {
    expect(parseStatement(sql)).toEqual(expected);
  });

  it.each([
    ["UPDATE ns.t a = 1", 'expected SET after "a" at 1:15 (found "=")'],
    ["UPDATE ns.t SET a 1", 'expected "=" after "a" at 1:19 (found "1")'],
    ["UPDATE ns.t SET a = , b = 2", 'expected a value for "a" after "=" at 1:21 (found ",")'],
    ["UPDATE ns.t SET a = 1 FROM s", "UPDATE .. FROM is not supported"],
  ])("rejects %j", (sql, message) => {
    expect(() => parseStatement(sql)).toThrow(message);
  });
});

describe("MERGE", () => {
  it("reads target, source, ON and every clause form in order", () => {
    const sql = `MERGE INTO ns.target t
      USING (SELECT id, amount, op FROM ns.changes WHERE day = '2024-01-01') AS s
      ON t.id = s.id AND CASE WHEN s.op = 'x' THEN true ELSE false END
      WHEN MATCHED AND s.op = 'delete' THEN DELETE
      WHEN MATCHED AND s.op = 'all' THEN UPDATE SET *
      WHEN MATCHED THEN UPDATE SET t.amount = t.amount + s.amount, note = concat('a', ',', s.op)
      WHEN NOT MATCHED AND s.amount > 0 THEN INSERT (id, t.amount) VALUES (s.id, coalesce(s.amount, 0))
      WHEN NOT MATCHED BY TARGET THEN INSERT *
      WHEN NOT MATCHED BY SOURCE AND t.amount = 0 THEN DELETE
      WHEN NOT MATCHED BY SOURCE THEN UPDATE SET amount = 0`;
    expect(parseStatement(sql)).toEqual({
      kind: "merge",
      target: ["ns", "target"],
      targetAlias: "t",
      source: { query: "SELECT id, amount, op FROM ns.changes WHERE day = '2024-01-01'" },
      sourceAlias: "s",
      on: "t.id = s.id AND CASE WHEN s.op = 'x' THEN true ELSE false END",
      clauses: [
        { when: "matched", condition: "s.op = 'delete'", action: { kind: "delete" } },
        { when: "matched", condition: "s.op = 'all'", action: { kind: "update-all" } },
        {
          when: "matched",
          action: {
            kind: "update",
            assignments: [
              { column: "amount", expr: "t.amount + s.amount" },
              { column: "note", expr: "concat('a', ',', s.op)" },
            ],
          },
        },
        { when: "not-matched", condition: "s.amount > 0", action: { kind: "insert", columns: ["id", "amount"], values: ["s.id", "coalesce(s.amount, 0)"] } },
        { when: "not-matched", action: { kind: "insert-all" } },
        { when: "not-matched-by-source", condition: "t.amount = 0", action: { kind: "delete" } },
        { when: "not-matched-by-source", action: { kind: "update", assignments: [{ column: "amount", expr: "0" }] } },
      ],
    } satisfies MergeStatement);
  });

  it("reads a source table without aliases, and INSERT VALUES without columns", () => {
    expect(parseStatement("MERGE INTO ns.t USING ns.s ON ns.t.id = s.id WHEN NOT MATCHED THEN INSERT VALUES (s.id, 1)")).toEqual({
      kind: "merge",
      target: ["ns", "t"],
      source: { table: ["ns", "s"] },
      on: "ns.t.id = s.id",
      clauses: [{ when: "not-matched", action: { kind: "insert", values: ["s.id", "1"] } }],
    });
  });

  it.each([
    ["MERGE INTO t USING s ON t.id = s.id", 'expected WHEN MATCHED or WHEN NOT MATCHED after "id" at 1:36 (end of statement)'],
    ["MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN INSERT *", 'expected UPDATE or DELETE after "THEN" at 1:55 (found "INSERT")'],
    ["MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED THEN DELETE", 'expected INSERT after "THEN" at 1:59 (found "DELETE")'],
    ["MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED BY SOURCE THEN UPDATE SET *", 'expected a column to set after "SET" at 1:80 (found "*")'],
    ["MERGE INTO t USING s ON t.id = s.id WHEN MATCHED DELETE", 'expected THEN after "MATCHED" at 1:50 (found "DELETE")'],
    ["MERGE INTO t USING s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (a, b) VALUES (1)", "INSERT names 2 columns but gives 1 values at 1:82"],
    ["MERGE INTO t USING (SELECT 1 ON x", 'expected ")" to close the source query after "x"'],
  ])("rejects %j", (sql, message) => {
    expect(() => parseStatement(sql)).toThrow(message);
  });
});

import { describe, expect, it } from "vitest";
import { findTableReferences, type TableReference } from "./findTableReferences.js";

/** The references as names (with ` cte` / alias / time travel markers), for compact expectations. */
const names = (sql: string) =>
  findTableReferences(sql).map((r) => {
    let text = r.parts.join(".");
    if (r.alias !== undefined) text += ` as ${r.alias}`;
    if (r.cte) text += " (cte)";
    if (r.timeTravel) text += ` @${r.timeTravel.kind}=${r.timeTravel.value}`;
    return text;
  });

describe("findTableReferences", () => {
  it.each<[string, string, string[]]>([
    ["a single table", "SELECT * FROM ns.t", ["ns.t"]],
    ["aliases with and without AS", "SELECT * FROM ns.a AS x, ns.b y, c WHERE x.id = y.id", ["ns.a as x", "ns.b as y", "c"]],
    ["joins of every kind", "SELECT * FROM a JOIN b ON a.id = b.id LEFT OUTER JOIN c USING (id) CROSS JOIN d NATURAL JOIN e ASOF JOIN f ON a.t >= f.t", ["a", "b", "c", "d", "e", "f"]],
    ["comma lists after joins", "SELECT * FROM a JOIN b ON f(a.x, b.x), c", ["a", "b", "c"]],
    ["subqueries in FROM, WHERE and SELECT", "SELECT (SELECT max(x) FROM s1) FROM (SELECT * FROM s2) AS q, s3 WHERE id IN (SELECT id FROM s4) AND EXISTS (FROM s5)", ["s1", "s2", "s3", "s4", "s5"]],
    ["parenthesized joins", "SELECT * FROM (a JOIN b ON a.id = b.id), c", ["a", "b", "c"]],
    ["set operations", "SELECT 1 FROM a UNION ALL SELECT 2 FROM b EXCEPT (SELECT 3 FROM c)", ["a", "b", "c"]],
    ["quoted parts", 'SELECT * FROM "My NS".`t 1` AS "x"', ["My NS.t 1 as x"]],
    ["three-part names", "SELECT * FROM cat.ns.t", ["cat.ns.t"]],
    ["FROM-first queries", "FROM ns.t SELECT a", ["ns.t"]],
    ["LATERAL", "SELECT * FROM a, LATERAL (SELECT * FROM b WHERE b.x = a.x) l", ["a", "b"]],
    ["no tables in function arguments", "SELECT extract(year FROM ts), substring(s FROM 2 FOR 3), trim(BOTH 'x' FROM s) FROM t", ["t"]],
    ["no table after IS DISTINCT FROM", "SELECT * FROM t WHERE a IS DISTINCT FROM b", ["t"]],
    ["no table functions or files", "SELECT * FROM read_parquet('x.parquet') p, 'y.csv', range(10) r(i), unnest([1, 2]), t", ["t"]],
    ["nothing from strings and comments", "SELECT 'FROM x' -- FROM y\n/* JOIN z */ FROM t", ["t"]],
    ["none in VALUES", "VALUES (1, 2), (3, 4)", []],
    ["DML FROM positions", "DELETE FROM ns.t WHERE id IN (SELECT id FROM ns.s)", ["ns.t", "ns.s"]],
    ["a following clause is no alias", "SELECT * FROM t WHERE x GROUP BY 1 ORDER BY 1 LIMIT 1", ["t"]],
    ["a window is no table", "SELECT row_number() OVER (PARTITION BY a ORDER BY b) FROM t", ["t"]],
  ])("%s", (_, sql, expected) => {
    expect(names(sql)).toEqual(expected);
  });

  it("flags references to the query's CTEs", () => {
    const sql = "WITH RECURSIVE recent(id) AS (SELECT id FROM ns.events), Totals AS MATERIALIZED (SELECT * FROM recent JOIN ns.users u USING (id)) SELECT * FROM totals, ns.other";
    expect(names(sql)).toEqual(["ns.events", "recent (cte)", "ns.users as u", "totals (cte)", "ns.other"]);
  });

  it("gives spans into the query text", () => {
    const sql = 'SELECT * FROM ns."Events" e JOIN  other ON true';
    const refs = findTableReferences(sql);
    expect(refs.map((r) => sql.slice(r.start, r.end))).toEqual(['ns."Events"', "other"]);
  });

  it.each<[string, string, TableReference["timeTravel"], string]>([
    ["FOR SYSTEM_VERSION AS OF a snapshot id", "SELECT * FROM ns.t FOR SYSTEM_VERSION AS OF 9223372036854775807 AS x", { kind: "version", value: "9223372036854775807" }, "FOR SYSTEM_VERSION AS OF 9223372036854775807"],
    ["FOR SYSTEM_VERSION AS OF a ref", "SELECT * FROM ns.t FOR SYSTEM_VERSION AS OF 'audit-branch'", { kind: "version", value: "audit-branch" }, "FOR SYSTEM_VERSION AS OF 'audit-branch'"],
    ["FOR SYSTEM_TIME AS OF", "SELECT * FROM ns.t FOR SYSTEM_TIME AS OF '2024-01-01 10:00:00' t", { kind: "time", value: "2024-01-01 10:00:00" }, "FOR SYSTEM_TIME AS OF '2024-01-01 10:00:00'"],
    ["FOR SYSTEM_TIME AS OF TIMESTAMP", "SELECT * FROM ns.t FOR SYSTEM_TIME AS OF TIMESTAMP '2024-01-01'", { kind: "time", value: "2024-01-01" }, "FOR SYSTEM_TIME AS OF TIMESTAMP '2024-01-01'"],
    ["Spark's VERSION AS OF", "SELECT * FROM ns.t VERSION AS OF 'tag1'", { kind: "version", value: "tag1" }, "VERSION AS OF 'tag1'"],
    ["Spark's TIMESTAMP AS OF", "SELECT * FROM ns.t timestamp as of 1700000000", { kind: "time", value: "1700000000" }, "timestamp as of 1700000000"],
  ])("time travel: %s", (_, sql, timeTravel, clause) => {
    const [ref] = findTableReferences(sql);
    expect(ref.timeTravel).toEqual(timeTravel);
    expect(sql.slice(ref.timeTravelSpan!.start, ref.timeTravelSpan!.end)).toBe(clause);
    expect(sql.slice(ref.start, ref.end)).toBe("ns.t");
  });

  it("reads time travel and aliases on every table of a join", () => {
    const sql = "SELECT * FROM ns.t FOR SYSTEM_VERSION AS OF 1 a JOIN ns.t VERSION AS OF 2 AS b ON a.id = b.id";
    expect(names(sql)).toEqual(["ns.t as a @version=1", "ns.t as b @version=2"]);
  });

  it("rejects a time travel clause without a value", () => {
    expect(() => findTableReferences("SELECT * FROM ns.t FOR SYSTEM_VERSION AS OF x")).toThrow('expected a snapshot id or a branch or tag name in quotes after "OF" at 1:45 (found "x")');
  });
});

import { describe, expect, it } from "vitest";
import { splitStatements } from "./splitStatements.js";

describe("splitStatements", () => {
  it("splits at semicolons and records each statement's offset", () => {
    const script = "SELECT 1; SELECT 2;\nSELECT 3";
    const statements = splitStatements(script);
    expect(statements).toEqual([
      { sql: "SELECT 1", start: 0 },
      { sql: "SELECT 2", start: 10 },
      { sql: "SELECT 3", start: 20 },
    ]);
    for (const s of statements) expect(script.slice(s.start, s.start + s.sql.length)).toBe(s.sql);
  });

  it.each([
    ["strings", "SELECT 'a;b'; SELECT E'c\\';d'", ["SELECT 'a;b'", "SELECT E'c\\';d'"]],
    ["quoted identifiers", 'SELECT 1 AS ";"; SELECT 1 AS `;`', ['SELECT 1 AS ";"', "SELECT 1 AS `;`"]],
    ["comments", "SELECT 1 -- no; split\n+ 1; /* ; */ SELECT 2", ["SELECT 1 -- no; split\n+ 1", "SELECT 2"]],
    ["parentheses", "CREATE MACRO m(x) AS (x; x); SELECT 2", ["CREATE MACRO m(x) AS (x; x)", "SELECT 2"]],
    ["dollar strings", "SELECT $$;$$; SELECT 2", ["SELECT $$;$$", "SELECT 2"]],
  ])("ignores semicolons in %s", (_, script, expected) => {
    expect(splitStatements(script).map((s) => s.sql)).toEqual(expected);
  });

  it("drops empty statements and comments around statements", () => {
    const script = ";;\n-- set up\nCREATE SCHEMA s; ;\n/* trailing */ ;  \n";
    expect(splitStatements(script)).toEqual([{ sql: "CREATE SCHEMA s", start: script.indexOf("CREATE") }]);
    expect(splitStatements("  -- nothing\n")).toEqual([]);
    expect(splitStatements("")).toEqual([]);
  });

  it("keeps a multi-line statement whole", () => {
    const script = `CREATE TABLE ns.t (
  id BIGINT, -- the key; never null
  note STRING
);
INSERT INTO ns.t VALUES (1, 'a;b');`;
    const statements = splitStatements(script);
    expect(statements.map((s) => s.sql)).toEqual([script.slice(0, script.indexOf(");") + 1), "INSERT INTO ns.t VALUES (1, 'a;b')"]);
  });

  it("rejects an unterminated string with its line:column in the script", () => {
    expect(() => splitStatements("SELECT 1;\nSELECT 'x;")).toThrow("unterminated string starting at 2:8");
  });
});

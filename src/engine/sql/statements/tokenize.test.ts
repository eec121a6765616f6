import { describe, expect, it } from "vitest";
import { isFloeError } from "../../../core/errors/FloeError.js";
import { tokenize } from "./tokenize.js";

const kinds = (sql: string) => tokenize(sql).map((t) => [t.kind, t.value]);

describe("tokenize", () => {
  it.each([
    ["words, numbers and symbols", "SELECT a1, 2.5e3 FROM t;", [["word", "SELECT"], ["word", "a1"], ["symbol", ","], ["number", "2.5e3"], ["word", "FROM"], ["word", "t"], ["symbol", ";"]]],
    ["standard strings with '' escapes and no backslash escapes", String.raw`'it''s' 'C:\'`, [["string", "it's"], ["string", "C:\\"]]],
    ["E-strings with backslash escapes", String.raw`E'a\'b\n\x41\u00e9' e'x''y'`, [["string", "a'b\nAé"], ["string", "x'y"]]],
    ["dollar-quoted strings", "$$a;'b$$ $fn$x$$y$fn$ $1", [["string", "a;'b"], ["string", "x$$y"], ["symbol", "$"], ["number", "1"]]],
    ["double-quoted and backquoted identifiers", '"Odd ""Name""" `spark``s`', [["quoted-identifier", 'Odd "Name"'], ["quoted-identifier", "spark`s"]]],
    ["line and nested block comments", "a -- b;\n/* c /* d */ e; */ f", [["word", "a"], ["word", "f"]]],
    ["multi-character operators, longest first", "a=>b::c<=d<>e->>f>>g", [["word", "a"], ["symbol", "=>"], ["word", "b"], ["symbol", "::"], ["word", "c"], ["symbol", "<="], ["word", "d"], ["symbol", "<>"], ["word", "e"], ["symbol", "->>"], ["word", "f"], ["symbol", ">>"], ["word", "g"]]],
    ["a dot after a name is not a number", "t.5 .5", [["word", "t"], ["symbol", "."], ["number", "5"], ["number", ".5"]]],
    ["Spark literal suffixes stay on the number", "10L 1_000", [["number", "10L"], ["number", "1_000"]]],
    ["non-ASCII words", "SELECT größe FROM tâble", [["word", "SELECT"], ["word", "größe"], ["word", "FROM"], ["word", "tâble"]]],
  ])("%s", (_, sql, expected) => {
    expect(kinds(sql)).toEqual(expected);
  });

  it("keeps each token's exact source span", () => {
    const sql = `SELECT 'a''b' AS "x"`;
    for (const token of tokenize(sql)) expect(sql.slice(token.start, token.end)).toBe(token.text);
    expect(tokenize(sql)[1]).toMatchObject({ text: "'a''b'", value: "a'b", start: 7, end: 13 });
  });

  it.each([
    ["SELECT 'abc", "unterminated string starting at 1:8"],
    ["SELECT\n  E'ab\\'", "unterminated string starting at 2:3"],
    ['SELECT "abc', "unterminated quoted identifier starting at 1:8"],
    ["SELECT 1 /* a /* b */", "unterminated comment starting at 1:10"],
    ["SELECT $$x", "unterminated string starting at 1:8"],
    ['SELECT ""', "empty quoted identifier at 1:8"],
  ])("rejects %j", (sql, message) => {
    try {
      tokenize(sql);
      expect.unreachable();
    } catch (error) {
      expect(isFloeError(error, "invalid-input")).toBe(true);
      expect((error as Error).message).toBe(message);
    }
  });

  it("counts positions in the script when the statement has an origin", () => {
    const script = "SELECT 1;\nSELECT 'x";
    expect(() => tokenize("SELECT 'x", { script, start: 10 })).toThrow("unterminated string starting at 2:8");
  });
});

/**
 * One statement → its `Statement`: the statements floe runs itself are chosen by their
 * leading words from the table below; anything else is a `query` for DuckDB.
 *
 * Errors are `invalid-input` (or `unsupported` for valid SQL that floe does not run on
 * Iceberg tables) and give line:column; with `origin`, counted in the whole script.
 */
import type { Statement } from "./ast.js";
import { parseAlterTable } from "./parseAlterTable.js";
import { parseCall } from "./parseCall.js";
import { parseCreateTable } from "./parseCreateTable.js";
import { parseDelete, parseUpdate } from "./parseDeleteUpdate.js";
import { parseDropTable } from "./parseDropTable.js";
import { parseInsert } from "./parseInsert.js";
import { parseMerge } from "./parseMerge.js";
import { NAMESPACE_KEYWORDS, parseCreateSchema, parseDropSchema } from "./parseNamespaceStatements.js";
import type { SourceOrigin } from "./sourcePosition.js";
import { TokenCursor } from "./TokenCursor.js";

const STATEMENTS: ReadonlyArray<{ words: string[]; parse: (cursor: TokenCursor) => Statement }> = [
  { words: ["CREATE", "OR", "REPLACE", "TABLE"], parse: (cursor) => parseCreateTable(cursor, true) },
  { words: ["CREATE", "TABLE"], parse: (cursor) => parseCreateTable(cursor, false) },
  ...NAMESPACE_KEYWORDS.map((word) => ({ words: ["CREATE", word], parse: parseCreateSchema })),
  { words: ["DROP", "TABLE"], parse: parseDropTable },
  ...NAMESPACE_KEYWORDS.map((word) => ({ words: ["DROP", word], parse: parseDropSchema })),
  { words: ["INSERT"], parse: parseInsert },
  { words: ["DELETE"], parse: parseDelete },
  { words: ["UPDATE"], parse: parseUpdate },
  { words: ["MERGE"], parse: parseMerge },
  { words: ["ALTER", "TABLE"], parse: parseAlterTable },
  { words: ["CALL"], parse: parseCall },
];

export function parseStatement(sql: string, origin?: SourceOrigin): Statement {
  const cursor = TokenCursor.of(sql, origin);
  if (cursor.atEnd()) throw cursor.errorHere("empty statement");
  rejectSecondStatement(cursor);
  const entry = STATEMENTS.find((s) => cursor.areWords(...s.words));
  if (entry === undefined) return { kind: "query", sql: cursor.rest("a statement") };
  cursor.acceptWords(...entry.words);
  return entry.parse(cursor);
}

/** One statement only: a `;` outside parentheses (other than a trailing one) starts another. */
function rejectSecondStatement(cursor: TokenCursor): void {
  let depth = 0;
  for (const token of cursor.tokens) {
    if (token.kind !== "symbol") continue;
    if (token.text === "(") depth++;
    else if (token.text === ")") depth--;
    else if (token.text === ";" && depth <= 0) throw cursor.errorAt(token.start, 'a second statement follows ";"', { detail: "(split scripts with splitStatements)" });
  }
}

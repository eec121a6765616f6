/**
 * `INSERT INTO [TABLE] t [(a, b)] [BY NAME | BY POSITION] query` and
 * `INSERT OVERWRITE [TABLE] t [(a, b)] query`, where the query is a SELECT, VALUES, WITH,
 * FROM-first or parenthesized query, kept as written. The cursor stands after `INSERT`.
 */
import type { InsertStatement } from "./ast.js";
import type { TokenCursor } from "./TokenCursor.js";

/** Words that begin a query, so `t (SELECT ..)` is not read as a column list. */
const QUERY_STARTS = ["SELECT", "WITH", "VALUES", "FROM", "TABLE"];

export function parseInsert(cursor: TokenCursor): InsertStatement {
  if (cursor.isWord("OR")) throw cursor.errorHere(`INSERT OR ${cursor.peek(1)?.text ?? ""} is not supported on Iceberg tables`.trimEnd(), "unsupported");
  const overwrite = cursor.acceptWords("OVERWRITE");
  if (!overwrite) cursor.expectWords("INTO");
  cursor.acceptWords("TABLE");
  const table = cursor.qualifiedName("a table name");
  if (cursor.isWord("PARTITION")) throw cursor.errorHere("INSERT .. PARTITION (..) is not supported: Iceberg tables partition rows by their values", "unsupported");
  let columns: string[] | undefined;
  if (cursor.isSymbol("(") && !cursor.isSymbol("(", 1) && !QUERY_STARTS.some((word) => cursor.isWord(word, 1))) columns = cursor.identifierList("a column name");
  let byName = false;
  if (cursor.acceptWords("BY", "NAME")) byName = true;
  else cursor.acceptWords("BY", "POSITION");
  if (byName && columns !== undefined) throw cursor.errorHere("INSERT .. BY NAME takes no column list");
  const query = cursor.rest("a query or VALUES");
  return { kind: "insert", table, overwrite, ...(columns && { columns }), byName, query };
}

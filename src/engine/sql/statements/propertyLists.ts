/**
 * Spark's property lists: `('k' = 'v', ...)` for `TBLPROPERTIES` and `DBPROPERTIES`, and
 * key lists `('k', ...)` for `UNSET TBLPROPERTIES`. A key is a string or a dotted name
 * (`write.format.default`); a value is a string, a number or a boolean, kept as text; the
 * `=` is optional, as in Spark.
 */
import type { TokenCursor } from "./TokenCursor.js";

export function parsePropertyList(cursor: TokenCursor): Record<string, string> {
  const properties: Record<string, string> = {};
  cursor.expectSymbol("(");
  if (cursor.acceptSymbol(")")) return properties;
  do {
    const key = propertyKey(cursor);
    cursor.acceptSymbol("=");
    properties[key] = propertyValue(cursor, key);
  } while (cursor.acceptSymbol(","));
  cursor.expectSymbol(")");
  return properties;
}

export function parsePropertyKeyList(cursor: TokenCursor): string[] {
  const keys: string[] = [];
  cursor.expectSymbol("(");
  do keys.push(propertyKey(cursor));
  while (cursor.acceptSymbol(","));
  cursor.expectSymbol(")");
  return keys;
}

function propertyKey(cursor: TokenCursor): string {
  if (cursor.peek()?.kind === "string") return cursor.stringLiteral("a property key");
  return cursor.qualifiedName("a property key").join(".");
}

function propertyValue(cursor: TokenCursor, key: string): string {
  const what = `a value for property "${key}"`;
  const token = cursor.peek();
  if (token?.kind === "string") return cursor.stringLiteral(what);
  if (cursor.isWord("TRUE") || cursor.isWord("FALSE")) return cursor.next(what).text.toLowerCase();
  const negative = cursor.isSymbol("-") && cursor.peek(1)?.kind === "number";
  const number = cursor.peek(negative ? 1 : 0);
  if (number?.kind !== "number") throw cursor.expected(what);
  if (negative) cursor.next(what);
  return (negative ? "-" : "") + cursor.next(what).text;
}

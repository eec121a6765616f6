/**
 * Optional table aliases (`t [AS] a`) and the assignments of `SET a = expr, ..`, whose
 * column may be qualified by the target's alias or name (`SET t.x = 1`).
 */
import type { Assignment } from "./ast.js";
import { atCommaOrWords, readExpression } from "./expressionText.js";
import type { TokenCursor } from "./TokenCursor.js";

/** `[AS] alias`, unless the next word is one of `keywords` (which would follow a table without alias). */
export function parseOptionalAlias(cursor: TokenCursor, keywords: readonly string[]): string | undefined {
  if (cursor.acceptWords("AS")) return cursor.identifier("an alias");
  if (!cursor.isIdentifier() || keywords.some((word) => cursor.isWord(word))) return undefined;
  return cursor.identifier("an alias");
}

/** The names that may qualify a target column: the alias, or else the table's last name part. */
export function targetQualifier(table: readonly string[], alias: string | undefined): string {
  return alias ?? table[table.length - 1];
}

/** `col = expr, ..` up to one of `stopWords` (or the end); a qualifier naming the target is dropped from `col`. */
export function parseAssignments(cursor: TokenCursor, qualifier: string, stopWords: readonly string[]): Assignment[] {
  const assignments: Assignment[] = [];
  do {
    const column = targetColumn(cursor.qualifiedName("a column to set"), qualifier);
    cursor.expectSymbol("=");
    assignments.push({ column, expr: readExpression(cursor, `a value for "${column}"`, atCommaOrWords(...stopWords)) });
  } while (cursor.acceptSymbol(","));
  return assignments;
}

/** A target column's dotted name, without a leading qualifier that names the target (compared ignoring case, as SQL resolves it). */
export function targetColumn(parts: string[], qualifier: string): string {
  const qualified = parts.length > 1 && parts[0].toLowerCase() === qualifier.toLowerCase();
  return (qualified ? parts.slice(1) : parts).join(".");
}

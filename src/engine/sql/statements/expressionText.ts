/**
 * Expressions are not parsed: floe keeps their source text for DuckDB to evaluate. What
 * the statement parsers need is where an expression ends, which is at a stop (a `,`, a
 * keyword such as `WHERE` or `THEN`) outside any brackets and any `CASE .. END`, or at a
 * closing bracket that belongs to the enclosing clause.
 */
import type { TokenCursor } from "./TokenCursor.js";

const OPENING = new Set(["(", "[", "{"]);
const CLOSING = new Set([")", "]", "}"]);

/**
 * Reads an expression up to (not including) the first token at nesting depth 0 for which
 * `isStop` holds; returns its source text. An error naming `what` when it is empty.
 */
export function readExpression(cursor: TokenCursor, what: string, isStop: (cursor: TokenCursor) => boolean): string {
  const from = cursor.position;
  let depth = 0;
  let caseDepth = 0;
  while (!cursor.atEnd()) {
    const token = cursor.peek()!;
    if (depth === 0 && caseDepth === 0 && (isStop(cursor) || (token.kind === "symbol" && CLOSING.has(token.text)))) break;
    cursor.next(what);
    if (token.kind === "symbol") {
      if (OPENING.has(token.text)) depth++;
      else if (CLOSING.has(token.text)) depth--;
    } else if (token.kind === "word") {
      const word = token.text.toUpperCase();
      if (word === "CASE") caseDepth++;
      else if (word === "END" && caseDepth > 0) caseDepth--;
    }
  }
  if (cursor.position === from) throw cursor.expected(what);
  return cursor.textBetween(from, cursor.position);
}

/** A stop at any of these unquoted words. */
export function atWords(...words: string[]): (cursor: TokenCursor) => boolean {
  return (cursor) => words.some((word) => cursor.isWord(word));
}

/** A stop at `,` or at any of these unquoted words. */
export function atCommaOrWords(...words: string[]): (cursor: TokenCursor) => boolean {
  const atWord = atWords(...words);
  return (cursor) => cursor.isSymbol(",") || atWord(cursor);
}

/** `(expr, expr, ...)`: each expression's text. */
export function readExpressionList(cursor: TokenCursor, what: string): string[] {
  cursor.expectSymbol("(");
  const values = [readExpression(cursor, what, atCommaOrWords())];
  while (cursor.acceptSymbol(",")) values.push(readExpression(cursor, what, atCommaOrWords()));
  cursor.expectSymbol(")");
  return values;
}

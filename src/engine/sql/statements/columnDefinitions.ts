/**
 * Column definitions, shared by `CREATE TABLE` and `ALTER TABLE .. ADD COLUMN`:
 * `name TYPE` followed, in any order, by `NOT NULL` | `NULL`, `DEFAULT expr`,
 * `COMMENT '..'` and (for added columns) `FIRST` | `AFTER other`.
 */
import type { ColumnDefinition, ColumnPosition } from "./ast.js";
import { readExpression } from "./expressionText.js";
import { parseType } from "./sqlTypes.js";
import type { TokenCursor } from "./TokenCursor.js";

const CONSTRAINT_KINDS = ["PRIMARY", "FOREIGN", "UNIQUE", "CHECK"];

/** A table constraint (which Iceberg tables do not have) starts here, rather than a column that happens to be named `unique`. */
function atTableConstraint(cursor: TokenCursor): boolean {
  return (
    cursor.areWords("PRIMARY", "KEY") ||
    cursor.areWords("FOREIGN", "KEY") ||
    ((cursor.isWord("UNIQUE") || cursor.isWord("CHECK")) && cursor.isSymbol("(", 1)) ||
    (cursor.isWord("CONSTRAINT") && cursor.isIdentifier(1) && CONSTRAINT_KINDS.some((word) => cursor.isWord(word, 2)))
  );
}

interface ColumnOptions {
  required: boolean;
  comment?: string;
  default?: string;
  position?: ColumnPosition;
}

export function parseColumnDefinition(cursor: TokenCursor): ColumnDefinition {
  if (atTableConstraint(cursor)) {
    throw cursor.errorHere(`table constraints (${cursor.peek()!.text} ..) are not supported on Iceberg tables`, "unsupported");
  }
  const name = cursor.identifier("a column name");
  const type = parseType(cursor, "a column type");
  const options = parseColumnOptions(cursor, name, false);
  return { name, type, ...options };
}

/** `NOT NULL`, `NULL`, `DEFAULT expr`, `COMMENT '..'` and, when `withPosition`, `FIRST` | `AFTER col`. */
export function parseColumnOptions(cursor: TokenCursor, column: string, withPosition: boolean): ColumnOptions {
  const options: ColumnOptions = { required: false };
  for (;;) {
    if (cursor.acceptWords("NOT", "NULL")) options.required = true;
    else if (cursor.acceptWords("NULL")) options.required = false;
    else if (cursor.acceptWords("DEFAULT")) options.default = readExpression(cursor, `a default value for "${column}"`, atColumnOptionEnd);
    else if (cursor.acceptWords("COMMENT")) options.comment = cursor.stringLiteral(`a comment for "${column}"`);
    else if (withPosition && cursor.acceptWords("FIRST")) options.position = { kind: "first" };
    else if (withPosition && cursor.acceptWords("AFTER")) options.position = { kind: "after", column: cursor.identifier("a column name") };
    else return options;
  }
}

function atColumnOptionEnd(cursor: TokenCursor): boolean {
  return cursor.isSymbol(",") || cursor.areWords("NOT", "NULL") || cursor.isWord("COMMENT") || cursor.isWord("FIRST") || cursor.isWord("AFTER");
}

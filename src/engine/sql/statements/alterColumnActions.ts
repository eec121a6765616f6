/**
 * `ALTER TABLE` actions on columns:
 *
 *   ADD COLUMN[S] [(]x T [NOT NULL] [DEFAULT e] [COMMENT '..'] [FIRST | AFTER y], ..[)]
 *   DROP COLUMN[S] [IF EXISTS] x, ..
 *   RENAME COLUMN a TO b
 *   ALTER|CHANGE [COLUMN] x  TYPE T [COMMENT '..'] | SET DATA TYPE T | SET NOT NULL | DROP NOT NULL
 *                            | FIRST | AFTER y | COMMENT '..' | SET DEFAULT e | DROP DEFAULT
 *
 * Column names are paths (`point.z` is field `z` of struct `point`).
 */
import type { AddedColumn, AlterTableAction } from "./ast.js";
import { parseColumnOptions } from "./columnDefinitions.js";
import { readExpression } from "./expressionText.js";
import { parseType } from "./sqlTypes.js";
import type { TokenCursor } from "./TokenCursor.js";

export function parseAddColumns(cursor: TokenCursor): AlterTableAction {
  const parenthesized = cursor.acceptSymbol("(");
  const columns = [addedColumn(cursor)];
  while (cursor.acceptSymbol(",")) columns.push(addedColumn(cursor));
  if (parenthesized) cursor.expectSymbol(")");
  return { kind: "add-columns", columns };
}

function addedColumn(cursor: TokenCursor): AddedColumn {
  const path = cursor.qualifiedName("a column name");
  const type = parseType(cursor, "a column type");
  return { path, type, ...parseColumnOptions(cursor, path.join("."), true) };
}

export function parseDropColumns(cursor: TokenCursor): AlterTableAction {
  const ifExists = cursor.acceptWords("IF", "EXISTS");
  return { kind: "drop-column", columns: cursor.qualifiedNameList("a column name"), ifExists };
}

export function parseRenameColumn(cursor: TokenCursor): AlterTableAction {
  const column = cursor.qualifiedName("a column name");
  cursor.expectWords("TO");
  return { kind: "rename-column", column, newName: cursor.identifier("a new column name") };
}

export function parseAlterColumn(cursor: TokenCursor): AlterTableAction {
  const column = cursor.qualifiedName("a column name");
  if (cursor.acceptWords("TYPE") || cursor.acceptWords("SET", "DATA", "TYPE")) {
    const type = parseType(cursor, "a column type");
    if (cursor.isWord("USING")) throw cursor.errorHere("ALTER COLUMN .. TYPE .. USING is not supported: Iceberg changes types only by promotion", "unsupported");
    if (cursor.acceptWords("COMMENT")) return { kind: "alter-column-type", column, type, comment: cursor.stringLiteral("a comment") };
    return { kind: "alter-column-type", column, type };
  }
  if (cursor.acceptWords("SET", "NOT", "NULL")) return { kind: "alter-column-nullability", column, required: true };
  if (cursor.acceptWords("DROP", "NOT", "NULL")) return { kind: "alter-column-nullability", column, required: false };
  if (cursor.acceptWords("FIRST")) return { kind: "alter-column-position", column, position: { kind: "first" } };
  if (cursor.acceptWords("AFTER")) return { kind: "alter-column-position", column, position: { kind: "after", column: cursor.identifier("a column name") } };
  if (cursor.acceptWords("COMMENT")) return { kind: "alter-column-comment", column, comment: cursor.stringLiteral("a comment") };
  if (cursor.acceptWords("SET", "DEFAULT")) return { kind: "alter-column-default", column, default: readExpression(cursor, "a default value", () => false) };
  if (cursor.acceptWords("DROP", "DEFAULT")) return { kind: "alter-column-default", column };
  throw cursor.expected("TYPE, SET DATA TYPE, SET NOT NULL, DROP NOT NULL, FIRST, AFTER, COMMENT, SET DEFAULT or DROP DEFAULT");
}

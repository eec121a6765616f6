/**
 * `DELETE FROM t [[AS] a] [WHERE cond]` and `UPDATE t [[AS] a] SET x = expr, .. [WHERE cond]`.
 * The cursor stands after `DELETE` / `UPDATE`.
 */
import type { DeleteStatement, UpdateStatement } from "./ast.js";
import { parseAssignments, parseOptionalAlias, targetQualifier } from "./tableAlias.js";
import type { TokenCursor } from "./TokenCursor.js";

export function parseDelete(cursor: TokenCursor): DeleteStatement {
  cursor.expectWords("FROM");
  const table = cursor.qualifiedName("a table name");
  const alias = parseOptionalAlias(cursor, ["WHERE", "USING", "RETURNING"]);
  if (cursor.isWord("USING")) throw cursor.errorHere("DELETE .. USING is not supported: use MERGE .. WHEN MATCHED THEN DELETE", "unsupported");
  const statement: DeleteStatement = { kind: "delete", table };
  if (alias !== undefined) statement.alias = alias;
  if (cursor.acceptWords("WHERE")) statement.where = cursor.rest("a condition");
  cursor.expectEnd();
  return statement;
}

export function parseUpdate(cursor: TokenCursor): UpdateStatement {
  const table = cursor.qualifiedName("a table name");
  const alias = parseOptionalAlias(cursor, ["SET"]);
  cursor.expectWords("SET");
  const assignments = parseAssignments(cursor, targetQualifier(table, alias), ["WHERE", "FROM"]);
  if (cursor.isWord("FROM")) throw cursor.errorHere("UPDATE .. FROM is not supported: use MERGE .. WHEN MATCHED THEN UPDATE", "unsupported");
  const statement: UpdateStatement = { kind: "update", table, assignments };
  if (alias !== undefined) statement.alias = alias;
  if (cursor.acceptWords("WHERE")) statement.where = cursor.rest("a condition");
  cursor.expectEnd();
  return statement;
}

/** `DROP TABLE [IF EXISTS] ns.t [PURGE]`. The cursor stands after `TABLE`. */
import type { DropTableStatement } from "./ast.js";
import type { TokenCursor } from "./TokenCursor.js";

export function parseDropTable(cursor: TokenCursor): DropTableStatement {
  const ifExists = cursor.acceptWords("IF", "EXISTS");
  const table = cursor.qualifiedName("a table name");
  const purge = cursor.acceptWords("PURGE");
  cursor.expectEnd();
  return { kind: "drop-table", table, ifExists, purge };
}

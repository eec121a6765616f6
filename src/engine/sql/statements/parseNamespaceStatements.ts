/**
 * `CREATE SCHEMA|NAMESPACE|DATABASE [IF NOT EXISTS] a.b [COMMENT '..'] [LOCATION '..']
 * [WITH DBPROPERTIES|PROPERTIES (..)]` (clauses in any order, as in Spark) and
 * `DROP SCHEMA|NAMESPACE|DATABASE [IF EXISTS] a.b [CASCADE|RESTRICT]`.
 * The cursor stands after the `SCHEMA`-like keyword.
 */
import type { CreateSchemaStatement, DropSchemaStatement } from "./ast.js";
import { parsePropertyList } from "./propertyLists.js";
import type { TokenCursor } from "./TokenCursor.js";

export const NAMESPACE_KEYWORDS = ["SCHEMA", "NAMESPACE", "DATABASE"];

export function parseCreateSchema(cursor: TokenCursor): CreateSchemaStatement {
  const ifNotExists = cursor.acceptWords("IF", "NOT", "EXISTS");
  const namespace = cursor.qualifiedName("a namespace name");
  const properties: Record<string, string> = {};
  const seen = new Set<string>();
  const once = (clause: string) => {
    if (seen.has(clause)) throw cursor.errorHere(`${clause} is given twice`);
    seen.add(clause);
  };
  while (!cursor.atEnd()) {
    if (cursor.isWord("COMMENT")) {
      once("COMMENT");
      cursor.next("COMMENT");
      properties.comment = cursor.stringLiteral("a comment");
    } else if (cursor.isWord("LOCATION")) {
      once("LOCATION");
      cursor.next("LOCATION");
      properties.location = cursor.stringLiteral("a location");
    } else if (cursor.areWords("WITH", "DBPROPERTIES") || cursor.areWords("WITH", "PROPERTIES")) {
      once("WITH DBPROPERTIES");
      cursor.next("WITH");
      cursor.next("DBPROPERTIES");
      Object.assign(properties, parsePropertyList(cursor));
    } else throw cursor.expected("COMMENT, LOCATION, WITH DBPROPERTIES or the end of the statement");
  }
  return { kind: "create-schema", namespace, ifNotExists, properties };
}

export function parseDropSchema(cursor: TokenCursor): DropSchemaStatement {
  const ifExists = cursor.acceptWords("IF", "EXISTS");
  const namespace = cursor.qualifiedName("a namespace name");
  const cascade = cursor.acceptWords("CASCADE");
  if (!cascade) cursor.acceptWords("RESTRICT");
  cursor.expectEnd();
  return { kind: "drop-schema", namespace, ifExists, cascade };
}

/**
 * `MERGE INTO t [[AS] a] USING src|(query) [[AS] s] ON cond` followed by clauses, in order:
 *
 *   WHEN MATCHED [AND cond] THEN UPDATE SET a = e, .. | UPDATE SET * | DELETE
 *   WHEN NOT MATCHED [BY TARGET] [AND cond] THEN INSERT [(cols)] VALUES (exprs) | INSERT *
 *   WHEN NOT MATCHED BY SOURCE [AND cond] THEN UPDATE SET a = e, .. | DELETE
 *
 * The cursor stands after `MERGE`.
 */
import type { DeleteAction, InsertAction, InsertAllAction, MergeClause, MergeSource, MergeStatement, UpdateAction, UpdateAllAction } from "./ast.js";
import { atWords, readExpression, readExpressionList } from "./expressionText.js";
import { parseAssignments, parseOptionalAlias, targetColumn, targetQualifier } from "./tableAlias.js";
import type { TokenCursor } from "./TokenCursor.js";

export function parseMerge(cursor: TokenCursor): MergeStatement {
  cursor.expectWords("INTO");
  const target = cursor.qualifiedName("a table name");
  const targetAlias = parseOptionalAlias(cursor, ["USING"]);
  cursor.expectWords("USING");
  const source = parseSource(cursor);
  const sourceAlias = parseOptionalAlias(cursor, ["ON"]);
  cursor.expectWords("ON");
  const on = readExpression(cursor, "a join condition", atWords("WHEN"));
  const qualifier = targetQualifier(target, targetAlias);
  const clauses: MergeClause[] = [];
  while (cursor.acceptWords("WHEN")) clauses.push(parseClause(cursor, qualifier));
  if (clauses.length === 0) throw cursor.expected("WHEN MATCHED or WHEN NOT MATCHED");
  cursor.expectEnd();

  const statement: MergeStatement = { kind: "merge", target, source, on, clauses };
  if (targetAlias !== undefined) statement.targetAlias = targetAlias;
  if (sourceAlias !== undefined) statement.sourceAlias = sourceAlias;
  return statement;
}

function parseSource(cursor: TokenCursor): MergeSource {
  if (!cursor.isSymbol("(")) return { table: cursor.qualifiedName("a source table or (query)") };
  cursor.next("(");
  const from = cursor.position;
  let depth = 0;
  while (depth > 0 || !cursor.isSymbol(")")) {
    const token = cursor.next(`")" to close the source query`);
    if (token.kind === "symbol" && token.text === "(") depth++;
    else if (token.kind === "symbol" && token.text === ")") depth--;
  }
  if (cursor.position === from) throw cursor.expected("a source query");
  const query = cursor.textBetween(from, cursor.position);
  cursor.expectSymbol(")");
  return { query };
}

function parseClause(cursor: TokenCursor, qualifier: string): MergeClause {
  let when: MergeClause["when"];
  if (cursor.acceptWords("MATCHED")) when = "matched";
  else if (cursor.acceptWords("NOT", "MATCHED")) {
    if (cursor.acceptWords("BY", "SOURCE")) when = "not-matched-by-source";
    else {
      cursor.acceptWords("BY", "TARGET");
      when = "not-matched";
    }
  } else throw cursor.expected("MATCHED or NOT MATCHED");
  const condition = cursor.acceptWords("AND") ? readExpression(cursor, "a condition", atWords("THEN")) : undefined;
  cursor.expectWords("THEN");
  const withCondition = <T extends MergeClause>(clause: T): T => (condition === undefined ? clause : { ...clause, condition });
  switch (when) {
    case "matched":
      return withCondition({ when, action: parseUpdateOrDelete(cursor, qualifier, true) as UpdateAction | UpdateAllAction | DeleteAction });
    case "not-matched":
      return withCondition({ when, action: parseInsert(cursor, qualifier) });
    case "not-matched-by-source":
      return withCondition({ when, action: parseUpdateOrDelete(cursor, qualifier, false) as UpdateAction | DeleteAction });
  }
}

function parseUpdateOrDelete(cursor: TokenCursor, qualifier: string, allowUpdateAll: boolean): UpdateAction | UpdateAllAction | DeleteAction {
  if (cursor.acceptWords("DELETE")) return { kind: "delete" };
  if (!cursor.acceptWords("UPDATE")) throw cursor.expected("UPDATE or DELETE");
  cursor.expectWords("SET");
  if (allowUpdateAll && cursor.acceptSymbol("*")) return { kind: "update-all" };
  return { kind: "update", assignments: parseAssignments(cursor, qualifier, ["WHEN"]) };
}

function parseInsert(cursor: TokenCursor, qualifier: string): InsertAction | InsertAllAction {
  cursor.expectWords("INSERT");
  if (cursor.acceptSymbol("*")) return { kind: "insert-all" };
  let columns: string[] | undefined;
  if (cursor.isSymbol("(")) {
    cursor.next("(");
    columns = [];
    do columns.push(targetColumn(cursor.qualifiedName("a column name"), qualifier));
    while (cursor.acceptSymbol(","));
    cursor.expectSymbol(")");
  }
  cursor.expectWords("VALUES");
  const values = readExpressionList(cursor, "a value");
  if (columns !== undefined && columns.length !== values.length) {
    throw cursor.errorAt(cursor.tokens[cursor.position - 1].start, `INSERT names ${columns.length} columns but gives ${values.length} values`);
  }
  return columns === undefined ? { kind: "insert", values } : { kind: "insert", columns, values };
}

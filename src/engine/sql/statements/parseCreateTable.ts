/**
 * `CREATE [OR REPLACE] TABLE [IF NOT EXISTS] ns.t (col TYPE .., ..)` followed, in any
 * order as Spark allows, by `USING iceberg`, `PARTITIONED BY (term, ..)`,
 * `LOCATION '..'`, `COMMENT '..'`, `TBLPROPERTIES (..)`, and last an optional
 * `AS query`. Without a column list the table must be created `AS query`.
 * The cursor stands after `TABLE`.
 */
import type { ColumnDefinition, CreateTableStatement } from "./ast.js";
import { parseColumnDefinition } from "./columnDefinitions.js";
import { parsePartitionTermList } from "./partitionTerms.js";
import { parsePropertyList } from "./propertyLists.js";
import type { TokenCursor } from "./TokenCursor.js";

type Clauses = Omit<CreateTableStatement, "kind" | "table" | "ifNotExists" | "orReplace" | "columns" | "asQuery">;

/** Each clause after the column list: its leading words and how it fills the statement. */
const TABLE_CLAUSES: ReadonlyArray<{ words: string[]; read: (cursor: TokenCursor, into: Clauses) => void }> = [
  {
    words: ["USING"],
    read: (cursor) => {
      const at = cursor.peek()?.start ?? 0;
      const provider = cursor.identifier("a table format");
      if (provider.toLowerCase() !== "iceberg") throw cursor.errorAt(at, `USING ${provider}: floe creates Iceberg tables only`);
    },
  },
  { words: ["PARTITIONED", "BY"], read: (cursor, into) => void (into.partitionBy = parsePartitionTermList(cursor)) },
  { words: ["LOCATION"], read: (cursor, into) => void (into.location = cursor.stringLiteral("a location")) },
  { words: ["COMMENT"], read: (cursor, into) => void (into.comment = cursor.stringLiteral("a comment")) },
  { words: ["TBLPROPERTIES"], read: (cursor, into) => void (into.properties = parsePropertyList(cursor)) },
];

export function parseCreateTable(cursor: TokenCursor, orReplace: boolean): CreateTableStatement {
  const ifNotExists = cursor.acceptWords("IF", "NOT", "EXISTS");
  if (orReplace && ifNotExists) throw cursor.errorHere("CREATE OR REPLACE TABLE cannot have IF NOT EXISTS");
  const table = cursor.qualifiedName("a table name");
  const columns = cursor.isSymbol("(") ? parseColumnList(cursor) : undefined;

  const clauses: Clauses = { partitionBy: [], properties: {} };
  const seen = new Set<string>();
  while (!cursor.atEnd() && !cursor.isWord("AS")) {
    const clause = TABLE_CLAUSES.find((c) => cursor.areWords(...c.words));
    if (clause === undefined) throw cursor.expected(columns === undefined ? "a column list, a table clause or AS query" : "a table clause, AS query or the end of the statement");
    const name = clause.words.join(" ");
    if (seen.has(name)) throw cursor.errorHere(`${name} is given twice`);
    seen.add(name);
    cursor.acceptWords(...clause.words);
    clause.read(cursor, clauses);
  }

  const statement: CreateTableStatement = { kind: "create-table", table, ifNotExists, orReplace, ...clauses };
  if (cursor.acceptWords("AS")) {
    if (columns !== undefined) throw cursor.errorHere("CREATE TABLE .. AS query takes its columns from the query: drop the column list");
    statement.asQuery = cursor.rest("a query");
  } else if (columns === undefined) throw cursor.expected("a column list or AS query");
  else statement.columns = columns;
  return statement;
}

function parseColumnList(cursor: TokenCursor): ColumnDefinition[] {
  cursor.expectSymbol("(");
  const columns = [parseColumnDefinition(cursor)];
  while (cursor.acceptSymbol(",")) columns.push(parseColumnDefinition(cursor));
  cursor.expectSymbol(")");
  return columns;
}

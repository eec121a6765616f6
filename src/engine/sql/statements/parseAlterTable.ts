/**
 * `ALTER TABLE ns.t <action>`: one action per statement, chosen by its leading words from
 * the table below (more specific forms first, so `ADD PARTITION FIELD` wins over DuckDB's
 * bare `ADD x INT`). The cursor stands after `ALTER TABLE`.
 */
import { parseAddColumns, parseAlterColumn, parseDropColumns, parseRenameColumn } from "./alterColumnActions.js";
import { parseAddPartitionField, parseDropPartitionField, parseReplacePartitionField, parseWriteOrder } from "./alterPartitionActions.js";
import { parseCreateRef, parseDropRef, parseReplaceRef } from "./alterRefActions.js";
import type { AlterTableAction, AlterTableStatement } from "./ast.js";
import { parsePropertyKeyList, parsePropertyList } from "./propertyLists.js";
import type { TokenCursor } from "./TokenCursor.js";

type ActionParser = (cursor: TokenCursor) => AlterTableAction;

const ACTIONS: ReadonlyArray<{ words: string[]; parse: ActionParser }> = [
  { words: ["ADD", "PARTITION", "FIELD"], parse: parseAddPartitionField },
  { words: ["DROP", "PARTITION", "FIELD"], parse: parseDropPartitionField },
  { words: ["REPLACE", "PARTITION", "FIELD"], parse: parseReplacePartitionField },
  { words: ["WRITE"], parse: parseWriteOrder },
  { words: ["SET", "TBLPROPERTIES"], parse: (cursor) => ({ kind: "set-properties", properties: parsePropertyList(cursor) }) },
  {
    words: ["UNSET", "TBLPROPERTIES"],
    parse: (cursor) => {
      const ifExists = cursor.acceptWords("IF", "EXISTS");
      return { kind: "unset-properties", keys: parsePropertyKeyList(cursor), ifExists };
    },
  },
  { words: ["SET", "IDENTIFIER", "FIELDS"], parse: (cursor) => ({ kind: "set-identifier-fields", columns: cursor.qualifiedNameList("a column name") }) },
  { words: ["DROP", "IDENTIFIER", "FIELDS"], parse: (cursor) => ({ kind: "drop-identifier-fields", columns: cursor.qualifiedNameList("a column name") }) },
  { words: ["RENAME", "TO"], parse: (cursor) => ({ kind: "rename-table", newName: cursor.qualifiedName("a new table name") }) },
  { words: ["CREATE", "OR", "REPLACE", "BRANCH"], parse: parseCreateRef("branch", true) },
  { words: ["CREATE", "BRANCH"], parse: parseCreateRef("branch", false) },
  { words: ["REPLACE", "BRANCH"], parse: parseReplaceRef("branch") },
  { words: ["DROP", "BRANCH"], parse: parseDropRef("branch") },
  { words: ["CREATE", "OR", "REPLACE", "TAG"], parse: parseCreateRef("tag", true) },
  { words: ["CREATE", "TAG"], parse: parseCreateRef("tag", false) },
  { words: ["REPLACE", "TAG"], parse: parseReplaceRef("tag") },
  { words: ["DROP", "TAG"], parse: parseDropRef("tag") },
  { words: ["ADD", "COLUMNS"], parse: parseAddColumns },
  { words: ["ADD", "COLUMN"], parse: parseAddColumns },
  { words: ["ADD"], parse: parseAddColumns },
  { words: ["DROP", "COLUMNS"], parse: parseDropColumns },
  { words: ["DROP", "COLUMN"], parse: parseDropColumns },
  { words: ["DROP"], parse: parseDropColumns },
  { words: ["RENAME", "COLUMN"], parse: parseRenameColumn },
  { words: ["RENAME"], parse: parseRenameColumn },
  { words: ["ALTER", "COLUMN"], parse: parseAlterColumn },
  { words: ["ALTER"], parse: parseAlterColumn },
  { words: ["CHANGE", "COLUMN"], parse: parseAlterColumn },
  { words: ["CHANGE"], parse: parseAlterColumn },
];

export function parseAlterTable(cursor: TokenCursor): AlterTableStatement {
  const table = cursor.qualifiedName("a table name");
  const entry = ACTIONS.find((a) => cursor.areWords(...a.words));
  if (entry === undefined) {
    throw cursor.expected("ADD, DROP, RENAME, ALTER, SET TBLPROPERTIES, UNSET TBLPROPERTIES, ADD/DROP/REPLACE PARTITION FIELD, WRITE, CREATE/REPLACE/DROP BRANCH or TAG");
  }
  cursor.acceptWords(...entry.words);
  const action = entry.parse(cursor);
  cursor.expectEnd();
  return { kind: "alter-table", table, action };
}

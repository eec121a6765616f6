/**
 * `ALTER TABLE` actions on the partition spec and write order, in Iceberg's Spark syntax:
 *
 *   ADD PARTITION FIELD term [AS name]
 *   DROP PARTITION FIELD term-or-name
 *   REPLACE PARTITION FIELD term-or-name WITH term [AS name]
 *   WRITE [DISTRIBUTED BY PARTITION] [LOCALLY] ORDERED BY term [ASC|DESC] [NULLS FIRST|LAST], ..
 *   WRITE [DISTRIBUTED BY PARTITION] UNORDERED
 */
import type { AlterTableAction, PartitionTerm, SortTerm } from "./ast.js";
import { parsePartitionTerm, parseSortTermList } from "./partitionTerms.js";
import type { TokenCursor } from "./TokenCursor.js";

export function parseAddPartitionField(cursor: TokenCursor): AlterTableAction {
  return { kind: "add-partition-field", term: namedTerm(cursor) };
}

export function parseDropPartitionField(cursor: TokenCursor): AlterTableAction {
  return { kind: "drop-partition-field", term: parsePartitionTerm(cursor) };
}

export function parseReplacePartitionField(cursor: TokenCursor): AlterTableAction {
  const term = parsePartitionTerm(cursor);
  cursor.expectWords("WITH");
  return { kind: "replace-partition-field", term, replacement: namedTerm(cursor) };
}

function namedTerm(cursor: TokenCursor): PartitionTerm {
  const term = parsePartitionTerm(cursor);
  return cursor.acceptWords("AS") ? { ...term, name: cursor.identifier("a partition field name") } : term;
}

export function parseWriteOrder(cursor: TokenCursor): AlterTableAction {
  let distributed = false;
  let order: SortTerm[] | undefined;
  let locally = false;
  for (;;) {
    if (cursor.isWord("DISTRIBUTED") && !distributed) {
      cursor.expectWords("DISTRIBUTED", "BY", "PARTITION");
      distributed = true;
    } else if (order === undefined && cursor.acceptWords("UNORDERED")) order = [];
    else if (order === undefined && (cursor.isWord("ORDERED") || cursor.isWord("LOCALLY"))) {
      locally = cursor.acceptWords("LOCALLY");
      cursor.expectWords("ORDERED", "BY");
      order = parseSortTermList(cursor);
    } else break;
  }
  if (!distributed && order === undefined) throw cursor.expected("ORDERED BY, LOCALLY ORDERED BY, UNORDERED or DISTRIBUTED BY PARTITION");
  const action: AlterTableAction = { kind: "write-ordered-by", order: order ?? [] };
  if (distributed) action.distributionMode = "hash";
  else if (order!.length === 0) action.distributionMode = "none";
  else if (!locally) action.distributionMode = "range";
  return action;
}

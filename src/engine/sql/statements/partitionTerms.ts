/**
 * Partition and sort terms in Spark's Iceberg syntax, turned into Iceberg's transform
 * notation: `col` and `identity(col)` → identity; `years(ts)`/`year(ts)`, `months`,
 * `days`/`day`/`date`, `hours`/`hour`/`date_hour` → year, month, day, hour;
 * `bucket(16, id)` → `bucket[16]`; `truncate(4, name)` → `truncate[4]`, and Spark's other
 * order `truncate(name, 4)` too (Iceberg's Spark extension takes both); `void(col)`.
 */
import type { PartitionTerm, SortTerm } from "./ast.js";
import type { TokenCursor } from "./TokenCursor.js";

/** Transforms of one column argument, by every name Spark and Iceberg use for them. */
const COLUMN_TRANSFORMS: ReadonlyMap<string, string> = new Map([
  ["IDENTITY", "identity"],
  ["YEAR", "year"],
  ["YEARS", "year"],
  ["MONTH", "month"],
  ["MONTHS", "month"],
  ["DAY", "day"],
  ["DAYS", "day"],
  ["DATE", "day"],
  ["HOUR", "hour"],
  ["HOURS", "hour"],
  ["DATE_HOUR", "hour"],
  ["VOID", "void"],
]);

const MAX_TRANSFORM_PARAMETER = 2147483647n;

/** A partition term; its `AS name` is read by the statements that allow one. */
export function parsePartitionTerm(cursor: TokenCursor): PartitionTerm {
  const start = cursor.peek();
  if (!cursor.isIdentifier() || !cursor.isSymbol("(", 1)) return { transform: "identity", column: cursor.qualifiedName("a column or partition transform").join(".") };
  const name = cursor.next("a transform").text;
  const upper = start?.kind === "word" ? name.toUpperCase() : "";
  cursor.expectSymbol("(");
  let term: PartitionTerm;
  const simple = COLUMN_TRANSFORMS.get(upper);
  if (simple !== undefined) term = { transform: simple, column: column(cursor, name) };
  else if (upper === "BUCKET") {
    const count = parameter(cursor, "a bucket count");
    cursor.expectSymbol(",");
    term = { transform: `bucket[${count}]`, column: column(cursor, name) };
  } else if (upper === "TRUNCATE") {
    if (cursor.peek()?.kind === "number") {
      const width = parameter(cursor, "a truncate width");
      cursor.expectSymbol(",");
      term = { transform: `truncate[${width}]`, column: column(cursor, name) };
    } else {
      const source = column(cursor, name);
      cursor.expectSymbol(",");
      term = { transform: `truncate[${parameter(cursor, "a truncate width")}]`, column: source };
    }
  } else throw cursor.errorAt(start!.start, `unknown partition transform ${JSON.stringify(name)}`);
  cursor.expectSymbol(")");
  return term;
}

/** `(term, ...)`. */
export function parsePartitionTermList(cursor: TokenCursor): PartitionTerm[] {
  cursor.expectSymbol("(");
  const terms = [parsePartitionTerm(cursor)];
  while (cursor.acceptSymbol(",")) terms.push(parsePartitionTerm(cursor));
  cursor.expectSymbol(")");
  return terms;
}

/** `term [ASC|DESC] [NULLS FIRST|LAST], ...`, optionally in parentheses. */
export function parseSortTermList(cursor: TokenCursor): SortTerm[] {
  const parenthesized = cursor.acceptSymbol("(");
  const terms = [sortTerm(cursor)];
  while (cursor.acceptSymbol(",")) terms.push(sortTerm(cursor));
  if (parenthesized) cursor.expectSymbol(")");
  return terms;
}

function sortTerm(cursor: TokenCursor): SortTerm {
  const { transform, column } = parsePartitionTerm(cursor);
  let direction: SortTerm["direction"] = "asc";
  if (cursor.acceptWords("DESC")) direction = "desc";
  else cursor.acceptWords("ASC");
  let nullOrder: SortTerm["nullOrder"] = direction === "asc" ? "nulls-first" : "nulls-last";
  if (cursor.acceptWords("NULLS")) {
    if (cursor.acceptWords("FIRST")) nullOrder = "nulls-first";
    else if (cursor.acceptWords("LAST")) nullOrder = "nulls-last";
    else throw cursor.expected("FIRST or LAST");
  }
  return { transform, column, direction, nullOrder };
}

function column(cursor: TokenCursor, transform: string): string {
  return cursor.qualifiedName(`a column for ${transform}`).join(".");
}

function parameter(cursor: TokenCursor, what: string): string {
  const at = cursor.peek()?.start ?? 0;
  const value = cursor.integer(what);
  if (value < 1n || value > MAX_TRANSFORM_PARAMETER) throw cursor.errorAt(at, `${what} must be from 1 to ${MAX_TRANSFORM_PARAMETER}, got ${value}`);
  return value.toString();
}

/**
 * The tables a query reads: every name in a FROM or JOIN position (after `FROM`, after
 * `JOIN`, after a `,` of a FROM list), in subqueries and CTE bodies too, with its span in
 * the query text and any time travel clause written right after it:
 *
 *   FOR SYSTEM_VERSION AS OF 123 | 'tag-or-branch'     (version)
 *   FOR SYSTEM_TIME AS OF '2024-01-01 00:00:00'         (time)
 *   VERSION AS OF ..  /  TIMESTAMP AS OF ..             (Spark's forms)
 *
 * The executor replaces those spans, so they index into the string given. A name that
 * refers to a CTE of the query is returned with `cte: true`. Table functions
 * (`read_parquet(..)`) and file names (`FROM 'x.parquet'`) are not tables.
 *
 * Parentheses decide where FROM counts: in the query itself, in a parenthesized FROM item,
 * and in parentheses that open a query (`(SELECT ..`, `(WITH ..`, `(FROM ..`); not in a
 * function's arguments, so `extract(year FROM ts)` reads no table.
 */
import { TokenCursor } from "./TokenCursor.js";
import type { Token } from "./tokenize.js";

export type TimeTravel = { kind: "version"; value: string } | { kind: "time"; value: string };

export interface TableReference {
  /** The name's parts, without quotes. */
  parts: string[];
  /** Span of the name in the query text. */
  start: number;
  end: number;
  alias?: string;
  /** The name is that of one of the query's CTEs, not a table. */
  cte?: true;
  timeTravel?: TimeTravel;
  /** Span of the time travel clause (from `FOR`/`VERSION`/`TIMESTAMP` to its value). */
  timeTravelSpan?: { start: number; end: number };
}

/** Words that open a query inside parentheses. */
const QUERY_STARTS = new Set(["SELECT", "WITH", "FROM", "VALUES", "TABLE"]);
/** Words that end a FROM list. */
const FROM_LIST_ENDS = new Set(["WHERE", "GROUP", "HAVING", "QUALIFY", "WINDOW", "ORDER", "LIMIT", "OFFSET", "FETCH", "UNION", "INTERSECT", "EXCEPT", "SELECT", "VALUES", "RETURNING", "SET"]);
/** Words that may follow a table in a FROM list and so are no alias. */
const NOT_ALIASES = new Set([
  ...FROM_LIST_ENDS,
  "ON", "USING", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "OUTER", "CROSS", "NATURAL", "SEMI", "ANTI", "ASOF", "POSITIONAL", "LATERAL",
  "TABLESAMPLE", "PIVOT", "UNPIVOT", "FOR", "VERSION", "TIMESTAMP", "AT",
]);
/** Time travel clauses, by their leading words. */
const TIME_TRAVEL: ReadonlyArray<{ words: string[]; kind: TimeTravel["kind"] }> = [
  { words: ["FOR", "SYSTEM_VERSION", "AS", "OF"], kind: "version" },
  { words: ["FOR", "SYSTEM_TIME", "AS", "OF"], kind: "time" },
  { words: ["VERSION", "AS", "OF"], kind: "version" },
  { words: ["TIMESTAMP", "AS", "OF"], kind: "time" },
];

interface Frame {
  /** FROM and JOIN at this depth start FROM items. */
  query: boolean;
  /** Inside a FROM list, where a `,` starts another item. */
  inFrom: boolean;
  /** The next token starts a FROM item. */
  expectItem: boolean;
}

export function findTableReferences(sql: string): TableReference[] {
  const cursor = TokenCursor.of(sql);
  const ctes = cteNames(cursor.tokens);
  const references: TableReference[] = [];
  const frames: Frame[] = [{ query: true, inFrom: false, expectItem: false }];
  let previous: Token | undefined;
  while (!cursor.atEnd()) {
    const frame = frames[frames.length - 1];
    const token = cursor.peek()!;
    const expectingItem = frame.expectItem;
    frame.expectItem = false;
    if (expectingItem && cursor.isWord("LATERAL")) {
      frame.expectItem = true;
    } else if (expectingItem && cursor.isIdentifier() && !(token.kind === "word" && QUERY_STARTS.has(token.text.toUpperCase()))) {
      const reference = readTableItem(cursor, ctes);
      if (reference !== undefined) references.push(reference);
      previous = cursor.tokens[cursor.position - 1];
      continue;
    }
    cursor.next("a token");
    const word = token.kind === "word" ? token.text.toUpperCase() : undefined;
    if (token.kind === "symbol" && token.text === "(") {
      const opensQuery = cursor.isSymbol("(") || [...QUERY_STARTS].some((w) => cursor.isWord(w));
      // a FROM item in parentheses is a subquery or a parenthesized join
      frames.push({ query: opensQuery || expectingItem, inFrom: expectingItem, expectItem: expectingItem });
    } else if (token.kind === "symbol" && token.text === ")") {
      if (frames.length > 1) frames.pop();
    } else if (token.kind === "symbol" && token.text === ",") {
      if (frame.inFrom) frame.expectItem = true;
    } else if (word === "FROM" || word === "JOIN") {
      const isDistinctFrom = word === "FROM" && previous?.kind === "word" && previous.text.toUpperCase() === "DISTINCT";
      if (frame.query && !isDistinctFrom) {
        frame.inFrom = true;
        frame.expectItem = true;
      }
    } else if (word !== undefined && FROM_LIST_ENDS.has(word)) {
      frame.inFrom = false;
    }
    previous = token;
  }
  return references;
}

/** A name in a FROM position with its time travel clause and alias; undefined for a table function. */
function readTableItem(cursor: TokenCursor, ctes: ReadonlySet<string>): TableReference | undefined {
  const first = cursor.peek()!;
  const parts = cursor.qualifiedName("a table name");
  const last = cursor.tokens[cursor.position - 1];
  if (cursor.isSymbol("(")) return undefined;
  const reference: TableReference = { parts, start: first.start, end: last.end };
  if (parts.length === 1 && ctes.has(parts[0].toLowerCase())) reference.cte = true;
  const clause = TIME_TRAVEL.find((t) => cursor.areWords(...t.words));
  if (clause !== undefined) {
    const start = cursor.peek()!.start;
    cursor.acceptWords(...clause.words);
    const value = timeTravelValue(cursor, clause.kind);
    reference.timeTravel = { kind: clause.kind, value };
    reference.timeTravelSpan = { start, end: cursor.tokens[cursor.position - 1].end };
  }
  const alias = readAlias(cursor);
  if (alias !== undefined) reference.alias = alias;
  return reference;
}

/** A snapshot id or ref name, or a timestamp string (optionally `TIMESTAMP '..'`) or number. */
function timeTravelValue(cursor: TokenCursor, kind: TimeTravel["kind"]): string {
  if (kind === "time" && cursor.isWord("TIMESTAMP") && cursor.peek(1)?.kind === "string") cursor.next("TIMESTAMP");
  const token = cursor.peek();
  if (token?.kind === "string" || (token?.kind === "number" && /^\d+$/.test(token.text))) return cursor.next("a value").value;
  throw cursor.expected(kind === "version" ? "a snapshot id or a branch or tag name in quotes" : "a timestamp in quotes");
}

function readAlias(cursor: TokenCursor): string | undefined {
  if (cursor.areWords("AS") && cursor.isIdentifier(1)) {
    cursor.next("AS");
    return cursor.identifier("an alias");
  }
  const token = cursor.peek();
  if (token === undefined || !cursor.isIdentifier() || (token.kind === "word" && NOT_ALIASES.has(token.text.toUpperCase()))) return undefined;
  return cursor.identifier("an alias");
}

/** Names of every CTE in the query (`WITH [RECURSIVE] name [(cols)] AS [[NOT] MATERIALIZED] (..)`), lower-cased. */
function cteNames(tokens: readonly Token[]): Set<string> {
  const names = new Set<string>();
  const isWord = (i: number, word: string) => tokens[i]?.kind === "word" && tokens[i].text.toUpperCase() === word;
  const isSymbol = (i: number, symbol: string) => tokens[i]?.kind === "symbol" && tokens[i].text === symbol;
  const isName = (i: number) => tokens[i]?.kind === "word" || tokens[i]?.kind === "quoted-identifier";
  const skipParens = (i: number) => {
    let depth = 0;
    for (; i < tokens.length; i++) {
      if (isSymbol(i, "(")) depth++;
      else if (isSymbol(i, ")") && --depth === 0) return i + 1;
    }
    return i;
  };
  tokens.forEach((_, w) => {
    if (!isWord(w, "WITH")) return;
    let i = isWord(w + 1, "RECURSIVE") ? w + 2 : w + 1;
    while (isName(i)) {
      const name = tokens[i].value.toLowerCase();
      i++;
      if (isSymbol(i, "(")) i = skipParens(i);
      if (!isWord(i, "AS")) return;
      i++;
      if (isWord(i, "NOT")) i++;
      if (isWord(i, "MATERIALIZED")) i++;
      if (!isSymbol(i, "(")) return;
      names.add(name);
      i = skipParens(i);
      if (!isSymbol(i, ",")) return;
      i++;
    }
  });
  return names;
}

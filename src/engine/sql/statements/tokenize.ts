/**
 * The tokenizer of floe's SQL: DuckDB's lexical rules (standard strings with `''`
 * escapes, `E'..'` strings with backslash escapes, `$$..$$` strings, `".."` identifiers,
 * nested `/* *\/` comments) plus Spark's `` `..` `` identifiers.
 *
 * Comments and white space produce no tokens, but every token keeps its source span, so
 * the parsers can hand expressions back as the exact text the user wrote. Standard
 * strings take no backslash escapes (as in DuckDB, which runs the same script), so
 * `'C:\'` is a complete string.
 */
import { invalidInput } from "../../../core/errors/FloeError.js";
import { formatLineColumn, statementLineColumn, type SourceOrigin } from "./sourcePosition.js";

export type TokenKind = "word" | "quoted-identifier" | "string" | "number" | "symbol";

export interface Token {
  kind: TokenKind;
  /** The token exactly as written. */
  text: string;
  /**
   * Words: the text as written. Quoted identifiers: the name without quotes. Strings: the
   * value without quotes and escapes. Numbers and symbols: the text.
   */
  value: string;
  /** Offset of the first character in the tokenized text. */
  start: number;
  /** Offset just past the last character. */
  end: number;
}

/** Operators of more than one character, longest first so the longest one wins. */
const MULTI_CHAR_OPERATORS = ["!~~*", "->>", "!~~", "~~*", "=>", "::", "<=", ">=", "<>", "!=", "==", "||", "->", "**", "//", "<<", ">>", "@>", "<@", "&&", "^@", "~~"];

const WORD_START = /[A-Za-z_\p{L}]/u;
const WORD = /[A-Za-z0-9_$\p{L}\p{N}]*/uy;
const NUMBER = /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[A-Za-z0-9_]*/y;
const DOLLAR_TAG = /\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/y;

/** Escapes of `E'..'` strings that stand for one fixed character. */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

export function tokenize(sql: string, origin?: SourceOrigin): Token[] {
  return new Tokenizer(sql, origin).run();
}

class Tokenizer {
  private readonly tokens: Token[] = [];
  private i = 0;

  constructor(
    private readonly sql: string,
    private readonly origin: SourceOrigin | undefined,
  ) {}

  run(): Token[] {
    const sql = this.sql;
    while (this.i < sql.length) {
      const ch = sql[this.i];
      const next = sql[this.i + 1];
      if (/\s/.test(ch)) this.i++;
      else if (ch === "-" && next === "-") this.skipLineComment();
      else if (ch === "/" && next === "*") this.skipBlockComment();
      else if (ch === "'") this.standardString(this.i);
      else if ((ch === "e" || ch === "E") && next === "'" && !this.followsWordCharacter()) this.escapeString();
      else if (ch === '"' || ch === "`") this.quotedIdentifier(ch);
      else if (ch === "$" && this.dollarString()) continue;
      else if (/\d/.test(ch) || (ch === "." && /\d/.test(next ?? "") && !this.followsOperand())) this.number();
      else if (WORD_START.test(ch)) this.word();
      else this.symbol();
    }
    return this.tokens;
  }

  private push(kind: TokenKind, start: number, end: number, value?: string): void {
    const text = this.sql.slice(start, end);
    this.tokens.push({ kind, text, value: value ?? text, start, end });
    this.i = end;
  }

  private error(message: string, offset: number): never {
    const at = formatLineColumn(statementLineColumn(this.sql, offset, this.origin));
    throw invalidInput(`${message} at ${at}`, { offset });
  }

  private followsWordCharacter(): boolean {
    return this.i > 0 && /[A-Za-z0-9_$\p{L}]/u.test(this.sql[this.i - 1]);
  }

  /** True when the previous token can be followed by `.name` (so `t.5` is not a number). */
  private followsOperand(): boolean {
    const last = this.tokens[this.tokens.length - 1];
    return last !== undefined && last.end === this.i && (last.kind === "word" || last.kind === "quoted-identifier" || last.text === ")");
  }

  private skipLineComment(): void {
    const end = this.sql.indexOf("\n", this.i);
    this.i = end < 0 ? this.sql.length : end + 1;
  }

  private skipBlockComment(): void {
    const start = this.i;
    let depth = 0;
    while (this.i < this.sql.length) {
      if (this.sql.startsWith("/*", this.i)) {
        depth++;
        this.i += 2;
      } else if (this.sql.startsWith("*/", this.i)) {
        depth--;
        this.i += 2;
        if (depth === 0) return;
      } else this.i++;
    }
    this.error("unterminated comment starting", start);
  }

  /** `'..'` with `''` standing for one quote; `start` is where the token begins (a prefix included). */
  private standardString(start: number): void {
    let value = "";
    let j = this.i + 1;
    for (;;) {
      const close = this.sql.indexOf("'", j);
      if (close < 0) this.error("unterminated string starting", start);
      value += this.sql.slice(j, close);
      if (this.sql[close + 1] === "'") {
        value += "'";
        j = close + 2;
      } else {
        this.push("string", start, close + 1, value);
        return;
      }
    }
  }

  /** `E'..'`: backslash escapes as in PostgreSQL, and `''` too. */
  private escapeString(): void {
    const start = this.i;
    let value = "";
    let j = this.i + 2;
    while (j < this.sql.length) {
      const ch = this.sql[j];
      if (ch === "'") {
        if (this.sql[j + 1] !== "'") {
          this.push("string", start, j + 1, value);
          return;
        }
        value += "'";
        j += 2;
      } else if (ch === "\\" && j + 1 < this.sql.length) {
        const [decoded, length] = decodeEscape(this.sql, j + 1);
        value += decoded;
        j += 1 + length;
      } else {
        value += ch;
        j++;
      }
    }
    this.error("unterminated string starting", start);
  }

  private quotedIdentifier(quote: string): void {
    const start = this.i;
    let name = "";
    let j = this.i + 1;
    for (;;) {
      const close = this.sql.indexOf(quote, j);
      if (close < 0) this.error("unterminated quoted identifier starting", start);
      name += this.sql.slice(j, close);
      if (this.sql[close + 1] === quote) {
        name += quote;
        j = close + 2;
      } else {
        if (name === "") this.error("empty quoted identifier", start);
        this.push("quoted-identifier", start, close + 1, name);
        return;
      }
    }
  }

  /** `$$..$$` or `$tag$..$tag$`; false when the `$` starts no such string (a `$1` parameter, say). */
  private dollarString(): boolean {
    DOLLAR_TAG.lastIndex = this.i;
    const tag = DOLLAR_TAG.exec(this.sql);
    if (tag === null) return false;
    const bodyStart = this.i + tag[0].length;
    const close = this.sql.indexOf(tag[0], bodyStart);
    if (close < 0) this.error("unterminated string starting", this.i);
    this.push("string", this.i, close + tag[0].length, this.sql.slice(bodyStart, close));
    return true;
  }

  private number(): void {
    NUMBER.lastIndex = this.i;
    const match = NUMBER.exec(this.sql);
    this.push("number", this.i, this.i + (match?.[0].length ?? 1));
  }

  private word(): void {
    WORD.lastIndex = this.i + 1;
    const match = WORD.exec(this.sql);
    this.push("word", this.i, this.i + 1 + (match?.[0].length ?? 0));
  }

  private symbol(): void {
    const operator = MULTI_CHAR_OPERATORS.find((op) => this.sql.startsWith(op, this.i));
    this.push("symbol", this.i, this.i + (operator?.length ?? 1));
  }
}

/** The character an `E'..'` escape stands for, and how many characters after the backslash it used. */
function decodeEscape(sql: string, at: number): [string, number] {
  const ch = sql[at];
  if (ch in SIMPLE_ESCAPES) return [SIMPLE_ESCAPES[ch], 1];
  const hex = ch === "x" ? /^[0-9A-Fa-f]{1,2}/.exec(sql.slice(at + 1, at + 3)) : ch === "u" ? /^[0-9A-Fa-f]{4}/.exec(sql.slice(at + 1, at + 5)) : ch === "U" ? /^[0-9A-Fa-f]{8}/.exec(sql.slice(at + 1, at + 9)) : null;
  if (hex !== null) return [String.fromCodePoint(parseInt(hex[0], 16)), 1 + hex[0].length];
  const octal = /^[0-7]{1,3}/.exec(sql.slice(at, at + 3));
  if (octal !== null) return [String.fromCharCode(parseInt(octal[0], 8)), octal[0].length];
  return [ch, 1];
}

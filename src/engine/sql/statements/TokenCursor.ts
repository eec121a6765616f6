/**
 * A read position in a statement's tokens, with the small vocabulary the statement
 * parsers are written in: keywords (unquoted words, any case), symbols, identifiers,
 * qualified names and literals, and errors that quote the token they stopped after and
 * give its line:column.
 */
import { FloeError } from "../../../core/errors/FloeError.js";
import { formatLineColumn, statementLineColumn, type SourceOrigin } from "./sourcePosition.js";
import { tokenize, type Token } from "./tokenize.js";

const QUOTED_TEXT_LIMIT = 40;

export class TokenCursor {
  private index = 0;

  constructor(
    /** The statement's text; token offsets point into it. */
    readonly sql: string,
    readonly tokens: Token[],
    private readonly origin?: SourceOrigin,
  ) {}

  /** The tokens of one statement; a trailing `;` is dropped. */
  static of(sql: string, origin?: SourceOrigin): TokenCursor {
    const tokens = tokenize(sql, origin);
    const last = tokens[tokens.length - 1];
    if (last !== undefined && last.kind === "symbol" && last.text === ";") tokens.pop();
    return new TokenCursor(sql, tokens, origin);
  }

  /** Index of the next token. */
  get position(): number {
    return this.index;
  }

  peek(ahead = 0): Token | undefined {
    return this.tokens[this.index + ahead];
  }

  atEnd(): boolean {
    return this.index >= this.tokens.length;
  }

  /** The next token, consumed; an error naming `what` when there is none. */
  next(what: string): Token {
    const token = this.tokens[this.index];
    if (token === undefined) throw this.expected(what);
    this.index++;
    return token;
  }

  /** True when the token `ahead` is the unquoted word `word` (any case). */
  isWord(word: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token !== undefined && token.kind === "word" && token.text.toUpperCase() === word;
  }

  /** True when the next tokens are these words, in order. */
  areWords(...words: string[]): boolean {
    return words.every((word, i) => this.isWord(word, i));
  }

  /** Consumes the next tokens when they are these words, in order. */
  acceptWords(...words: string[]): boolean {
    if (!this.areWords(...words)) return false;
    this.index += words.length;
    return true;
  }

  expectWords(...words: string[]): void {
    for (const word of words) {
      if (!this.acceptWords(word)) throw this.expected(word);
    }
  }

  isSymbol(symbol: string, ahead = 0): boolean {
    const token = this.peek(ahead);
    return token !== undefined && token.kind === "symbol" && token.text === symbol;
  }

  acceptSymbol(symbol: string): boolean {
    if (!this.isSymbol(symbol)) return false;
    this.index++;
    return true;
  }

  expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) throw this.expected(`"${symbol}"`);
  }

  /** Consumes a `>` that closes `<..>`, taking one half of a `>>` that closes two at once. */
  expectClosingAngle(): void {
    const token = this.peek();
    if (token !== undefined && token.kind === "symbol" && token.text === ">>") {
      this.tokens[this.index] = { ...token, text: ">", value: ">", start: token.start + 1 };
      return;
    }
    this.expectSymbol(">");
  }

  isIdentifier(ahead = 0): boolean {
    const token = this.peek(ahead);
    return token !== undefined && (token.kind === "word" || token.kind === "quoted-identifier");
  }

  /** An unquoted or quoted identifier, as written and without its quotes. */
  identifier(what: string): string {
    if (!this.isIdentifier()) throw this.expected(what);
    return this.tokens[this.index++].value;
  }

  /** `a`, `a.b`, `"a"."b.c"`: the parts without quotes. */
  qualifiedName(what: string): string[] {
    const parts = [this.identifier(what)];
    while (this.isSymbol(".")) {
      this.index++;
      parts.push(this.identifier("a name"));
    }
    return parts;
  }

  /** `(a, b.c, ...)` or the same list without parentheses. */
  qualifiedNameList(what: string): string[][] {
    const parenthesized = this.acceptSymbol("(");
    const names = [this.qualifiedName(what)];
    while (this.acceptSymbol(",")) names.push(this.qualifiedName(what));
    if (parenthesized) this.expectSymbol(")");
    return names;
  }

  /** `(a, b, ...)`: plain identifiers. */
  identifierList(what: string): string[] {
    this.expectSymbol("(");
    const names = [this.identifier(what)];
    while (this.acceptSymbol(",")) names.push(this.identifier(what));
    this.expectSymbol(")");
    return names;
  }

  stringLiteral(what: string): string {
    const token = this.peek();
    if (token === undefined || token.kind !== "string") throw this.expected(what);
    this.index++;
    return token.value;
  }

  /** A whole number written in digits, with an optional leading minus. */
  integer(what: string): bigint {
    const negative = this.isSymbol("-") && this.peek(1)?.kind === "number";
    const token = this.peek(negative ? 1 : 0);
    if (token === undefined || token.kind !== "number" || !/^\d+$/.test(token.text)) throw this.expected(what);
    this.index += negative ? 2 : 1;
    return negative ? -BigInt(token.text) : BigInt(token.text);
  }

  /** The source text of tokens `from` (inclusive) to `to` (exclusive). */
  textBetween(from: number, to: number): string {
    return this.sql.slice(this.tokens[from].start, this.tokens[to - 1].end);
  }

  /** The rest of the statement as written; an error naming `what` when nothing is left. */
  rest(what: string): string {
    if (this.atEnd()) throw this.expected(what);
    const text = this.textBetween(this.index, this.tokens.length);
    this.index = this.tokens.length;
    return text;
  }

  expectEnd(): void {
    if (!this.atEnd()) throw this.expected("the end of the statement");
  }

  /** `expected <what> after "<previous token>" at line:column (found "<token>")`. */
  expected(what: string): FloeError {
    const previous = this.tokens[this.index - 1];
    const found = this.peek();
    const after = previous === undefined ? "" : ` after ${quote(previous.text)}`;
    const offset = found?.start ?? previous?.end ?? 0;
    const detail = found === undefined ? "(end of statement)" : `(found ${quote(found.text)})`;
    return this.errorAt(offset, `expected ${what}${after}`, { detail });
  }

  /** An error about the token at `offset`: `<message> at line:column [detail]`. */
  errorAt(offset: number, message: string, options: { detail?: string; kind?: ErrorKind } = {}): FloeError {
    const lineColumn = statementLineColumn(this.sql, offset, this.origin);
    const text = `${message} at ${formatLineColumn(lineColumn)}${options.detail === undefined ? "" : ` ${options.detail}`}`;
    return new FloeError(options.kind ?? "invalid-input", text, { context: { ...lineColumn, offset: offset + (this.origin?.start ?? 0) } });
  }

  /** An error about the next token (or the end of the statement). */
  errorHere(message: string, kind: ErrorKind = "invalid-input"): FloeError {
    return this.errorAt(this.peek()?.start ?? this.tokens[this.tokens.length - 1]?.end ?? 0, message, { kind });
  }
}

/** Input the grammar rejects, or valid SQL that floe does not run on Iceberg tables. */
type ErrorKind = "invalid-input" | "unsupported";

function quote(text: string): string {
  return `"${text.length > QUOTED_TEXT_LIMIT ? `${text.slice(0, QUOTED_TEXT_LIMIT)}…` : text}"`;
}

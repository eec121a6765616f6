/**
 * Splits a script into statements at each `;` that is outside strings, quoted
 * identifiers, comments and parentheses. Each statement runs from its first token to its
 * last (comments before and after it are dropped, comments inside it kept), with its
 * offset in the script so that errors can point into the script.
 */
import { tokenize } from "./tokenize.js";

export interface ScriptStatement {
  sql: string;
  /** Offset of the statement's first character in the script. */
  start: number;
}

export function splitStatements(script: string): ScriptStatement[] {
  const statements: ScriptStatement[] = [];
  let first: number | undefined;
  let last = 0;
  let depth = 0;
  const finish = () => {
    if (first !== undefined) statements.push({ sql: script.slice(first, last), start: first });
    first = undefined;
  };
  for (const token of tokenize(script)) {
    if (token.kind === "symbol" && token.text === ";" && depth === 0) {
      finish();
      continue;
    }
    if (token.kind === "symbol") {
      if (token.text === "(") depth++;
      else if (token.text === ")" && depth > 0) depth--;
    }
    first ??= token.start;
    last = token.end;
  }
  finish();
  return statements;
}

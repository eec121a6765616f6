/**
 * Where a token sits in the text the user wrote, as `line:column` (both from 1).
 *
 * A statement split out of a script can carry its origin (the whole script and the
 * statement's offset in it), so that errors point into the script rather than into the
 * statement alone.
 */

export interface SourceOrigin {
  /** The whole script the statement came from. */
  script: string;
  /** Offset of the statement's first character in `script`. */
  start: number;
}

export interface LineColumn {
  line: number;
  column: number;
}

/** Line and column (from 1) of `offset` in `text`. */
export function lineColumnOf(text: string, offset: number): LineColumn {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Line and column of an offset into a statement, counted in its script when it has one. */
export function statementLineColumn(sql: string, offset: number, origin?: SourceOrigin): LineColumn {
  return origin === undefined ? lineColumnOf(sql, offset) : lineColumnOf(origin.script, origin.start + offset);
}

export function formatLineColumn({ line, column }: LineColumn): string {
  return `${line}:${column}`;
}

/**
 * Standard SQL binary literals (`X'01FF'`) in floe's SQL. DuckDB reads `X'..'` as a
 * string, so floe rewrites each one, outside string literals, quoted identifiers and
 * comments, to `from_hex('..')`, which is a BLOB.
 */
export function rewriteHexLiterals(sql: string): string {
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    const next = sql[i + 1];
    if (ch === "'" || ch === '"') {
      const end = closingQuote(sql, i, ch);
      out += sql.slice(i, end);
      i = end;
    } else if (ch === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      const stop = end < 0 ? sql.length : end;
      out += sql.slice(i, stop);
      i = stop;
    } else if (ch === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      const stop = end < 0 ? sql.length : end + 2;
      out += sql.slice(i, stop);
      i = stop;
    } else if ((ch === "x" || ch === "X") && next === "'" && !/[A-Za-z0-9_$]/.test(sql[i - 1] ?? "")) {
      const end = closingQuote(sql, i + 1, "'");
      const body = sql.slice(i + 2, end - 1);
      if (/^[0-9A-Fa-f]*$/.test(body) && body.length % 2 === 0) out += `from_hex('${body}')`;
      else out += sql.slice(i, end);
      i = end;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** Index just past the quote that closes the one at `start` (a doubled quote is an escaped one). */
function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}

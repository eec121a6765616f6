import { parse as parseLossless } from "lossless-json";
import type { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { quoteIdentifier, quoteString } from "../duckdb/duckdbTypes.js";

/**
 * Iceberg column names are case-sensitive; DuckDB's are not, so a table with columns
 * `user_id` and `uSeR_Id` cannot show both under their names. floe gives the later ones
 * internal names in the view and rewrites the query's references to them: DuckDB's
 * parser reports where each column reference starts, and only references whose name
 * matches exactly (case-sensitively) are rewritten.
 */
export async function rewriteColumnReferences(session: DuckDBSession, sql: string, renames: ReadonlyMap<string, string>): Promise<string> {
  if (renames.size === 0) return sql;
  const tree = parseLossless(String((await session.query(`SELECT json_serialize_sql(${quoteString(sql)})`)).rows[0][0])) as Record<string, unknown>;
  const locations: number[] = [];
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== "object") return;
    const obj = node as Record<string, unknown>;
    if (obj.class === "COLUMN_REF") {
      const names = obj.column_names as string[];
      if (renames.has(names[names.length - 1])) locations.push(Number(String(obj.query_location)));
    }
    Object.values(obj).forEach(visit);
  };
  visit(tree);
  let out = sql;
  // Right to left, so earlier offsets stay valid.
  for (const at of [...new Set(locations)].sort((a, b) => b - a)) {
    const last = lastIdentifierOfChain(out, at);
    if (!last) continue;
    const internal = renames.get(last.name);
    if (internal !== undefined) out = out.slice(0, last.start) + quoteIdentifier(internal) + out.slice(last.end);
  }
  return out;
}

/** The last identifier of a dotted chain (`t."uSeR_Id"`) starting at `start`. */
function lastIdentifierOfChain(sql: string, start: number): { name: string; start: number; end: number } | undefined {
  let i = start;
  let last: { name: string; start: number; end: number } | undefined;
  for (;;) {
    if (sql[i] === '"') {
      let j = i + 1;
      let name = "";
      while (j < sql.length) {
        if (sql[j] === '"' && sql[j + 1] === '"') {
          name += '"';
          j += 2;
        } else if (sql[j] === '"') break;
        else name += sql[j++];
      }
      last = { name, start: i, end: j + 1 };
      i = j + 1;
    } else {
      const match = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(sql.slice(i));
      if (!match) return last;
      last = { name: match[0], start: i, end: i + match[0].length };
      i += match[0].length;
    }
    if (sql[i] !== ".") return last;
    i++;
  }
}

/** Internal view names for columns whose names collide case-insensitively with an earlier column's. */
export function caseCollisionNames(names: readonly { id: number; name: string }[]): Map<number, string> {
  const seen = new Set<string>();
  const internal = new Map<number, string>();
  for (const { id, name } of names) {
    const folded = name.toLowerCase();
    if (seen.has(folded)) internal.set(id, `${name}__floe_field_${id}`);
    seen.add(folded);
  }
  return internal;
}

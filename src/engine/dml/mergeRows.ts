/**
 * MERGE INTO target USING source ON condition WHEN ... : for each target row matched by a
 * source row the first WHEN MATCHED clause whose condition holds updates or deletes it;
 * each source row matching no target row is inserted by the first WHEN NOT MATCHED clause
 * that applies; each target row matching no source row is updated or deleted by the first
 * WHEN NOT MATCHED BY SOURCE clause that applies. As in Spark and the SQL standard, a target
 * row that two source rows match is an error when a clause would act on it.
 *
 * One full outer join of the target's rows with the source decides every row's clause; only
 * the rows a clause acts on are kept, and the change is committed like any other row-level
 * change (copy-on-write or merge-on-read).
 */
import { invalidInput } from "../../core/errors/FloeError.js";
import type { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { duckdbTypeOf, quoteIdentifier } from "../duckdb/duckdbTypes.js";
import { commitRowChanges } from "./commitRowChanges.js";
import { rowLevelMode, type RowLevelMode } from "./rowLevelMode.js";
import { dropScan, FILE_COLUMN, POS_COLUMN, scanTarget } from "./scanTarget.js";
import type { ChangeResult, TableTarget } from "./TableTarget.js";
import type { Assignment } from "./updateRows.js";

export type MergeClause =
  | { when: "matched"; condition?: string; then: "update"; set: readonly Assignment[] | "*" }
  | { when: "matched"; condition?: string; then: "delete" }
  | { when: "not-matched"; condition?: string; then: "insert"; columns?: readonly string[]; values: readonly string[] | "*" }
  | { when: "not-matched-by-source"; condition?: string; then: "update"; set: readonly Assignment[] }
  | { when: "not-matched-by-source"; condition?: string; then: "delete" };

export interface MergeRowsOptions {
  /** What to merge from: a table or view name, or a parenthesized query, as DuckDB SQL. */
  source: string;
  /** The name the conditions use for the source rows. */
  sourceAlias: string;
  /** The name the conditions use for the target rows. */
  targetAlias: string;
  on: string;
  clauses: readonly MergeClause[];
  /** Default: the table's `write.merge.mode`, else copy-on-write. */
  mode?: RowLevelMode;
}

const SOURCE_MARK = "__floe_source_row";
/** The number of the clause acting on a joined row (0: none); the new-row columns read it as a lateral alias. */
const CLAUSE = "__floe_clause";

export async function mergeRows(session: DuckDBSession, target: TableTarget, options: MergeRowsOptions): Promise<ChangeResult> {
  if (options.clauses.length === 0) throw invalidInput("MERGE needs at least one WHEN clause");
  const scan = await scanTarget(session, target);
  try {
    const t = quoteIdentifier(options.targetAlias);
    const s = quoteIdentifier(options.sourceAlias);
    const fields = scan.schema.fields;
    const column = (name: string, where: string) => {
      const field = fields.find((f) => f.name === name) ?? fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
      if (field === undefined) throw invalidInput(`MERGE ${where} names column ${JSON.stringify(name)}, which the target table does not have`, { column: name });
      return field;
    };

    const targetRow = `${t}.${FILE_COLUMN} IS NOT NULL`;
    const sourceRow = `${s}.${SOURCE_MARK} IS NOT NULL`;
    const pick = (when: MergeClause["when"]) => {
      const arms = options.clauses
        .map((c, i) => ({ c, i: i + 1 }))
        .filter(({ c }) => c.when === when)
        .map(({ c, i }) => `WHEN ${c.condition === undefined ? "true" : `coalesce((${c.condition}), false)`} THEN ${i}`);
      return arms.length === 0 ? "0" : `CASE ${arms.join(" ")} ELSE 0 END`;
    };
    const clauseOf = `CASE WHEN ${targetRow} AND ${sourceRow} THEN ${pick("matched")} WHEN ${sourceRow} THEN ${pick("not-matched")} ELSE ${pick("not-matched-by-source")} END`;

    // each column of a new row, per clause that writes one
    const valueArms = new Map<string, string[]>(fields.map((f) => [f.name, []]));
    options.clauses.forEach((clause, index) => {
      const i = index + 1;
      if (clause.then === "delete") return;
      const values = new Map<string, string>();
      if (clause.then === "update") {
        for (const f of fields) values.set(f.name, `${t}.${quoteIdentifier(f.name)}`);
        if (clause.set === "*") for (const f of fields) values.set(f.name, `${s}.${quoteIdentifier(f.name)}`);
        else for (const a of clause.set) values.set(column(a.column, "UPDATE SET").name, a.expr);
      } else if (clause.values === "*") {
        for (const f of fields) values.set(f.name, `${s}.${quoteIdentifier(f.name)}`);
      } else {
        const names = clause.columns ?? fields.map((f) => f.name);
        if (names.length !== clause.values.length) {
          throw invalidInput(`MERGE INSERT lists ${names.length} columns but ${clause.values.length} values`);
        }
        names.forEach((name, k) => values.set(column(name, "INSERT").name, clause.values[k]));
      }
      for (const f of fields) {
        const value = values.get(f.name);
        if (value !== undefined) valueArms.get(f.name)!.push(`WHEN ${i} THEN CAST((${value}) AS ${duckdbTypeOf(f.type)})`);
      }
    });
    const newValues = fields.map((f) => {
      const arms = valueArms.get(f.name)!;
      return `${arms.length === 0 ? "NULL" : `CASE ${CLAUSE} ${arms.join(" ")} END`} AS ${quoteIdentifier(f.name)}`;
    });

    const acted = `${scan.prefix}_acted`;
    await session.run(
      `CREATE TEMP TABLE ${quoteIdentifier(acted)} AS SELECT * FROM (
        SELECT ${t}.${FILE_COLUMN} AS __floe_tfile, ${t}.${POS_COLUMN} AS __floe_tpos, ${sourceRow} AS __floe_has_source, ${clauseOf} AS ${CLAUSE}, ${newValues.join(", ")}
        FROM ${quoteIdentifier(scan.view)} AS ${t} FULL OUTER JOIN (SELECT *, true AS ${SOURCE_MARK} FROM ${options.source}) AS ${s} ON ${options.on}
      ) WHERE ${CLAUSE} > 0`,
    );
    const twice = await session.query(
      `SELECT __floe_tfile, __floe_tpos FROM ${quoteIdentifier(acted)} WHERE __floe_tfile IS NOT NULL AND __floe_has_source GROUP BY ALL HAVING count(*) > 1 LIMIT 1`,
    );
    if (twice.rows.length > 0) {
      const location = scan.tasks.get(String(twice.rows[0][0]))?.dataFile.filePath ?? String(twice.rows[0][0]);
      throw invalidInput(
        `MERGE: the target row at position ${twice.rows[0][1]} of ${location} is matched by more than one source row; make the ON condition match each target row at most once`,
      );
    }
    const kinds = options.clauses.map((c) => (c.then === "delete" ? "delete" : c.then === "insert" ? "insert" : "update"));
    const clausesOf = (kind: string) => kinds.map((k, i) => (k === kind ? i + 1 : -1)).filter((i) => i > 0);
    const inList = (ids: number[]) => (ids.length === 0 ? "(NULL)" : `(${ids.join(", ")})`);
    const removedTable = `${scan.prefix}_removed`;
    await session.run(
      `CREATE TEMP VIEW ${quoteIdentifier(removedTable)} AS SELECT __floe_tfile AS file, __floe_tpos AS pos FROM ${quoteIdentifier(acted)} WHERE __floe_tfile IS NOT NULL AND ${CLAUSE} IN ${inList([...clausesOf("update"), ...clausesOf("delete")])}`,
    );
    const updated = await session.query(`SELECT count(*) FROM ${quoteIdentifier(acted)} WHERE ${CLAUSE} IN ${inList(clausesOf("update"))}`);
    const columns = fields.map((f) => quoteIdentifier(f.name)).join(", ");
    return await commitRowChanges(session, target, scan, {
      removedTable,
      addedSql: `SELECT ${columns} FROM ${quoteIdentifier(acted)} WHERE ${CLAUSE} IN ${inList([...clausesOf("update"), ...clausesOf("insert")])}`,
      mode: rowLevelMode(scan.metadata, "merge", options.mode),
      updatedRows: BigInt(updated.rows[0][0] as bigint),
    });
  } finally {
    await dropScan(session, scan);
  }
}

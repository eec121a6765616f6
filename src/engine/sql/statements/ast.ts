/**
 * The statements floe runs itself, as plain data: DDL and DML on Iceberg tables in Spark
 * SQL's Iceberg syntax. Everything else is a `query` that DuckDB runs as written.
 *
 * Names are kept as written (quotes stripped, case kept): Iceberg names are
 * case-sensitive. A table or namespace name is its dot-separated parts. Expressions
 * (conditions, values, queries) are not parsed: they are the exact source text, trimmed,
 * for DuckDB to evaluate.
 */
import type { IcebergType } from "../../../table/spec/types.js";

export type Statement =
  | QueryStatement
  | CreateSchemaStatement
  | DropSchemaStatement
  | CreateTableStatement
  | DropTableStatement
  | InsertStatement
  | DeleteStatement
  | UpdateStatement
  | MergeStatement
  | AlterTableStatement
  | CallStatement;

/** Anything floe does not run itself (SELECT, WITH, VALUES, EXPLAIN, SHOW, PRAGMA, ...). */
export interface QueryStatement {
  kind: "query";
  sql: string;
}

/** `CREATE SCHEMA|NAMESPACE|DATABASE`; `COMMENT` and `LOCATION` become the `comment` and `location` properties. */
export interface CreateSchemaStatement {
  kind: "create-schema";
  namespace: string[];
  ifNotExists: boolean;
  properties: Record<string, string>;
}

export interface DropSchemaStatement {
  kind: "drop-schema";
  namespace: string[];
  ifExists: boolean;
  cascade: boolean;
}

export interface ColumnDefinition {
  name: string;
  type: IcebergType;
  required: boolean;
  comment?: string;
  /** The `DEFAULT` expression's source text. */
  default?: string;
}

/**
 * A partition transform applied to a column. `transform` is Iceberg's string form
 * (`identity`, `year`, `month`, `day`, `hour`, `void`, `bucket[16]`, `truncate[4]`);
 * `column` is the source column's dotted name (`point.x` for a nested field).
 */
export interface PartitionTerm {
  transform: string;
  column: string;
  /** The partition field's name, when given with `AS name`. */
  name?: string;
}

/** A write order term; nulls default as in Spark: first when ascending, last when descending. */
export interface SortTerm {
  transform: string;
  column: string;
  direction: "asc" | "desc";
  nullOrder: "nulls-first" | "nulls-last";
}

export interface CreateTableStatement {
  kind: "create-table";
  table: string[];
  ifNotExists: boolean;
  orReplace: boolean;
  /** Absent for `CREATE TABLE .. AS query`, whose columns come from the query. */
  columns?: ColumnDefinition[];
  partitionBy: PartitionTerm[];
  location?: string;
  properties: Record<string, string>;
  comment?: string;
  /** The query of `CREATE TABLE .. AS query`. */
  asQuery?: string;
}

export interface DropTableStatement {
  kind: "drop-table";
  table: string[];
  ifExists: boolean;
  purge: boolean;
}

export interface InsertStatement {
  kind: "insert";
  table: string[];
  /** `INSERT OVERWRITE`. */
  overwrite: boolean;
  columns?: string[];
  /** `BY NAME`: match the query's columns to the table's by name, not by position. */
  byName: boolean;
  /** The rows: a SELECT, VALUES or other query, as written. */
  query: string;
}

export interface DeleteStatement {
  kind: "delete";
  table: string[];
  alias?: string;
  where?: string;
}

/**
 * `column` is the target column's dotted name. A leading qualifier that names the target
 * (its alias, or the table's last name part) is dropped: `SET t.x = 1` assigns `x`.
 */
export interface Assignment {
  column: string;
  expr: string;
}

export interface UpdateStatement {
  kind: "update";
  table: string[];
  alias?: string;
  assignments: Assignment[];
  where?: string;
}

export type MergeSource = { table: string[] } | { query: string };

export type MergeClause =
  | { when: "matched"; condition?: string; action: UpdateAction | UpdateAllAction | DeleteAction }
  | { when: "not-matched"; condition?: string; action: InsertAction | InsertAllAction }
  | { when: "not-matched-by-source"; condition?: string; action: UpdateAction | DeleteAction };

export interface UpdateAction {
  kind: "update";
  assignments: Assignment[];
}
/** `UPDATE SET *`: every target column from the source column of the same name. */
export interface UpdateAllAction {
  kind: "update-all";
}
export interface DeleteAction {
  kind: "delete";
}
export interface InsertAction {
  kind: "insert";
  /** Absent when the values are given for all columns in table order. */
  columns?: string[];
  values: string[];
}
/** `INSERT *`: every target column from the source column of the same name. */
export interface InsertAllAction {
  kind: "insert-all";
}

export interface MergeStatement {
  kind: "merge";
  target: string[];
  targetAlias?: string;
  source: MergeSource;
  sourceAlias?: string;
  on: string;
  /** In the order written; the first whose condition holds applies to a row. */
  clauses: MergeClause[];
}

export interface AlterTableStatement {
  kind: "alter-table";
  table: string[];
  action: AlterTableAction;
}

/** Where `ADD COLUMN` or `ALTER COLUMN` puts a column among its siblings. */
export type ColumnPosition = { kind: "first" } | { kind: "after"; column: string };

export interface AddedColumn {
  /** The column's path: `["z"]`, or `["point", "z"]` for a field of struct `point`. */
  path: string[];
  type: IcebergType;
  required: boolean;
  comment?: string;
  default?: string;
  position?: ColumnPosition;
}

/** Options of a branch or tag (Spark's `AS OF VERSION n`, `RETAIN n DAYS`, `WITH SNAPSHOT RETENTION ..`). */
export interface RefOptions {
  snapshotId?: bigint;
  maxRefAgeMs?: bigint;
  /** Branches only. */
  minSnapshotsToKeep?: number;
  /** Branches only. */
  maxSnapshotAgeMs?: bigint;
}

export type AlterTableAction =
  | { kind: "add-columns"; columns: AddedColumn[] }
  | { kind: "drop-column"; columns: string[][]; ifExists: boolean }
  | { kind: "rename-column"; column: string[]; newName: string }
  /** `TYPE T [COMMENT '..']`: the comment too, when given (as Spark allows). */
  | { kind: "alter-column-type"; column: string[]; type: IcebergType; comment?: string }
  | { kind: "alter-column-nullability"; column: string[]; required: boolean }
  | { kind: "alter-column-position"; column: string[]; position: ColumnPosition }
  | { kind: "alter-column-comment"; column: string[]; comment: string }
  /** `SET DEFAULT expr` (the expression's text), or `DROP DEFAULT` (no `default`). */
  | { kind: "alter-column-default"; column: string[]; default?: string }
  | { kind: "add-partition-field"; term: PartitionTerm }
  /**
   * A bare name parses as `identity(name)`; it may also be the name of a partition
   * field (Spark takes it as a column first, as a field name when no column has it).
   */
  | { kind: "drop-partition-field"; term: PartitionTerm }
  | { kind: "replace-partition-field"; term: PartitionTerm; replacement: PartitionTerm }
  /**
   * `WRITE [LOCALLY] ORDERED BY ..`, `WRITE DISTRIBUTED BY PARTITION ..`, `WRITE UNORDERED`
   * (an empty `order`). `distributionMode` is what Spark sets `write.distribution-mode`
   * to: `hash` with `DISTRIBUTED BY PARTITION`, `none` with `UNORDERED`, `range` with a
   * global order, absent with `LOCALLY ORDERED BY`.
   */
  | { kind: "write-ordered-by"; order: SortTerm[]; distributionMode?: "hash" | "range" | "none" }
  | { kind: "set-properties"; properties: Record<string, string> }
  | { kind: "unset-properties"; keys: string[]; ifExists: boolean }
  | { kind: "set-identifier-fields"; columns: string[][] }
  | { kind: "drop-identifier-fields"; columns: string[][] }
  | { kind: "rename-table"; newName: string[] }
  /** `CREATE [OR REPLACE] BRANCH`. */
  | ({ kind: "create-branch"; name: string; ifNotExists: boolean; orReplace: boolean } & RefOptions)
  /** `REPLACE BRANCH`: the branch must exist. */
  | ({ kind: "replace-branch"; name: string } & RefOptions)
  | ({ kind: "create-tag"; name: string; ifNotExists: boolean; orReplace: boolean } & RefOptions)
  | ({ kind: "replace-tag"; name: string } & RefOptions)
  | { kind: "drop-branch"; name: string; ifExists: boolean }
  | { kind: "drop-tag"; name: string; ifExists: boolean };

export type AlterTableActionKind = AlterTableAction["kind"];

/** The Iceberg procedures of Spark's `CALL` that floe runs. */
export const CALL_PROCEDURES = [
  "rollback_to_snapshot",
  "rollback_to_timestamp",
  "set_current_snapshot",
  "fast_forward",
  "rewrite_data_files",
  "expire_snapshots",
] as const;

export type CallProcedure = (typeof CALL_PROCEDURES)[number];

export interface CallArgument {
  /** Set for a named argument (`name => value`). */
  name?: string;
  /** The value's literal text as written (`'ns.t'`, `123`, `TIMESTAMP '2024-01-01 00:00:00'`). */
  value: string;
}

/** `CALL [catalog.]system.procedure(args)`; `procedure` is the name without its namespace. */
export interface CallStatement {
  kind: "call";
  procedure: CallProcedure;
  args: CallArgument[];
}

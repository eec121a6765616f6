/**
 * The seam between the SQL catalog and a database: how statements run, how a group of them
 * runs atomically, and how the database's errors read. One implementation per database
 * (`SqliteDialect`, `PostgresDialect`); the catalog's SQL is the same for all of them.
 *
 * Statements use `?` placeholders, which a dialect rewrites to its own; every value the
 * catalog binds is a string or null.
 */

export type SqlValue = string | null;

export interface SqlStatement {
  sql: string;
  params: readonly SqlValue[];
}

/** A statement of an atomic batch, with what its changed-row count must be for the batch to go on. */
export interface GuardedStatement extends SqlStatement {
  /** Default: any count is fine. */
  expectRows?: (rowCount: number) => boolean;
}

/** How an atomic batch ended when it did not commit: everything was rolled back. */
export interface BatchRejection {
  /** The statement that stopped the batch. */
  index: number;
  /** The database error it raised; undefined when its row count failed `expectRows`. */
  error?: unknown;
}

export interface SqlDialect {
  /** `sqlite` or `postgresql`. */
  readonly kind: string;
  /** The database, for messages (no credentials): `sqlite:/path/catalog.db`, `postgresql://host:5432/db`. */
  readonly description: string;

  /** The rows of a query, as objects keyed by column name. */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs a statement outside any batch; the number of rows it changed. */
  execute(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /**
   * Runs the statements in one database transaction, in order. Commits when all of them ran
   * and met `expectRows`; otherwise rolls everything back and returns the rejection.
   * Throws a `commit-state-unknown` FloeError when the database did not confirm the commit
   * and the transaction may have been applied; any other error thrown means nothing was.
   */
  atomically(statements: readonly GuardedStatement[]): Promise<BatchRejection | undefined>;

  /** The columns of a table in the current schema; undefined when the table does not exist. */
  columnNames(table: string): Promise<string[] | undefined>;
  /** True for an error that says a row with the same primary key exists. */
  isUniqueViolation(error: unknown): boolean;

  close(): Promise<void>;
}

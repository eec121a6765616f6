/**
 * The SQL catalog on a SQLite file, through better-sqlite3. The file is put in WAL mode and
 * given a busy timeout, so several processes (floe, PyIceberg, Spark's JDBC catalog) can share
 * it: readers never block, and a writer waits for another's lock instead of failing at once.
 *
 * better-sqlite3 is synchronous, so an atomic batch runs from BEGIN to COMMIT without
 * yielding to other work of this process: nothing else can slip into its transaction.
 */
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { FloeError } from "../../core/errors/FloeError.js";
import type { BatchRejection, GuardedStatement, SqlDialect, SqlValue } from "./SqlDialect.js";

export interface SqliteDialectOptions {
  /** How long a statement waits for another connection's lock; default 5000 ms. */
  busyTimeoutMs?: number;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;
/** The file name that opens a database in memory, for tests. */
export const SQLITE_MEMORY = ":memory:";

export class SqliteDialect implements SqlDialect {
  readonly kind = "sqlite";
  readonly description: string;
  /** The database file (or `:memory:`). */
  readonly file: string;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  /** Opens (creating it and its directory when absent) the database file. */
  constructor(file: string, options: SqliteDialectOptions = {}) {
    this.file = file === SQLITE_MEMORY ? file : path.resolve(file);
    this.description = `sqlite:${this.file}`;
    const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
    try {
      if (this.file !== SQLITE_MEMORY) fs.mkdirSync(path.dirname(this.file), { recursive: true });
      this.db = new Database(this.file, { timeout: busyTimeoutMs });
      this.db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
      if (this.file !== SQLITE_MEMORY) this.db.pragma("journal_mode = WAL");
    } catch (error) {
      throw this.failure(error, "cannot open the catalog database");
    }
  }

  /** The journal mode SQLite reports (`wal` for a file). */
  journalMode(): string {
    return String(this.db.pragma("journal_mode", { simple: true }));
  }

  async query<Row extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    try {
      return this.prepare(sql).all(...params) as Row[];
    } catch (error) {
      throw this.failure(error, "query failed");
    }
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    try {
      return this.prepare(sql).run(...params).changes;
    } catch (error) {
      throw this.failure(error, "statement failed");
    }
  }

  async atomically(statements: readonly GuardedStatement[]): Promise<BatchRejection | undefined> {
    try {
      // IMMEDIATE takes the write lock up front, so the batch never fails halfway on a lock upgrade
      this.db.exec("BEGIN IMMEDIATE");
    } catch (error) {
      throw this.failure(error, "cannot start a transaction");
    }
    for (const [index, statement] of statements.entries()) {
      let changes: number;
      try {
        changes = this.prepare(statement.sql).run(...statement.params).changes;
      } catch (error) {
        this.rollback();
        return { index, error };
      }
      if (statement.expectRows !== undefined && !statement.expectRows(changes)) {
        this.rollback();
        return { index };
      }
    }
    try {
      this.db.exec("COMMIT");
    } catch (error) {
      // a COMMIT that failed with the transaction still open (busy) changed nothing; otherwise SQLite cannot say
      if (this.db.inTransaction) {
        this.rollback();
        throw this.failure(error, "the transaction was rolled back");
      }
      throw new FloeError("commit-state-unknown", `${this.description}: the database did not confirm the commit: ${(error as Error).message}`, {
        cause: error,
        context: { database: this.description },
      });
    }
    return undefined;
  }

  async columnNames(table: string): Promise<string[] | undefined> {
    const rows = (await this.query<{ name: string }>(`SELECT name FROM pragma_table_info(?)`, [table])).map((row) => row.name);
    return rows.length === 0 ? undefined : rows;
  }

  isUniqueViolation(error: unknown): boolean {
    const code = sqliteCode(error instanceof FloeError ? error.cause : error) ?? sqliteCode(error);
    return code === "SQLITE_CONSTRAINT_PRIMARYKEY" || code === "SQLITE_CONSTRAINT_UNIQUE";
  }

  async close(): Promise<void> {
    this.statements.clear();
    if (this.db.open) this.db.close();
  }

  private prepare(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private rollback(): void {
    try {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
    } catch {
      // SQLite rolls back by itself when the connection's transaction cannot go on
    }
  }

  private failure(error: unknown, what: string): FloeError {
    return new FloeError("io", `${this.description}: ${what}: ${(error as Error).message}`, {
      cause: error,
      context: { database: this.description, code: sqliteCode(error) },
    });
  }
}

function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

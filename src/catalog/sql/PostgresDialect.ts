/**
 * The SQL catalog on PostgreSQL, through a `pg` connection pool. The catalog tables live in
 * the connection's current schema (the first of its `search_path`).
 *
 * A commit's row updates run in one transaction on one pooled connection. When COMMIT fails
 * without the server saying why (the connection broke, the server shut down), PostgreSQL may
 * or may not have committed: that is reported as `commit-state-unknown`.
 */
import pg from "pg";
import { FloeError } from "../../core/errors/FloeError.js";
import type { BatchRejection, GuardedStatement, SqlDialect, SqlValue } from "./SqlDialect.js";

export interface PostgresDialectOptions {
  /** Most connections the pool opens; default 4. */
  maxConnections?: number;
}

/** SQLSTATE of a unique (primary key) violation. */
const UNIQUE_VIOLATION = "23505";

export class PostgresDialect implements SqlDialect {
  readonly kind = "postgresql";
  readonly description: string;
  private readonly pool: pg.Pool;
  private closed = false;

  /** `connectionString`: `postgresql://user:password@host:port/database?...`, as `pg` reads it. */
  constructor(connectionString: string, options: PostgresDialectOptions = {}) {
    this.description = redactPassword(connectionString);
    this.pool = new pg.Pool({ connectionString, max: options.maxConnections ?? 4 });
    // An idle connection the server drops is replaced on next use; without a listener the error would end the process.
    this.pool.on("error", () => undefined);
  }

  async query<Row extends Record<string, unknown> = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    try {
      return (await this.pool.query(numberedPlaceholders(sql), [...params])).rows as Row[];
    } catch (error) {
      throw this.failure(error, "query failed");
    }
  }

  async execute(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    try {
      return (await this.pool.query(numberedPlaceholders(sql), [...params])).rowCount ?? 0;
    } catch (error) {
      throw this.failure(error, "statement failed");
    }
  }

  async atomically(statements: readonly GuardedStatement[]): Promise<BatchRejection | undefined> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.failure(error, "cannot connect");
    }
    let broken: Error | undefined;
    try {
      try {
        await client.query("BEGIN");
      } catch (error) {
        broken = error as Error;
        throw this.failure(error, "cannot start a transaction");
      }
      for (const [index, statement] of statements.entries()) {
        let rowCount: number;
        try {
          rowCount = (await client.query(numberedPlaceholders(statement.sql), [...statement.params])).rowCount ?? 0;
        } catch (error) {
          broken = await rollback(client);
          return { index, error };
        }
        if (statement.expectRows !== undefined && !statement.expectRows(rowCount)) {
          broken = await rollback(client);
          return { index };
        }
      }
      try {
        await client.query("COMMIT");
      } catch (error) {
        broken = error as Error;
        if (serverRejected(error)) throw this.failure(error, "the transaction was rolled back");
        throw new FloeError("commit-state-unknown", `${this.description}: the database did not confirm the commit: ${(error as Error).message}`, {
          cause: error,
          context: { database: this.description },
        });
      }
      return undefined;
    } finally {
      // a connection that failed mid-transaction is discarded, not returned to the pool
      client.release(broken);
    }
  }

  async columnNames(table: string): Promise<string[] | undefined> {
    const rows = await this.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
      [table],
    );
    return rows.length === 0 ? undefined : rows.map((row) => row.column_name);
  }

  isUniqueViolation(error: unknown): boolean {
    return sqlState(error instanceof FloeError ? error.cause : error) === UNIQUE_VIOLATION || sqlState(error) === UNIQUE_VIOLATION;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private failure(error: unknown, what: string): FloeError {
    return new FloeError("io", `${this.description}: ${what}: ${(error as Error).message}`, {
      cause: error,
      context: { database: this.description, sqlState: sqlState(error) },
    });
  }
}

/** `?` placeholders → `$1`, `$2`, ... (the catalog's SQL has no `?` inside literals). */
export function numberedPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** The connection string without its password, for messages. */
export function redactPassword(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password !== "") url.password = "***";
    return url.toString();
  } catch {
    return connectionString.replace(/\/\/([^:/@]*):[^@]*@/, "//$1:***@");
  }
}

async function rollback(client: pg.PoolClient): Promise<Error | undefined> {
  try {
    await client.query("ROLLBACK");
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/**
 * True when the server answered COMMIT with an error, so the transaction was rolled back.
 * Connection errors (SQLSTATE class 08), shutdowns (57P), internal errors (XX),
 * `statement_completion_unknown` and errors with no SQLSTATE (the socket broke) leave it open.
 */
function serverRejected(error: unknown): boolean {
  const state = sqlState(error);
  if (state === undefined) return false;
  return !(state.startsWith("08") || state.startsWith("57P") || state.startsWith("XX") || state === "40003");
}

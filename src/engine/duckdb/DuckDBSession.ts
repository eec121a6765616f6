import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { FloeError } from "../../core/errors/FloeError.js";
import { toPlainValue } from "./values.js";

export interface QueryResult {
  columns: string[];
  /** DuckDB's names of the column types, e.g. `BIGINT`, `DECIMAL(10,2)`. */
  columnTypes: string[];
  /** Each row's values in column order (names may repeat, so rows are not objects). */
  rows: unknown[][];
}

/** Rows as objects keyed by column name, for callers that know the names are distinct. */
export function rowObjects(result: QueryResult): Record<string, unknown>[] {
  return result.rows.map((values) => Object.fromEntries(result.columns.map((name, i) => [name, values[i]])));
}

/**
 * One in-process DuckDB database and connection, configured the way floe reads and
 * writes: UTC session time zone (timestamptz values print in UTC), no external
 * extension downloads needed.
 */
export class DuckDBSession {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(options: { threads?: number; memoryLimit?: string } = {}): Promise<DuckDBSession> {
    const config: Record<string, string> = {};
    if (options.threads) config.threads = String(options.threads);
    if (options.memoryLimit) config.memory_limit = options.memoryLimit;
    const instance = await DuckDBInstance.create(":memory:", config);
    const connection = await instance.connect();
    // The time zone is a setting of the ICU extension, which loads with the first SET, not at create.
    await connection.run("SET TimeZone = 'UTC'");
    return new DuckDBSession(instance, connection);
  }

  /** Runs statements that return nothing of interest. */
  async run(sql: string): Promise<void> {
    try {
      await this.connection.run(sql);
    } catch (error) {
      throw asQueryError(error, sql);
    }
  }

  /** Runs a query and returns its rows as plain values (see values.ts). */
  async query(sql: string): Promise<QueryResult> {
    let reader;
    try {
      reader = await this.connection.runAndReadAll(sql);
    } catch (error) {
      throw asQueryError(error, sql);
    }
    const columns = reader.columnNames();
    const columnTypes = reader.columnTypes().map((t) => t.toString());
    const rows = reader.getRows().map((values) => values.map(toPlainValue));
    return { columns, columnTypes, rows };
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** DuckDB's messages name the problem and the position; keep them, marked as the user's input. */
function asQueryError(error: unknown, sql: string): FloeError {
  const message = (error as Error)?.message ?? String(error);
  const kind = /^(Parser|Binder|Catalog|Conversion|Invalid Input|Constraint) Error/.test(message) ? "invalid-input" : "internal";
  return new FloeError(kind, message.split("\n")[0] + (message.includes("LINE") ? `\n${message.slice(message.indexOf("LINE"))}` : ""), {
    cause: error,
    context: { sql },
  });
}

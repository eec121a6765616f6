/**
 * Runs floe SQL on a catalog: DDL and DML on Iceberg tables (`namespace.table`, Spark's
 * Iceberg syntax) carried out by floe — namespaces and tables through the catalog, writes
 * and row-level changes through the engine, schema, partition and ref changes through
 * transactions — and queries run by DuckDB over scans of the tables they name (with time
 * travel by `FOR SYSTEM_VERSION AS OF` / `FOR SYSTEM_TIME AS OF`).
 */
import type { Catalog, TableIdentifier } from "../../catalog/Catalog.js";
import { formatNamespace, formatTableIdentifier } from "../../catalog/identifiers.js";
import { FloeError, invalidInput } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import { FORMAT_VERSION_PROPERTY } from "../../table/transaction/NewTableAction.js";
import type { FormatVersion } from "../../table/spec/tableMetadata.js";
import { deleteRows } from "../dml/deleteRows.js";
import { mergeRows, type MergeClause as EngineMergeClause } from "../dml/mergeRows.js";
import type { ChangeResult, TableTarget } from "../dml/TableTarget.js";
import { updateRows } from "../dml/updateRows.js";
import { appendRows, overwritePartitions } from "../dml/writeRows.js";
import type { DuckDBSession, QueryResult } from "../duckdb/DuckDBSession.js";
import { quoteIdentifier } from "../duckdb/duckdbTypes.js";
import { queryIcebergTables } from "../scan/queryIcebergTables.js";
import { CatalogTableViews, tableIdentifier } from "./CatalogTableViews.js";
import { runAlterTable } from "./runAlterTable.js";
import { runProcedure } from "./runProcedure.js";
import { schemaFromColumns, schemaOfQuery, specFromTerms } from "./schemaFromSql.js";
import { parseStatement, splitStatements, type Statement } from "./statements/index.js";
import type {
  CreateTableStatement,
  DeleteStatement,
  InsertStatement,
  MergeStatement,
  UpdateStatement,
} from "./statements/index.js";

export interface StatementRunnerOptions {
  catalog: Catalog;
  session: DuckDBSession;
  /** The FileIO that reaches the tables' files (queries read through it). */
  io: FileIO;
  /** The namespace a one-part table name is in; without it tables need `namespace.table`. */
  defaultNamespace?: string[];
  /** Epoch milliseconds for snapshot timestamps; default the system clock. */
  clock?: () => number;
}

/** What one statement returned: a query's rows, or a one-row summary of what a command did. */
export interface StatementResult extends Pick<QueryResult, "columns" | "rows"> {
  /** The statement's kind (`query`, `insert`, `create-table`, ...). */
  kind: Statement["kind"];
  /** A line saying what a command did (`INSERT 10`, `CREATE TABLE demo.events`); undefined for queries. */
  message?: string;
}

export class StatementRunner {
  constructor(private readonly options: StatementRunnerOptions) {}

  /** Runs every statement of a script in order, stopping at the first that fails. */
  async runScript(script: string): Promise<StatementResult[]> {
    const statements = splitStatements(script);
    if (statements.length === 0) throw invalidInput("the SQL script holds no statement");
    const results: StatementResult[] = [];
    for (const { sql, start } of statements) {
      const statement = parseStatement(sql, { script, start });
      results.push(await this.run(statement));
    }
    return results;
  }

  async run(statement: Statement): Promise<StatementResult> {
    const views = new CatalogTableViews(this.options.catalog, this.options.session, this.options.io, this.options.defaultNamespace);
    try {
      return await this.dispatch(statement, views);
    } catch (error) {
      throw views.explain(error);
    } finally {
      await views.close();
    }
  }

  private async dispatch(statement: Statement, views: CatalogTableViews): Promise<StatementResult> {
    const { catalog } = this.options;
    switch (statement.kind) {
      case "query":
        return this.query(statement.sql, views);
      case "create-schema":
        if (statement.ifNotExists && (await catalog.namespaceExists(statement.namespace))) {
          return done(statement.kind, `CREATE SCHEMA ${formatNamespace(statement.namespace)} (exists)`);
        }
        await catalog.createNamespace(statement.namespace, statement.properties);
        return done(statement.kind, `CREATE SCHEMA ${formatNamespace(statement.namespace)}`);
      case "drop-schema":
        return this.dropSchema(statement.namespace, statement.ifExists, statement.cascade);
      case "create-table":
        return this.createTable(statement, views);
      case "drop-table": {
        const identifier = this.identifier(statement.table);
        if (!(await catalog.tableExists(identifier))) {
          if (statement.ifExists) return done(statement.kind, `DROP TABLE ${formatTableIdentifier(identifier)} (did not exist)`);
          throw new FloeError("not-found", `table ${formatTableIdentifier(identifier)} does not exist`);
        }
        await catalog.dropTable(identifier, { purge: statement.purge });
        return done(statement.kind, `DROP TABLE ${formatTableIdentifier(identifier)}${statement.purge ? " PURGE" : ""}`);
      }
      case "insert":
        return this.insert(statement, views);
      case "delete":
        return this.delete(statement, views);
      case "update":
        return this.update(statement, views);
      case "merge":
        return this.merge(statement, views);
      case "alter-table": {
        const identifier = this.identifier(statement.table);
        const message = await runAlterTable(catalog, this.options.session, identifier, statement.action, this.options.clock);
        return done(statement.kind, message);
      }
      case "call": {
        const outcome = await runProcedure(
          { catalog, session: this.options.session, clock: this.options.clock, identifier: (parts) => this.identifier(parts) },
          statement,
        );
        return { kind: statement.kind, ...outcome };
      }
    }
  }

  private identifier(parts: readonly string[]): TableIdentifier {
    const identifier = tableIdentifier(parts, this.options.defaultNamespace);
    if (identifier === undefined) throw invalidInput(`table name ${parts.join(".")} needs a namespace: write namespace.table`);
    return identifier;
  }

  private async target(parts: readonly string[]): Promise<TableTarget> {
    const identifier = this.identifier(parts);
    const table = await this.options.catalog.loadTable(identifier);
    return {
      io: table.io,
      committer: this.options.catalog.tableCommitter(identifier),
      base: table,
      clock: this.options.clock,
      name: formatTableIdentifier(identifier),
    };
  }

  private async query(sql: string, views: CatalogTableViews): Promise<StatementResult> {
    const rewritten = await views.rewrite(sql, { prepare: false });
    const result =
      rewritten.sources.length === 0
        ? await this.options.session.query(rewritten.sql)
        : await queryIcebergTables(rewritten.sources, rewritten.sql, { io: this.options.io, session: this.options.session });
    return { kind: "query", columns: result.columns, rows: result.rows };
  }

  private async dropSchema(namespace: string[], ifExists: boolean, cascade: boolean): Promise<StatementResult> {
    const { catalog } = this.options;
    if (!(await catalog.namespaceExists(namespace))) {
      if (ifExists) return done("drop-schema", `DROP SCHEMA ${formatNamespace(namespace)} (did not exist)`);
      throw new FloeError("not-found", `schema ${formatNamespace(namespace)} does not exist`);
    }
    if (cascade) {
      for (const child of await catalog.listNamespaces(namespace)) await this.dropSchema(child, true, true);
      for (const table of await catalog.listTables(namespace)) await catalog.dropTable(table, { purge: true });
    }
    await catalog.dropNamespace(namespace);
    return done("drop-schema", `DROP SCHEMA ${formatNamespace(namespace)}${cascade ? " CASCADE" : ""}`);
  }

  private async createTable(statement: CreateTableStatement, views: CatalogTableViews): Promise<StatementResult> {
    const { catalog, session } = this.options;
    const identifier = this.identifier(statement.table);
    const name = formatTableIdentifier(identifier);
    if (await catalog.tableExists(identifier)) {
      if (statement.ifNotExists) return done(statement.kind, `CREATE TABLE ${name} (exists)`);
      // CREATE OR REPLACE starts the table afresh; its files stay for readers of the old metadata
      if (!statement.orReplace) throw new FloeError("already-exists", `table ${name} already exists`);
      await catalog.dropTable(identifier);
    }
    const properties = { ...statement.properties };
    if (statement.comment !== undefined) properties.comment = statement.comment;
    const formatVersion = Number(properties[FORMAT_VERSION_PROPERTY] ?? "2");
    const query = statement.asQuery === undefined ? undefined : (await views.rewrite(statement.asQuery)).sql;
    const schema =
      statement.columns !== undefined ? await schemaFromColumns(session, statement.columns, formatVersion) : await schemaOfQuery(session, query!);
    const spec = specFromTerms(schema, statement.partitionBy);
    const table = await catalog.createTable(identifier, {
      schema,
      spec,
      location: statement.location,
      properties,
      formatVersion: formatVersion as FormatVersion,
    });
    if (query === undefined) return done(statement.kind, `CREATE TABLE ${name}`);
    try {
      const target: TableTarget = { io: table.io, committer: catalog.tableCommitter(identifier), base: table, clock: this.options.clock, name };
      const result = await appendRows(session, target, query);
      return done(statement.kind, `CREATE TABLE ${name} AS ${result.insertedRows} rows`);
    } catch (error) {
      // CREATE TABLE AS is one statement: no empty table is left behind by a failed query
      await catalog.dropTable(identifier, { purge: true }).catch(() => undefined);
      throw error;
    }
  }

  private async insert(statement: InsertStatement, views: CatalogTableViews): Promise<StatementResult> {
    const target = await this.target(statement.table);
    const schema = target.base!.metadata.currentSchema();
    const source = (await views.rewrite(statement.query)).sql;
    let rows: string;
    if (statement.byName) rows = source;
    else {
      // by position, as SQL has it: the listed columns, else the table's in order
      const names = statement.columns ?? schema.fields.map((f) => f.name);
      for (const column of names) {
        if (schema.findFieldByName(column) === undefined) {
          throw invalidInput(`INSERT INTO ${target.name}: the table has no column ${JSON.stringify(column)}`, { column });
        }
      }
      const width = (await this.options.session.query(`DESCRIBE ${source}`)).rows.length;
      if (width !== names.length) {
        throw invalidInput(
          `INSERT INTO ${target.name}: the query gives ${width} column${width === 1 ? "" : "s"} but ${names.length} ${statement.columns ? "are listed" : "are in the table"} (${names.join(", ")})`,
        );
      }
      rows = `SELECT * FROM (${source}) AS __floe_insert(${names.map(quoteIdentifier).join(", ")})`;
    }
    const result = statement.overwrite ? await overwritePartitions(this.options.session, target, rows) : await appendRows(this.options.session, target, rows);
    return changed(statement.kind, result, `${statement.overwrite ? "INSERT OVERWRITE" : "INSERT"} ${result.insertedRows}`);
  }

  private async delete(statement: DeleteStatement, views: CatalogTableViews): Promise<StatementResult> {
    const target = await this.target(statement.table);
    const where = statement.where === undefined ? undefined : await views.rewriteAndPrepare(statement.where);
    const result = await deleteRows(this.options.session, target, { where, alias: statement.alias });
    return changed(statement.kind, result, `DELETE ${result.deletedRows}`);
  }

  private async update(statement: UpdateStatement, views: CatalogTableViews): Promise<StatementResult> {
    const target = await this.target(statement.table);
    const set = [];
    for (const a of statement.assignments) set.push({ column: a.column, expr: await views.rewriteAndPrepare(a.expr) });
    const where = statement.where === undefined ? undefined : await views.rewriteAndPrepare(statement.where);
    const result = await updateRows(this.options.session, target, { set, where, alias: statement.alias });
    return changed(statement.kind, result, `UPDATE ${result.updatedRows}`);
  }

  private async merge(statement: MergeStatement, views: CatalogTableViews): Promise<StatementResult> {
    const target = await this.target(statement.target);
    const rewrite = (text: string) => views.rewriteAndPrepare(text);
    let source: string;
    let sourceAlias = statement.sourceAlias;
    if ("table" in statement.source) {
      source = await rewrite(`SELECT * FROM ${statement.source.table.map(quoteIdentifier).join(".")}`);
      source = `(${source})`;
      sourceAlias ??= statement.source.table[statement.source.table.length - 1];
    } else {
      source = `(${await rewrite(statement.source.query)})`;
      if (sourceAlias === undefined) throw invalidInput("MERGE ... USING (query) needs an alias for the query: USING (...) AS s");
    }
    const clauses: EngineMergeClause[] = [];
    for (const clause of statement.clauses) {
      const condition = clause.condition === undefined ? undefined : await rewrite(clause.condition);
      const action = clause.action;
      if (action.kind === "delete") clauses.push({ when: clause.when, condition, then: "delete" } as EngineMergeClause);
      else if (action.kind === "update-all") clauses.push({ when: "matched", condition, then: "update", set: "*" });
      else if (action.kind === "update") {
        const set = [];
        for (const a of action.assignments) set.push({ column: a.column, expr: await rewrite(a.expr) });
        clauses.push({ when: clause.when, condition, then: "update", set } as EngineMergeClause);
      } else if (action.kind === "insert-all") clauses.push({ when: "not-matched", condition, then: "insert", values: "*" });
      else {
        const values = [];
        for (const v of action.values) values.push(await rewrite(v));
        clauses.push({ when: "not-matched", condition, then: "insert", columns: action.columns, values });
      }
    }
    const result = await mergeRows(this.options.session, target, {
      source,
      sourceAlias,
      targetAlias: statement.targetAlias ?? statement.target[statement.target.length - 1],
      on: await rewrite(statement.on),
      clauses,
    });
    return changed(statement.kind, result, `MERGE ${result.insertedRows} inserted, ${result.updatedRows} updated, ${result.deletedRows} deleted`);
  }
}

function done(kind: Statement["kind"], message: string): StatementResult {
  return { kind, message, columns: ["result"], rows: [[message]] };
}

function changed(kind: Statement["kind"], result: ChangeResult, message: string): StatementResult {
  return {
    kind,
    message,
    columns: ["inserted_rows", "updated_rows", "deleted_rows", "snapshot_id"],
    rows: [[result.insertedRows, result.updatedRows, result.deletedRows, result.snapshotId ?? null]],
  };
}

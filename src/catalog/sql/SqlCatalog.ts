/**
 * The SQL catalog: Iceberg's JDBC catalog on SQLite or PostgreSQL (through a `SqlDialect`),
 * with the tables, columns and conventions of Iceberg Java's `JdbcCatalog` and PyIceberg's
 * `SqlCatalog`, so all three open the same database (see `catalogTables.ts`):
 *
 * - a namespace is stored dot-joined (`sales.eu`); it exists when it has a property row (a new
 *   one gets `exists` = `true`) or when a table or namespace is nested in it;
 * - a new table's default location is `<namespace location property>/<table>`, else
 *   `<warehouse>/<namespace>.db/<table>`;
 * - metadata files are `<location>/metadata/<5-digit version>-<uuid>.metadata.json`;
 * - a commit is a compare-and-swap of the table's row: `metadata_location` moves from the
 *   commit's base to the new file, `previous_metadata_location` to the base, only if the row
 *   still holds the base. Zero rows changed is a conflict: the new file is deleted. When the
 *   database cannot confirm the swap, the commit is `commit-state-unknown` and the file is kept.
 */
import path from "node:path";
import { FloeError, isFloeError, notFound } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import { FileIORouter } from "../../io/FileIORouter.js";
import { schemeOf } from "../../io/location.js";
import { readTableMetadata, writeTableMetadata } from "../../table/spec/metadataFile.js";
import type { TableMetadata } from "../../table/spec/tableMetadata.js";
import { deleteAfterCommitEnabled, metadataFilesDroppedFromLog } from "../../table/transaction/metadataLog.js";
import { checkRequirements } from "../../table/transaction/requirements.js";
import type { CommitRequest, CommittedTable, TableCommitter } from "../../table/transaction/TableCommitter.js";
import { Transaction } from "../../table/transaction/Transaction.js";
import type {
  Catalog,
  CreateTableOptions,
  DropTableOptions,
  LoadedTable,
  Namespace,
  NamespacePropertiesUpdate,
  TableCommit,
  TableIdentifier,
} from "../Catalog.js";
import { checkNamespace, checkTableIdentifier, formatNamespace, formatTableIdentifier, parseNamespace, sameIdentifier } from "../identifiers.js";
import { newMetadataLocation } from "../metadataLocation.js";
import { purgeTableFiles } from "../purgeTableFiles.js";
import {
  ensureCatalogTables,
  NAME_MAX_LENGTH,
  NAMESPACE_EXISTS_PROPERTY,
  NAMESPACE_PROPERTIES_TABLE,
  RECORD_TYPE_COLUMN,
  TABLE_RECORD_TYPE,
  TABLES_TABLE,
  VALUE_MAX_LENGTH,
} from "./catalogTables.js";
import type { GuardedStatement, SqlDialect, SqlStatement } from "./SqlDialect.js";

/** The `catalog_name` floe uses unless told otherwise. */
export const DEFAULT_CATALOG_NAME = "floe";
/** The namespace property that gives its tables' default parent location. */
export const NAMESPACE_LOCATION_PROPERTY = "location";

export interface SqlCatalogOptions {
  dialect: SqlDialect;
  /** Where new tables go by default: a local directory (made absolute) or a URI (`s3://bucket/prefix`, `file:///...`). */
  warehouse: string;
  /** The `catalog_name` of this catalog's rows; default `floe`. */
  name?: string;
  /** The FileIO for metadata and data files; default a FileIORouter for every scheme, closed with the catalog. */
  io?: FileIO;
}

interface TableRow {
  metadataLocation: string;
}

export class SqlCatalog implements Catalog {
  readonly name: string;
  readonly warehouse: string;
  readonly io: FileIO;
  readonly dialect: SqlDialect;
  private readonly ownsIO: boolean;
  /** ` AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)` on a V1 database: views are not tables. */
  private readonly tablesOnly: string;
  private readonly hasRecordType: boolean;

  private constructor(options: SqlCatalogOptions, hasRecordType: boolean) {
    this.dialect = options.dialect;
    this.name = options.name ?? DEFAULT_CATALOG_NAME;
    this.warehouse = normalizeWarehouse(options.warehouse);
    this.ownsIO = options.io === undefined;
    this.io = options.io ?? new FileIORouter();
    this.hasRecordType = hasRecordType;
    this.tablesOnly = hasRecordType ? ` AND (${RECORD_TYPE_COLUMN} = '${TABLE_RECORD_TYPE}' OR ${RECORD_TYPE_COLUMN} IS NULL)` : "";
  }

  /** Opens the catalog, creating the catalog tables where they are missing. The catalog owns the dialect. */
  static async open(options: SqlCatalogOptions): Promise<SqlCatalog> {
    if (options.name !== undefined && (options.name === "" || options.name.length > NAME_MAX_LENGTH)) {
      throw new FloeError("invalid-input", `catalog name ${JSON.stringify(options.name)} must have 1 to ${NAME_MAX_LENGTH} characters`);
    }
    if (options.warehouse.trim() === "") throw new FloeError("invalid-input", "the SQL catalog needs a warehouse location");
    let layout;
    try {
      layout = await ensureCatalogTables(options.dialect);
    } catch (error) {
      await options.dialect.close().catch(() => undefined);
      throw error;
    }
    return new SqlCatalog(options, layout.hasRecordType);
  }

  // --- namespaces ------------------------------------------------------------------------------

  async listNamespaces(parent: Namespace = []): Promise<string[][]> {
    if (parent.length > 0) await this.requireNamespace(parent);
    const prefix = parent.length > 0 ? `${formatNamespace(parent)}.` : "";
    const like = prefix === "" ? "" : " AND table_namespace LIKE ? ESCAPE '!'";
    const likeProperties = prefix === "" ? "" : " AND namespace LIKE ? ESCAPE '!'";
    const pattern = prefix === "" ? [] : [`${escapeLike(prefix)}%`];
    const rows = await this.dialect.query<{ ns: string }>(
      `SELECT DISTINCT table_namespace AS ns FROM ${TABLES_TABLE} WHERE catalog_name = ?${like}
       UNION SELECT DISTINCT namespace AS ns FROM ${NAMESPACE_PROPERTIES_TABLE} WHERE catalog_name = ?${likeProperties}`,
      [this.name, ...pattern, this.name, ...pattern],
    );
    const children = new Map<string, string[]>();
    for (const { ns } of rows) {
      // LIKE may ignore case (SQLite); the prefix test here does not
      if (!ns.startsWith(prefix)) continue;
      const levels = parseNamespace(ns);
      if (levels.length <= parent.length) continue;
      const child = levels.slice(0, parent.length + 1);
      children.set(formatNamespace(child), child);
    }
    return [...children.entries()].sort(([a], [b]) => compareText(a, b)).map(([, child]) => child);
  }

  async createNamespace(namespace: Namespace, properties: Record<string, string> = {}): Promise<void> {
    this.checkNamespaceName(namespace);
    checkProperties(properties, `namespace ${formatNamespace(namespace)}`);
    if (Object.prototype.hasOwnProperty.call(properties, NAMESPACE_EXISTS_PROPERTY)) {
      throw new FloeError("invalid-input", `namespace property "${NAMESPACE_EXISTS_PROPERTY}" is reserved: the catalog records with it that a namespace exists`);
    }
    if (await this.namespaceExists(namespace)) {
      throw new FloeError("already-exists", `namespace ${formatNamespace(namespace)} already exists (catalog ${this.name})`, {
        context: { namespace },
      });
    }
    const ns = formatNamespace(namespace);
    const statements = Object.entries({ ...properties, [NAMESPACE_EXISTS_PROPERTY]: "true" }).map(([key, value]) => this.insertProperty(ns, key, value));
    const rejection = await this.dialect.atomically(statements);
    if (rejection !== undefined) {
      if (rejection.error === undefined || this.dialect.isUniqueViolation(rejection.error)) {
        throw new FloeError("already-exists", `namespace ${ns} already exists (catalog ${this.name})`, { context: { namespace } });
      }
      throw this.databaseError(rejection.error, `cannot create namespace ${ns}`);
    }
  }

  async namespaceExists(namespace: Namespace): Promise<boolean> {
    checkNamespace(namespace);
    const ns = formatNamespace(namespace);
    const exact = await this.dialect.query(
      `SELECT 1 AS found FROM ${NAMESPACE_PROPERTIES_TABLE} WHERE catalog_name = ? AND namespace = ?
       UNION SELECT 1 AS found FROM ${TABLES_TABLE} WHERE catalog_name = ? AND table_namespace = ?`,
      [this.name, ns, this.name, ns],
    );
    if (exact.length > 0) return true;
    const prefix = `${ns}.`;
    const pattern = `${escapeLike(prefix)}%`;
    const nested = await this.dialect.query<{ ns: string }>(
      `SELECT DISTINCT namespace AS ns FROM ${NAMESPACE_PROPERTIES_TABLE} WHERE catalog_name = ? AND namespace LIKE ? ESCAPE '!'
       UNION SELECT DISTINCT table_namespace AS ns FROM ${TABLES_TABLE} WHERE catalog_name = ? AND table_namespace LIKE ? ESCAPE '!'`,
      [this.name, pattern, this.name, pattern],
    );
    return nested.some((row) => row.ns.startsWith(prefix));
  }

  async loadNamespaceProperties(namespace: Namespace): Promise<Record<string, string>> {
    await this.requireNamespace(namespace);
    const all = await this.storedProperties(namespace);
    delete all[NAMESPACE_EXISTS_PROPERTY];
    return all;
  }

  async updateNamespaceProperties(
    namespace: Namespace,
    removals: readonly string[],
    updates: Record<string, string>,
  ): Promise<NamespacePropertiesUpdate> {
    checkNamespace(namespace);
    const ns = formatNamespace(namespace);
    checkProperties(updates, `namespace ${ns}`);
    const both = removals.filter((key) => Object.prototype.hasOwnProperty.call(updates, key));
    if (both.length > 0) {
      throw new FloeError("invalid-input", `namespace ${ns}: properties ${both.join(", ")} are both removed and set; do one or the other`, {
        context: { namespace, properties: both },
      });
    }
    if (removals.includes(NAMESPACE_EXISTS_PROPERTY) || Object.prototype.hasOwnProperty.call(updates, NAMESPACE_EXISTS_PROPERTY)) {
      throw new FloeError("invalid-input", `namespace property "${NAMESPACE_EXISTS_PROPERTY}" is reserved: the catalog records with it that a namespace exists`);
    }
    await this.requireNamespace(namespace);
    const current = await this.storedProperties(namespace);
    const removed = [...new Set(removals)].filter((key) => Object.prototype.hasOwnProperty.call(current, key));
    const missing = [...new Set(removals)].filter((key) => !Object.prototype.hasOwnProperty.call(current, key));
    const statements: GuardedStatement[] = [];
    for (const key of [...removed, ...Object.keys(updates)]) {
      statements.push({
        sql: `DELETE FROM ${NAMESPACE_PROPERTIES_TABLE} WHERE catalog_name = ? AND namespace = ? AND property_key = ?`,
        params: [this.name, ns, key],
      });
    }
    for (const [key, value] of Object.entries(updates)) statements.push(this.insertProperty(ns, key, value));
    if (statements.length > 0) {
      const rejection = await this.dialect.atomically(statements);
      if (rejection !== undefined) throw this.databaseError(rejection.error, `cannot update the properties of namespace ${ns}`);
    }
    return { updated: Object.keys(updates).sort(compareText), removed: removed.sort(compareText), missing: missing.sort(compareText) };
  }

  async dropNamespace(namespace: Namespace): Promise<void> {
    await this.requireNamespace(namespace);
    const ns = formatNamespace(namespace);
    const children = await this.listNamespaces(namespace);
    const entries = await this.dialect.query<{ table_name: string }>(
      `SELECT table_name FROM ${TABLES_TABLE} WHERE catalog_name = ? AND table_namespace = ? ORDER BY table_name`,
      [this.name, ns],
    );
    if (children.length > 0 || entries.length > 0) {
      const holds = [
        entries.length > 0 ? `${entries.length} table(s) or view(s): ${entries.map((row) => row.table_name).join(", ")}` : "",
        children.length > 0 ? `${children.length} namespace(s): ${children.map(formatNamespace).join(", ")}` : "",
      ].filter((part) => part !== "");
      throw new FloeError("invalid-input", `cannot drop namespace ${ns}: it is not empty; it holds ${holds.join(" and ")}`, {
        context: { namespace, tables: entries.length, namespaces: children.length },
      });
    }
    await this.dialect.execute(`DELETE FROM ${NAMESPACE_PROPERTIES_TABLE} WHERE catalog_name = ? AND namespace = ?`, [this.name, ns]);
  }

  // --- tables ----------------------------------------------------------------------------------

  async listTables(namespace: Namespace): Promise<TableIdentifier[]> {
    await this.requireNamespace(namespace);
    const rows = await this.dialect.query<{ table_name: string }>(
      `SELECT table_name FROM ${TABLES_TABLE} WHERE catalog_name = ? AND table_namespace = ?${this.tablesOnly}`,
      [this.name, formatNamespace(namespace)],
    );
    return rows.map((row) => row.table_name).sort(compareText).map((name) => ({ namespace: [...namespace], name }));
  }

  async createTable(identifier: TableIdentifier, options: CreateTableOptions): Promise<LoadedTable> {
    this.checkIdentifier(identifier);
    await this.requireNamespace(identifier.namespace);
    await this.requireNameFree(identifier);
    const location = options.location ?? (await this.defaultTableLocation(identifier));
    const transaction = new Transaction({ io: this.io }).createTable({
      schema: options.schema,
      spec: options.spec,
      sortOrder: options.sortOrder,
      location,
      properties: options.properties,
      formatVersion: options.formatVersion,
    });
    let committed: CommittedTable;
    try {
      committed = await transaction.commit(this.tableCommitter(identifier));
    } catch (error) {
      if (isFloeError(error, "commit-conflict")) await this.requireNameFree(identifier);
      throw error;
    }
    return { identifier: copyIdentifier(identifier), ...committed, io: this.io };
  }

  async loadTable(identifier: TableIdentifier): Promise<LoadedTable> {
    this.checkIdentifier(identifier);
    const committed = await this.loadCommitted(identifier);
    if (committed === undefined) throw this.tableNotFound(identifier);
    return { identifier: copyIdentifier(identifier), ...committed, io: this.io };
  }

  async tableExists(identifier: TableIdentifier): Promise<boolean> {
    this.checkIdentifier(identifier);
    return (await this.tableRow(identifier)) !== undefined;
  }

  async dropTable(identifier: TableIdentifier, options: DropTableOptions = {}): Promise<void> {
    this.checkIdentifier(identifier);
    const row = await this.tableRow(identifier);
    if (row === undefined) throw this.tableNotFound(identifier);
    let metadata: TableMetadata | undefined;
    if (options.purge) {
      try {
        metadata = await readTableMetadata(this.io, row.metadataLocation);
      } catch {
        // an unreadable metadata file reaches nothing more; it is still deleted below
      }
    }
    const deleted = await this.dialect.execute(
      `DELETE FROM ${TABLES_TABLE} WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?${this.tablesOnly}`,
      [this.name, formatNamespace(identifier.namespace), identifier.name],
    );
    if (deleted === 0) throw this.tableNotFound(identifier);
    if (!options.purge) return;
    if (metadata !== undefined) await purgeTableFiles(metadata, row.metadataLocation, this.io);
    else await this.io.delete(row.metadataLocation).catch(() => undefined);
  }

  async renameTable(from: TableIdentifier, to: TableIdentifier): Promise<void> {
    this.checkIdentifier(from);
    this.checkIdentifier(to);
    if (!(await this.tableExists(from))) throw this.tableNotFound(from);
    if (sameIdentifier(from, to)) return;
    await this.requireNamespace(to.namespace);
    await this.requireNameFree(to);
    let renamed: number;
    try {
      renamed = await this.dialect.execute(
        `UPDATE ${TABLES_TABLE} SET table_namespace = ?, table_name = ?
         WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?${this.tablesOnly}`,
        [formatNamespace(to.namespace), to.name, this.name, formatNamespace(from.namespace), from.name],
      );
    } catch (error) {
      if (this.dialect.isUniqueViolation(error)) throw this.tableAlreadyExists(to);
      throw error;
    }
    if (renamed === 0) throw this.tableNotFound(from);
  }

  async registerTable(identifier: TableIdentifier, metadataLocation: string): Promise<LoadedTable> {
    this.checkIdentifier(identifier);
    if (metadataLocation.length > VALUE_MAX_LENGTH) {
      throw new FloeError("invalid-input", `metadata location ${metadataLocation} is longer than ${VALUE_MAX_LENGTH} characters`);
    }
    await this.requireNamespace(identifier.namespace);
    await this.requireNameFree(identifier);
    const metadata = await readTableMetadata(this.io, metadataLocation);
    try {
      const insert = this.insertTable(identifier, metadataLocation);
      await this.dialect.execute(insert.sql, insert.params);
    } catch (error) {
      if (this.dialect.isUniqueViolation(error)) throw this.tableAlreadyExists(identifier);
      throw error;
    }
    return { identifier: copyIdentifier(identifier), metadata, metadataLocation, io: this.io };
  }

  // --- commits ---------------------------------------------------------------------------------

  tableCommitter(identifier: TableIdentifier): TableCommitter {
    this.checkIdentifier(identifier);
    return new SqlTableCommitter(this, copyIdentifier(identifier));
  }

  /** The table's current metadata and its location; undefined when the catalog has no such table. */
  async loadCommitted(identifier: TableIdentifier): Promise<CommittedTable | undefined> {
    const row = await this.tableRow(identifier);
    if (row === undefined) return undefined;
    return { metadata: await readTableMetadata(this.io, row.metadataLocation), metadataLocation: row.metadataLocation };
  }

  /**
   * Checks every commit against its table as it is now (base and requirements), writes the new
   * metadata files, then swaps every row in one database transaction, in identifier order (so
   * two multi-table commits lock rows in the same order). Any swap that finds its row moved
   * rolls all of them back.
   */
  async commitTransaction(commits: readonly TableCommit[]): Promise<CommittedTable[]> {
    if (commits.length === 0) return [];
    for (const [i, commit] of commits.entries()) {
      this.checkIdentifier(commit.identifier);
      if (commits.findIndex((other) => sameIdentifier(other.identifier, commit.identifier)) !== i) {
        throw new FloeError("invalid-input", `table ${formatTableIdentifier(commit.identifier)} appears twice in one commit; merge its changes into one`, {
          context: { table: formatTableIdentifier(commit.identifier) },
        });
      }
    }
    for (const commit of commits) await this.checkCommit(commit);

    const locations = commits.map((commit) => newMetadataLocation(commit.metadata, commit.base));
    for (const location of locations) {
      if (location.length > VALUE_MAX_LENGTH) {
        throw new FloeError("invalid-input", `metadata location ${location} is longer than the catalog's ${VALUE_MAX_LENGTH} characters`);
      }
    }
    const written: string[] = [];
    try {
      for (const [i, commit] of commits.entries()) {
        await writeTableMetadata(this.io, locations[i], commit.metadata);
        written.push(locations[i]);
      }
    } catch (error) {
      await this.deleteQuietly(written);
      throw error;
    }

    const order = commits.map((_, i) => i).sort((a, b) => compareText(identifierKey(commits[a].identifier), identifierKey(commits[b].identifier)));
    const statements = order.map((i) => this.swapStatement(commits[i], locations[i]));
    let rejection;
    try {
      rejection = await this.dialect.atomically(statements);
    } catch (error) {
      if (isFloeError(error, "commit-state-unknown")) {
        if (await this.landed(commits, locations)) return this.committedTables(commits, locations);
        throw new FloeError(
          "commit-state-unknown",
          `cannot tell whether the commit to ${describeTables(commits)} happened (${error.message}); its metadata files are kept: ${locations.join(", ")}`,
          { cause: error, context: { tables: commits.map((c) => formatTableIdentifier(c.identifier)), metadataFiles: locations } },
        );
      }
      await this.deleteQuietly(locations);
      throw error;
    }
    if (rejection !== undefined) {
      await this.deleteQuietly(locations);
      const commit = commits[order[rejection.index]];
      if (rejection.error === undefined || this.dialect.isUniqueViolation(rejection.error)) throw this.conflict(commit, await this.currentLocation(commit.identifier));
      throw this.databaseError(rejection.error, `cannot commit to ${formatTableIdentifier(commit.identifier)}`);
    }
    await Promise.all(commits.map((commit, i) => this.deleteDroppedMetadata(commit, locations[i])));
    return this.committedTables(commits, locations);
  }

  /** With `write.metadata.delete-after-commit.enabled`, the metadata files the new log no longer lists are deleted (best effort). */
  private async deleteDroppedMetadata(commit: TableCommit, location: string): Promise<void> {
    if (commit.base === undefined || !deleteAfterCommitEnabled(commit.metadata.properties)) return;
    try {
      const base = await readTableMetadata(this.io, commit.base);
      await this.deleteQuietly(metadataFilesDroppedFromLog(base, commit.metadata, location));
    } catch {
      // the commit happened; an old metadata file left behind is harmless
    }
  }

  async close(): Promise<void> {
    try {
      await this.dialect.close();
    } finally {
      if (this.ownsIO && this.io instanceof FileIORouter) this.io.close();
    }
  }

  // --- internals -------------------------------------------------------------------------------

  /** The table's location when none is given: under the namespace's `location` property, else `<warehouse>/<ns>.db/<table>`. */
  async defaultTableLocation(identifier: TableIdentifier): Promise<string> {
    const properties = await this.storedProperties(identifier.namespace);
    const namespaceLocation = properties[NAMESPACE_LOCATION_PROPERTY];
    if (namespaceLocation !== undefined && namespaceLocation.trim() !== "") return `${stripTrailingSlash(namespaceLocation)}/${identifier.name}`;
    return `${this.warehouse}/${formatNamespace(identifier.namespace)}.db/${identifier.name}`;
  }

  private async checkCommit(commit: TableCommit): Promise<void> {
    const current = await this.currentLocation(commit.identifier);
    if (current !== commit.base) throw this.conflict(commit, current);
    if (current === undefined) await this.requireNamespace(commit.identifier.namespace);
    if (commit.requirements.length === 0) return;
    const metadata = current === undefined ? undefined : await readTableMetadata(this.io, current);
    try {
      checkRequirements(metadata, commit.requirements);
    } catch (error) {
      if (!isFloeError(error, "commit-conflict")) throw error;
      throw new FloeError("commit-conflict", `cannot commit to ${formatTableIdentifier(commit.identifier)}: ${error.message}`, {
        cause: error,
        context: { ...error.context, table: formatTableIdentifier(commit.identifier) },
      });
    }
  }

  private swapStatement(commit: TableCommit, location: string): GuardedStatement {
    const exactlyOne = (rows: number) => rows === 1;
    if (commit.base === undefined) return { ...this.insertTable(commit.identifier, location), expectRows: exactlyOne };
    return {
      sql: `UPDATE ${TABLES_TABLE} SET metadata_location = ?, previous_metadata_location = ?
            WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND metadata_location = ?${this.tablesOnly}`,
      params: [location, commit.base, this.name, formatNamespace(commit.identifier.namespace), commit.identifier.name, commit.base],
      expectRows: exactlyOne,
    };
  }

  private insertTable(identifier: TableIdentifier, metadataLocation: string): SqlStatement {
    const ns = formatNamespace(identifier.namespace);
    if (this.hasRecordType) {
      return {
        sql: `INSERT INTO ${TABLES_TABLE} (catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location, ${RECORD_TYPE_COLUMN})
              VALUES (?, ?, ?, ?, NULL, ?)`,
        params: [this.name, ns, identifier.name, metadataLocation, TABLE_RECORD_TYPE],
      };
    }
    return {
      sql: `INSERT INTO ${TABLES_TABLE} (catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location)
            VALUES (?, ?, ?, ?, NULL)`,
      params: [this.name, ns, identifier.name, metadataLocation],
    };
  }

  private insertProperty(ns: string, key: string, value: string): GuardedStatement {
    return {
      sql: `INSERT INTO ${NAMESPACE_PROPERTIES_TABLE} (catalog_name, namespace, property_key, property_value) VALUES (?, ?, ?, ?)`,
      params: [this.name, ns, key, value],
    };
  }

  /** True when every table's row points to the metadata file its commit wrote. */
  private async landed(commits: readonly TableCommit[], locations: readonly string[]): Promise<boolean> {
    try {
      for (const [i, commit] of commits.entries()) {
        if ((await this.currentLocation(commit.identifier)) !== locations[i]) return false;
      }
      return true;
    } catch {
      return false;
    }
  }

  private committedTables(commits: readonly TableCommit[], locations: readonly string[]): CommittedTable[] {
    return commits.map((commit, i) => ({ metadata: commit.metadata, metadataLocation: locations[i] }));
  }

  private async currentLocation(identifier: TableIdentifier): Promise<string | undefined> {
    return (await this.tableRow(identifier))?.metadataLocation;
  }

  private async tableRow(identifier: TableIdentifier): Promise<TableRow | undefined> {
    const rows = await this.dialect.query<{ metadata_location: string | null }>(
      `SELECT metadata_location FROM ${TABLES_TABLE} WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?${this.tablesOnly}`,
      [this.name, formatNamespace(identifier.namespace), identifier.name],
    );
    if (rows.length === 0) return undefined;
    const location = rows[0].metadata_location;
    if (location === null || location === "") {
      throw new FloeError("malformed", `catalog ${this.name}: table ${formatTableIdentifier(identifier)} has no metadata_location in ${this.dialect.description}`, {
        context: { table: formatTableIdentifier(identifier) },
      });
    }
    return { metadataLocation: location };
  }

  /** `already-exists` when a table, or a view of another engine, has this name. */
  private async requireNameFree(identifier: TableIdentifier): Promise<void> {
    const type = this.hasRecordType ? RECORD_TYPE_COLUMN : "NULL";
    const rows = await this.dialect.query<{ record_type: string | null }>(
      `SELECT ${type} AS record_type FROM ${TABLES_TABLE} WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?`,
      [this.name, formatNamespace(identifier.namespace), identifier.name],
    );
    if (rows.length === 0) return;
    const view = rows[0].record_type !== null && rows[0].record_type.toUpperCase() !== TABLE_RECORD_TYPE;
    throw this.tableAlreadyExists(identifier, view ? "a view" : "table");
  }

  private async storedProperties(namespace: Namespace): Promise<Record<string, string>> {
    const rows = await this.dialect.query<{ property_key: string; property_value: string | null }>(
      `SELECT property_key, property_value FROM ${NAMESPACE_PROPERTIES_TABLE} WHERE catalog_name = ? AND namespace = ?`,
      [this.name, formatNamespace(namespace)],
    );
    const properties: Record<string, string> = {};
    for (const row of rows.sort((a, b) => compareText(a.property_key, b.property_key))) properties[row.property_key] = row.property_value ?? "";
    return properties;
  }

  private async requireNamespace(namespace: Namespace): Promise<void> {
    if (!(await this.namespaceExists(namespace))) {
      throw notFound(`namespace ${formatNamespace(namespace)} does not exist (catalog ${this.name})`, { namespace: [...namespace] });
    }
  }

  private checkNamespaceName(namespace: Namespace): void {
    checkNamespace(namespace);
    if (formatNamespace(namespace).length > NAME_MAX_LENGTH) {
      throw new FloeError("invalid-input", `namespace ${formatNamespace(namespace)} is longer than the catalog's ${NAME_MAX_LENGTH} characters`);
    }
  }

  private checkIdentifier(identifier: TableIdentifier): void {
    checkTableIdentifier(identifier);
    this.checkNamespaceName(identifier.namespace);
    if (identifier.name.length > NAME_MAX_LENGTH) {
      throw new FloeError("invalid-input", `table name ${identifier.name} is longer than the catalog's ${NAME_MAX_LENGTH} characters`);
    }
  }

  private conflict(commit: TableCommit, current: string | undefined): FloeError {
    const table = formatTableIdentifier(commit.identifier);
    const message =
      commit.base === undefined
        ? `cannot create table ${table}: it already exists (at ${current})`
        : current === undefined
          ? `cannot commit to ${table}: the table no longer exists, but the commit started from ${commit.base}`
          : `cannot commit to ${table}: the table moved to ${current} since the commit started from ${commit.base}`;
    return new FloeError("commit-conflict", message, { context: { table, base: commit.base, current } });
  }

  private tableNotFound(identifier: TableIdentifier): FloeError {
    return notFound(`table ${formatTableIdentifier(identifier)} does not exist (catalog ${this.name})`, { table: formatTableIdentifier(identifier) });
  }

  private tableAlreadyExists(identifier: TableIdentifier, what = "table"): FloeError {
    return new FloeError("already-exists", `${what} ${formatTableIdentifier(identifier)} already exists (catalog ${this.name})`, {
      context: { table: formatTableIdentifier(identifier) },
    });
  }

  private databaseError(error: unknown, what: string): FloeError {
    if (isFloeError(error)) return new FloeError(error.kind, `${what}: ${error.message}`, { cause: error, context: error.context });
    return new FloeError("io", `${what}: ${this.dialect.description}: ${(error as Error | undefined)?.message ?? "the database refused it"}`, {
      cause: error,
      context: { database: this.dialect.description },
    });
  }

  private async deleteQuietly(locations: readonly string[]): Promise<void> {
    await Promise.all(locations.map((location) => this.io.delete(location).catch(() => undefined)));
  }
}

/** The TableCommitter of one table of a SqlCatalog. */
class SqlTableCommitter implements TableCommitter {
  constructor(
    private readonly catalog: SqlCatalog,
    private readonly identifier: TableIdentifier,
  ) {}

  load(): Promise<CommittedTable | undefined> {
    return this.catalog.loadCommitted(this.identifier);
  }

  async commit(request: CommitRequest): Promise<CommittedTable> {
    const [committed] = await this.catalog.commitTransaction([{ ...request, identifier: this.identifier }]);
    return committed;
  }
}

/** Local paths are made absolute (metadata must hold full locations); URIs keep their spelling. */
function normalizeWarehouse(warehouse: string): string {
  const trimmed = warehouse.trim();
  const scheme = schemeOf(trimmed);
  const absolute = scheme === "file" && !/^file:/i.test(trimmed) ? path.resolve(trimmed) : trimmed;
  return stripTrailingSlash(absolute);
}

function stripTrailingSlash(location: string): string {
  return location.length > 1 ? location.replace(/\/+$/, "") : location;
}

/** `!`, `%` and `_` escaped for `LIKE ... ESCAPE '!'`. */
function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (c) => `!${c}`);
}

/** Code-unit order, the same on every machine (no locale). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function identifierKey(identifier: TableIdentifier): string {
  return `${formatNamespace(identifier.namespace)}\u0000${identifier.name}`;
}

function copyIdentifier(identifier: TableIdentifier): TableIdentifier {
  return { namespace: [...identifier.namespace], name: identifier.name };
}

function describeTables(commits: readonly TableCommit[]): string {
  return commits.map((commit) => formatTableIdentifier(commit.identifier)).join(", ");
}

function checkProperties(properties: Record<string, string>, owner: string): void {
  for (const [key, value] of Object.entries(properties)) {
    if (key === "" || key.length > NAME_MAX_LENGTH) throw new FloeError("invalid-input", `${owner}: property key ${JSON.stringify(key)} must have 1 to ${NAME_MAX_LENGTH} characters`);
    if (typeof value !== "string") throw new FloeError("invalid-input", `${owner}: property ${key} must be a string, got ${typeof value}`);
    if (value.length > VALUE_MAX_LENGTH) throw new FloeError("invalid-input", `${owner}: property ${key} is longer than ${VALUE_MAX_LENGTH} characters`);
  }
}

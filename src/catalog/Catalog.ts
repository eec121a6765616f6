/**
 * The interface every catalog implements: where tables live by name, and the atomic pointer
 * from each table to its current metadata file. The shape of iceberg-rust's `Catalog` trait:
 * namespaces, tables, and commits as plain data beside it.
 *
 * Errors are FloeErrors: `not-found` for an unknown namespace or table (named in the message),
 * `already-exists`, `invalid-input` for a bad name (see `identifiers.ts`) or a non-empty
 * namespace that is asked to go, `commit-conflict` when a commit lost a race or its requirements
 * no longer hold, `commit-state-unknown` when a commit may or may not have happened.
 */
import type { FileIO } from "../io/FileIO.js";
import type { PartitionSpec } from "../table/spec/partitionSpec.js";
import type { Schema } from "../table/spec/schema.js";
import type { SortOrder } from "../table/spec/sortOrder.js";
import type { FormatVersion } from "../table/spec/tableMetadata.js";
import type { CommitRequest, CommittedTable, TableCommitter } from "../table/transaction/TableCommitter.js";

/** A namespace: its levels from the outermost, e.g. `["sales", "eu"]`. */
export type Namespace = readonly string[];

/** A table's name: the namespace it is in and its own name. */
export interface TableIdentifier {
  namespace: string[];
  name: string;
}

export interface CreateTableOptions {
  /** Field ids are assigned afresh (1..n); `spec` and `sortOrder` refer to this schema's ids. */
  schema: Schema;
  /** Default: unpartitioned. */
  spec?: PartitionSpec;
  /** Default: unsorted. */
  sortOrder?: SortOrder;
  /** Default: the catalog's location for the table (the SQL catalog: `<warehouse>/<ns>.db/<table>`). */
  location?: string;
  properties?: Record<string, string>;
  /** Default 2 (or the `format-version` property). */
  formatVersion?: FormatVersion;
}

/** A table as the catalog holds it: its current metadata and the FileIO that reaches its files. */
export interface LoadedTable extends CommittedTable {
  identifier: TableIdentifier;
  io: FileIO;
}

export interface DropTableOptions {
  /**
   * Also delete every file the table's metadata reaches: data and delete files, manifests,
   * manifest lists, statistics and metadata files. Best effort: files that cannot be deleted
   * are left behind.
   */
  purge?: boolean;
}

/** What `updateNamespaceProperties` did. */
export interface NamespacePropertiesUpdate {
  /** Keys set (added or changed). */
  updated: string[];
  /** Keys removed. */
  removed: string[];
  /** Keys asked to be removed that the namespace did not have. */
  missing: string[];
}

/** One table's part of a multi-table commit: a commit request and the table it is for. */
export interface TableCommit extends CommitRequest {
  identifier: TableIdentifier;
}

export interface Catalog {
  /** The catalog's name (the SQL catalog's `catalog_name`). */
  readonly name: string;

  // --- namespaces ------------------------------------------------------------------------------

  /** The namespaces directly under `parent` (default: the top level), sorted. `not-found` for an unknown parent. */
  listNamespaces(parent?: Namespace): Promise<string[][]>;
  /** `already-exists` when it exists (also when it exists only through a nested namespace or table). */
  createNamespace(namespace: Namespace, properties?: Record<string, string>): Promise<void>;
  /** True when the namespace, or a namespace or table nested in it, exists. */
  namespaceExists(namespace: Namespace): Promise<boolean>;
  loadNamespaceProperties(namespace: Namespace): Promise<Record<string, string>>;
  /** Removes `removals` and sets `updates`; a key in both is `invalid-input`. */
  updateNamespaceProperties(namespace: Namespace, removals: readonly string[], updates: Record<string, string>): Promise<NamespacePropertiesUpdate>;
  /** `invalid-input` when it still holds tables or namespaces; `not-found` when it does not exist. */
  dropNamespace(namespace: Namespace): Promise<void>;

  // --- tables ----------------------------------------------------------------------------------

  /** The tables directly in `namespace`, sorted by name. */
  listTables(namespace: Namespace): Promise<TableIdentifier[]>;
  /** Writes the table's first metadata (fresh ids) and registers it. */
  createTable(identifier: TableIdentifier, options: CreateTableOptions): Promise<LoadedTable>;
  loadTable(identifier: TableIdentifier): Promise<LoadedTable>;
  tableExists(identifier: TableIdentifier): Promise<boolean>;
  dropTable(identifier: TableIdentifier, options?: DropTableOptions): Promise<void>;
  /** Renames (and may move between namespaces); the metadata and files stay where they are. */
  renameTable(from: TableIdentifier, to: TableIdentifier): Promise<void>;
  /** Registers an existing metadata file as a new table of the catalog. */
  registerTable(identifier: TableIdentifier, metadataLocation: string): Promise<LoadedTable>;

  // --- commits ---------------------------------------------------------------------------------

  /**
   * The port a `Transaction` commits through for this table. A commit whose base is not the
   * table's current metadata, or whose requirements fail, is a `commit-conflict`; a commit
   * without a base creates the table.
   */
  tableCommitter(identifier: TableIdentifier): TableCommitter;
  /**
   * Commits to several tables atomically: every table moves to its new metadata, or none does.
   * Returns the committed tables in the order of `commits`.
   */
  commitTransaction(commits: readonly TableCommit[]): Promise<CommittedTable[]>;

  /** Releases connections; the catalog is not used afterwards. */
  close(): Promise<void>;
}

export type {
  Catalog,
  CreateTableOptions,
  DropTableOptions,
  LoadedTable,
  Namespace,
  NamespacePropertiesUpdate,
  TableCommit,
  TableIdentifier,
} from "./Catalog.js";
export { checkNamespace, checkTableIdentifier, formatNamespace, formatTableIdentifier, parseNamespace, sameIdentifier } from "./identifiers.js";
export { metadataVersion, metadataDirectory, newMetadataLocation, WRITE_METADATA_PATH, METADATA_COMPRESSION } from "./metadataLocation.js";
export { purgeTableFiles, tableFiles, type PurgeResult } from "./purgeTableFiles.js";
export { openCatalog, sqlitePath, type OpenCatalogOptions } from "./openCatalog.js";
export { SqlCatalog, DEFAULT_CATALOG_NAME, NAMESPACE_LOCATION_PROPERTY, type SqlCatalogOptions } from "./sql/SqlCatalog.js";
export type { SqlDialect, SqlStatement, GuardedStatement, BatchRejection, SqlValue } from "./sql/SqlDialect.js";
export { SqliteDialect, DEFAULT_BUSY_TIMEOUT_MS, type SqliteDialectOptions } from "./sql/SqliteDialect.js";
export { PostgresDialect, type PostgresDialectOptions } from "./sql/PostgresDialect.js";
export { ensureCatalogTables, TABLES_TABLE, NAMESPACE_PROPERTIES_TABLE, NAMESPACE_EXISTS_PROPERTY } from "./sql/catalogTables.js";
export { FileSystemTableCommitter, VERSION_HINT_FILE, type FileSystemTableCommitterOptions } from "./filesystem/index.js";
export { RestCatalog, type RestCatalogOptions } from "./rest/RestCatalog.js";

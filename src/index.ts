/**
 * floe's public TypeScript API: `import { ... } from "floe"`.
 *
 * Reading and writing Iceberg tables with DuckDB, catalogs, transactions, SQL on the
 * catalog, the FileIOs that reach table files, the table
 * metadata model, manifests, scan planning, filter expressions, partition transforms,
 * the metadata tables (`inspect`), errors and configuration.
 */

// --- errors and configuration ----------------------------------------------------------------
export { FloeError, isFloeError, type FloeErrorKind } from "./core/errors/FloeError.js";
export { loadConfig, CONFIG_FILE_NAMES, type ConfigSources } from "./core/config/loadConfig.js";
export type { FloeConfig } from "./core/config/settings.js";

// --- file IO ---------------------------------------------------------------------------------
export type { FileIO, FileStat, WriteOptions } from "./io/FileIO.js";
export { LocalFileIO } from "./io/LocalFileIO.js";
export { MemoryFileIO } from "./io/MemoryFileIO.js";
export { S3FileIO, S3_PROPERTIES, type S3FileIOOptions } from "./io/S3FileIO.js";
export { LocalFileCache, type LocalFileCacheOptions } from "./io/LocalFileCache.js";
export { FileIORouter, resolveFileIO, SUPPORTED_SCHEMES, type FileIORouterOptions } from "./io/FileIORouter.js";
export { PathRelocator, type PathMapping } from "./io/PathRelocator.js";

// --- reading tables with DuckDB --------------------------------------------------------------
export { DuckDBSession, rowObjects, type QueryResult } from "./engine/duckdb/DuckDBSession.js";
export {
  queryIcebergTables,
  prepareIcebergTables,
  type IcebergTableSource,
  type QueryOptions,
  type PreparedTable,
} from "./engine/scan/queryIcebergTables.js";

// --- table metadata --------------------------------------------------------------------------
export {
  TableMetadata,
  parseTableMetadata,
  serializeTableMetadata,
  tableMetadataToJson,
  SUPPORTED_FORMAT_VERSIONS,
  type FormatVersion,
  type TableMetadataFields,
  type SnapshotLogEntry,
  type MetadataLogEntry,
} from "./table/spec/tableMetadata.js";
export { readTableMetadata, writeTableMetadata } from "./table/spec/metadataFile.js";
export { Schema } from "./table/spec/schema.js";
export {
  isPrimitive,
  typeToString,
  type IcebergType,
  type PrimitiveType,
  type PrimitiveTypeName,
  type NestedType,
  type NestedField,
  type StructType,
  type ListType,
  type MapType,
} from "./table/spec/types.js";
export { parseSchema, parseType, schemaToJson, typeToJson } from "./table/spec/typeJson.js";
export { PartitionSpec, parsePartitionSpec, partitionSpecToJson, type PartitionField } from "./table/spec/partitionSpec.js";
export { parseSortOrder, sortOrderToJson, unsortedOrder, type SortOrder, type SortField, type SortDirection, type NullOrder } from "./table/spec/sortOrder.js";
export { snapshotOperation, type Snapshot, type SnapshotOperation } from "./table/spec/snapshot.js";
export { MAIN_BRANCH, type SnapshotRef, type SnapshotRefType } from "./table/spec/refs.js";
export { NameMapping, parseNameMapping, NAME_MAPPING_PROPERTY, type MappedField } from "./table/spec/nameMapping.js";
export type { StatisticsFile, PartitionStatisticsFile, BlobMetadata } from "./table/spec/statistics.js";

// --- manifests -------------------------------------------------------------------------------
export { readSnapshotManifests, readManifest, readManifestEntries, type Manifest, type ManifestMetadata, type ReadManifestOptions } from "./table/manifest/manifest.js";
export { readManifestList, readManifestListFile, type ManifestListContents } from "./table/manifest/manifestList.js";
export { ManifestContent, type ManifestFile, type FieldSummary } from "./table/manifest/manifestFile.js";
export {
  DataFileContent,
  ManifestEntryStatus,
  isLiveEntry,
  type DataFile,
  type ManifestEntry,
  type PartitionData,
  type FileFormat,
} from "./table/manifest/dataFile.js";

// --- scan planning ---------------------------------------------------------------------------
export {
  planScan,
  selectSnapshot,
  type SnapshotSelector,
  type ScanOptions,
  type ScanPlan,
  type FileScanTask,
  type ScanMetrics,
} from "./table/scan/TableScan.js";

// --- filter expressions ----------------------------------------------------------------------
export {
  alwaysTrue,
  alwaysFalse,
  and,
  or,
  not,
  isNull,
  notNull,
  isNaN,
  notNaN,
  lt,
  ltEq,
  gt,
  gtEq,
  eq,
  notEq,
  isIn,
  notIn,
  startsWith,
  notStartsWith,
  predicate,
  type Operation,
  type LiteralInput,
  type Expression,
  type UnboundExpression,
  type BoundExpression,
  type UnboundPredicate,
  type BoundPredicate,
} from "./table/expr/Expression.js";
export { exprToString } from "./table/expr/format.js";

// --- partition transforms and single values --------------------------------------------------
export { parseTransform } from "./table/transform/parseTransform.js";
export { Transform, type TransformKind, type TransformFunction } from "./table/transform/Transform.js";
export { serializeValue, deserializeValue } from "./table/stats/singleValue.js";

// --- metadata tables -------------------------------------------------------------------------
/** What Spark's Iceberg metadata tables show: `inspect.files(metadata, io)`, `inspect.history(metadata)`, ... */
export * as inspect from "./table/inspect/index.js";
export type { InspectResult, PartitionSummaryRow } from "./table/inspect/index.js";

// --- catalogs --------------------------------------------------------------------------------
export type {
  Catalog,
  Namespace,
  TableIdentifier,
  CreateTableOptions,
  LoadedTable,
  DropTableOptions,
  NamespacePropertiesUpdate,
  TableCommit,
} from "./catalog/Catalog.js";
export { openCatalog, type OpenCatalogOptions } from "./catalog/openCatalog.js";
export { SqlCatalog, DEFAULT_CATALOG_NAME, type SqlCatalogOptions } from "./catalog/sql/SqlCatalog.js";
export { SqliteDialect } from "./catalog/sql/SqliteDialect.js";
export { PostgresDialect } from "./catalog/sql/PostgresDialect.js";
export { FileSystemTableCommitter } from "./catalog/filesystem/FileSystemTableCommitter.js";
export { formatTableIdentifier, formatNamespace } from "./catalog/identifiers.js";

// --- transactions ----------------------------------------------------------------------------
export {
  Transaction,
  FastAppendAction,
  OverwriteFilesAction,
  RowDeltaAction,
  DeleteFilesAction,
  RewriteFilesAction,
  ReplacePartitionsAction,
  UpdateSchemaAction,
  UpdatePartitionSpecAction,
  ReplaceSortOrderAction,
  ManageSnapshotsAction,
  SetPropertiesAction,
  RemovePropertiesAction,
  type TransactionOptions,
  type TransactionAction,
  type TableCommitter,
  type CommittedTable,
  type CommitRequest,
  type TableUpdate,
  type TableRequirement,
} from "./table/transaction/index.js";

// --- writing: data files and row-level changes -----------------------------------------------
export { writeDataFiles, type WriteDataFilesOptions } from "./engine/write/DataFileWriter.js";
export { appendRows, appendRecords, overwritePartitions, overwriteRows, upsertRows } from "./engine/dml/writeRows.js";
export type { RecordSource } from "./engine/dml/recordSources.js";
export { deleteRows, type DeleteRowsOptions } from "./engine/dml/deleteRows.js";
export { updateRows, type UpdateRowsOptions, type Assignment } from "./engine/dml/updateRows.js";
export { mergeRows, type MergeRowsOptions, type MergeClause } from "./engine/dml/mergeRows.js";
export { rewriteDataFiles, type RewriteResult } from "./engine/dml/rewriteDataFiles.js";
export type { TableTarget, ChangeResult } from "./engine/dml/TableTarget.js";
export type { RowLevelMode } from "./engine/dml/rowLevelMode.js";

// --- SQL on the catalog ----------------------------------------------------------------------
export { StatementRunner, type StatementRunnerOptions, type StatementResult } from "./engine/sql/StatementRunner.js";
export { parseStatement, splitStatements, sqlTypeToIceberg, type Statement } from "./engine/sql/statements/index.js";

/**
 * The two tables of Iceberg's JDBC catalog, as Iceberg Java (`JdbcUtil`) and PyIceberg
 * (`SqlCatalog`) define them, so floe, Spark's `JdbcCatalog` and PyIceberg share one database:
 *
 * - `iceberg_tables`: one row per table (or view) with its current and previous metadata
 *   location; the namespace dot-joined. `iceberg_type` (`TABLE`, `VIEW`, or null for rows
 *   written before views existed) is the "V1" schema: both Java and PyIceberg detect the column
 *   and then keep views out of table listings, so floe creates it and writes `TABLE`.
 * - `iceberg_namespace_properties`: one row per namespace property; a namespace created
 *   without properties is recorded by the property `exists` = `true`.
 *
 * Column types and lengths are the ones both create; `property_value` is nullable as in Java
 * (PyIceberg declares it NOT NULL but never writes null).
 */
import type { SqlDialect } from "./SqlDialect.js";

export const TABLES_TABLE = "iceberg_tables";
export const NAMESPACE_PROPERTIES_TABLE = "iceberg_namespace_properties";
/** The column of the V1 schema that tells tables from views. */
export const RECORD_TYPE_COLUMN = "iceberg_type";
export const TABLE_RECORD_TYPE = "TABLE";
/** The namespace property that records a namespace's existence; reserved, not shown. */
export const NAMESPACE_EXISTS_PROPERTY = "exists";
/** The longest namespace, table name and property key the columns hold. */
export const NAME_MAX_LENGTH = 255;
/** The longest metadata location and property value the columns hold. */
export const VALUE_MAX_LENGTH = 1000;

const CREATE_TABLES_TABLE = `CREATE TABLE IF NOT EXISTS ${TABLES_TABLE} (
  catalog_name VARCHAR(255) NOT NULL,
  table_namespace VARCHAR(255) NOT NULL,
  table_name VARCHAR(255) NOT NULL,
  metadata_location VARCHAR(1000),
  previous_metadata_location VARCHAR(1000),
  ${RECORD_TYPE_COLUMN} VARCHAR(5),
  PRIMARY KEY (catalog_name, table_namespace, table_name)
)`;

const CREATE_NAMESPACE_PROPERTIES_TABLE = `CREATE TABLE IF NOT EXISTS ${NAMESPACE_PROPERTIES_TABLE} (
  catalog_name VARCHAR(255) NOT NULL,
  namespace VARCHAR(255) NOT NULL,
  property_key VARCHAR(255) NOT NULL,
  property_value VARCHAR(1000),
  PRIMARY KEY (catalog_name, namespace, property_key)
)`;

export interface CatalogTablesLayout {
  /** Whether `iceberg_tables` has the `iceberg_type` column (V1); a V0 database is used as it is. */
  hasRecordType: boolean;
}

/**
 * Creates the catalog tables where they are missing and reports the layout found. A database
 * made by Java's or PyIceberg's V0 schema (no `iceberg_type`) is left as it is: adding the
 * column is their migration to run.
 */
export async function ensureCatalogTables(dialect: SqlDialect): Promise<CatalogTablesLayout> {
  for (const [table, ddl] of [
    [TABLES_TABLE, CREATE_TABLES_TABLE],
    [NAMESPACE_PROPERTIES_TABLE, CREATE_NAMESPACE_PROPERTIES_TABLE],
  ] as const) {
    if ((await dialect.columnNames(table)) !== undefined) continue;
    try {
      await dialect.execute(ddl);
    } catch (error) {
      // another process may have created it at the same moment
      if ((await dialect.columnNames(table)) === undefined) throw error;
    }
  }
  const columns = (await dialect.columnNames(TABLES_TABLE)) ?? [];
  return { hasRecordType: columns.some((column) => column.toLowerCase() === RECORD_TYPE_COLUMN) };
}

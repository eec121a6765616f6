/**
 * floe's SQL statements: DDL and DML on Iceberg tables (Spark SQL's Iceberg syntax)
 * parsed into plain data, everything else passed through as a query for DuckDB.
 */
export type * from "./ast.js";
export { CALL_PROCEDURES } from "./ast.js";
export { findTableReferences, type TableReference, type TimeTravel } from "./findTableReferences.js";
export { parseStatement } from "./parseStatement.js";
export type { SourceOrigin } from "./sourcePosition.js";
export { splitStatements, type ScriptStatement } from "./splitStatements.js";
export { sqlTypeToIceberg, UNASSIGNED_FIELD_ID } from "./sqlTypes.js";

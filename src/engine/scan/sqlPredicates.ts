import { parse as parseLossless, isLosslessNumber, type LosslessNumber } from "lossless-json";
import type { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { quoteString } from "../duckdb/duckdbTypes.js";

/**
 * Finds the filters of a SQL query that can prune an Iceberg scan. DuckDB parses the
 * query (`json_serialize_sql`), so floe never re-implements SQL parsing; from the WHERE
 * clause of a query over exactly one table, each AND-ed comparison between a column and
 * a constant becomes a `ColumnFilter`. Anything else is left to DuckDB, which applies the
 * whole WHERE clause to the rows anyway: pruning only has to be conservative.
 */
export type FilterOp = "eq" | "notEq" | "lt" | "ltEq" | "gt" | "gtEq" | "in" | "notIn" | "isNull" | "notNull" | "startsWith";

export interface ColumnFilter {
  column: string;
  op: FilterOp;
  /** Each constant as a DuckDB SQL expression (e.g. `CAST('2026-01-01' AS TIMESTAMP)`), to be cast to the column's type. */
  constants: string[];
}

const COMPARISONS: Record<string, FilterOp> = {
  COMPARE_EQUAL: "eq",
  COMPARE_NOTEQUAL: "notEq",
  COMPARE_LESSTHAN: "lt",
  COMPARE_LESSTHANOREQUALTO: "ltEq",
  COMPARE_GREATERTHAN: "gt",
  COMPARE_GREATERTHANOREQUALTO: "gtEq",
};
const MIRRORED: Record<FilterOp, FilterOp> = {
  eq: "eq", notEq: "notEq", lt: "gt", ltEq: "gtEq", gt: "lt", gtEq: "ltEq",
  in: "in", notIn: "notIn", isNull: "isNull", notNull: "notNull", startsWith: "startsWith",
};

type Node = Record<string, any>;

/** The filters on `tableName` in `sql`, or [] when the query's shape is not one we prune for. */
export async function extractColumnFilters(session: DuckDBSession, sql: string, tableName: string): Promise<ColumnFilter[]> {
  let tree: Node;
  try {
    const result = await session.query(`SELECT json_serialize_sql(${quoteString(sql)}) AS tree`);
    tree = parseLossless(String(result.rows[0][0])) as Node;
  } catch {
    return [];
  }
  if (tree.error || !Array.isArray(tree.statements) || tree.statements.length !== 1) return [];
  const node = tree.statements[0].node as Node;
  if (node?.type !== "SELECT_NODE" || !node.where_clause) return [];
  const from = node.from_table as Node;
  if (from?.type !== "BASE_TABLE" || String(from.table_name).toLowerCase() !== tableName.toLowerCase()) return [];
  const alias = from.alias ? String(from.alias) : undefined;
  const filters: ColumnFilter[] = [];
  for (const conjunct of conjuncts(node.where_clause)) {
    const filter = toFilter(conjunct, tableName, alias);
    if (filter) filters.push(filter);
  }
  return filters;
}

function conjuncts(node: Node): Node[] {
  if (node.class === "CONJUNCTION" && node.type === "CONJUNCTION_AND") return (node.children as Node[]).flatMap(conjuncts);
  return [node];
}

function columnName(node: Node, table: string, alias?: string): string | undefined {
  if (node?.class !== "COLUMN_REF") return undefined;
  const names = node.column_names as string[];
  if (names.length === 1) return names[0];
  // `t.col` or `alias.col`; struct field access (`col.field`) is not pruned on.
  if (names.length === 2 && (names[0].toLowerCase() === table.toLowerCase() || names[0] === alias)) return names[1];
  return undefined;
}

function toFilter(node: Node, table: string, alias?: string): ColumnFilter | undefined {
  if (node.class === "COMPARISON" && COMPARISONS[node.type]) {
    const op = COMPARISONS[node.type];
    const leftColumn = columnName(node.left, table, alias);
    const rightColumn = columnName(node.right, table, alias);
    if (leftColumn !== undefined) {
      const constant = constantSql(node.right);
      return constant === undefined ? undefined : { column: leftColumn, op, constants: [constant] };
    }
    if (rightColumn !== undefined) {
      const constant = constantSql(node.left);
      return constant === undefined ? undefined : { column: rightColumn, op: MIRRORED[op], constants: [constant] };
    }
    return undefined;
  }
  if (node.class === "OPERATOR" && (node.type === "COMPARE_IN" || node.type === "COMPARE_NOT_IN")) {
    const [first, ...rest] = node.children as Node[];
    const column = columnName(first, table, alias);
    const constants = rest.map(constantSql);
    if (column === undefined || constants.some((c) => c === undefined)) return undefined;
    return { column, op: node.type === "COMPARE_IN" ? "in" : "notIn", constants: constants as string[] };
  }
  if (node.class === "OPERATOR" && (node.type === "OPERATOR_IS_NULL" || node.type === "OPERATOR_IS_NOT_NULL")) {
    const column = columnName((node.children as Node[])[0], table, alias);
    if (column === undefined) return undefined;
    return { column, op: node.type === "OPERATOR_IS_NULL" ? "isNull" : "notNull", constants: [] };
  }
  if (node.class === "FUNCTION" && (node.function_name === "prefix" || node.function_name === "starts_with")) {
    const [arg, prefix] = node.children as Node[];
    const column = columnName(arg, table, alias);
    const constant = constantSql(prefix);
    if (column === undefined || constant === undefined) return undefined;
    return { column, op: "startsWith", constants: [constant] };
  }
  if (node.class === "FUNCTION" && node.function_name === "~~") {
    // LIKE 'abc%' with no other wildcard is a prefix match.
    const [arg, pattern] = node.children as Node[];
    const column = columnName(arg, table, alias);
    const text = pattern?.class === "CONSTANT" && pattern.value?.type?.id === "VARCHAR" && !pattern.value.is_null ? String(pattern.value.value) : undefined;
    if (column === undefined || text === undefined) return undefined;
    const match = /^([^%_\\]*)%$/.exec(text);
    if (!match || match[1] === "") return undefined;
    return { column, op: "startsWith", constants: [quoteString(match[1])] };
  }
  return undefined;
}

/** SQL text for a constant or a typed literal (`TIMESTAMP '...'`, `CAST(1.23 AS REAL)`), else undefined. */
function constantSql(node: Node): string | undefined {
  if (node?.class === "CONSTANT") return plainConstantSql(node.value as Node);
  if (node?.class === "FUNCTION" && node.function_name === "from_hex" && (node.children as Node[]).length === 1) {
    const arg = (node.children as Node[])[0];
    if (arg.class === "CONSTANT" && arg.value?.type?.id === "VARCHAR" && !arg.value.is_null) return `from_hex(${quoteString(String(arg.value.value))})`;
  }
  if (node?.class === "CAST" && !node.try_cast) {
    const inner = constantSql(node.child as Node);
    const type = typeSql(node.cast_type as Node);
    return inner === undefined || type === undefined ? undefined : `CAST(${inner} AS ${type})`;
  }
  return undefined;
}

function plainConstantSql(value: Node): string | undefined {
  if (!value || value.is_null) return undefined;
  const raw = value.value as unknown;
  const text = isLosslessNumber(raw) ? (raw as LosslessNumber).value : String(raw);
  switch (value.type?.id) {
    case "BOOLEAN":
      return raw ? "TRUE" : "FALSE";
    case "TINYINT":
    case "SMALLINT":
    case "INTEGER":
    case "BIGINT":
    case "HUGEINT":
    case "UBIGINT":
      return /^-?\d+$/.test(text) ? `CAST(${text} AS ${value.type.id})` : undefined;
    case "DECIMAL": {
      const info = value.type.type_info as Node;
      if (!/^-?\d+$/.test(text)) return undefined;
      const width = Number(info.width), scale = Number(info.scale);
      const negative = text.startsWith("-");
      const digits = (negative ? text.slice(1) : text).padStart(scale + 1, "0");
      const decimal = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
      return `CAST('${negative ? "-" : ""}${decimal}' AS DECIMAL(${width},${scale}))`;
    }
    case "FLOAT":
    case "DOUBLE":
      return `CAST(${quoteString(text)} AS ${value.type.id})`;
    case "VARCHAR":
      return quoteString(text);
    default:
      return undefined;
  }
}

function typeSql(type: Node): string | undefined {
  switch (type?.id) {
    case "DECIMAL":
      return `DECIMAL(${Number(type.type_info.width)},${Number(type.type_info.scale)})`;
    case "TIMESTAMP WITH TIME ZONE":
      return "TIMESTAMPTZ";
    case "BOOLEAN": case "TINYINT": case "SMALLINT": case "INTEGER": case "BIGINT": case "HUGEINT":
    case "FLOAT": case "DOUBLE": case "DATE": case "TIME": case "TIMESTAMP": case "TIMESTAMP_NS": case "TIMESTAMP_MS":
    case "TIMESTAMP_S": case "VARCHAR": case "UUID": case "BLOB":
      return type.id as string;
    default:
      return undefined;
  }
}

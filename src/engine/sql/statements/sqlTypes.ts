/**
 * SQL type names → Iceberg types: DuckDB's names and the common Spark aliases.
 *
 * Nested types get placeholder field ids of 0 (struct fields, list elements, map keys and
 * values): ids are table-wide, so whoever creates or alters the table assigns fresh ones.
 * Struct fields are optional unless declared `NOT NULL`; list elements and map values are
 * optional (as Spark writes them), map keys required (as Iceberg demands).
 */
import type { IcebergType, NestedField, PrimitiveType } from "../../../table/spec/types.js";
import { TokenCursor } from "./TokenCursor.js";

/** Placeholder for nested field ids until the table assigns real ones. */
export const UNASSIGNED_FIELD_ID = 0;

const MAX_DECIMAL_PRECISION = 38;
/** DuckDB's `DECIMAL` without arguments. */
const DEFAULT_DECIMAL = { precision: 18, scale: 3 };

const p = (type: Exclude<PrimitiveType["type"], "decimal" | "fixed">): PrimitiveType => ({ type }) as PrimitiveType;

/** Type names without arguments, by their words in upper case. */
const SIMPLE_TYPES: ReadonlyMap<string, PrimitiveType> = new Map([
  ...["BOOLEAN", "BOOL", "LOGICAL"].map((n) => [n, p("boolean")] as const),
  ...["TINYINT", "INT1", "BYTE", "SMALLINT", "INT2", "SHORT", "INTEGER", "INT", "INT4", "SIGNED", "UTINYINT", "USMALLINT"].map((n) => [n, p("int")] as const),
  ...["BIGINT", "LONG", "INT8", "UINTEGER"].map((n) => [n, p("long")] as const),
  ...["REAL", "FLOAT", "FLOAT4"].map((n) => [n, p("float")] as const),
  ...["DOUBLE", "FLOAT8", "DOUBLE PRECISION"].map((n) => [n, p("double")] as const),
  ...["DATE"].map((n) => [n, p("date")] as const),
  ...["TIME", "TIME WITHOUT TIME ZONE"].map((n) => [n, p("time")] as const),
  ...["TIMESTAMP", "DATETIME", "TIMESTAMP_NTZ", "TIMESTAMP_US", "TIMESTAMP_MS", "TIMESTAMP_S", "TIMESTAMP WITHOUT TIME ZONE"].map((n) => [n, p("timestamp")] as const),
  ...["TIMESTAMPTZ", "TIMESTAMP_LTZ", "TIMESTAMP WITH TIME ZONE"].map((n) => [n, p("timestamptz")] as const),
  ...["TIMESTAMP_NS"].map((n) => [n, p("timestamp_ns")] as const),
  ...["TIMESTAMPTZ_NS"].map((n) => [n, p("timestamptz_ns")] as const),
  ...["UUID"].map((n) => [n, p("uuid")] as const),
  ...["JSON"].map((n) => [n, p("string")] as const),
]);

/** Names that take an optional length, which Iceberg has no place for. */
const WITH_IGNORED_LENGTH: ReadonlyMap<string, PrimitiveType> = new Map([
  ...["VARCHAR", "STRING", "TEXT", "CHAR", "CHARACTER", "BPCHAR", "NVARCHAR", "NCHAR", "CHARACTER VARYING"].map((n) => [n, p("string")] as const),
  ...["BLOB", "BYTEA", "BINARY", "VARBINARY", "BYTES"].map((n) => [n, p("binary")] as const),
]);

/** DuckDB types whose values no Iceberg type holds. */
const WITHOUT_ICEBERG_EQUIVALENT = new Set(["TIMETZ", "TIME WITH TIME ZONE", "HUGEINT", "INT128", "UHUGEINT", "UBIGINT", "INTERVAL", "VARINT", "BIT", "BITSTRING", "UNION", "ENUM"]);

const DECIMAL_NAMES = new Set(["DECIMAL", "NUMERIC", "DEC"]);
const LIST_NAMES = new Set(["LIST", "ARRAY"]);

/** Words of every multi-word name, longest first, so `TIMESTAMP WITH TIME ZONE` wins over `TIMESTAMP`. */
const MULTI_WORD_NAMES = [...SIMPLE_TYPES.keys(), ...WITH_IGNORED_LENGTH.keys(), ...WITHOUT_ICEBERG_EQUIVALENT]
  .filter((name) => name.includes(" "))
  .map((name) => name.split(" "))
  .sort((a, b) => b.length - a.length);

/** Reads a whole type from `text` (`DECIMAL(9,2)`, `STRUCT<a: INT>`, `INT[]`, ...). */
export function sqlTypeToIceberg(text: string): IcebergType {
  const cursor = TokenCursor.of(text);
  const type = parseType(cursor, "a type");
  cursor.expectEnd();
  return type;
}

/** Reads a type at the cursor, `[]` suffixes included. */
export function parseType(cursor: TokenCursor, what: string): IcebergType {
  let type = parseBaseType(cursor, what);
  while (cursor.isSymbol("[")) {
    cursor.next("[");
    if (!cursor.isSymbol("]")) cursor.integer("an array size or ]");
    cursor.expectSymbol("]");
    type = listOf(type);
  }
  return type;
}

function parseBaseType(cursor: TokenCursor, what: string): IcebergType {
  const token = cursor.peek();
  if (token === undefined || token.kind !== "word") throw cursor.expected(what);
  const multiWord = MULTI_WORD_NAMES.find((words) => cursor.areWords(...words));
  const name = multiWord?.join(" ") ?? token.text.toUpperCase();
  cursor.next(what);
  if (multiWord !== undefined) cursor.acceptWords(...multiWord.slice(1));

  const simple = SIMPLE_TYPES.get(name);
  if (simple !== undefined) return { ...simple };
  const withLength = WITH_IGNORED_LENGTH.get(name);
  if (withLength !== undefined) {
    if (cursor.acceptSymbol("(")) {
      cursor.integer(`a length for ${name}`);
      cursor.expectSymbol(")");
    }
    return { ...withLength };
  }
  if (DECIMAL_NAMES.has(name)) return decimal(cursor, token.start, name);
  if (name === "FIXED") {
    cursor.expectSymbol("(");
    const length = cursor.integer("a length for FIXED");
    cursor.expectSymbol(")");
    if (length < 1n || length > 2147483647n) throw cursor.errorAt(token.start, `FIXED length ${length} is out of range 1..2147483647`);
    return { type: "fixed", length: Number(length) };
  }
  if (LIST_NAMES.has(name)) {
    const [element] = typeArguments(cursor, name, 1);
    return listOf(element);
  }
  if (name === "MAP") {
    const [key, value] = typeArguments(cursor, name, 2);
    return { type: "map", keyId: UNASSIGNED_FIELD_ID, key, valueId: UNASSIGNED_FIELD_ID, valueRequired: false, value };
  }
  if (name === "STRUCT") return struct(cursor);
  if (WITHOUT_ICEBERG_EQUIVALENT.has(name)) throw cursor.errorAt(token.start, `type ${name} has no Iceberg equivalent`);
  throw cursor.errorAt(token.start, `unknown type ${JSON.stringify(token.text)}`);
}

function listOf(element: IcebergType): IcebergType {
  return { type: "list", elementId: UNASSIGNED_FIELD_ID, elementRequired: false, element };
}

/** `DECIMAL`, `DECIMAL(P)`, `DECIMAL(P, S)`. */
function decimal(cursor: TokenCursor, start: number, name: string): IcebergType {
  if (!cursor.acceptSymbol("(")) return { type: "decimal", ...DEFAULT_DECIMAL };
  const precision = cursor.integer(`a precision for ${name}`);
  const scale = cursor.acceptSymbol(",") ? cursor.integer(`a scale for ${name}`) : 0n;
  cursor.expectSymbol(")");
  if (precision < 1n || precision > BigInt(MAX_DECIMAL_PRECISION)) {
    throw cursor.errorAt(start, `${name} precision ${precision} is out of range 1..${MAX_DECIMAL_PRECISION}`);
  }
  if (scale < 0n || scale > precision) throw cursor.errorAt(start, `${name} scale ${scale} is out of range 0..${precision}`);
  return { type: "decimal", precision: Number(precision), scale: Number(scale) };
}

/** `(T, ...)` as DuckDB writes it or `<T, ...>` as Spark does. */
function typeArguments(cursor: TokenCursor, name: string, count: number): IcebergType[] {
  const angle = cursor.acceptSymbol("<");
  if (!angle) cursor.expectSymbol("(");
  const types = [parseType(cursor, `an element type for ${name}`)];
  while (types.length < count) {
    cursor.expectSymbol(",");
    types.push(parseType(cursor, `a value type for ${name}`));
  }
  if (angle) cursor.expectClosingAngle();
  else cursor.expectSymbol(")");
  return types;
}

/** `STRUCT(a T, ...)` as DuckDB writes it or `STRUCT<a: T [NOT NULL] [COMMENT '..'], ...>` as Spark does. */
function struct(cursor: TokenCursor): IcebergType {
  const angle = cursor.acceptSymbol("<");
  if (!angle) cursor.expectSymbol("(");
  const fields: NestedField[] = [];
  do {
    const name = cursor.identifier("a struct field name");
    cursor.acceptSymbol(":");
    const field: NestedField = { id: UNASSIGNED_FIELD_ID, name, required: false, type: parseType(cursor, `a type for struct field "${name}"`) };
    for (;;) {
      if (cursor.acceptWords("NOT", "NULL")) field.required = true;
      else if (cursor.acceptWords("COMMENT")) field.doc = cursor.stringLiteral(`a comment for struct field "${name}"`);
      else break;
    }
    fields.push(field);
  } while (cursor.acceptSymbol(","));
  if (angle) cursor.expectClosingAngle();
  else cursor.expectSymbol(")");
  return { type: "struct", fields };
}

/**
 * What a row must satisfy to be written, as SQL: required values that are null (inside
 * structs, list elements and map values) and fixed-length values of another length. Each
 * check raises a DuckDB error carrying a marker, so the writer can tell it from other errors
 * and report the column.
 *
 * Top-level required columns of primitive type are not checked here: their null counts come
 * with the written files' statistics, at no cost per row.
 */
import type { IcebergType, NestedField } from "../../table/spec/types.js";
import { quoteIdentifier, quoteString } from "../duckdb/duckdbTypes.js";

/** Prefix of the messages of row checks. */
export const ROW_CHECK_MARKER = "floe-row-check:";

export interface RowCheck {
  /** SQL that is true for a row that breaks the rule. */
  condition: string;
  /** The column (full dotted name) the rule is about. */
  column: string;
  message: string;
}

let lambdaCounter = 0;

function checksOf(expr: string, type: IcebergType, name: string): RowCheck[] {
  switch (type.type) {
    case "struct": {
      const out: RowCheck[] = [];
      for (const field of type.fields) {
        if (field.type.type === "unknown") continue;
        const child = `${expr}.${quoteIdentifier(field.name)}`;
        const childName = `${name}.${field.name}`;
        if (field.required) {
          out.push({
            condition: `(${expr} IS NOT NULL AND ${child} IS NULL)`,
            column: childName,
            message: `column ${childName} is required but a row has a null value in it`,
          });
        }
        for (const check of checksOf(child, field.type, childName)) {
          out.push({ ...check, condition: `(${expr} IS NOT NULL AND ${check.condition})` });
        }
      }
      return out;
    }
    case "list":
      return elementChecks(expr, type.element, type.elementRequired, `${name}.element`);
    case "map":
      return [
        ...elementChecks(`map_keys(${expr})`, type.key, false, `${name}.key`),
        ...elementChecks(`map_values(${expr})`, type.value, type.valueRequired, `${name}.value`),
      ];
    case "fixed":
      return [
        {
          condition: `(octet_length(${expr}) <> ${type.length})`,
          column: name,
          message: `column ${name} is fixed[${type.length}] but a value has another length`,
        },
      ];
    default:
      return [];
  }
}

/** Checks over the elements of a list expression. */
function elementChecks(list: string, element: IcebergType, required: boolean, name: string): RowCheck[] {
  const x = `__floe_x${lambdaCounter++}`;
  const inner: RowCheck[] = [];
  if (required) inner.push({ condition: `${x} IS NULL`, column: name, message: `column ${name} is required but a row has a null value in it` });
  inner.push(...checksOf(x, element, name));
  return inner.map((check) => ({
    ...check,
    condition: `coalesce(list_bool_or(list_transform(${list}, ${x} -> coalesce(${check.condition}, false))), false)`,
  }));
}

/** The checks of a top-level column (not including its own top-level `required`). */
export function rowChecks(field: NestedField): RowCheck[] {
  const checks = checksOf(quoteIdentifier(field.name), field.type, field.name);
  // a required struct, list or map column: its nulls do not show in the leaf statistics
  if (field.required && (field.type.type === "struct" || field.type.type === "list" || field.type.type === "map")) {
    checks.unshift({
      condition: `${quoteIdentifier(field.name)} IS NULL`,
      column: field.name,
      message: `column ${field.name} is required but a row has a null value in it`,
    });
  }
  return checks;
}

/** The column with its checks: `CASE WHEN <broken> THEN error(...) ... ELSE <column> END`. */
export function checkedColumn(field: NestedField): string {
  const column = quoteIdentifier(field.name);
  const checks = rowChecks(field);
  if (checks.length === 0) return column;
  const cases = checks
    .map((c) => `WHEN ${c.condition} THEN error(${quoteString(ROW_CHECK_MARKER + JSON.stringify({ column: c.column, message: c.message }))})`)
    .join(" ");
  return `CASE ${cases} ELSE ${column} END AS ${column}`;
}

/** The column and message of a row-check error, if `message` is one. */
export function parseRowCheckError(message: string): { column: string; message: string } | undefined {
  const at = message.indexOf(ROW_CHECK_MARKER);
  if (at === -1) return undefined;
  const rest = message.slice(at + ROW_CHECK_MARKER.length).split("\n")[0];
  try {
    const parsed = JSON.parse(rest) as { column?: unknown; message?: unknown };
    return typeof parsed.column === "string" && typeof parsed.message === "string" ? { column: parsed.column, message: parsed.message } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A table's sort order as the keys of a SQL `ORDER BY`, so rows are written in it.
 *
 * Each sort field becomes its transform applied to its source column, as the partition
 * transforms compute it (partitionColumns.ts), with its direction and null order. Where the
 * partition form of a value is text that would order differently from the value, the key is
 * the value itself: identity keys are the column (DuckDB orders strings and binary by their
 * bytes, as Iceberg does) and truncate of a decimal is its unscaled integer. Void fields order
 * nothing and are left out.
 */
import { invalidInput, unsupported } from "../../core/errors/FloeError.js";
import type { Schema } from "../../table/spec/schema.js";
import type { SortField, SortOrder } from "../../table/spec/sortOrder.js";
import { isPrimitive, typeToString } from "../../table/spec/types.js";
import { parseTransform } from "../../table/transform/parseTransform.js";
import { TruncateTransform } from "../../table/transform/TruncateTransform.js";
import { columnReference, transformSql, truncatedUnscaledDecimal } from "./partitionColumns.js";

export interface SortKeys {
  /** `ORDER BY` items, most significant first; empty for an unsorted order. */
  keys: string[];
  /** Whether a key calls the bucket functions. */
  usesBucketFunctions: boolean;
}

/** The ORDER BY keys of `order` over rows whose columns are named as in `schema`. */
export function sortKeys(order: SortOrder, schema: Schema): SortKeys {
  const keys: string[] = [];
  let usesBucketFunctions = false;
  for (const field of order.fields) {
    const key = sortKey(field, order.orderId, schema);
    if (key === undefined) continue;
    keys.push(`${key.sql} ${field.direction === "desc" ? "DESC" : "ASC"} ${field.nullOrder === "nulls-first" ? "NULLS FIRST" : "NULLS LAST"}`);
    usesBucketFunctions ||= key.usesBucketFunctions;
  }
  return { keys, usesBucketFunctions };
}

function sortKey(field: SortField, orderId: number, schema: Schema): { sql: string; usesBucketFunctions: boolean } | undefined {
  const where = `sort order ${orderId}, field ${field.transform}(${schema.findColumnName(field.sourceId) ?? `column id ${field.sourceId}`})`;
  const transform = parseTransform(field.transform);
  if (transform.isVoid) return undefined;
  if (transform.isUnknown) throw unsupported(`cannot write in ${where}: unknown transform ${field.transform}`, { sortOrderId: orderId });
  if (field.sourceIds !== undefined && field.sourceIds.length > 1) {
    throw unsupported(`cannot write in ${where}: transforms of several columns are not supported`, { sortOrderId: orderId });
  }
  const source = schema.findField(field.sourceId);
  if (source === undefined) throw invalidInput(`cannot write in ${where}: the schema has no column with id ${field.sourceId}`, { sortOrderId: orderId });
  if (!isPrimitive(source.type) || !transform.canTransform(source.type)) {
    throw invalidInput(`cannot write in ${where}: ${field.transform} does not apply to ${typeToString(source.type)}`, { sortOrderId: orderId });
  }
  for (let parent = schema.parentId(field.sourceId); parent !== undefined; parent = schema.parentId(parent)) {
    if (schema.findField(parent)?.type.type !== "struct") {
      throw unsupported(`cannot write in ${where}: sorting by a field inside a list or map is not supported`, { sortOrderId: orderId });
    }
  }
  const ref = columnReference(schema, field.sourceId);
  if (transform.isIdentity) return { sql: ref, usesBucketFunctions: false };
  if (transform instanceof TruncateTransform && source.type.type === "decimal") {
    return { sql: truncatedUnscaledDecimal(ref, transform.width), usesBucketFunctions: false };
  }
  const { sql, usesBucketFunctions } = transformSql(transform, source.type, ref);
  return { sql, usesBucketFunctions };
}

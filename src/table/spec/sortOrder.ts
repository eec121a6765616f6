/**
 * Sort orders: how data within files is (declared to be) sorted.
 */
import { JsonFields } from "./json.js";

export type SortDirection = "asc" | "desc";
export type NullOrder = "nulls-first" | "nulls-last";

export interface SortField {
  /** The transform's string form (`identity`, `bucket[4]`, ...). */
  transform: string;
  sourceId: number;
  /** v3 multi-argument transforms only. */
  sourceIds?: number[];
  direction: SortDirection;
  nullOrder: NullOrder;
}

export interface SortOrder {
  orderId: number;
  fields: SortField[];
}

/** Order id 0 is reserved for the unsorted order. */
export const UNSORTED_ORDER_ID = 0;

export function unsortedOrder(): SortOrder {
  return { orderId: UNSORTED_ORDER_ID, fields: [] };
}

export function parseSortOrderJson(obj: JsonFields): SortOrder {
  return {
    orderId: obj.int("order-id"),
    fields: obj.objects("fields").map((f) => {
      const direction = f.string("direction");
      if (direction !== "asc" && direction !== "desc") throw f.error("direction", `must be "asc" or "desc", got ${JSON.stringify(direction)}`);
      const nullOrder = f.string("null-order");
      if (nullOrder !== "nulls-first" && nullOrder !== "nulls-last") {
        throw f.error("null-order", `must be "nulls-first" or "nulls-last", got ${JSON.stringify(nullOrder)}`);
      }
      const sourceIds = f.optInts("source-ids");
      const sourceId = f.optInt("source-id") ?? sourceIds?.[0];
      if (sourceId === undefined) throw f.error("source-id", "is required but is missing");
      const field: SortField = { transform: f.string("transform"), sourceId, direction, nullOrder };
      if (sourceIds !== undefined && sourceIds.length > 1) field.sourceIds = sourceIds;
      return field;
    }),
  };
}

export function parseSortOrder(json: unknown, source = "sort order"): SortOrder {
  return parseSortOrderJson(JsonFields.of(json, source));
}

export function sortOrderToJson(order: SortOrder): Record<string, unknown> {
  return {
    "order-id": order.orderId,
    fields: order.fields.map((f) => {
      const out: Record<string, unknown> = { transform: f.transform };
      if (f.sourceIds !== undefined && f.sourceIds.length > 1) out["source-ids"] = [...f.sourceIds];
      else out["source-id"] = f.sourceId;
      out.direction = f.direction;
      out["null-order"] = f.nullOrder;
      return out;
    }),
  };
}

/**
 * Replacing the table's default sort order, in the manner of Iceberg Java's `ReplaceSortOrder`:
 * the fields given, in order, become the new default order; none makes the table unsorted
 * (order id 0). Only files written from then on follow it; existing files keep the order id
 * they were written with.
 *
 * The commit requires that the default sort order is still the one the action first saw.
 * An action belongs to one transaction.
 */
import { invalidInput } from "../../core/errors/FloeError.js";
import { sortOrderToJson, UNSORTED_ORDER_ID, type NullOrder, type SortDirection, type SortField, type SortOrder } from "../spec/sortOrder.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import type { Transform } from "../transform/index.js";
import { bindSource, transformOf } from "./sourceColumn.js";
import type { ActionContext, TransactionAction } from "./TransactionAction.js";
import { LAST_ADDED, type ActionCommit, type TableRequirement } from "./updates.js";

export interface ReplaceSortOrderOptions {
  /** Whether column names match only with the same case; default true. */
  caseSensitive?: boolean;
}

interface SortTerm {
  column: string;
  transform: string | Transform;
  direction: SortDirection;
  nullOrder: NullOrder;
}

const NULL_ORDERS: readonly string[] = ["nulls-first", "nulls-last"];

export class ReplaceSortOrderAction implements TransactionAction {
  readonly kind = "replace-sort-order";
  private readonly terms: SortTerm[] = [];
  private caseSensitiveNames: boolean;
  private startedFrom?: { sortOrderId: number };

  constructor(options: ReplaceSortOrderOptions = {}) {
    this.caseSensitiveNames = options.caseSensitive ?? true;
  }

  caseSensitive(value: boolean): this {
    this.caseSensitiveNames = value;
    return this;
  }

  /** Sorts ascending by `transform` (default identity) of `column`; nulls first unless told otherwise, as Iceberg defaults. */
  asc(column: string, nullOrder: NullOrder = "nulls-first", transform: string | Transform = "identity"): this {
    return this.add(column, "asc", nullOrder, transform);
  }

  /** Sorts descending by `transform` (default identity) of `column`; nulls last unless told otherwise, as Iceberg defaults. */
  desc(column: string, nullOrder: NullOrder = "nulls-last", transform: string | Transform = "identity"): this {
    return this.add(column, "desc", nullOrder, transform);
  }

  /** The order the fields make with `metadata`'s schema (its id the next free one, 0 when unsorted); the default order when it is the same. */
  apply(metadata: TableMetadata): SortOrder {
    return this.build(metadata).order;
  }

  async commit(context: ActionContext): Promise<ActionCommit> {
    const metadata = context.metadata;
    if (metadata === undefined) throw invalidInput("cannot replace the sort order of a table that does not exist");
    this.startedFrom ??= { sortOrderId: metadata.defaultSortOrderId };
    const requirements: TableRequirement[] = [{ type: "assert-default-sort-order-id", defaultSortOrderId: this.startedFrom.sortOrderId }];
    if (metadata.defaultSortOrderId !== this.startedFrom.sortOrderId) return { updates: [], requirements };
    const { order, changed } = this.build(metadata);
    if (!changed) return { updates: [], requirements };
    return {
      updates: [
        { action: "add-sort-order", sortOrder: order },
        { action: "set-default-sort-order", sortOrderId: LAST_ADDED },
      ],
      requirements,
    };
  }

  private add(column: string, direction: SortDirection, nullOrder: NullOrder, transform: string | Transform): this {
    const what = `cannot sort by ${JSON.stringify(column)}`;
    if (column === "") throw invalidInput("a sort field needs a source column");
    if (!NULL_ORDERS.includes(nullOrder)) {
      throw invalidInput(`${what}: null order ${JSON.stringify(nullOrder)} is neither "nulls-first" nor "nulls-last"`, { column });
    }
    transformOf(transform, what);
    this.terms.push({ column, transform, direction, nullOrder });
    return this;
  }

  private build(metadata: TableMetadata): { order: SortOrder; changed: boolean } {
    const schema = metadata.currentSchema();
    const fields: SortField[] = [];
    const seen = new Set<string>();
    for (const term of this.terms) {
      const source = bindSource(schema, term.column, term.transform, this.caseSensitiveNames, `cannot sort by ${JSON.stringify(term.column)}`);
      const transform = source.transform.toString();
      const key = `${source.field.id}|${transform}`;
      if (seen.has(key)) throw invalidInput(`the sort order names ${transform}(${source.name}) twice`, { column: source.name });
      seen.add(key);
      fields.push({ transform, sourceId: source.field.id, direction: term.direction, nullOrder: term.nullOrder });
    }
    const current = metadata.defaultSortOrder();
    const fieldsJson = (order: SortOrder) => JSON.stringify(sortOrderToJson(order).fields);
    const candidate: SortOrder = { orderId: UNSORTED_ORDER_ID, fields };
    if (fieldsJson(candidate) === fieldsJson(current)) return { order: current, changed: false };
    if (fields.length === 0) return { order: candidate, changed: true };
    const existing = metadata.sortOrders.find((o) => o.fields.length > 0 && fieldsJson(o) === fieldsJson(candidate));
    const orderId = existing?.orderId ?? Math.max(UNSORTED_ORDER_ID, ...metadata.sortOrders.map((o) => o.orderId)) + 1;
    return { order: { orderId, fields }, changed: true };
  }
}

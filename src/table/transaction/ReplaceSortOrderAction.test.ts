import { describe, expect, it } from "vitest";
import { FloeError, isFloeError } from "../../core/errors/FloeError.js";
import { MemoryFileIO } from "../../io/MemoryFileIO.js";
import { MemoryTableCommitter } from "../../../test/support/memoryTableCommitter.js";
import { Schema } from "../spec/schema.js";
import type { NullOrder } from "../spec/sortOrder.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import { TruncateTransform } from "../transform/index.js";
import { applyUpdates } from "./applyUpdates.js";
import { newTable } from "./NewTableAction.js";
import { ReplaceSortOrderAction } from "./ReplaceSortOrderAction.js";
import { Transaction } from "./Transaction.js";
import type { ActionCommit } from "./updates.js";

const LOCATION = "memory://warehouse/db/sorted";

// ids after creation: id 1, ts 2, name 3, point 4, tags 5, point.x 6, tags.element 7
const schema = new Schema([
  { id: 1, name: "id", required: true, type: { type: "long" } },
  { id: 2, name: "ts", required: false, type: { type: "timestamp" } },
  { id: 3, name: "name", required: false, type: { type: "string" } },
  { id: 4, name: "point", required: false, type: { type: "struct", fields: [{ id: 5, name: "x", required: false, type: { type: "double" } }] } },
  { id: 6, name: "tags", required: false, type: { type: "list", elementId: 7, elementRequired: false, element: { type: "string" } } },
]);

async function created(): Promise<TableMetadata> {
  const { updates } = await newTable(schema, undefined, undefined, LOCATION).commit({ metadata: undefined, io: new MemoryFileIO(), attempt: 1, nowMs: 1 });
  return applyUpdates(undefined, updates, { nowMs: 1 });
}

async function run(metadata: TableMetadata, action: ReplaceSortOrderAction): Promise<{ metadata: TableMetadata; commit: ActionCommit }> {
  const commit = await action.commit({ metadata, io: new MemoryFileIO(), attempt: 1, nowMs: 2 });
  return { metadata: applyUpdates(metadata, commit.updates, { nowMs: 2 }), commit };
}

async function failure(metadata: TableMetadata, action: ReplaceSortOrderAction): Promise<FloeError> {
  const error = await action.commit({ metadata, io: new MemoryFileIO(), attempt: 1, nowMs: 2 }).catch((e: unknown) => e);
  if (!(error instanceof FloeError)) throw new Error(`expected a FloeError, got ${String(error)}`);
  return error;
}

describe("ReplaceSortOrderAction", () => {
  it("makes the fields, with transforms and Iceberg's default null orders, the new default order", async () => {
    const m = await created();
    expect(m.defaultSortOrderId).toBe(0);
    const { metadata, commit } = await run(
      m,
      new ReplaceSortOrderAction().asc("ts", "nulls-last", "day").desc("id").asc("name", undefined, new TruncateTransform(3)).desc("point.x", "nulls-first"),
    );
    expect(commit.requirements).toEqual([{ type: "assert-default-sort-order-id", defaultSortOrderId: 0 }]);
    expect(commit.updates.map((u) => u.action)).toEqual(["add-sort-order", "set-default-sort-order"]);
    expect(commit.updates[1]).toEqual({ action: "set-default-sort-order", sortOrderId: -1 });
    expect(metadata.defaultSortOrderId).toBe(1);
    expect(metadata.defaultSortOrder()).toEqual({
      orderId: 1,
      fields: [
        { sourceId: 2, transform: "day", direction: "asc", nullOrder: "nulls-last" },
        { sourceId: 1, transform: "identity", direction: "desc", nullOrder: "nulls-last" },
        { sourceId: 3, transform: "truncate[3]", direction: "asc", nullOrder: "nulls-first" },
        { sourceId: 6, transform: "identity", direction: "desc", nullOrder: "nulls-first" },
      ],
    });

    // an empty order makes the table unsorted again; the same order again changes nothing
    const unsorted = await run(metadata, new ReplaceSortOrderAction());
    expect(unsorted.metadata.defaultSortOrderId).toBe(0);
    expect(unsorted.metadata.sortOrders.map((o) => o.orderId)).toEqual([0, 1]);
    const same = await run(metadata, new ReplaceSortOrderAction().asc("ts", "nulls-last", "day").desc("id").asc("name", "nulls-first", "truncate[3]").desc("point.x", "nulls-first"));
    expect(same.commit.updates).toEqual([]);
    // going back to an order the table had reuses its id
    const again = await run(unsorted.metadata, new ReplaceSortOrderAction().asc("ts", "nulls-last", "day").desc("id").asc("name", "nulls-first", "truncate[3]").desc("point.x", "nulls-first"));
    expect(again.metadata.defaultSortOrderId).toBe(1);
    const other = await run(unsorted.metadata, new ReplaceSortOrderAction().asc("id"));
    expect(other.metadata.defaultSortOrder()).toEqual({ orderId: 2, fields: [{ sourceId: 1, transform: "identity", direction: "asc", nullOrder: "nulls-first" }] });
  });

  it("names the column in its errors", async () => {
    const m = await created();
    const cases: [ReplaceSortOrderAction, RegExp][] = [
      [new ReplaceSortOrderAction().asc("nope"), /^cannot sort by "nope": the table has no column "nope"$/],
      [new ReplaceSortOrderAction().asc("point"), /^cannot sort by "point": column "point" is a struct<x: double>; only primitive columns can be used$/],
      [new ReplaceSortOrderAction().asc("tags.element"), /^cannot sort by "tags.element": column "tags.element" is inside list "tags"/],
      [new ReplaceSortOrderAction().asc("name", "nulls-first", "hour"), /^cannot sort by "name": transform hour cannot be applied to column "name" of type string$/],
      [new ReplaceSortOrderAction().asc("id").desc("id"), /^the sort order names identity\(id\) twice$/],
      [new ReplaceSortOrderAction().asc("ID"), /the table has no column "ID"/],
    ];
    for (const [action, pattern] of cases) expect((await failure(m, action)).message).toMatch(pattern);
    expect(() => new ReplaceSortOrderAction().asc("id", "first" as NullOrder)).toThrow(/null order "first" is neither "nulls-first" nor "nulls-last"/);
    expect(() => new ReplaceSortOrderAction().asc("id", "nulls-first", "zorder")).toThrow(/unknown transform "zorder"/);
    const { metadata } = await run(m, new ReplaceSortOrderAction({ caseSensitive: false }).asc("ID"));
    expect(metadata.defaultSortOrder().fields[0].sourceId).toBe(1);
  });

  it("a retry after a concurrent sort order change is refused by the requirement", async () => {
    const io = new MemoryFileIO();
    const committer = new MemoryTableCommitter(LOCATION);
    await new Transaction({ io }).createTable({ schema, location: LOCATION, properties: { "commit.retry.min-wait-ms": "1" } }).commit(committer);
    const loser = new Transaction({ io, base: committer.current, sleep: async () => {} }).addAction(new ReplaceSortOrderAction().asc("id"));
    await new Transaction({ io }).addAction(new ReplaceSortOrderAction().desc("ts")).commit(committer);
    const error = await loser.commit(committer).catch((e: unknown) => e);
    expect(isFloeError(error, "commit-conflict")).toBe(true);
    expect((error as Error).message).toBe("requirement assert-default-sort-order-id failed: the default sort order id is 1, expected 0");
    expect(committer.current!.metadata.defaultSortOrder().fields).toEqual([{ sourceId: 2, transform: "identity", direction: "desc", nullOrder: "nulls-last" }]);
  });
});

import { describe, expect, it } from "vitest";
import { FloeError, isFloeError } from "../../core/errors/FloeError.js";
import { MemoryFileIO } from "../../io/MemoryFileIO.js";
import { MemoryTableCommitter } from "../../../test/support/memoryTableCommitter.js";
import { PartitionSpec } from "../spec/partitionSpec.js";
import { Schema } from "../spec/schema.js";
import type { SortOrder } from "../spec/sortOrder.js";
import type { FormatVersion, TableMetadata } from "../spec/tableMetadata.js";
import type { IcebergType, NestedField } from "../spec/types.js";
import { applyUpdates } from "./applyUpdates.js";
import { newTable } from "./NewTableAction.js";
import { Transaction } from "./Transaction.js";
import { UpdateSchemaAction } from "./UpdateSchemaAction.js";
import type { ActionCommit } from "./updates.js";

const LOCATION = "memory://warehouse/db/evolving";
const long: IcebergType = { type: "long" };
const int: IcebergType = { type: "int" };
const string: IcebergType = { type: "string" };
const double: IcebergType = { type: "double" };

// After creation the ids are: id 1, ts 2, point 3, events 4, attrs 5, count 6, point.x 7,
// point.y 8, events.element 9, events.element.kind 10, attrs.key 11, attrs.value 12.
const schema = new Schema(
  [
    { id: 1, name: "id", required: true, type: long },
    { id: 2, name: "ts", required: false, type: { type: "timestamptz" } },
    {
      id: 3,
      name: "point",
      required: false,
      type: {
        type: "struct",
        fields: [
          { id: 4, name: "x", required: true, type: double },
          { id: 5, name: "y", required: true, type: double },
        ],
      },
    },
    {
      id: 6,
      name: "events",
      required: false,
      type: { type: "list", elementId: 7, elementRequired: true, element: { type: "struct", fields: [{ id: 8, name: "kind", required: false, type: string }] } },
    },
    { id: 9, name: "attrs", required: false, type: { type: "map", keyId: 10, key: string, valueId: 11, valueRequired: true, value: int } },
    { id: 12, name: "count", required: false, type: int },
  ],
  { identifierFieldIds: [1] },
);
const daySpec = new PartitionSpec(0, [{ sourceId: 2, fieldId: 1000, name: "ts_day", transform: "day" }]);

async function created(formatVersion: FormatVersion = 2, options: { spec?: PartitionSpec; order?: SortOrder; schema?: Schema } = {}): Promise<TableMetadata> {
  const action = newTable(options.schema ?? schema, options.spec ?? daySpec, options.order, LOCATION, {}, formatVersion);
  const { updates } = await action.commit({ metadata: undefined, io: new MemoryFileIO(), attempt: 1, nowMs: 1 });
  return applyUpdates(undefined, updates, { nowMs: 1 });
}

async function run(metadata: TableMetadata, action: UpdateSchemaAction): Promise<{ metadata: TableMetadata; commit: ActionCommit; schema: Schema }> {
  const commit = await action.commit({ metadata, io: new MemoryFileIO(), attempt: 1, nowMs: 2 });
  const next = applyUpdates(metadata, commit.updates, { nowMs: 2 });
  return { metadata: next, commit, schema: next.currentSchema() };
}

async function failure(metadata: TableMetadata, action: UpdateSchemaAction): Promise<FloeError> {
  const error = await action.commit({ metadata, io: new MemoryFileIO(), attempt: 1, nowMs: 2 }).catch((e: unknown) => e);
  if (!(error instanceof FloeError)) throw new Error(`expected a FloeError, got ${String(error)}`);
  return error;
}

function field(s: Schema, name: string): NestedField {
  const f = s.findFieldByName(name);
  if (f === undefined) throw new Error(`no column ${name}`);
  return f;
}

const names = (s: Schema | readonly NestedField[]) => ("fields" in s ? s.fields : s).map((f) => f.name);

describe("UpdateSchemaAction: adding columns", () => {
  it("numbers new columns from last-column-id, nested types level by level, and commits add-schema + set-current-schema", async () => {
    const m = await created();
    const action = new UpdateSchemaAction()
      .addColumn("note", string, { doc: "free text" })
      .addColumn("tags", { type: "list", elementId: 0, elementRequired: false, element: string })
      .addColumn("geo", {
        type: "struct",
        fields: [
          { id: 0, name: "lat", required: true, type: double },
          { id: 0, name: "area", required: false, type: { type: "map", keyId: 0, key: string, valueId: 0, valueRequired: false, value: long } },
          { id: 0, name: "lon", required: true, type: double },
        ],
      });
    const { metadata, commit, schema: s } = await run(m, action);

    expect(commit.requirements).toEqual([
      { type: "assert-current-schema-id", currentSchemaId: 0 },
      { type: "assert-last-assigned-field-id", lastAssignedFieldId: 12 },
    ]);
    expect(commit.updates.map((u) => u.action)).toEqual(["add-schema", "set-current-schema"]);
    expect(commit.updates[0]).toMatchObject({ action: "add-schema", lastColumnId: 21 });
    expect(commit.updates[1]).toEqual({ action: "set-current-schema", schemaId: -1 });

    expect(metadata.currentSchemaId).toBe(1);
    expect(metadata.schemas.map((x) => x.schemaId)).toEqual([0, 1]);
    expect(metadata.lastColumnId).toBe(21);
    expect(field(s, "note")).toEqual({ id: 13, name: "note", required: false, type: string, doc: "free text" });
    expect(field(s, "tags").type).toEqual({ type: "list", elementId: 15, elementRequired: false, element: string });
    // geo 16, then its fields lat 17, area 18, lon 19, then the map's key 20 and value 21
    expect(field(s, "geo").id).toBe(16);
    expect([field(s, "geo.lat").id, field(s, "geo.area").id, field(s, "geo.lon").id]).toEqual([17, 18, 19]);
    expect(field(s, "geo.area").type).toMatchObject({ keyId: 20, valueId: 21 });
    expect(s.identifierFieldIds).toEqual([1]);
    expect(names(s)).toEqual(["id", "ts", "point", "events", "attrs", "count", "note", "tags", "geo"]);
    // the old schema is kept for the data files written with it
    expect(metadata.schemaById(0)?.fields).toEqual(m.currentSchema().fields);
  });

  it("adds inside a struct, inside the structs of a list and of a map value, with dotted or array paths", async () => {
    const m = await created(2, {
      schema: new Schema([
        ...schema.fields,
        {
          id: 50,
          name: "by_key",
          required: false,
          type: { type: "map", keyId: 51, key: string, valueId: 52, valueRequired: false, value: { type: "struct", fields: [{ id: 53, name: "v", required: false, type: int }] } },
        },
      ]),
    });
    expect(m.lastColumnId).toBe(16);
    const { schema: s } = await run(
      m,
      new UpdateSchemaAction()
        .addColumn("point.z", double)
        .addColumn(["events", "source"], string)
        .addColumn("events.element.weight", double)
        .addColumn("by_key.w", int)
        .addColumn(["point", "label.text"], string),
    );
    expect(names((field(s, "point").type as { fields: NestedField[] }).fields)).toEqual(["x", "y", "z", "label.text"]);
    expect(field(s, "point.z")).toEqual({ id: 17, name: "z", required: false, type: double });
    const element = (field(s, "events").type as { element: { fields: NestedField[] } }).element;
    expect(element.fields.map((f) => [f.name, f.id])).toEqual([
      ["kind", 11],
      ["source", 18],
      ["weight", 19],
    ]);
    expect(field(s, "by_key.w").id).toBe(20);
    expect(s.findFieldByName("point.label.text")?.id).toBe(21);
  });

  it("places a new column first, before or after a sibling", async () => {
    const m = await created();
    const { schema: s } = await run(
      m,
      new UpdateSchemaAction()
        .addColumn("a", int, { first: true })
        .addColumn("b", int, { before: "count" })
        .addColumn("c", int, { after: "id" })
        .addColumn("point.w", double, { first: true }),
    );
    expect(names(s)).toEqual(["a", "id", "c", "ts", "point", "events", "attrs", "b", "count"]);
    expect(names((field(s, "point").type as { fields: NestedField[] }).fields)).toEqual(["w", "x", "y"]);
    expect(() => new UpdateSchemaAction().addColumn("d", int, { first: true, after: "id" })).toThrow(/at most one of first, before and after/);
  });

  it("never reuses a field id: a column dropped and added again gets a new one", async () => {
    const m = await created();
    const same = await run(m, new UpdateSchemaAction().deleteColumn("count").addColumn("count", long));
    expect(field(same.schema, "count")).toEqual({ id: 13, name: "count", required: false, type: long });

    const dropped = await run(m, new UpdateSchemaAction().deleteColumn("count"));
    expect(dropped.schema.highestFieldId).toBe(12);
    // attrs holds the highest ids: the table remembers them after they are gone
    const removedLast = await run(dropped.metadata, new UpdateSchemaAction().deleteColumn("attrs"));
    expect(removedLast.metadata.lastColumnId).toBe(12);
    expect(removedLast.schema.highestFieldId).toBe(10);
    const readded = await run(removedLast.metadata, new UpdateSchemaAction().addColumn("count", int).addColumn("attrs", string));
    expect([field(readded.schema, "count").id, field(readded.schema, "attrs").id]).toEqual([13, 14]);
    expect(readded.metadata.lastColumnId).toBe(14);
  });

  it("refuses a required column without an initial default, and non-null defaults before format version 3", async () => {
    const v2 = await created(2);
    const noDefault = await failure(v2, new UpdateSchemaAction().addColumn("region", string, { required: true }));
    expect(noDefault.kind).toBe("invalid-input");
    expect(noDefault.message).toMatch(/cannot add required column "region" without an initial default.*format version 3 \(the table is version 2\)/);
    const v2Default = await failure(v2, new UpdateSchemaAction().addColumn("region", string, { initialDefault: "eu" }));
    expect(v2Default.message).toBe('column "region": a non-null initial default needs format version 3, and the table is version 2');
    const v2Type = await failure(v2, new UpdateSchemaAction().addColumn("at", { type: "timestamp_ns" }));
    expect(v2Type.message).toMatch(/cannot add column "at": type timestamp_ns needs format version 3/);
    // null defaults are no defaults
    const { schema: s } = await run(v2, new UpdateSchemaAction().addColumn("region", string, { initialDefault: null }));
    expect(field(s, "region")).toEqual({ id: 13, name: "region", required: false, type: string });

    const v3 = await created(3);
    const stillNone = await failure(v3, new UpdateSchemaAction().addColumn("region", string, { required: true }));
    expect(stillNone.message).toMatch(/^cannot add required column "region" without an initial default: rows written before it would have no value$/);
  });

  it("adds defaulted columns in format version 3: the write default starts as the initial default, values in their in-memory form", async () => {
    const m = await created(3);
    const { metadata, schema: s } = await run(
      m,
      new UpdateSchemaAction()
        .addColumn("region", string, { required: true, initialDefault: "eu" })
        .addColumn("score", long, { initialDefault: 7, writeDefault: 8n })
        .addColumn("price", { type: "decimal", precision: 9, scale: 2 }, { required: true, initialDefault: 1250n })
        .addColumn("shape", { type: "struct", fields: [{ id: 0, name: "sides", required: true, type: int, initialDefault: 4 }] }, { required: true, initialDefault: {} }),
    );
    expect(field(s, "region")).toEqual({ id: 13, name: "region", required: true, type: string, initialDefault: "eu", writeDefault: "eu" });
    expect(field(s, "score")).toMatchObject({ initialDefault: 7n, writeDefault: 8n });
    expect(field(s, "price")).toMatchObject({ initialDefault: 1250n, writeDefault: 1250n });
    expect(field(s, "shape")).toMatchObject({ required: true, initialDefault: {}, writeDefault: {} });
    expect(field(s, "shape.sides")).toMatchObject({ initialDefault: 4, writeDefault: 4 });
    expect(metadata.formatVersion).toBe(3);

    const badValue = await failure(m, new UpdateSchemaAction().addColumn("n", int, { initialDefault: "seven" }));
    expect(badValue.message).toMatch(/^column "n": invalid initial default: .*seven/);
    const badStruct = await failure(
      m,
      new UpdateSchemaAction().addColumn("shape", { type: "struct", fields: [{ id: 0, name: "sides", required: true, type: int }] }, { required: true, initialDefault: {} }),
    );
    expect(badStruct.message).toMatch(/cannot add required column "shape.sides" without an initial default/);
    const structValues = await failure(m, new UpdateSchemaAction().addColumn("shape", { type: "struct", fields: [{ id: 0, name: "s", required: false, type: int }] }, { initialDefault: { 1: 3 } }));
    expect(structValues.message).toMatch(/column "shape": the initial default of a struct can only be null or an empty struct/);
    const unknownDefault = await failure(m, new UpdateSchemaAction().addColumn("u", { type: "unknown" }, { initialDefault: 1 }));
    expect(unknownDefault.message).toMatch(/column "u": a column of type unknown can only default to null/);

    // the write default can change later; the initial default cannot
    const changed = await run(metadata, new UpdateSchemaAction().updateWriteDefault("region", "us"));
    expect(field(changed.schema, "region")).toMatchObject({ initialDefault: "eu", writeDefault: "us" });
  });
});

describe("UpdateSchemaAction: changing columns", () => {
  it("deletes, renames and reorders by field id; later changes name a column by its new name", async () => {
    const m = await created();
    const { schema: s } = await run(
      m,
      new UpdateSchemaAction()
        .renameColumn("count", "total")
        .moveFirst("total")
        .moveAfter("attrs", "id")
        .moveBefore("point.y", "point.x")
        .renameColumn(["point", "x"], "east")
        .deleteColumn("events")
        .updateDoc("total", "how many"),
    );
    expect(names(s)).toEqual(["total", "id", "attrs", "ts", "point"]);
    expect(field(s, "total")).toEqual({ id: 6, name: "total", required: false, type: int, doc: "how many" });
    expect((field(s, "point").type as { fields: NestedField[] }).fields.map((f) => [f.name, f.id])).toEqual([
      ["y", 8],
      ["east", 7],
    ]);
    expect(s.findFieldByName("events")).toBeUndefined();
    expect(s.findField(10)).toBeUndefined();
  });

  it("names the column in every error", async () => {
    const m = await created();
    const cases: [UpdateSchemaAction, RegExp][] = [
      [new UpdateSchemaAction().deleteColumn("nope"), /^cannot delete column "nope": the schema has no such column$/],
      [new UpdateSchemaAction().renameColumn("point.nope", "x"), /^cannot rename column "point.nope": the schema has no such column$/],
      [new UpdateSchemaAction().addColumn("count", long), /^cannot add column "count": the table already has a column "count"$/],
      [new UpdateSchemaAction().addColumn("point.x", long), /^cannot add column "point.x": struct "point" already has a column "x"$/],
      [new UpdateSchemaAction().addColumn("count.sub", long), /^cannot add column "sub" to "count": it is a int, not a struct$/],
      [new UpdateSchemaAction().renameColumn("count", "id"), /^cannot rename column "count" to "id": the table already has a column "id"$/],
      [new UpdateSchemaAction().renameColumn("events.element", "item"), /^cannot rename "events.element": the element of a list has a fixed name$/],
      [new UpdateSchemaAction().deleteColumn("attrs.key"), /^cannot delete "attrs.key": only fields of structs can be deleted, not the key of "attrs"$/],
      [new UpdateSchemaAction().moveBefore("point.x", "id"), /^cannot move column "point.x" before "id": they are in different structs$/],
      [new UpdateSchemaAction().moveAfter("id", "id"), /^cannot move column "id" after itself$/],
      [new UpdateSchemaAction().moveAfter("id", "nope"), /^cannot move column "id" after "nope": the schema has no such column$/],
      [new UpdateSchemaAction().deleteColumn("ts"), /^cannot delete column "ts": partition field "ts_day" \(day of "ts"\) of the current partition spec uses it; remove the partition field first$/],
      [new UpdateSchemaAction().deleteColumn("id"), /^cannot delete column "id": it is an identifier field; leave it out of setIdentifierFields first$/],
      [new UpdateSchemaAction().setIdentifierFields(["count"]), /^column "count" cannot be an identifier field: it is optional$/],
      [new UpdateSchemaAction().setIdentifierFields(["point.x"]), /^column "point.x" cannot be an identifier field: it is a double$/],
      [new UpdateSchemaAction().setIdentifierFields(["events.kind"]), /^column "events.element.kind" cannot be an identifier field: it is inside list "events"$/],
      [new UpdateSchemaAction().setIdentifierFields(["nope"]), /^cannot make "nope" an identifier field: the schema has no such column$/],
    ];
    for (const [action, pattern] of cases) {
      const error = await failure(m, action);
      expect(error.kind).toBe("invalid-input");
      expect(error.message).toMatch(pattern);
    }
  });

  it("deletes an identifier field once the identifier fields leave it out, in either order", async () => {
    const m = await created();
    for (const action of [
      new UpdateSchemaAction().setIdentifierFields([]).deleteColumn("id"),
      new UpdateSchemaAction().deleteColumn("id").setIdentifierFields([]),
    ]) {
      const { schema: s } = await run(m, action);
      expect(s.findFieldByName("id")).toBeUndefined();
      expect(s.identifierFieldIds).toEqual([]);
    }
    // an identifier field made optional is no identifier field
    expect((await failure(m, new UpdateSchemaAction().makeOptional("id"))).message).toBe('column "id" cannot be an identifier field: it is optional');
    // inside an optional struct, a required field cannot identify rows either
    const v3 = await created(3);
    const nested = await failure(v3, new UpdateSchemaAction().addColumn("point.code", long, { required: true, initialDefault: 0 }).setIdentifierFields(["id", "point.code"]));
    expect(nested.message).toBe('column "point.code" cannot be an identifier field: it is inside optional struct "point"');
    const renamed = await run(m, new UpdateSchemaAction().renameColumn("id", "key"));
    expect(renamed.schema.identifierFieldIds).toEqual([1]);
    expect(field(renamed.schema, "key").id).toBe(1);
  });

  it("refuses to delete a column the sort order uses, or a struct holding a partition source", async () => {
    const nested = new Schema([
      { id: 1, name: "id", required: true, type: long },
      { id: 2, name: "meta", required: false, type: { type: "struct", fields: [{ id: 3, name: "day", required: false, type: { type: "date" } }] } },
    ]);
    const m = await created(2, {
      schema: nested,
      spec: new PartitionSpec(0, [{ sourceId: 3, fieldId: 1000, name: "meta_day", transform: "identity" }]),
      order: { orderId: 1, fields: [{ sourceId: 1, transform: "identity", direction: "asc", nullOrder: "nulls-first" }] },
    });
    expect((await failure(m, new UpdateSchemaAction().deleteColumn("meta"))).message).toMatch(
      /^cannot delete column "meta": partition field "meta_day" \(identity of "meta.day"\) of the current partition spec uses it/,
    );
    expect((await failure(m, new UpdateSchemaAction().deleteColumn("id"))).message).toBe(
      'cannot delete column "id": the table\'s sort order 1 sorts by "id"; replace the sort order first',
    );
  });

  it("promotes only the types the spec allows, converting defaults", async () => {
    const v2 = await created(2);
    const { schema: s } = await run(
      v2,
      new UpdateSchemaAction()
        .updateColumnType("count", long)
        .updateColumnType("attrs.value", long)
        .updateColumnType("point.x", double)
        .addColumn("f", { type: "float" })
        .addColumn("amount", { type: "decimal", precision: 9, scale: 2 })
        .updateColumnType("f", { type: "double" })
        .updateColumnType("amount", { type: "decimal", precision: 18, scale: 2 }),
    );
    expect(field(s, "count")).toEqual({ id: 6, name: "count", required: false, type: long });
    expect(field(s, "attrs").type).toMatchObject({ value: long, valueRequired: true });
    expect(field(s, "f").type).toEqual(double);
    expect(field(s, "amount").type).toEqual({ type: "decimal", precision: 18, scale: 2 });

    const refused: [UpdateSchemaAction, RegExp][] = [
      [new UpdateSchemaAction().updateColumnType("id", int), /^cannot change column "id" from long to int: a long column cannot change type \(format version 2\)$/],
      [new UpdateSchemaAction().updateColumnType("count", string), /^cannot change column "count" from int to string: a int column can only become long/],
      [new UpdateSchemaAction().updateColumnType("point", long), /^cannot change the type of column "point": it is a struct<.*>, and only primitive types can be promoted$/],
      [new UpdateSchemaAction().addColumn("d", { type: "date" }).updateColumnType("d", { type: "timestamp" }), /^cannot change column "d" from date to timestamp: a date column cannot change type \(format version 2\)$/],
      [
        new UpdateSchemaAction().addColumn("amount", { type: "decimal", precision: 9, scale: 2 }).updateColumnType("amount", { type: "decimal", precision: 18, scale: 3 }),
        /can only become decimal\(P,2\) with P > 9/,
      ],
      [new UpdateSchemaAction().updateColumnType("attrs.key", { type: "uuid" }), /^cannot change the type of "attrs.key": map keys cannot change$/],
    ];
    for (const [action, pattern] of refused) expect((await failure(v2, action)).message).toMatch(pattern);

    const v3 = await created(3);
    const promoted = await run(
      v3,
      new UpdateSchemaAction()
        .addColumn("d", { type: "date" }, { initialDefault: 1 })
        .addColumn("n", int, { initialDefault: 5 })
        .addColumn("u", { type: "unknown" })
        .updateColumnType("d", { type: "timestamp" })
        .updateColumnType("n", long)
        .updateColumnType("u", string),
    );
    expect(field(promoted.schema, "d")).toMatchObject({ type: { type: "timestamp" }, initialDefault: 86_400_000_000n, writeDefault: 86_400_000_000n });
    expect(field(promoted.schema, "n")).toMatchObject({ type: long, initialDefault: 5n, writeDefault: 5n });
    expect(field(promoted.schema, "u").type).toEqual(string);
    expect((await failure(v3, new UpdateSchemaAction().addColumn("d", { type: "date" }).updateColumnType("d", { type: "timestamptz" }))).message).toMatch(
      /a date column can only become timestamp or timestamp_ns \(format version 3\)/,
    );
  });

  it("refuses date to timestamp for a column partitioned by a transform whose values would change", async () => {
    const dated = new Schema([
      { id: 1, name: "d", required: false, type: { type: "date" } },
      { id: 2, name: "e", required: false, type: { type: "date" } },
    ]);
    const m = await created(3, {
      schema: dated,
      spec: new PartitionSpec(0, [
        { sourceId: 1, fieldId: 1000, name: "d", transform: "identity" },
        { sourceId: 2, fieldId: 1001, name: "e_month", transform: "month" },
      ]),
    });
    expect((await failure(m, new UpdateSchemaAction().updateColumnType("d", { type: "timestamp" }))).message).toBe(
      'cannot change column "d" from date to timestamp: partition field "d" (identity) of partition spec 0 would produce different values',
    );
    const { schema: s } = await run(m, new UpdateSchemaAction().updateColumnType("e", { type: "timestamp_ns" }));
    expect(field(s, "e").type).toEqual({ type: "timestamp_ns" });
  });

  it("makes columns, list elements and map values optional; optional ones stay; map keys cannot", async () => {
    const m = await created();
    const { schema: s } = await run(m, new UpdateSchemaAction().makeOptional("point.x").makeOptional("events.element").makeOptional("attrs.value").makeOptional("count"));
    expect(field(s, "point.x").required).toBe(false);
    expect(field(s, "events").type).toMatchObject({ elementRequired: false });
    expect(field(s, "attrs").type).toMatchObject({ valueRequired: false });
    expect((await failure(m, new UpdateSchemaAction().makeOptional("attrs.key"))).message).toMatch(/map keys are always required/);
  });

  it("matches names exactly unless told otherwise", async () => {
    const m = await created();
    expect((await failure(m, new UpdateSchemaAction().renameColumn("COUNT", "n"))).message).toMatch(/no such column/);
    const { schema: s } = await run(m, new UpdateSchemaAction({ caseSensitive: false }).renameColumn("COUNT", "n").updateDoc(["Point", "X"], "east"));
    expect(field(s, "n").id).toBe(6);
    expect(field(s, "point.x").doc).toBe("east");
    const later = await run(m, new UpdateSchemaAction().addColumn("Total", long).caseSensitive(false).moveFirst("TOTAL"));
    expect(names(later.schema).slice(0, 2)).toEqual(["Total", "id"]);
    const ambiguous = await failure(m, new UpdateSchemaAction().addColumn("Count", long).caseSensitive(false).moveFirst("COUNT"));
    expect(ambiguous.message).toMatch(/column name "COUNT" is ambiguous without case/);
    expect((await failure(m, new UpdateSchemaAction().caseSensitive(false).addColumn("ID", long))).message).toBe(
      'cannot add column "ID": the table already has a column "id"',
    );
  });

  it("commits nothing when nothing changes", async () => {
    const m = await created();
    for (const action of [
      new UpdateSchemaAction(),
      new UpdateSchemaAction().makeOptional("count").updateColumnType("id", long),
      new UpdateSchemaAction().addColumn("x", int).deleteColumn("x"),
      new UpdateSchemaAction().unionByName(m.currentSchema()),
    ]) {
      const { commit, metadata } = await run(m, action);
      expect(commit.updates).toEqual([]);
      expect(commit.requirements).toHaveLength(2);
      expect(metadata).toBe(m);
      expect(action.apply(m)).toBe(m.currentSchema());
    }
  });
});

describe("UpdateSchemaAction: unionByName", () => {
  it("adds missing fields at every level, widens types, relaxes nullability, and never drops or renames", async () => {
    const m = await created();
    const incoming = new Schema([
      { id: 1, name: "id", required: false, type: int },
      { id: 2, name: "count", required: false, type: long, doc: "rows" },
      {
        id: 3,
        name: "point",
        required: false,
        type: {
          type: "struct",
          fields: [
            { id: 4, name: "x", required: true, type: { type: "float" } },
            { id: 5, name: "z", required: true, type: double },
          ],
        },
      },
      {
        id: 6,
        name: "events",
        required: false,
        type: {
          type: "list",
          elementId: 7,
          elementRequired: false,
          element: {
            type: "struct",
            fields: [
              { id: 8, name: "kind", required: false, type: string },
              { id: 9, name: "at", required: false, type: { type: "timestamptz" } },
            ],
          },
        },
      },
      { id: 10, name: "attrs", required: false, type: { type: "map", keyId: 11, key: string, valueId: 12, valueRequired: false, value: long } },
      {
        id: 13,
        name: "source",
        required: true,
        type: { type: "struct", fields: [{ id: 14, name: "host", required: true, type: string, initialDefault: "ignored" }] },
      },
    ]);
    const { schema: s, metadata } = await run(m, new UpdateSchemaAction().unionByName(incoming));
    // id stays long and required: int values fit, and the identifier field stays as it was
    expect(field(s, "id")).toEqual({ id: 1, name: "id", required: true, type: long });
    expect(field(s, "count")).toEqual({ id: 6, name: "count", required: false, type: long, doc: "rows" });
    expect(field(s, "point.x")).toEqual({ id: 7, name: "x", required: true, type: double });
    expect(field(s, "point.z")).toEqual({ id: 13, name: "z", required: false, type: double });
    expect(field(s, "point.y").id).toBe(8);
    expect(field(s, "events").type).toMatchObject({ elementId: 9, elementRequired: false });
    expect(field(s, "events.at")).toEqual({ id: 14, name: "at", required: false, type: { type: "timestamptz" } });
    expect(field(s, "attrs").type).toMatchObject({ value: long, valueRequired: false });
    // new columns are optional; nested fields keep their nullability but not defaults
    expect(field(s, "source")).toEqual({ id: 15, name: "source", required: false, type: { type: "struct", fields: [{ id: 16, name: "host", required: true, type: string }] } });
    expect(names(s)).toEqual(["id", "ts", "point", "events", "attrs", "count", "source"]);
    expect(metadata.lastColumnId).toBe(16);
  });

  it("refuses a field whose type cannot take the incoming one, naming it", async () => {
    const m = await created();
    const error = await failure(m, new UpdateSchemaAction().unionByName(new Schema([{ id: 1, name: "point", required: false, type: string }])));
    expect(error.message).toBe('cannot union column "point": the table has struct<x: double, y: double> and the new schema string; a column cannot change between primitive and nested types');
    const narrowing = await failure(m, new UpdateSchemaAction().unionByName(new Schema([{ id: 1, name: "count", required: false, type: string }])));
    expect(narrowing.message).toMatch(/^cannot union column "count": the table has int and the new schema string; neither type promotes to the other$/);
  });

  it("matches incoming names without case when asked", async () => {
    const m = await created();
    const incoming = new Schema([{ id: 1, name: "COUNT", required: false, type: long }]);
    const exact = await run(m, new UpdateSchemaAction().unionByName(incoming));
    expect(names(exact.schema)).toContain("COUNT");
    const loose = await run(m, new UpdateSchemaAction({ caseSensitive: false }).unionByName(incoming));
    expect(names(loose.schema)).not.toContain("COUNT");
    expect(field(loose.schema, "count").type).toEqual(long);
  });
});

describe("UpdateSchemaAction in a transaction", () => {
  async function listFiles(io: MemoryFileIO): Promise<string[]> {
    const out: string[] = [];
    for await (const file of io.list("memory://")) out.push(file);
    return out.sort();
  }

  async function setUp(formatVersion: FormatVersion = 2) {
    const io = new MemoryFileIO();
    const committer = new MemoryTableCommitter(LOCATION);
    let now = 1_700_000_000_000;
    const clock = () => (now += 1000);
    await new Transaction({ io, clock })
      .createTable({ schema, spec: daySpec, location: LOCATION, formatVersion, properties: { "commit.retry.min-wait-ms": "1" } })
      .commit(committer);
    return { io, committer, clock, sleep: async () => {} };
  }

  it("commits through the committer, and the metadata file reads back with the new schema and its defaults", async () => {
    const { io, committer, clock } = await setUp(3);
    const filesBefore = await listFiles(io);
    const table = await new Transaction({ io, clock })
      .addAction(new UpdateSchemaAction().addColumn("region", string, { required: true, initialDefault: "eu" }).addColumn("big", long, { initialDefault: 2n ** 60n }))
      .commit(committer);
    expect(committer.requests.at(-1)?.requirements).toEqual([
      { type: "assert-current-schema-id", currentSchemaId: 0 },
      { type: "assert-last-assigned-field-id", lastAssignedFieldId: 12 },
    ]);
    const s = table.metadata.currentSchema();
    expect(table.metadata.currentSchemaId).toBe(1);
    expect(field(s, "region")).toEqual({ id: 13, name: "region", required: true, type: string, initialDefault: "eu", writeDefault: "eu" });
    expect(field(s, "big").initialDefault).toBe(2n ** 60n);
    // metadata only: the transaction wrote no file
    expect(await listFiles(io)).toEqual(filesBefore);
  });

  it("replays on newer metadata after an unrelated commit, but a concurrent schema change makes the retry a commit-conflict", async () => {
    const { io, committer, clock, sleep } = await setUp();
    // an unrelated commit (a property) moves the table: the schema change is replayed and lands
    let base = committer.current;
    const replayed = new Transaction({ io, clock, base, sleep }).addAction(new UpdateSchemaAction().addColumn("note", string));
    await new Transaction({ io, clock }).setProperties({ owner: "ops" }).commit(committer);
    const after = await replayed.commit(committer);
    expect(field(after.metadata.currentSchema(), "note").id).toBe(13);
    expect(after.metadata.property("owner")).toBe("ops");

    // a concurrent schema change: the retry is refused by the requirement, the table keeps the other change
    base = committer.current;
    const loser = new Transaction({ io, clock, base, sleep }).addAction(new UpdateSchemaAction().addColumn("region", string));
    await new Transaction({ io, clock }).addAction(new UpdateSchemaAction().addColumn("city", string)).commit(committer);
    const error = await loser.commit(committer).catch((e: unknown) => e);
    expect(isFloeError(error, "commit-conflict")).toBe(true);
    expect((error as Error).message).toBe("requirement assert-current-schema-id failed: the current schema id is 2, expected 1");
    const s = committer.current!.metadata.currentSchema();
    expect(field(s, "city").id).toBe(14);
    expect(s.findFieldByName("region")).toBeUndefined();
  });

  it("refuses a table that does not exist", async () => {
    const error = await new UpdateSchemaAction().addColumn("x", int).commit({ metadata: undefined, io: new MemoryFileIO(), attempt: 1, nowMs: 1 }).catch((e: unknown) => e);
    expect(isFloeError(error, "invalid-input")).toBe(true);
  });
});

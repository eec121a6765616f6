import { describe, expect, it } from "vitest";
import { isFloeError } from "../../core/errors/FloeError.js";
import { daysFromCivil } from "../transform/temporal.js";
import {
  alwaysFalse,
  alwaysTrue,
  and,
  bind,
  eq,
  exprToString,
  FieldIndex,
  gt,
  gtEq,
  isIn,
  isNaN,
  isNull,
  lt,
  ltEq,
  not,
  notEq,
  notIn,
  notNaN,
  notNull,
  or,
  rewriteNot,
  startsWith,
  type BoundExpression,
  type LiteralInput,
} from "./index.js";
import { TEST_SCHEMA } from "./testSchema.js";

const b = (e: Parameters<typeof bind>[0], caseSensitive = true) => bind(e, TEST_SCHEMA, { caseSensitive });
const text = (e: Parameters<typeof bind>[0]) => exprToString(b(e));
const literalOf = (e: BoundExpression): unknown => {
  if (e.kind !== "bound" || !("literal" in e)) throw new Error(`not a literal predicate: ${exprToString(e)}`);
  return e.literal;
};
const MICROS_2026 = BigInt(daysFromCivil(2026, 1, 1)) * 86_400_000_000n;

describe("expression constructors", () => {
  it("fold constants and double negation", () => {
    const p = eq("id", 1);
    expect(and(alwaysTrue(), p)).toBe(p);
    expect(and(p, alwaysFalse())).toBe(alwaysFalse());
    expect(or(alwaysFalse(), p)).toBe(p);
    expect(or(p, alwaysTrue())).toBe(alwaysTrue());
    expect(not(not(p))).toBe(p);
    expect(not(alwaysTrue())).toBe(alwaysFalse());
    expect(and()).toBe(alwaysTrue());
    expect(Object.isFrozen(p)).toBe(true);
  });

  it("refuses null literals and empty column names", () => {
    expect(() => eq("id", null as unknown as LiteralInput)).toThrow(/isNull/);
    expect(() => eq("", 1)).toThrow(/column name/);
  });

  it("prints readable text", () => {
    expect(exprToString(and(eq("id", 5n), or(isNull("name"), startsWith("name", "ab"))))).toBe(
      "(id = 5n and (isNull(name) or startsWith(name, 'ab')))",
    );
  });
});

describe("rewriteNot", () => {
  it("pushes negation into predicates by De Morgan's laws", () => {
    expect(exprToString(rewriteNot(not(and(lt("n", 5), isNull("name")))))).toBe("(n >= 5 or notNull(name))");
    expect(exprToString(rewriteNot(not(or(isIn("n", [1, 2]), startsWith("name", "a")))))).toBe(
      "(n not in (1, 2) and notStartsWith(name, 'a'))",
    );
    expect(exprToString(rewriteNot(not(not(gt("n", 1)))))).toBe("n > 1");
    expect(exprToString(rewriteNot(not(isNaN("score"))))).toBe("notNaN(score)");
  });
});

describe("bind", () => {
  it("resolves names to field ids and types", () => {
    const bound = b(eq("n", 5));
    expect(bound).toMatchObject({ kind: "bound", op: "eq", literal: 5, ref: { fieldId: 7, name: "n", type: { type: "int" } } });
    expect(b(eq("location.city", "Oslo"))).toMatchObject({ ref: { fieldId: 12, nullable: true } });
  });

  it("matches names ignoring case when asked, and hints at the right case otherwise", () => {
    expect(b(eq("ID", 5), false)).toMatchObject({ ref: { fieldId: 1 } });
    expect(() => b(eq("ID", 5))).toThrow("no column named 'ID' in the table schema (did you mean 'id'?)");
    const clash = FieldIndex.fromStruct({
      fields: [
        { id: 1, name: "a", required: false, type: { type: "int" } },
        { id: 2, name: "A", required: false, type: { type: "int" } },
      ],
    });
    expect(() => bind(eq("a", 1), clash, { caseSensitive: false })).toThrow(/ambiguous/);
    expect(bind(eq("A", 1), clash)).toMatchObject({ ref: { fieldId: 2 } });
  });

  it("rejects unknown columns, nested types and fields inside lists", () => {
    const error = (() => {
      try {
        b(eq("missing", 1));
      } catch (e) {
        return e;
      }
    })();
    expect(isFloeError(error, "invalid-input")).toBe(true);
    expect(() => b(eq("location", 1))).toThrow(/not a primitive column/);
    expect(() => b(eq("tags.element", "x"))).toThrow(/inside a list or map/);
  });

  it("simplifies null tests on required columns", () => {
    expect(b(isNull("id"))).toBe(alwaysFalse());
    expect(b(notNull("id"))).toBe(alwaysTrue());
    expect(text(isNull("n"))).toBe("isNull(n)");
    // a required field inside an optional struct can still be null
    expect(text(isNull("location.city"))).toBe("isNull(location.city)");
  });

  it("keeps NaN tests for floating columns only", () => {
    expect(text(isNaN("score"))).toBe("isNaN(score)");
    expect(b(isNaN("n"))).toBe(alwaysFalse());
    expect(text(notNaN("n"))).toBe("notNull(n)");
    expect(() => b(eq("score", Number.NaN))).toThrow(/isNaN/);
  });

  it("reads timestamps from ISO text, Dates and bigint microseconds", () => {
    expect(literalOf(b(gtEq("ts", "2026-01-01")))).toBe(MICROS_2026);
    expect(literalOf(b(gtEq("ts", "2026-01-01T00:00:00")))).toBe(MICROS_2026);
    expect(literalOf(b(gtEq("ts", "2026-01-01 00:00:00.000001")))).toBe(MICROS_2026 + 1n);
    expect(literalOf(b(gtEq("ts", MICROS_2026)))).toBe(MICROS_2026);
    expect(literalOf(b(gtEq("ts", new Date(Date.UTC(2026, 0, 1)))))).toBe(MICROS_2026);
    expect(literalOf(b(gtEq("tstz", "2026-01-01T02:00:00+02:00")))).toBe(MICROS_2026);
    expect(literalOf(b(gtEq("tstz", "2026-01-01T00:00:00Z")))).toBe(MICROS_2026);
    expect(literalOf(b(gtEq("tstz", "2026-01-01")))).toBe(MICROS_2026);
    expect(literalOf(b(gtEq("ts_ns", "2026-01-01T00:00:00.000000001")))).toBe(MICROS_2026 * 1000n + 1n);
    expect(literalOf(b(gtEq("ts", "1969-12-31T23:59:59.999999")))).toBe(-1n);
    expect(literalOf(b(eq("d", "1969-12-31")))).toBe(-1);
    expect(literalOf(b(eq("t", "22:31:08")))).toBe(81_068_000_000n);
  });

  it("names the column when a literal does not fit its type", () => {
    expect(() => b(eq("ts", "yesterday"))).toThrow(
      "cannot compare column 'ts' (timestamp) with 'yesterday': expected an ISO-8601 timestamp, a Date or a bigint of microseconds since 1970-01-01",
    );
    expect(() => b(eq("ts", 1700000000000))).toThrow(/column 'ts'/);
    expect(() => b(eq("ts", "2026-01-01T00:00:00+01:00"))).toThrow(/without a zone offset/);
    expect(() => b(eq("ts", "2026-02-30"))).toThrow(/column 'ts'/);
    expect(() => b(eq("n", "5"))).toThrow("cannot compare column 'n' (int) with '5': expected an integer (number or bigint)");
    expect(() => b(eq("name", 5))).toThrow(/column 'name' \(string\)/);
    expect(() => b(eq("u", "not-a-uuid"))).toThrow(/column 'u' \(uuid\)/);
    expect(() => b(startsWith("n", "1"))).toThrow(/needs a string column/);
    try {
      b(eq("price", "abc"));
    } catch (error) {
      expect(isFloeError(error, "invalid-input")).toBe(true);
      expect((error as { context: Record<string, unknown> }).context.column).toBe("price");
    }
  });

  it("rewrites comparisons with literals between or beyond the type's values", () => {
    expect(text(lt("n", 1.5))).toBe("n <= 1");
    expect(text(gt("n", 1.5))).toBe("n >= 2");
    expect(text(gt("n", -0.5))).toBe("n >= 0");
    expect(b(eq("n", 1.5))).toBe(alwaysFalse());
    expect(text(notEq("n", 1.5))).toBe("notNull(n)");
    expect(text(lt("n", 2 ** 40))).toBe("n <= 2147483647");
    expect(b(gt("n", 2 ** 40))).toBe(alwaysFalse());
    expect(b(lt("n", -(2 ** 40)))).toBe(alwaysFalse());
    expect(text(gt("n", -(2 ** 40)))).toBe("n >= -2147483648");
    expect(text(isIn("n", [1, 1.5, 2 ** 40, 2]))).toBe("n in (1, 2)");
    expect(text(isIn("n", [1, 1.5]))).toBe("n = 1");
    expect(b(isIn("n", [1.5]))).toBe(alwaysFalse());
    expect(text(notIn("n", [1.5]))).toBe("notNull(n)");
    expect(text(lt("n", Number.POSITIVE_INFINITY))).toBe("n <= 2147483647");
  });

  it("converts decimals exactly at the column's scale", () => {
    expect(literalOf(b(eq("price", "14.20")))).toBe(1420n);
    expect(literalOf(b(eq("price", "14.2")))).toBe(1420n);
    expect(literalOf(b(eq("price", 14.2)))).toBe(1420n);
    expect(literalOf(b(eq("price", 3n)))).toBe(300n);
    expect(literalOf(b(eq("price", "-1.5e1")))).toBe(-1500n);
    expect(text(lt("price", "10.005"))).toBe("price <= 10.00");
    expect(text(gt("price", "10.005"))).toBe("price >= 10.01");
    expect(text(gt("price", "-10.005"))).toBe("price >= -10.00");
    expect(b(eq("price", "10.005"))).toBe(alwaysFalse());
    // decimal(9,2) holds at most 9999999.99
    expect(text(lt("price", "12345678.9"))).toBe("price <= 9999999.99");
    expect(b(gt("price", "12345678.9"))).toBe(alwaysFalse());
  });

  it("converts timestamps of finer precision than the column into ranges", () => {
    expect(exprToString(b(lt("ts", "2026-01-01T00:00:00.0000005")))).toBe("ts <= 2026-01-01T00:00:00");
    expect(exprToString(b(gt("ts", "2026-01-01T00:00:00.0000005")))).toBe("ts >= 2026-01-01T00:00:00.000001");
    expect(b(eq("ts", "2026-01-01T00:00:00.0000005"))).toBe(alwaysFalse());
    expect(exprToString(b(lt("d", "2026-01-01T12:00:00")))).toBe("d <= 2026-01-01");
    expect(exprToString(b(gtEq("d", "2026-01-01T12:00:00")))).toBe("d >= 2026-01-02");
  });

  it("sorts and de-duplicates set literals", () => {
    expect(text(isIn("name", ["b", "a", "b"]))).toBe("name in ('a', 'b')");
    expect(text(notIn("u", ["F79C3E09-677C-4BBD-A479-3F349CB785E7", "f79c3e09-677c-4bbd-a479-3f349cb785e7"]))).toBe(
      "u != 'f79c3e09-677c-4bbd-a479-3f349cb785e7'",
    );
  });

  it("treats a column of type unknown as always null", () => {
    expect(b(isNull("nothing"))).toBe(alwaysTrue());
    expect(b(notNull("nothing"))).toBe(alwaysFalse());
    expect(b(eq("nothing", 1))).toBe(alwaysFalse());
  });

  it("binds whole trees and leaves bound predicates alone", () => {
    const bound = b(and(gtEq("ts", "2026-01-01"), or(eq("name", "a"), not(lt("n", 3)))));
    expect(exprToString(bound)).toBe("(ts >= 2026-01-01T00:00:00 and (name = 'a' or not(n < 3)))");
    expect(bind(bound, TEST_SCHEMA)).toEqual(bound);
  });
});

describe("FieldIndex.fromFields", () => {
  it("binds against a plain field-id lookup", () => {
    const index = FieldIndex.fromFields(
      new Map([
        [1, { name: "a", type: { type: "int" as const }, required: true }],
        [2, { name: "s.b", type: { type: "string" as const }, required: false }],
      ]),
    );
    expect(bind(ltEq("s.b", "x"), index)).toMatchObject({ ref: { fieldId: 2, nullable: true } });
    expect(bind(isNull("a"), index)).toBe(alwaysFalse());
    expect(index.byId(1)?.name).toBe("a");
  });
});

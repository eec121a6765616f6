import { describe, expect, it } from "vitest";
import { serializeValue } from "../stats/singleValue.js";
import type { PrimitiveType } from "../spec/types.js";
import { daysFromCivil } from "../transform/temporal.js";
import {
  and,
  bind,
  eq,
  gt,
  gtEq,
  isIn,
  isNaN,
  isNull,
  lt,
  ltEq,
  ManifestEvaluator,
  MetricsEvaluator,
  not,
  notEq,
  notIn,
  notNaN,
  notNull,
  notStartsWith,
  or,
  PartitionEvaluator,
  startsWith,
  type DataFileMetrics,
  type PartitionFieldInput,
  type PartitionFieldSummary,
  type UnboundExpression,
} from "./index.js";
import { TEST_SCHEMA } from "./testSchema.js";

const DATE: PrimitiveType = { type: "date" };
const day = (iso: string) => {
  const [y, m, d] = iso.split("-").map(Number);
  return daysFromCivil(y, m, d);
};
const SPEC: PartitionFieldInput[] = [
  { sourceId: 2, fieldId: 1000, name: "ts_day", transform: "day" },
  { sourceId: 1, fieldId: 1001, name: "id_bucket", transform: "bucket[16]" },
  { sourceId: 3, fieldId: 1002, name: "name_trunc", transform: "truncate[3]" },
  { sourceId: 5, fieldId: 1003, name: "score", transform: "identity" },
];
const bound = (e: UnboundExpression) => bind(e, TEST_SCHEMA);

describe("PartitionEvaluator", () => {
  const partition = (ts: string | null, idBucket: number | null = 0, name: string | null = "abc") =>
    new Map<number, unknown>([
      [1000, ts === null ? null : day(ts)],
      [1001, idBucket],
      [1002, name],
    ]);

  it("keeps partitions that can hold matching rows and drops the rest", () => {
    const evaluator = PartitionEvaluator.forRowFilter(bound(gtEq("ts", "2026-01-01T12:00:00")), SPEC);
    expect(evaluator.eval(partition("2026-01-01"))).toBe(true);
    expect(evaluator.eval(partition("2026-03-01"))).toBe(true);
    expect(evaluator.eval(partition("2025-12-31"))).toBe(false);
    expect(evaluator.eval(partition(null))).toBe(false);
  });

  it("evaluates bucket membership", () => {
    const evaluator = PartitionEvaluator.forRowFilter(bound(eq("id", 34)), SPEC);
    expect(evaluator.eval(partition("2026-01-01", 3))).toBe(true);
    expect(evaluator.eval(partition("2026-01-01", 4))).toBe(false);
  });

  it("evaluates truncated string prefixes", () => {
    const evaluator = PartitionEvaluator.forRowFilter(bound(startsWith("name", "abcdef")), SPEC);
    expect(evaluator.eval(partition("2026-01-01", 0, "abc"))).toBe(true);
    expect(evaluator.eval(partition("2026-01-01", 0, "abd"))).toBe(false);
    const short = PartitionEvaluator.forRowFilter(bound(startsWith("name", "ab")), SPEC);
    expect(short.eval(partition("2026-01-01", 0, "abz"))).toBe(true);
    expect(short.eval(partition("2026-01-01", 0, "acz"))).toBe(false);
  });

  it("applies null semantics: comparisons with null fail, null tests see it", () => {
    const isNullTs = PartitionEvaluator.forRowFilter(bound(isNull("ts")), SPEC);
    expect(isNullTs.eval(partition(null))).toBe(true);
    expect(isNullTs.eval(partition("2026-01-01"))).toBe(false);
    const notIn2026 = PartitionEvaluator.forRowFilter(bound(not(isIn("ts", ["2026-01-01T00:00", "2026-01-02T00:00"]))), [
      { sourceId: 2, fieldId: 1000, name: "ts", transform: "identity" },
    ]);
    expect(notIn2026.eval({ 1000: 5n })).toBe(true);
    expect(notIn2026.eval({ 1000: null })).toBe(false);
  });

  it("accepts plain objects keyed by field id and passes fields it does not know", () => {
    const evaluator = PartitionEvaluator.forRowFilter(bound(and(gtEq("ts", "2026-01-01"), eq("id", 34))), SPEC);
    expect(evaluator.eval({ 1000: day("2026-01-02"), 1001: 3 })).toBe(true);
    expect(evaluator.eval({ 1001: 3 })).toBe(true);
    expect(evaluator.eval({ 1000: day("2025-01-02") })).toBe(false);
  });

  it("orders NaN above every number for identity float partitions", () => {
    const gtFive = PartitionEvaluator.forRowFilter(bound(gt("score", 5)), SPEC);
    expect(gtFive.eval({ 1003: Number.NaN })).toBe(true);
    expect(gtFive.eval({ 1003: 4 })).toBe(false);
    expect(PartitionEvaluator.forRowFilter(bound(isNaN("score")), SPEC).eval({ 1003: Number.NaN })).toBe(true);
    expect(PartitionEvaluator.forRowFilter(bound(notNaN("score")), SPEC).eval({ 1003: Number.NaN })).toBe(false);
  });
});

describe("ManifestEvaluator", () => {
  const dayBounds = (lower: string, upper: string, containsNull = false): PartitionFieldSummary => ({
    containsNull,
    lowerBound: serializeValue(DATE, day(lower)),
    upperBound: serializeValue(DATE, day(upper)),
  });
  const otherFields: PartitionFieldSummary[] = [
    { containsNull: true },
    { containsNull: true },
    { containsNull: true, containsNaN: true },
  ];
  const manifest = (first: PartitionFieldSummary) => [first, ...otherFields];
  const forFilter = (e: UnboundExpression) => ManifestEvaluator.forRowFilter(bound(e), SPEC);

  it("prunes manifests whose day range misses the filter", () => {
    const evaluator = forFilter(gtEq("ts", "2026-01-01"));
    expect(evaluator.eval(manifest(dayBounds("2025-12-01", "2025-12-31")))).toBe(false);
    expect(evaluator.eval(manifest(dayBounds("2025-12-01", "2026-01-05")))).toBe(true);
    expect(evaluator.eval(manifest(dayBounds("2026-01-01", "2026-01-01")))).toBe(true);
    const before = forFilter(lt("ts", "2026-01-01"));
    expect(before.eval(manifest(dayBounds("2026-01-01", "2026-02-01")))).toBe(false);
    expect(before.eval(manifest(dayBounds("2025-12-31", "2026-02-01")))).toBe(true);
    const between = forFilter(and(gtEq("ts", "2026-01-10"), lt("ts", "2026-01-20")));
    expect(between.eval(manifest(dayBounds("2026-01-01", "2026-01-09")))).toBe(false);
    expect(between.eval(manifest(dayBounds("2026-01-01", "2026-01-10")))).toBe(true);
    expect(between.eval(manifest(dayBounds("2026-01-20", "2026-01-30")))).toBe(false);
  });

  it("checks equality and membership against the range", () => {
    const evaluator = forFilter(isIn("ts", ["2026-01-05T10:00", "2026-03-01T10:00"]));
    expect(evaluator.eval(manifest(dayBounds("2026-01-06", "2026-02-28")))).toBe(false);
    expect(evaluator.eval(manifest(dayBounds("2026-01-06", "2026-03-01")))).toBe(true);
    expect(forFilter(eq("ts", "2026-01-05T10:00")).eval(manifest(dayBounds("2026-01-06", "2026-03-01")))).toBe(false);
  });

  it("uses the null flags", () => {
    const allNull: PartitionFieldSummary = { containsNull: true };
    expect(forFilter(gtEq("ts", "2026-01-01")).eval(manifest(allNull))).toBe(false);
    expect(forFilter(notNull("ts")).eval(manifest(allNull))).toBe(false);
    expect(forFilter(isNull("ts")).eval(manifest(allNull))).toBe(true);
    expect(forFilter(isNull("ts")).eval(manifest(dayBounds("2026-01-01", "2026-01-02")))).toBe(false);
    expect(forFilter(isNull("ts")).eval(manifest(dayBounds("2026-01-01", "2026-01-02", true)))).toBe(true);
  });

  it("answers 'might match' when summaries are missing or unclear", () => {
    const evaluator = forFilter(gtEq("ts", "2026-01-01"));
    expect(evaluator.eval(null)).toBe(true);
    expect(evaluator.eval([])).toBe(true);
    // no bounds but no nulls either: the writer left the bounds out
    expect(evaluator.eval(manifest({ containsNull: false }))).toBe(true);
    // a bound that does not decode as a date
    expect(evaluator.eval(manifest({ containsNull: false, lowerBound: Uint8Array.of(1), upperBound: Uint8Array.of(1) }))).toBe(true);
  });

  it("prunes by bucket and by truncated-string bounds", () => {
    const bucketSummary = (lower: number, upper: number): PartitionFieldSummary[] => [
      { containsNull: false },
      { containsNull: false, lowerBound: serializeValue({ type: "int" }, lower), upperBound: serializeValue({ type: "int" }, upper) },
      { containsNull: false },
      { containsNull: false },
    ];
    expect(forFilter(eq("id", 34)).eval(bucketSummary(4, 15))).toBe(false);
    expect(forFilter(eq("id", 34)).eval(bucketSummary(0, 3))).toBe(true);

    const names = (lower: string, upper: string): PartitionFieldSummary[] => [
      { containsNull: false },
      { containsNull: false },
      { containsNull: false, lowerBound: serializeValue({ type: "string" }, lower), upperBound: serializeValue({ type: "string" }, upper) },
      { containsNull: false },
    ];
    expect(forFilter(startsWith("name", "icebox")).eval(names("aaa", "ica"))).toBe(false);
    expect(forFilter(startsWith("name", "icebox")).eval(names("aaa", "ice"))).toBe(true);
    expect(forFilter(startsWith("name", "ic")).eval(names("ida", "zzz"))).toBe(false);
    expect(forFilter(startsWith("name", "ic")).eval(names("ica", "zzz"))).toBe(true);
    expect(forFilter(notStartsWith("name", "ic")).eval(names("ica", "icz"))).toBe(false);
    expect(forFilter(notStartsWith("name", "ic")).eval(names("ica", "ida"))).toBe(true);
    // "iceberg" and "icecream" both sit in partition "ice": != cannot be projected through truncate
    expect(forFilter(notEq("name", "ice")).eval(names("ice", "ice"))).toBe(true);
  });

  it("keeps float partitions that may hold NaN for '>'", () => {
    const scores = (containsNaN: boolean | undefined): PartitionFieldSummary[] => [
      { containsNull: false },
      { containsNull: false },
      { containsNull: false },
      {
        containsNull: false,
        containsNaN,
        lowerBound: serializeValue({ type: "double" }, 1),
        upperBound: serializeValue({ type: "double" }, 2),
      },
    ];
    expect(forFilter(gt("score", 5)).eval(scores(false))).toBe(false);
    expect(forFilter(gt("score", 5)).eval(scores(true))).toBe(true);
    expect(forFilter(gt("score", 5)).eval(scores(undefined))).toBe(true);
    expect(forFilter(lt("score", 0)).eval(scores(true))).toBe(false);
    expect(forFilter(isNaN("score")).eval(scores(false))).toBe(false);
    expect(forFilter(isNaN("score")).eval(scores(true))).toBe(true);
  });

  it("evaluates a partition filter given directly, by spec position", () => {
    const filter = bind(gtEq("ts", "2026-01-01"), TEST_SCHEMA);
    // a filter on the source column used as a partition field of identity(ts) at position 1
    const evaluator = new ManifestEvaluator(filter, [999, 2]);
    const micros = (iso: string) => BigInt(day(iso)) * 86_400_000_000n;
    const ts: PrimitiveType = { type: "timestamp" };
    const summary = (lower: string, upper: string): PartitionFieldSummary[] => [
      { containsNull: true },
      { containsNull: false, lowerBound: serializeValue(ts, micros(lower)), upperBound: serializeValue(ts, micros(upper)) },
    ];
    expect(evaluator.eval(summary("2025-01-01", "2025-12-31"))).toBe(false);
    expect(evaluator.eval(summary("2025-01-01", "2026-01-01"))).toBe(true);
    const notThatDay = new ManifestEvaluator(bind(notEq("ts", "2026-01-01"), TEST_SCHEMA), [999, 2]);
    expect(notThatDay.eval(summary("2026-01-01", "2026-01-01"))).toBe(false);
    expect(notThatDay.eval(summary("2026-01-01", "2026-01-02"))).toBe(true);
  });
});

describe("MetricsEvaluator", () => {
  const long = (v: bigint) => serializeValue({ type: "long" }, v);
  const str = (v: string) => serializeValue({ type: "string" }, v);
  const dbl = (v: number) => serializeValue({ type: "double" }, v);
  const file = (m: Partial<DataFileMetrics>): DataFileMetrics => ({ recordCount: 100n, ...m });
  const ids = (lower: bigint, upper: bigint, extra: Partial<DataFileMetrics> = {}) =>
    file({
      valueCounts: new Map([[1, 100n]]),
      nullValueCounts: new Map([[1, 0n]]),
      lowerBounds: new Map([[1, long(lower)]]),
      upperBounds: new Map([[1, long(upper)]]),
      ...extra,
    });
  const evaluate = (e: UnboundExpression, f: DataFileMetrics) => new MetricsEvaluator(bound(e)).eval(f);

  it("skips empty files and keeps files without row counts", () => {
    expect(evaluate(eq("id", 5), file({ recordCount: 0n }))).toBe(false);
    expect(evaluate(eq("id", 5), file({ recordCount: 0 }))).toBe(false);
    expect(evaluate(eq("id", 5), file({ recordCount: -1n }))).toBe(true);
  });

  it("prunes by bounds for every comparison", () => {
    const f = ids(10n, 20n);
    expect(evaluate(eq("id", 5), f)).toBe(false);
    expect(evaluate(eq("id", 10), f)).toBe(true);
    expect(evaluate(eq("id", 21), f)).toBe(false);
    expect(evaluate(lt("id", 10), f)).toBe(false);
    expect(evaluate(lt("id", 11), f)).toBe(true);
    expect(evaluate(ltEq("id", 10), f)).toBe(true);
    expect(evaluate(ltEq("id", 9), f)).toBe(false);
    expect(evaluate(gt("id", 20), f)).toBe(false);
    expect(evaluate(gt("id", 19), f)).toBe(true);
    expect(evaluate(gtEq("id", 20), f)).toBe(true);
    expect(evaluate(gtEq("id", 21), f)).toBe(false);
    expect(evaluate(isIn("id", [1, 2, 30]), f)).toBe(false);
    expect(evaluate(isIn("id", [1, 15, 30]), f)).toBe(true);
    expect(evaluate(isIn("id", Array.from({ length: 500 }, (_, i) => i * 1000 + 21)), f)).toBe(false);
    expect(evaluate(or(eq("id", 5), eq("id", 15)), f)).toBe(true);
    expect(evaluate(and(gtEq("id", 5), lt("id", 10)), f)).toBe(false);
    expect(evaluate(not(lt("id", 25)), f)).toBe(false);
  });

  it("prunes notEq and notIn only when every row holds the same known value", () => {
    expect(evaluate(notEq("id", 7), ids(7n, 7n))).toBe(false);
    expect(evaluate(notEq("id", 8), ids(7n, 7n))).toBe(true);
    expect(evaluate(notIn("id", [6, 7]), ids(7n, 7n))).toBe(false);
    expect(evaluate(notEq("id", 7), ids(7n, 8n))).toBe(true);
    expect(evaluate(notEq("id", 7), ids(7n, 7n, { nullValueCounts: undefined }))).toBe(true);
  });

  it("reads bounds written as int for a column promoted to long", () => {
    const promoted = file({
      lowerBounds: new Map([[1, serializeValue({ type: "int" }, 10)]]),
      upperBounds: new Map([[1, serializeValue({ type: "int" }, 20)]]),
    });
    expect(evaluate(eq("id", 5), promoted)).toBe(false);
    expect(evaluate(eq("id", 15), promoted)).toBe(true);
  });

  it("reads a date bound of a column promoted to timestamp", () => {
    const promoted = file({
      lowerBounds: new Map([[2, serializeValue(DATE, day("2025-01-01"))]]),
      upperBounds: new Map([[2, serializeValue(DATE, day("2025-12-31"))]]),
    });
    expect(evaluate(gtEq("ts", "2026-01-01"), promoted)).toBe(false);
    expect(evaluate(gtEq("ts", "2025-12-31T23:00"), promoted)).toBe(false);
    expect(evaluate(gtEq("ts", "2025-12-31"), promoted)).toBe(true);
  });

  it("answers 'might match' when metrics are missing or unreadable", () => {
    expect(evaluate(eq("id", 5), file({}))).toBe(true);
    expect(evaluate(isNull("n"), file({}))).toBe(true);
    expect(evaluate(eq("id", 5), file({ lowerBounds: new Map([[1, Uint8Array.of(1, 2)]]) }))).toBe(true);
    expect(evaluate(eq("id", 5), file({ lowerBounds: new Map([[7, long(100n)]]) }))).toBe(true);
  });

  it("uses null and value counts", () => {
    const nulls = (valueCount: bigint, nullCount: bigint) =>
      file({ valueCounts: new Map([[7, valueCount]]), nullValueCounts: new Map([[7, nullCount]]) });
    expect(evaluate(isNull("n"), nulls(100n, 0n))).toBe(false);
    expect(evaluate(isNull("n"), nulls(100n, 1n))).toBe(true);
    expect(evaluate(notNull("n"), nulls(100n, 100n))).toBe(false);
    expect(evaluate(notNull("n"), nulls(100n, 99n))).toBe(true);
    expect(evaluate(eq("n", 5), nulls(100n, 100n))).toBe(false);
    expect(evaluate(lt("n", 5), nulls(100n, 100n))).toBe(false);
    expect(evaluate(startsWith("name", "a"), file({ valueCounts: { 3: 5 }, nullValueCounts: { 3: 5 } }))).toBe(false);
  });

  it("handles NaN in float columns conservatively", () => {
    const scores = (lower: number, upper: number, nanCount: bigint | undefined, valueCount = 100n) =>
      file({
        valueCounts: new Map([[5, valueCount]]),
        nullValueCounts: new Map([[5, 0n]]),
        nanValueCounts: nanCount === undefined ? undefined : new Map([[5, nanCount]]),
        lowerBounds: new Map([[5, dbl(lower)]]),
        upperBounds: new Map([[5, dbl(upper)]]),
      });
    expect(evaluate(gt("score", 5), scores(1, 3, 0n))).toBe(false);
    // NaN > 5 holds in the engines floe runs on
    expect(evaluate(gt("score", 5), scores(1, 3, 2n))).toBe(true);
    expect(evaluate(gt("score", 5), scores(1, 3, undefined))).toBe(true);
    expect(evaluate(lt("score", 0), scores(1, 3, 2n))).toBe(false);
    // NaN bounds carry no information
    expect(evaluate(lt("score", 0), scores(Number.NaN, Number.NaN, 2n))).toBe(true);
    expect(evaluate(eq("score", 2), scores(Number.NaN, 3, 2n))).toBe(true);
    expect(evaluate(isNaN("score"), scores(1, 3, 0n))).toBe(false);
    expect(evaluate(isNaN("score"), scores(1, 3, 1n))).toBe(true);
    expect(evaluate(notNaN("score"), scores(1, 3, 100n))).toBe(false);
    expect(evaluate(eq("score", 2), scores(1, 3, 100n))).toBe(false);
    expect(evaluate(notEq("score", 2), scores(2, 2, 0n))).toBe(false);
    expect(evaluate(notEq("score", 2), scores(2, 2, 1n))).toBe(true);
    // -0 and 0 are equal in comparisons
    expect(evaluate(eq("score", 0), scores(-0, -0, 0n))).toBe(true);
  });

  it("handles truncated string bounds", () => {
    const names = (lower: string, upper: string) =>
      file({
        valueCounts: new Map([[3, 100n]]),
        nullValueCounts: new Map([[3, 0n]]),
        lowerBounds: new Map([[3, str(lower)]]),
        upperBounds: new Map([[3, str(upper)]]),
      });
    // values between "abcdefghijklmnop…" and "abcdefghijklmnoq" (truncated to 16 code points)
    const truncated = names("abcdefghijklmnop", "abcdefghijklmnoq");
    expect(evaluate(eq("name", "abcdefghijklmnopqrstuvwxyz"), truncated)).toBe(true);
    expect(evaluate(startsWith("name", "abcdefghijklmnopqrs"), truncated)).toBe(true);
    expect(evaluate(startsWith("name", "abcdefghijklmnor"), truncated)).toBe(false);
    expect(evaluate(startsWith("name", "abd"), truncated)).toBe(false);
    expect(evaluate(startsWith("name", "abc"), truncated)).toBe(true);
    expect(evaluate(startsWith("name", "abb"), truncated)).toBe(false);
    expect(evaluate(notStartsWith("name", "abcdefghijklmno"), truncated)).toBe(false);
    expect(evaluate(notStartsWith("name", "abcdefghijklmnop"), truncated)).toBe(true);
    // equal bounds of 16+ characters may stand for longer, different values
    expect(evaluate(notEq("name", "abcdefghijklmnop"), names("abcdefghijklmnop", "abcdefghijklmnop"))).toBe(true);
    expect(evaluate(notEq("name", "abc"), names("abc", "abc"))).toBe(false);
    // a lower bound cut inside a character still bounds from below
    const cut = file({ lowerBounds: new Map([[3, Uint8Array.of(0x61, 0x62, 0xf0, 0x9f)]]) });
    expect(evaluate(lt("name", "ab"), cut)).toBe(false);
    expect(evaluate(lt("name", "ab\u0000"), cut)).toBe(true);
    // code-point order: U+FFFD sorts before U+1F600
    expect(evaluate(lt("name", "\ufffd"), names("😀", "😀"))).toBe(false);
  });

  it("accepts number counts and plain-object maps", () => {
    const f: DataFileMetrics = {
      recordCount: 10,
      valueCounts: { 1: 10 },
      nullValueCounts: { 1: 0 },
      lowerBounds: { 1: long(1n) },
      upperBounds: { 1: long(3n) },
    };
    expect(evaluate(eq("id", 5), f)).toBe(false);
    expect(evaluate(eq("id", 2), f)).toBe(true);
  });

  it("filters on fields nested in structs", () => {
    const f = file({ lowerBounds: new Map([[12, str("Bergen")]]), upperBounds: new Map([[12, str("Oslo")]]) });
    expect(evaluate(eq("location.city", "Trondheim"), f)).toBe(false);
    expect(evaluate(eq("location.city", "Molde"), f)).toBe(true);
  });

  it("decodes each bound once per file however often the filter uses it", () => {
    let reads = 0;
    const bounds = new Map([[1, long(10n)]]);
    const counting = new Proxy(bounds, {
      get(target, prop) {
        if (prop === "get") {
          return (id: number) => {
            reads++;
            return target.get(id);
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const evaluator = new MetricsEvaluator(bound(or(eq("id", 1), eq("id", 2), eq("id", 3), gtEq("id", 4))));
    expect(evaluator.eval(file({ lowerBounds: counting as unknown as Map<number, Uint8Array> }))).toBe(true);
    expect(reads).toBe(1);
  });
});

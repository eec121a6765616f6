import { describe, expect, it } from "vitest";
import { parseTransform } from "../transform/parseTransform.js";
import {
  alwaysTrue,
  and,
  bind,
  eq,
  exprToString,
  gt,
  gtEq,
  isIn,
  isNull,
  lt,
  ltEq,
  not,
  notEq,
  notIn,
  notNull,
  notStartsWith,
  or,
  PartitionEvaluator,
  projectInclusive,
  startsWith,
  type PartitionFieldInput,
  type UnboundExpression,
} from "./index.js";
import { TEST_SCHEMA } from "./testSchema.js";

const DAY: PartitionFieldInput = { sourceId: 2, fieldId: 1000, name: "ts_day", transform: "day" };
const project = (filter: UnboundExpression, spec: readonly PartitionFieldInput[]) =>
  exprToString(projectInclusive(bind(filter, TEST_SCHEMA), spec));
const byDay = (filter: UnboundExpression) => project(filter, [DAY]);

describe("inclusive projection through day(ts)", () => {
  it("projects ranges after 1970", () => {
    expect(byDay(gtEq("ts", "2026-01-01"))).toBe("ts_day >= 2026-01-01");
    expect(byDay(gt("ts", "2026-01-01"))).toBe("ts_day >= 2026-01-01");
    expect(byDay(gt("ts", "2026-01-01T23:59:59.999999"))).toBe("ts_day >= 2026-01-02");
    expect(byDay(lt("ts", "2026-01-01"))).toBe("ts_day <= 2025-12-31");
    expect(byDay(lt("ts", "2026-01-01T00:00:00.000001"))).toBe("ts_day <= 2026-01-01");
    expect(byDay(ltEq("ts", "2026-01-01"))).toBe("ts_day <= 2026-01-01");
    expect(byDay(eq("ts", "2026-01-01T12:00:00"))).toBe("ts_day = 2026-01-01");
    expect(byDay(isIn("ts", ["2026-01-01T01:00", "2026-01-01T02:00"]))).toBe("ts_day = 2026-01-01");
    expect(byDay(isIn("ts", ["2026-01-02T01:00", "2026-01-01T02:00"]))).toBe("ts_day in (2026-01-01, 2026-01-02)");
  });

  it("projects ranges before 1970, admitting the day above negative bounds", () => {
    // the day of the bound is 1969-12-31 (-1); data written by Iceberg <= 0.10 put such rows in day 0
    expect(byDay(lt("ts", "1970-01-01"))).toBe("ts_day <= 1970-01-01");
    expect(byDay(ltEq("ts", "1969-12-31T10:00:00"))).toBe("ts_day <= 1970-01-01");
    expect(byDay(lt("ts", "1969-12-31"))).toBe("ts_day <= 1969-12-31");
    expect(byDay(eq("ts", "1969-12-31T10:00:00"))).toBe("ts_day in (1969-12-31, 1970-01-01)");
    expect(byDay(isIn("ts", ["1969-12-30T10:00", "2020-01-01"]))).toBe("ts_day in (1969-12-30, 1969-12-31, 2020-01-01)");
    // lower bounds need no widening
    expect(byDay(gtEq("ts", "1969-12-31T10:00:00"))).toBe("ts_day >= 1969-12-31");
    expect(byDay(gt("ts", "1969-12-31T23:59:59.999999"))).toBe("ts_day >= 1970-01-01");
    expect(byDay(gt("ts", "1900-01-01T00:00:00"))).toBe("ts_day >= 1900-01-01");
  });

  it("keeps null tests and drops what a range cannot express", () => {
    expect(byDay(isNull("ts"))).toBe("isNull(ts_day)");
    expect(byDay(notNull("ts"))).toBe("notNull(ts_day)");
    expect(byDay(notEq("ts", "2026-01-01"))).toBe("true");
    expect(byDay(notIn("ts", ["2026-01-01", "2026-01-02"]))).toBe("true");
    expect(byDay(eq("name", "x"))).toBe("true");
  });

  it("pushes negation down before projecting", () => {
    expect(byDay(not(lt("ts", "2026-01-01")))).toBe("ts_day >= 2026-01-01");
    expect(byDay(not(or(lt("ts", "2026-01-01"), isNull("ts"))))).toBe("(ts_day >= 2026-01-01 and notNull(ts_day))");
  });

  it("combines and/or and several fields of one source", () => {
    const spec = [DAY, { sourceId: 3, fieldId: 1001, name: "name", transform: "identity" }];
    expect(project(and(gtEq("ts", "2026-01-01"), eq("name", "a")), spec)).toBe("(ts_day >= 2026-01-01 and name = 'a')");
    expect(project(or(gtEq("ts", "2026-01-01"), eq("n", 1)), spec)).toBe("true");
    const twoOnTs = [DAY, { sourceId: 2, fieldId: 1002, name: "ts_hour", transform: "hour" }];
    expect(project(gtEq("ts", "2026-01-01T05:30:00"), twoOnTs)).toBe(`(ts_day >= 2026-01-01 and ts_hour >= ${20454 * 24 + 5})`);
  });
});

describe("inclusive projection through other temporal transforms", () => {
  const spec = (transform: string, sourceId = 2): PartitionFieldInput[] => [
    { sourceId, fieldId: 1000, name: "p", transform },
  ];

  it("projects hours, months and years", () => {
    expect(project(gtEq("ts", "1970-01-01T05:30:00"), spec("hour"))).toBe("p >= 5");
    expect(project(lt("ts", "1970-01-01T05:00:00"), spec("hour"))).toBe("p <= 4");
    expect(project(lt("ts", "1970-01-01T00:00:00"), spec("hour"))).toBe("p <= 0"); // -1, widened
    expect(project(lt("ts", "2026-03-01"), spec("month"))).toBe(`p <= ${56 * 12 + 1}`);
    expect(project(gt("ts", "2026-02-28T23:59:59.999999"), spec("month"))).toBe(`p >= ${56 * 12 + 2}`);
    expect(project(lt("ts", "1969-06-15"), spec("month"))).toBe("p <= -6"); // month -7 (1969-06), widened
    expect(project(eq("ts", "1969-06-15"), spec("year"))).toBe("p in (-1, 0)");
    expect(project(gtEq("ts", "1969-06-15"), spec("year"))).toBe("p >= -1");
  });

  it("projects dates: day is exact, month and year are widened before 1970", () => {
    expect(project(lt("d", "1970-01-01"), spec("day", 6))).toBe("p <= 1969-12-31");
    expect(project(eq("d", "1969-12-31"), spec("day", 6))).toBe("p = 1969-12-31");
    expect(project(lt("d", "1970-01-01"), spec("month", 6))).toBe("p <= 0");
    expect(project(gtEq("d", "2026-01-01"), spec("year", 6))).toBe("p >= 56");
  });

  it("projects nanosecond timestamps and timestamptz", () => {
    expect(project(gtEq("ts_ns", "2026-01-01T00:00:00.000000001"), spec("day", 9))).toBe("p >= 2026-01-01");
    expect(project(lt("ts_ns", "2026-01-01"), spec("day", 9))).toBe("p <= 2025-12-31");
    expect(project(lt("tstz", "2026-01-01T01:00:00+02:00"), spec("day", 8))).toBe("p <= 2025-12-31");
  });
});

describe("inclusive projection through bucket, truncate, identity, void", () => {
  const bucket = [{ sourceId: 1, fieldId: 1000, name: "id_bucket", transform: "bucket[16]" }];

  it("projects bucket equality and membership only", () => {
    // murmur3(34L) = 2017239379, which is 3 mod 16
    expect(project(eq("id", 34), bucket)).toBe("id_bucket = 3");
    const b35 = parseTransform("bucket[16]").apply({ type: "long" }, 35n);
    expect(project(isIn("id", [34, 35]), bucket)).toBe(`id_bucket in (${[3, b35 as number].sort((a, b) => a - b).join(", ")})`);
    expect(project(lt("id", 5), bucket)).toBe("true");
    expect(project(notEq("id", 34), bucket)).toBe("true");
    expect(project(notIn("id", [34, 35]), bucket)).toBe("true");
  });

  it("projects truncated strings, turning long prefixes into equality", () => {
    const spec = [{ sourceId: 3, fieldId: 1000, name: "name_trunc", transform: "truncate[3]" }];
    expect(project(startsWith("name", "ic"), spec)).toBe("startsWith(name_trunc, 'ic')");
    expect(project(startsWith("name", "ice"), spec)).toBe("name_trunc = 'ice'");
    expect(project(startsWith("name", "iceberg"), spec)).toBe("name_trunc = 'ice'");
    expect(project(startsWith("name", "😀😁😂😃"), spec)).toBe("name_trunc = '😀😁😂'");
    expect(project(startsWith("name", "😀😁"), spec)).toBe("startsWith(name_trunc, '😀😁')");
    expect(project(notStartsWith("name", "ic"), spec)).toBe("notStartsWith(name_trunc, 'ic')");
    expect(project(notStartsWith("name", "ice"), spec)).toBe("name_trunc != 'ice'");
    expect(project(notStartsWith("name", "iceberg"), spec)).toBe("true");
    expect(project(lt("name", "iceberg"), spec)).toBe("name_trunc <= 'ice'");
    expect(project(lt("name", "ic"), spec)).toBe("name_trunc < 'ic'");
    expect(project(gt("name", "iceberg"), spec)).toBe("name_trunc >= 'ice'");
    expect(project(eq("name", "iceberg"), spec)).toBe("name_trunc = 'ice'");
    expect(project(isIn("name", ["iceberg", "icecream", "a"]), spec)).toBe("name_trunc in ('a', 'ice')");
    expect(project(notEq("name", "iceberg"), spec)).toBe("true");
  });

  it("projects truncated numbers with boundary adjustment", () => {
    const spec = [{ sourceId: 7, fieldId: 1000, name: "n_trunc", transform: "truncate[10]" }];
    expect(project(lt("n", 5), spec)).toBe("n_trunc <= 0");
    expect(project(lt("n", 0), spec)).toBe("n_trunc <= -10");
    expect(project(lt("n", 10), spec)).toBe("n_trunc <= 0");
    expect(project(ltEq("n", 10), spec)).toBe("n_trunc <= 10");
    expect(project(gt("n", 9), spec)).toBe("n_trunc >= 10");
    expect(project(gtEq("n", 9), spec)).toBe("n_trunc >= 0");
    expect(project(eq("n", -1), spec)).toBe("n_trunc = -10");
    expect(project(lt("n", -2147483648), spec)).toBe("false");
    const decimal = [{ sourceId: 4, fieldId: 1000, name: "p_trunc", transform: "truncate[50]" }];
    expect(project(gtEq("price", "10.65"), decimal)).toBe("p_trunc >= 10.50");
    expect(project(lt("price", "10.50"), decimal)).toBe("p_trunc <= 10.00");
  });

  it("keeps predicates through identity and drops them through void and unknown transforms", () => {
    const identity = [{ sourceId: 3, fieldId: 1000, name: "name", transform: "identity" }];
    expect(project(notIn("name", ["a", "b"]), identity)).toBe("name not in ('a', 'b')");
    expect(project(notStartsWith("name", "a"), identity)).toBe("notStartsWith(name, 'a')");
    const voided = [{ sourceId: 3, fieldId: 1000, name: "name", transform: "void" }];
    expect(project(eq("name", "a"), voided)).toBe("true");
    expect(project(isNull("name"), voided)).toBe("true");
    const unknown = [{ sourceId: 3, fieldId: 1000, name: "name", transform: "zorder" }];
    expect(project(eq("name", "a"), unknown)).toBe("true");
  });

  it("projects nothing through a transform that does not fit the column", () => {
    expect(projectInclusive(bind(eq("name", "a"), TEST_SCHEMA), [{ sourceId: 3, fieldId: 1000, name: "x", transform: "day" }])).toBe(
      alwaysTrue(),
    );
  });
});

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("inclusive projection is sound", () => {
  // for every row that matches the row filter, its partition must match the projected filter
  const rowMatches = (op: string, v: bigint | number | string, lits: readonly (bigint | number | string)[]): boolean => {
    const x = lits[0];
    switch (op) {
      case "lt":
        return v < x;
      case "ltEq":
        return v <= x;
      case "gt":
        return v > x;
      case "gtEq":
        return v >= x;
      case "eq":
        return v === x;
      case "notEq":
        return v !== x;
      case "in":
        return lits.includes(v);
      case "notIn":
        return !lits.includes(v);
      case "startsWith":
        return String(v).startsWith(String(x));
      case "notStartsWith":
        return !String(v).startsWith(String(x));
    }
    throw new Error(op);
  };
  const ops = ["lt", "ltEq", "gt", "gtEq", "eq", "notEq", "in", "notIn"] as const;
  const build = (op: string, column: string, lits: readonly (bigint | number | string)[]): UnboundExpression => {
    switch (op) {
      case "lt":
        return lt(column, lits[0]);
      case "ltEq":
        return ltEq(column, lits[0]);
      case "gt":
        return gt(column, lits[0]);
      case "gtEq":
        return gtEq(column, lits[0]);
      case "eq":
        return eq(column, lits[0]);
      case "notEq":
        return notEq(column, lits[0]);
      case "in":
        return isIn(column, lits);
      case "notIn":
        return notIn(column, lits);
      case "startsWith":
        return startsWith(column, String(lits[0]));
      default:
        return notStartsWith(column, String(lits[0]));
    }
  };

  const check = (
    column: string,
    sourceId: number,
    transforms: string[],
    sample: (next: () => number) => bigint | number | string,
    operations: readonly string[],
  ) => {
    const next = random(42);
    const sourceType = TEST_SCHEMA.byId(sourceId)!.type;
    for (const transform of transforms) {
      const fn = parseTransform(transform).bind(sourceType);
      for (let i = 0; i < 400; i++) {
        const op = operations[Math.floor(next() * operations.length)];
        const lits = op === "in" || op === "notIn" ? [sample(next), sample(next), sample(next)] : [sample(next)];
        const evaluator = PartitionEvaluator.forRowFilter(bind(build(op, column, lits), TEST_SCHEMA), [
          { sourceId, fieldId: 1000, name: "p", transform },
        ]);
        for (let j = 0; j < 30; j++) {
          const v = j < lits.length ? lits[j] : sample(next);
          if (rowMatches(op, v, lits)) {
            const ok = evaluator.eval(new Map([[1000, fn(v)]]));
            if (!ok) throw new Error(`${transform}: ${op} ${String(lits)} rejects ${String(v)}`);
          }
        }
      }
    }
  };

  it("for timestamps around 1970 through year, month, day, hour, bucket and identity", () => {
    const around = (next: () => number) => {
      const scale = [1n, 1_000_000n, 3_600_000_000n, 86_400_000_000n, 2_592_000_000_000n, 31_536_000_000_000n][Math.floor(next() * 6)];
      return BigInt(Math.floor((next() - 0.5) * 200)) * scale + BigInt(Math.floor(next() * 3) - 1);
    };
    check("ts", 2, ["year", "month", "day", "hour", "bucket[7]", "identity"], around, ops);
  });

  it("for dates through year, month, day", () => {
    check("d", 6, ["year", "month", "day", "bucket[3]", "identity"], (next) => Math.floor((next() - 0.5) * 3000), ops);
  });

  it("for ints through truncate and bucket", () => {
    check("n", 7, ["truncate[10]", "truncate[3]", "bucket[5]"], (next) => Math.floor((next() - 0.5) * 100), ops);
  });

  it("for strings through truncate and identity, including prefixes", () => {
    const alphabet = ["a", "b", "é", "😀", "z"];
    const word = (next: () => number) => {
      let s = "";
      const length = Math.floor(next() * 5);
      for (let i = 0; i < length; i++) s += alphabet[Math.floor(next() * alphabet.length)];
      return s;
    };
    check("name", 3, ["truncate[1]", "truncate[2]", "truncate[3]", "identity"], word, [...ops, "startsWith", "notStartsWith"]);
  });
});

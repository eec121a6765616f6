import { describe, expect, it } from "vitest";
import { isFloeError } from "../../core/errors/FloeError.js";
import type { PrimitiveType } from "../spec/types.js";
import {
  BucketTransform,
  daysFromCivil,
  hashValue,
  murmur3x86_32,
  parseTransform,
  TemporalTransform,
  TruncateTransform,
  UnknownTransform,
} from "./index.js";

const t = (type: PrimitiveType["type"]): PrimitiveType => ({ type }) as PrimitiveType;
const INT = t("int");
const LONG = t("long");
const DATE = t("date");
const TIME = t("time");
const TS = t("timestamp");
const TSTZ = t("timestamptz");
const TS_NS = t("timestamp_ns");
const TSTZ_NS = t("timestamptz_ns");
const STRING = t("string");
const UUID = t("uuid");
const BINARY = t("binary");
const DECIMAL_9_2: PrimitiveType = { type: "decimal", precision: 9, scale: 2 };
const FIXED_4: PrimitiveType = { type: "fixed", length: 4 };

const DAY_2017_11_16 = daysFromCivil(2017, 11, 16);
const MICROS_2017_11_16_223108 = BigInt(DAY_2017_11_16) * 86_400_000_000n + 81_068_000_000n;

describe("murmur3 x86 32", () => {
  it("matches the reference implementation on the empty input and short tails", () => {
    expect(murmur3x86_32(new Uint8Array())).toBe(0);
    expect(murmur3x86_32(Uint8Array.of(0, 1, 2, 3))).toBe(-188683207);
  });
});

describe("bucket hash (spec Appendix B test vectors)", () => {
  it("hashes int and long alike", () => {
    expect(hashValue(INT, 34)).toBe(2017239379);
    expect(hashValue(LONG, 34n)).toBe(2017239379);
  });

  it("hashes decimal 14.20 by its minimal unscaled bytes", () => {
    expect(hashValue(DECIMAL_9_2, 1420n)).toBe(-500754589);
  });

  it("hashes dates, times and timestamps", () => {
    expect(DAY_2017_11_16).toBe(17486);
    expect(hashValue(DATE, DAY_2017_11_16)).toBe(-653330422);
    expect(hashValue(TIME, 81_068_000_000n)).toBe(-662762989);
    expect(hashValue(TS, MICROS_2017_11_16_223108)).toBe(-2047944441);
    expect(hashValue(TS, MICROS_2017_11_16_223108 + 1n)).toBe(-1207196810);
    // 2017-11-16T14:31:08-08:00 is the same instant
    expect(hashValue(TSTZ, MICROS_2017_11_16_223108)).toBe(-2047944441);
    expect(hashValue(TSTZ, MICROS_2017_11_16_223108 + 1n)).toBe(-1207196810);
  });

  it("hashes nanosecond timestamps as their microseconds", () => {
    const nanos = MICROS_2017_11_16_223108 * 1000n;
    expect(hashValue(TS_NS, nanos)).toBe(-2047944441);
    expect(hashValue(TS_NS, nanos + 1001n)).toBe(-1207196810);
    expect(hashValue(TSTZ_NS, nanos + 1001n)).toBe(-1207196810);
    // floor, not truncation, before 1970
    expect(hashValue(TS_NS, -1n)).toBe(hashValue(TS, -1n));
  });

  it("hashes strings, uuids and bytes", () => {
    expect(hashValue(STRING, "iceberg")).toBe(1210000089);
    expect(hashValue(STRING, "34")).toBe(-427558391);
    expect(hashValue(UUID, "f79c3e09-677c-4bbd-a479-3f349cb785e7")).toBe(1488055340);
    expect(hashValue(UUID, "F79C3E09-677C-4BBD-A479-3F349CB785E7")).toBe(1488055340);
    expect(hashValue(FIXED_4, Uint8Array.of(0, 1, 2, 3))).toBe(-188683207);
    expect(hashValue(BINARY, Uint8Array.of(0, 1, 2, 3))).toBe(-188683207);
  });

  it("hashes the types that are not bucket sources as the spec's table says", () => {
    expect(hashValue(t("boolean"), true)).toBe(1392991556);
    expect(hashValue(t("float"), 1.0)).toBe(-142385009);
    expect(hashValue(t("double"), 1.0)).toBe(-142385009);
    expect(hashValue(t("double"), 0.0)).toBe(1669671676);
    expect(hashValue(t("double"), -0.0)).toBe(1669671676);
  });

  it("hashes 64-bit values beyond 2^53 and negative values through the same bytes", () => {
    const big = 2n ** 62n + 12345n;
    expect(hashValue(LONG, big)).toBe(murmur3x86_32(le64(big)));
    expect(hashValue(LONG, -(2n ** 63n))).toBe(murmur3x86_32(le64(-(2n ** 63n))));
    expect(hashValue(INT, -7)).toBe(murmur3x86_32(le64(-7n)));
    expect(hashValue(LONG, -7n)).toBe(murmur3x86_32(le64(-7n)));
    expect(hashValue(DECIMAL_9_2, -1n)).toBe(murmur3x86_32(Uint8Array.of(0xff)));
    expect(hashValue(DECIMAL_9_2, 0n)).toBe(murmur3x86_32(Uint8Array.of(0)));
    expect(hashValue(DECIMAL_9_2, 128n)).toBe(murmur3x86_32(Uint8Array.of(0, 0x80)));
  });

  it("hashes long strings and non-ASCII text as UTF-8", () => {
    const long = "ü".repeat(500) + "😀";
    expect(hashValue(STRING, long)).toBe(murmur3x86_32(new TextEncoder().encode(long)));
  });
});

function le64(v: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigInt64(0, v, true);
  return out;
}

describe("parseTransform", () => {
  it("reads every spec transform and prints it back", () => {
    for (const text of ["identity", "bucket[16]", "truncate[10]", "year", "month", "day", "hour", "void"]) {
      expect(parseTransform(text).toString()).toBe(text);
    }
    expect(parseTransform("Bucket[4]").toString()).toBe("bucket[4]");
    expect(parseTransform("DAY")).toBe(TemporalTransform.day);
    expect(parseTransform("bucket[16]")).toBeInstanceOf(BucketTransform);
    expect((parseTransform("truncate[3]") as TruncateTransform).width).toBe(3);
  });

  it("keeps unknown transforms as unknown, for readers to ignore", () => {
    const unknown = parseTransform("zorder[3]");
    expect(unknown).toBeInstanceOf(UnknownTransform);
    expect(unknown.isUnknown).toBe(true);
    expect(unknown.toString()).toBe("zorder[3]");
    expect(unknown.canTransform(INT)).toBe(false);
    expect(parseTransform("geohash").isUnknown).toBe(true);
  });

  it("rejects a known transform with a bad parameter", () => {
    for (const text of ["bucket[0]", "truncate[0]", "bucket[99999999999]"]) {
      expect(() => parseTransform(text)).toThrow(/bucket|truncate/);
      try {
        parseTransform(text);
      } catch (error) {
        expect(isFloeError(error, "invalid-input")).toBe(true);
      }
    }
  });
});

describe("result types and applicability", () => {
  it("follows the spec's table", () => {
    const bucket = parseTransform("bucket[8]");
    expect(bucket.resultType(STRING)).toEqual({ type: "int" });
    expect(bucket.canTransform(t("float"))).toBe(false);
    expect(bucket.canTransform(t("double"))).toBe(false);
    expect(bucket.canTransform(t("boolean"))).toBe(false);
    expect(bucket.canTransform(TS_NS)).toBe(true);

    const truncate = parseTransform("truncate[4]");
    expect(truncate.resultType(DECIMAL_9_2)).toEqual(DECIMAL_9_2);
    expect(truncate.canTransform(FIXED_4)).toBe(false);
    expect(truncate.canTransform(t("uuid"))).toBe(false);

    expect(parseTransform("day").resultType(TS)).toEqual({ type: "date" });
    expect(parseTransform("day").resultType(DATE)).toEqual({ type: "date" });
    expect(parseTransform("month").resultType(TSTZ_NS)).toEqual({ type: "int" });
    expect(parseTransform("hour").canTransform(DATE)).toBe(false);
    expect(parseTransform("year").canTransform(TIME)).toBe(false);

    expect(parseTransform("identity").resultType(UUID)).toEqual(UUID);
    expect(parseTransform("identity").canTransform({ type: "struct", fields: [] })).toBe(false);
    expect(parseTransform("void").resultType(STRING)).toEqual(STRING);
    expect(parseTransform("void").canTransform({ type: "struct", fields: [] })).toBe(true);
  });

  it("names the transform and the type when it cannot apply", () => {
    expect(() => parseTransform("hour").bind(DATE)).toThrow("transform hour cannot be applied to a column of type date");
    expect(() => parseTransform("bucket[2]").apply(t("double"), 1.5)).toThrow(/bucket\[2\].*double/);
  });
});

describe("bucket[N]", () => {
  it("keeps the sign bit off and takes the remainder", () => {
    const bucket = parseTransform("bucket[100]");
    expect(bucket.apply(INT, 34)).toBe(2017239379 % 100);
    expect(bucket.apply(STRING, "iceberg")).toBe(1210000089 % 100);
    // negative hash: -500754589 & 0x7fffffff = 1646729059
    expect(bucket.apply(DECIMAL_9_2, 1420n)).toBe(1646729059 % 100);
    expect(bucket.apply(LONG, 34n)).toBe(bucket.apply(INT, 34));
    expect(bucket.apply(INT, null)).toBe(null);
  });
});

describe("truncate[W]", () => {
  it("truncates integers toward negative infinity", () => {
    const truncate = parseTransform("truncate[10]");
    expect(truncate.apply(INT, 1)).toBe(0);
    expect(truncate.apply(INT, -1)).toBe(-10);
    expect(truncate.apply(INT, 10)).toBe(10);
    expect(truncate.apply(INT, -10)).toBe(-10);
    expect(truncate.apply(INT, -11)).toBe(-20);
    expect(truncate.apply(LONG, 1n)).toBe(0n);
    expect(truncate.apply(LONG, -1n)).toBe(-10n);
    expect(truncate.apply(LONG, 9_007_199_254_740_993n)).toBe(9_007_199_254_740_990n);
    expect(truncate.apply(INT, null)).toBe(null);
  });

  it("truncates decimals on the unscaled value", () => {
    // W=50, scale 2: 10.65 → 10.50
    expect(parseTransform("truncate[50]").apply(DECIMAL_9_2, 1065n)).toBe(1050n);
    expect(parseTransform("truncate[50]").apply(DECIMAL_9_2, -1065n)).toBe(-1100n);
  });

  it("truncates strings to code points and binary to bytes", () => {
    const truncate = parseTransform("truncate[3]");
    expect(truncate.apply(STRING, "iceberg")).toBe("ice");
    expect(truncate.apply(STRING, "ic")).toBe("ic");
    expect(truncate.apply(STRING, "😀😁😂😃")).toBe("😀😁😂");
    expect(truncate.apply(STRING, "a😀bc")).toBe("a😀b");
    expect(truncate.apply(BINARY, Uint8Array.of(1, 2, 3, 4, 5))).toEqual(Uint8Array.of(1, 2, 3));
  });
});

describe("year, month, day, hour", () => {
  const year = parseTransform("year");
  const month = parseTransform("month");
  const day = parseTransform("day");
  const hour = parseTransform("hour");

  it("counts from 1970 for dates", () => {
    expect(year.apply(DATE, DAY_2017_11_16)).toBe(47);
    expect(month.apply(DATE, DAY_2017_11_16)).toBe(47 * 12 + 10);
    expect(day.apply(DATE, DAY_2017_11_16)).toBe(17486);
    expect(month.apply(DATE, daysFromCivil(2000, 2, 29))).toBe(30 * 12 + 1);
  });

  it("floors dates before 1970", () => {
    expect(year.apply(DATE, -1)).toBe(-1); // 1969-12-31
    expect(month.apply(DATE, -1)).toBe(-1);
    expect(year.apply(DATE, daysFromCivil(1969, 1, 1))).toBe(-1);
    expect(month.apply(DATE, daysFromCivil(1969, 1, 1))).toBe(-12);
    expect(year.apply(DATE, daysFromCivil(1968, 12, 31))).toBe(-2);
    expect(month.apply(DATE, daysFromCivil(1968, 12, 31))).toBe(-13);
    expect(month.apply(DATE, daysFromCivil(1900, 3, 1))).toBe(-70 * 12 + 2);
    expect(year.apply(DATE, daysFromCivil(1600, 2, 29))).toBe(-370);
  });

  it("counts from the epoch for timestamps", () => {
    expect(day.apply(TS, MICROS_2017_11_16_223108)).toBe(17486);
    expect(hour.apply(TS, MICROS_2017_11_16_223108)).toBe(17486 * 24 + 22);
    expect(month.apply(TSTZ, MICROS_2017_11_16_223108)).toBe(574);
    expect(year.apply(TSTZ, MICROS_2017_11_16_223108)).toBe(47);
    expect(day.apply(TS, 0n)).toBe(0);
    expect(hour.apply(TS, 3_599_999_999n)).toBe(0);
    expect(hour.apply(TS, 3_600_000_000n)).toBe(1);
  });

  it("floors timestamps before 1970", () => {
    // 1969-12-31T23:59:59.999999
    expect(day.apply(TS, -1n)).toBe(-1);
    expect(hour.apply(TS, -1n)).toBe(-1);
    expect(month.apply(TS, -1n)).toBe(-1);
    expect(year.apply(TS, -1n)).toBe(-1);
    // exactly 1969-12-31T00:00
    expect(day.apply(TS, -86_400_000_000n)).toBe(-1);
    expect(day.apply(TS, -86_400_000_001n)).toBe(-2);
    expect(hour.apply(TS, -3_600_000_000n)).toBe(-1);
    expect(hour.apply(TS, -3_600_000_001n)).toBe(-2);
  });

  it("handles nanosecond timestamps, including values beyond 2^53", () => {
    const nanos = MICROS_2017_11_16_223108 * 1000n + 999n;
    expect(day.apply(TS_NS, nanos)).toBe(17486);
    expect(hour.apply(TSTZ_NS, nanos)).toBe(17486 * 24 + 22);
    expect(day.apply(TS_NS, -1n)).toBe(-1);
    expect(year.apply(TS_NS, -1n)).toBe(-1);
    // the last nanosecond before and the first of 2262-04-11 (near the top of the long range)
    const day2262 = BigInt(daysFromCivil(2262, 4, 11));
    expect(day.apply(TS_NS, day2262 * 86_400_000_000_000n - 1n)).toBe(Number(day2262) - 1);
    expect(day.apply(TS_NS, day2262 * 86_400_000_000_000n)).toBe(Number(day2262));
  });

  it("gives exact day boundaries for microsecond values far from 1970", () => {
    for (const [y, m, d] of [
      [1, 1, 1],
      [9999, 12, 31],
      [1583, 10, 15],
      [2400, 2, 29],
    ] as const) {
      const days = daysFromCivil(y, m, d);
      const start = BigInt(days) * 86_400_000_000n;
      expect(day.apply(TS, start)).toBe(days);
      expect(day.apply(TS, start - 1n)).toBe(days - 1);
      expect(year.apply(TS, start)).toBe(y - 1970);
      expect(month.apply(TS, start)).toBe((y - 1970) * 12 + m - 1);
    }
  });
});

describe("order", () => {
  it("knows which transforms preserve order", () => {
    expect(parseTransform("identity").preservesOrder).toBe(true);
    expect(parseTransform("truncate[2]").preservesOrder).toBe(true);
    expect(parseTransform("day").preservesOrder).toBe(true);
    expect(parseTransform("bucket[2]").preservesOrder).toBe(false);
    expect(parseTransform("void").preservesOrder).toBe(false);
  });

  it("knows which orders imply which", () => {
    const p = parseTransform;
    expect(p("identity").satisfiesOrderOf(p("day"))).toBe(true);
    expect(p("identity").satisfiesOrderOf(p("bucket[4]"))).toBe(false);
    expect(p("hour").satisfiesOrderOf(p("day"))).toBe(true);
    expect(p("day").satisfiesOrderOf(p("hour"))).toBe(false);
    expect(p("month").satisfiesOrderOf(p("year"))).toBe(true);
    expect(p("bucket[4]").satisfiesOrderOf(p("bucket[4]"))).toBe(true);
    expect(p("bucket[4]").satisfiesOrderOf(p("bucket[8]"))).toBe(false);
    expect(p("truncate[10]").satisfiesOrderOf(p("truncate[5]"), STRING)).toBe(true);
    expect(p("truncate[5]").satisfiesOrderOf(p("truncate[10]"), STRING)).toBe(false);
    expect(p("truncate[10]").satisfiesOrderOf(p("truncate[5]"), INT)).toBe(false);
    expect(p("truncate[5]").satisfiesOrderOf(p("truncate[10]"), INT)).toBe(true);
    expect(p("truncate[5]").satisfiesOrderOf(p("truncate[10]"))).toBe(false);
    expect(p("day").satisfiesOrderOf(p("identity"))).toBe(false);
  });
});

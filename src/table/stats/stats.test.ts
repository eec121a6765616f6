import { describe, expect, it } from "vitest";
import { isFloeError } from "../../core/errors/FloeError.js";
import type { PrimitiveType } from "../spec/types.js";
import {
  codePointLength,
  compareValues,
  decodeLowerBound,
  decodeUpperBound,
  deserializeValue,
  serializeValue,
  truncateCodePoints,
} from "./index.js";

const t = (type: PrimitiveType["type"]): PrimitiveType => ({ type }) as PrimitiveType;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const bytes = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
const DECIMAL: PrimitiveType = { type: "decimal", precision: 9, scale: 2 };

describe("binary single-value serialization (Appendix D)", () => {
  const cases: Array<[PrimitiveType, unknown, string]> = [
    [t("boolean"), false, "00"],
    [t("boolean"), true, "01"],
    [t("int"), 34, "22000000"],
    [t("int"), -1, "ffffffff"],
    [t("date"), 17486, "4e440000"],
    [t("long"), 34n, "2200000000000000"],
    [t("long"), -(2n ** 63n), "0000000000000080"],
    [t("float"), 1.0, "0000803f"],
    [t("double"), 1.0, "000000000000f03f"],
    [t("time"), 81_068_000_000n, "008307e012000000"],
    [t("timestamp"), 1_510_871_468_000_000n, "00c3262d215e0500"],
    [t("timestamptz"), -1n, "ffffffffffffffff"],
    [t("timestamp_ns"), 1_510_871_468_000_000_001n, "01b8695f98b1f714"],
    [t("timestamptz_ns"), 1n, "0100000000000000"],
    [t("string"), "iceberg", "69636562657267"],
    [t("string"), "ü😀", "c3bcf09f9880"],
    [t("uuid"), "f79c3e09-677c-4bbd-a479-3f349cb785e7", "f79c3e09677c4bbda4793f349cb785e7"],
    [{ type: "fixed", length: 4 }, Uint8Array.of(0, 1, 2, 3), "00010203"],
    [t("binary"), Uint8Array.of(0xff, 0), "ff00"],
    [DECIMAL, 1420n, "058c"],
    [DECIMAL, 0n, "00"],
    [DECIMAL, -1n, "ff"],
    [DECIMAL, 127n, "7f"],
    [DECIMAL, 128n, "0080"],
    [DECIMAL, -128n, "80"],
    [DECIMAL, -129n, "ff7f"],
  ];

  for (const [type, value, expected] of cases) {
    const shown = typeof value === "bigint" ? `${value}n` : value instanceof Uint8Array ? hex(value) : String(value);
    it(`${JSON.stringify(type)} ${shown} ⇄ ${expected}`, () => {
      expect(hex(serializeValue(type, value))).toBe(expected);
      expect(deserializeValue(type, bytes(expected))).toEqual(value);
    });
  }

  it("round-trips 64-bit values across the 2^53 boundary and the extremes", () => {
    const edges = [0n, 1n, -1n, 2n ** 32n, -(2n ** 32n), 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, -(2n ** 53n), -(2n ** 53n) - 1n];
    for (const v of [...edges, 2n ** 63n - 1n, -(2n ** 63n), 0x1234_5678_9abc_def0n]) {
      for (const type of [t("long"), t("timestamp"), t("timestamptz_ns"), t("time")]) {
        expect(deserializeValue(type, serializeValue(type, v))).toBe(v);
      }
    }
    for (const v of [0, 1, -1, 2147483647, -2147483648]) expect(deserializeValue(t("int"), serializeValue(t("int"), v))).toBe(v);
  });

  it("reads any non-zero byte as true", () => {
    expect(deserializeValue(t("boolean"), bytes("02"))).toBe(true);
  });

  it("reads decimals of any width, including padded fixed-length forms", () => {
    expect(deserializeValue(DECIMAL, bytes("0000058c"))).toBe(1420n);
    expect(deserializeValue(DECIMAL, bytes("fffffa74"))).toBe(-1420n);
    const big = 10n ** 38n - 1n;
    expect(deserializeValue({ type: "decimal", precision: 38, scale: 0 }, serializeValue(DECIMAL, big))).toBe(big);
  });

  it("keeps a leading U+FEFF in strings", () => {
    expect(deserializeValue(t("string"), bytes("efbbbf61"))).toBe("\ufeffa");
  });

  it("widens bounds written before a type promotion", () => {
    expect(deserializeValue(t("long"), bytes("feffffff"))).toBe(-2n);
    expect(deserializeValue(t("double"), bytes("0000803f"))).toBe(1.0);
    // a date bound (days) of a column promoted to timestamp / timestamp_ns
    expect(deserializeValue(t("timestamp"), bytes("01000000"))).toBe(86_400_000_000n);
    expect(deserializeValue(t("timestamp_ns"), bytes("ffffffff"))).toBe(-86_400_000_000_000n);
  });

  it("rejects bytes of the wrong length and values of the wrong kind", () => {
    const malformed = (fn: () => unknown) => {
      try {
        fn();
        throw new Error("expected an error");
      } catch (error) {
        expect(isFloeError(error, "malformed")).toBe(true);
      }
    };
    malformed(() => deserializeValue(t("int"), bytes("0100")));
    malformed(() => deserializeValue(t("long"), bytes("010000")));
    malformed(() => deserializeValue(t("timestamptz"), bytes("01000000")));
    malformed(() => deserializeValue(t("uuid"), bytes("00")));
    malformed(() => deserializeValue(t("string"), bytes("c3")));
    malformed(() => deserializeValue(DECIMAL, new Uint8Array()));
    expect(() => serializeValue(t("long"), 5)).toThrow("expected a bigint");
    expect(() => serializeValue(t("int"), 2 ** 31)).toThrow("32-bit");
    expect(() => serializeValue(t("uuid"), "nope")).toThrow("UUID");
    expect(() => serializeValue(t("unknown"), null)).toThrow();
  });
});

describe("bound decoding for pruning", () => {
  it("treats missing, unreadable and NaN bounds as absent", () => {
    expect(decodeLowerBound(t("int"), undefined)).toBeUndefined();
    expect(decodeLowerBound(t("int"), bytes("01"))).toBeUndefined();
    expect(decodeUpperBound(t("double"), serializeValue(t("double"), Number.NaN))).toBeUndefined();
    expect(decodeLowerBound(t("float"), serializeValue(t("float"), Number.NaN))).toBeUndefined();
    expect(decodeLowerBound(t("long"), bytes("05000000"))).toBe(5n);
  });

  it("shortens a lower string bound cut inside a character and drops such an upper bound", () => {
    // "ab" + the first two bytes of "😀"
    expect(decodeLowerBound(t("string"), bytes("6162f09f"))).toBe("ab");
    expect(decodeUpperBound(t("string"), bytes("6162f09f"))).toBeUndefined();
  });
});

describe("compareValues", () => {
  it("orders strings by code point, as their UTF-8 bytes sort", () => {
    const s = t("string");
    // U+FFFD sorts before U+1F600 by code point, after it by UTF-16 unit
    expect(compareValues(s, "\ufffd", "😀")).toBeLessThan(0);
    expect(compareValues(s, "😀", "\ufffd")).toBeGreaterThan(0);
    expect(compareValues(s, "abc", "abd")).toBeLessThan(0);
    expect(compareValues(s, "ab", "abc")).toBeLessThan(0);
    expect(compareValues(s, "", "")).toBe(0);
    expect(compareValues(s, "Z", "a")).toBeLessThan(0);
    const sample = ["b", "😀", "\ufffd", "a", "é", "\u{10ffff}", "ab", ""];
    const byBytes = [...sample].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect([...sample].sort((x, y) => compareValues(s, x, y))).toEqual(byBytes);
  });

  it("orders bytes unsigned, prefixes first", () => {
    const b = t("binary");
    expect(compareValues(b, Uint8Array.of(0x7f), Uint8Array.of(0x80))).toBeLessThan(0);
    expect(compareValues(b, Uint8Array.of(1), Uint8Array.of(1, 0))).toBeLessThan(0);
    expect(compareValues(b, Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(0);
  });

  it("orders NaN after every number and -0 with 0", () => {
    const d = t("double");
    expect(compareValues(d, Number.NaN, Number.POSITIVE_INFINITY)).toBeGreaterThan(0);
    expect(compareValues(d, 1, Number.NaN)).toBeLessThan(0);
    expect(compareValues(d, Number.NaN, Number.NaN)).toBe(0);
    expect(compareValues(d, -0, 0)).toBe(0);
    expect(compareValues(d, -1, 0)).toBeLessThan(0);
  });

  it("orders the other types", () => {
    expect(compareValues(t("boolean"), false, true)).toBeLessThan(0);
    expect(compareValues(t("long"), 2n ** 62n, 2n ** 62n + 1n)).toBeLessThan(0);
    expect(compareValues(DECIMAL, -5n, 3n)).toBeLessThan(0);
    expect(compareValues(t("uuid"), "00000000-0000-0000-0000-000000000001", "f0000000-0000-0000-0000-000000000000")).toBeLessThan(0);
    expect(compareValues(t("date"), -1, 0)).toBeLessThan(0);
  });
});

describe("code points", () => {
  it("counts and truncates by code point", () => {
    expect(codePointLength("a😀b")).toBe(3);
    expect(truncateCodePoints("a😀b", 2)).toBe("a😀");
    expect(truncateCodePoints("abc", 5)).toBe("abc");
  });
});

import { describe, expect, it } from "vitest";
import { rewriteHexLiterals } from "./hexLiterals.js";

describe("rewriteHexLiterals", () => {
  it("turns X'..' into from_hex outside strings, identifiers and comments", () => {
    expect(rewriteHexLiterals("SELECT * FROM t WHERE b = X'0A0b' AND s = 'X''01''' AND \"x'1'\" = 1 -- X'02'\n/* x'03' */ AND c = x'04'")).toBe(
      "SELECT * FROM t WHERE b = from_hex('0A0b') AND s = 'X''01''' AND \"x'1'\" = 1 -- X'02'\n/* x'03' */ AND c = from_hex('04')",
    );
  });

  it("leaves identifiers ending in x and malformed hex alone", () => {
    expect(rewriteHexLiterals("SELECT max'1' , X'ZZ', X'123'")).toBe("SELECT max'1' , X'ZZ', X'123'");
  });
});

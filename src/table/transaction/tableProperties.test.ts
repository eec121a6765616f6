import { describe, expect, it } from "vitest";
import { commitRetryPolicy, retryDelayMs } from "./tableProperties.js";

describe("retryDelayMs", () => {
  const policy = commitRetryPolicy({ "commit.retry.min-wait-ms": "100", "commit.retry.max-wait-ms": "1000" });

  it("doubles from the minimum and stops at the maximum", () => {
    expect([1, 2, 3, 4, 5, 6].map((retry) => retryDelayMs(policy, retry, () => 0.999999))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it("draws each wait from the upper half of its step, so writers that collided spread out", () => {
    expect(retryDelayMs(policy, 1, () => 0)).toBe(50);
    expect(retryDelayMs(policy, 3, () => 0.5)).toBe(300);
    const waits = new Set(Array.from({ length: 50 }, () => retryDelayMs(policy, 4)));
    expect(waits.size).toBeGreaterThan(1);
    for (const wait of waits) expect(wait >= 400 && wait <= 800).toBe(true);
  });
});

import { describe, it, expect } from "vitest";
import { Redis } from "ioredis";
import { stackEnv } from "../../scripts/stack/env.mjs";

const { FLOE_TEST_REDIS_URL } = stackEnv();

describe("stack: Redis", () => {
  it("sets a key and gets it back", async () => {
    const redis = new Redis(FLOE_TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const key = `floe:stack-smoke:${process.pid}:${Date.now()}`;
    try {
      expect(await redis.set(key, "hello", "EX", 60)).toBe("OK");
      expect(await redis.get(key)).toBe("hello");
      expect(await redis.hset(`${key}:h`, { a: "1", b: "2" })).toBe(2);
      expect(await redis.hgetall(`${key}:h`)).toEqual({ a: "1", b: "2" });
    } finally {
      await redis.del(key, `${key}:h`);
      redis.disconnect();
    }
  });
});

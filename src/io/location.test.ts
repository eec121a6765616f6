import { describe, expect, it } from "vitest";
import { normalizeLocation, parseS3Location, schemeOf, toLocalFilePath } from "./location.js";

describe("locations", () => {
  it("names the store of a location", () => {
    expect(schemeOf("/tmp/x")).toBe("file");
    expect(schemeOf("relative/x")).toBe("file");
    expect(schemeOf("file:///tmp/x")).toBe("file");
    expect(schemeOf("S3A://b/k")).toBe("s3");
    expect(schemeOf("s3n://b/k")).toBe("s3");
    expect(schemeOf("memory://x")).toBe("memory");
    expect(schemeOf("gs://b/k")).toBe("gs");
  });

  it("turns file locations into paths literally", () => {
    expect(toLocalFilePath("file:///tmp/a%20b#c")).toBe("/tmp/a%20b#c");
    expect(toLocalFilePath("file:/tmp/x/../y")).toBe("/tmp/y");
    expect(toLocalFilePath("file://localhost/tmp/x")).toBe("/tmp/x");
    expect(() => toLocalFilePath("file:relative")).toThrow(/not absolute/);
  });

  it("splits S3 locations without decoding keys", () => {
    expect(parseS3Location("s3a://bucket/a/b c%2F?.parquet")).toEqual({ scheme: "s3a", bucket: "bucket", key: "a/b c%2F?.parquet" });
    expect(parseS3Location("s3://bucket")).toEqual({ scheme: "s3", bucket: "bucket", key: "" });
    expect(() => parseS3Location("s3:///key")).toThrow(expect.objectContaining({ kind: "invalid-input" }));
  });

  it("normalizes spellings of one place", () => {
    expect(normalizeLocation("file:///tmp/x")).toBe("/tmp/x");
    expect(normalizeLocation("s3a://b/k")).toBe("s3://b/k");
    expect(normalizeLocation("memory://m")).toBe("memory://m");
  });
});

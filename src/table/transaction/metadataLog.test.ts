import { describe, expect, it } from "vitest";
import type { MetadataLogEntry } from "../spec/tableMetadata.js";
import { deleteAfterCommitEnabled, metadataFilesDroppedFromLog } from "./metadataLog.js";

const dir = "s3://b/t/metadata";
function log(...versions: number[]): { metadataLog: MetadataLogEntry[] } {
  return { metadataLog: versions.map((v) => ({ metadataFile: `${dir}/v${v}.metadata.json`, timestampMs: 1000 * v })) };
}

describe("metadataFilesDroppedFromLog", () => {
  it("lists the files the previous log had and the new one does not, oldest first", () => {
    // previous-versions-max = 2: v4's log [v2, v3] becomes v5's [v3, v4]
    expect(metadataFilesDroppedFromLog(log(2, 3), log(3, 4), `${dir}/v5.metadata.json`)).toEqual([`${dir}/v2.metadata.json`]);
    // the limit lowered from 4 to 1 drops several at once
    expect(metadataFilesDroppedFromLog(log(1, 2, 3, 4), log(5), `${dir}/v6.metadata.json`)).toEqual([1, 2, 3, 4].map((v) => `${dir}/v${v}.metadata.json`));
  });

  it("drops nothing while the log only grows", () => {
    expect(metadataFilesDroppedFromLog(log(1, 2), log(1, 2, 3), `${dir}/v4.metadata.json`)).toEqual([]);
    expect(metadataFilesDroppedFromLog(log(), log(1))).toEqual([]);
  });

  it("never lists the committed file nor one still in the log, and lists a file once", () => {
    const previous = { metadataLog: [...log(1, 2, 1).metadataLog, { metadataFile: `${dir}/v9.metadata.json`, timestampMs: 9000 }] };
    expect(metadataFilesDroppedFromLog(previous, log(2), `${dir}/v9.metadata.json`)).toEqual([`${dir}/v1.metadata.json`]);
  });
});

describe("deleteAfterCommitEnabled", () => {
  it("is off unless the property says true (in any case)", () => {
    expect(deleteAfterCommitEnabled({})).toBe(false);
    expect(deleteAfterCommitEnabled({ "write.metadata.delete-after-commit.enabled": "false" })).toBe(false);
    expect(deleteAfterCommitEnabled({ "write.metadata.delete-after-commit.enabled": "yes" })).toBe(false);
    expect(deleteAfterCommitEnabled({ "write.metadata.delete-after-commit.enabled": "true" })).toBe(true);
    expect(deleteAfterCommitEnabled({ "write.metadata.delete-after-commit.enabled": "TRUE" })).toBe(true);
  });
});

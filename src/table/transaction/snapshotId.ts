import { randomBytes } from "node:crypto";
import type { TableMetadata } from "../spec/tableMetadata.js";

const MAX_LONG = (1n << 63n) - 1n;

/** A random positive 63-bit snapshot id that `metadata` does not use yet. */
export function newSnapshotId(metadata?: TableMetadata): bigint {
  for (;;) {
    const id = randomBytes(8).readBigUInt64BE() & MAX_LONG;
    if (id !== 0n && metadata?.snapshotById(id) === undefined) return id;
  }
}

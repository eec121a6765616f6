import type { PartitionData } from "./dataFile.js";

/**
 * A string that is equal exactly when two (spec id, partition tuple) pairs are: the key
 * by which delete files find their data files and snapshot summaries count partitions.
 * Values compare as Java compares them (-0.0 and 0.0 differ; bytes by content).
 */
export function partitionKey(specId: number, partition: PartitionData): string {
  const parts = Object.keys(partition)
    .map(Number)
    .sort((a, b) => a - b)
    .map((id) => `${id}:${valueKey(partition[id])}`);
  return `${specId}/${parts.join(",")}`;
}

function valueKey(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof Uint8Array) return `x${Buffer.from(value).toString("hex")}`;
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "number") return Object.is(value, -0) ? "-0" : String(value);
  return JSON.stringify(value);
}

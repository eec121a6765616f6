/**
 * Partition field summaries of a manifest (its manifest list entry's `partitions`):
 * per field, whether any value is null or NaN, and the lowest and highest other
 * values in the binary single-value form.
 */
import { comparatorFor } from "../stats/compare.js";
import { serializeValue } from "../stats/singleValue.js";
import { isPrimitive, type StructType } from "../spec/types.js";
import type { PartitionData } from "./dataFile.js";
import type { FieldSummary } from "./manifestFile.js";

/** Summaries for each field of `partitionType` (in order) over the given partition tuples. */
export function summarizePartitions(partitionType: StructType, partitions: readonly PartitionData[]): FieldSummary[] {
  return partitionType.fields.map((field) => {
    const type = field.type;
    const isFloat = type.type === "float" || type.type === "double";
    const summary: FieldSummary = { containsNull: false, containsNan: false };
    if (!isPrimitive(type) || type.type === "unknown") {
      summary.containsNull = partitions.some((p) => p[field.id] === null || p[field.id] === undefined);
      return summary;
    }
    const compare = comparatorFor(type);
    let lower: unknown;
    let upper: unknown;
    for (const p of partitions) {
      const value = p[field.id];
      if (value === null || value === undefined) {
        summary.containsNull = true;
        continue;
      }
      if (isFloat && Number.isNaN(value)) {
        summary.containsNan = true;
        continue;
      }
      if (lower === undefined) {
        lower = value;
        upper = value;
        continue;
      }
      const lo = compare(value, lower);
      // -0.0 must not be above a lower bound of +0.0, nor +0.0 below an upper bound of -0.0
      if (lo < 0 || (lo === 0 && isFloat && Object.is(value, -0))) lower = value;
      const hi = compare(value, upper);
      if (hi > 0 || (hi === 0 && isFloat && Object.is(value, 0))) upper = value;
    }
    if (lower !== undefined) {
      summary.lowerBound = serializeValue(type, lower);
      summary.upperBound = serializeValue(type, upper);
    }
    return summary;
  });
}

/**
 * The primitive type promotions schema evolution may make (format/spec.md, "Schema Evolution"),
 * and how a value stored for the old type (a column default) reads as the new type.
 */
import type { FormatVersion } from "../spec/tableMetadata.js";
import { primitiveTypeToString, type PrimitiveType } from "../spec/types.js";

const MICROS_PER_DAY = 86_400_000_000n;
const NANOS_PER_DAY = 86_400_000_000_000n;

/** Whether a column of type `from` may become `to` in a table of `formatVersion`. Equal types are not a promotion. */
export function isPromotionAllowed(from: PrimitiveType, to: PrimitiveType, formatVersion: FormatVersion): boolean {
  switch (from.type) {
    case "int":
      return to.type === "long";
    case "float":
      return to.type === "double";
    case "decimal":
      return to.type === "decimal" && to.scale === from.scale && to.precision > from.precision;
    case "date":
      // not to the zoned types: a date has no zone to convert from
      return formatVersion >= 3 && (to.type === "timestamp" || to.type === "timestamp_ns");
    case "unknown":
      return formatVersion >= 3 && to.type !== "unknown";
    default:
      return false;
  }
}

/** The promotions open to a column of type `from`, for error messages: `long`, `decimal(P',2) with P' > 9`. */
export function allowedPromotions(from: PrimitiveType, formatVersion: FormatVersion): string[] {
  switch (from.type) {
    case "int":
      return ["long"];
    case "float":
      return ["double"];
    case "decimal":
      return [`decimal(P,${from.scale}) with P > ${from.precision}`];
    case "date":
      return formatVersion >= 3 ? ["timestamp", "timestamp_ns"] : [];
    case "unknown":
      return formatVersion >= 3 ? ["any type"] : [];
    default:
      return [];
  }
}

/** Whether promoting `from` to `to` changes the values a partition transform produces: `date` to a timestamp does. */
export function promotionChangesTransformValues(from: PrimitiveType, to: PrimitiveType, transform: string): boolean {
  if (from.type !== "date" || (to.type !== "timestamp" && to.type !== "timestamp_ns")) return false;
  // year, month and day of a date and of its midnight are the same; identity and bucket see days vs micros
  return !["year", "month", "day", "void"].includes(transform.trim().toLowerCase());
}

/** A value in the in-memory form of `from` (see ../spec/types.ts), in the form of `to`. */
export function promoteValue(value: unknown, from: PrimitiveType, to: PrimitiveType): unknown {
  if (value === undefined || value === null) return value;
  if (from.type === "int" && to.type === "long") return BigInt(value as number);
  if (from.type === "date" && to.type === "timestamp") return BigInt(value as number) * MICROS_PER_DAY;
  if (from.type === "date" && to.type === "timestamp_ns") return BigInt(value as number) * NANOS_PER_DAY;
  if (from.type === "unknown") return undefined;
  // float → double and decimal precision keep their in-memory values
  return value;
}

export function describePromotion(from: PrimitiveType, to: PrimitiveType): string {
  return `${primitiveTypeToString(from)} to ${primitiveTypeToString(to)}`;
}

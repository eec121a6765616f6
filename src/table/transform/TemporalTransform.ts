import { invalidInput } from "../../core/errors/FloeError.js";
import { isPrimitive, type IcebergType, type PrimitiveType } from "../spec/types.js";
import {
  floorDivide,
  MICROS_PER_DAY,
  MICROS_PER_HOUR,
  monthsFromDays,
  NANOS_PER_DAY,
  NANOS_PER_HOUR,
  yearsFromDays,
} from "./temporal.js";
import { Transform, type TransformFunction } from "./Transform.js";

export type TemporalUnit = "year" | "month" | "day" | "hour";

const RANK: Record<TemporalUnit, number> = { hour: 0, day: 1, month: 2, year: 3 };

function expectDays(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw invalidInput(`expected a date as an integer number of days, got ${String(value)}`);
  }
  return value;
}

function expectEpochValue(value: unknown): bigint {
  if (typeof value !== "bigint") {
    throw invalidInput(`expected a timestamp as a bigint, got ${String(value)}`);
  }
  return value;
}

/**
 * `year`, `month`, `day`, `hour`: whole units since 1970-01-01T00:00 UTC, negative before it.
 * `day` produces a `date`; the others an `int`. Sources: date (not for `hour`) and every timestamp
 * type, microsecond or nanosecond.
 */
export class TemporalTransform extends Transform {
  static readonly year = new TemporalTransform("year");
  static readonly month = new TemporalTransform("month");
  static readonly day = new TemporalTransform("day");
  static readonly hour = new TemporalTransform("hour");

  readonly preservesOrder = true;

  private constructor(readonly kind: TemporalUnit) {
    super();
  }

  toString(): string {
    return this.kind;
  }

  canTransform(sourceType: IcebergType): boolean {
    switch (sourceType.type) {
      case "date":
        return this.kind !== "hour";
      case "timestamp":
      case "timestamptz":
      case "timestamp_ns":
      case "timestamptz_ns":
        return true;
      default:
        return false;
    }
  }

  resultType(sourceType: IcebergType): PrimitiveType {
    if (!isPrimitive(sourceType) || !this.canTransform(sourceType)) throw this.cannotApply(sourceType);
    return this.kind === "day" ? { type: "date" } : { type: "int" };
  }

  protected makeFunction(sourceType: PrimitiveType): TransformFunction {
    const unit = this.kind;
    if (sourceType.type === "date") {
      switch (unit) {
        case "year":
          return (value) => yearsFromDays(expectDays(value));
        case "month":
          return (value) => monthsFromDays(expectDays(value));
        default:
          return (value) => expectDays(value);
      }
    }
    const nanos = sourceType.type === "timestamp_ns" || sourceType.type === "timestamptz_ns";
    const perDay = nanos ? NANOS_PER_DAY : MICROS_PER_DAY;
    switch (unit) {
      case "year":
        return (value) => yearsFromDays(floorDivide(expectEpochValue(value), perDay));
      case "month":
        return (value) => monthsFromDays(floorDivide(expectEpochValue(value), perDay));
      case "day":
        return (value) => floorDivide(expectEpochValue(value), perDay);
      case "hour": {
        const perHour = nanos ? NANOS_PER_HOUR : MICROS_PER_HOUR;
        return (value) => floorDivide(expectEpochValue(value), perHour);
      }
    }
  }

  /** A finer unit orders by every coarser one: hour ⊒ day ⊒ month ⊒ year. */
  override satisfiesOrderOf(other: Transform): boolean {
    return other instanceof TemporalTransform && RANK[this.kind] <= RANK[other.kind];
  }
}

/**
 * Inclusive evaluation of a row filter against a data (or delete) file's column metrics: false
 * means no row of the file can match, so the file can be skipped.
 *
 * Conservative wherever the metrics leave room for doubt:
 * - a missing map or a missing entry means "unknown", never zero;
 * - a bound that does not decode, or is NaN, is ignored;
 * - string and binary bounds may be truncated (lower bound a prefix, upper bound a prefix with the
 *   last character incremented) - every check below holds for truncated bounds, and a bound of 16
 *   or more characters/bytes is never taken as an exact value;
 * - a float column that may hold NaN may match `>` and `>=` (NaN sorts above every number in the
 *   SQL engines floe targets), whatever its upper bound says.
 */

import { decodeLowerBound, decodeUpperBound } from "../stats/bounds.js";
import { comparatorFor } from "../stats/compare.js";
import { codePointLength, compareStrings, truncateCodePoints } from "../stats/unicode.js";
import { anyWithin, compileExpression, type Test } from "./compile.js";
import type { BoundExpression, BoundPredicate, BoundReference } from "./Expression.js";
import { rewriteNot } from "./rewriteNot.js";

/** Values looked up by field id, one at a time: a Map, or a view over encoded metrics. */
export interface FieldLookup<T> {
  get(fieldId: number): T | undefined;
}

/** Per-field-id metrics, as a Map (or other lookup) or a plain object keyed by field id. */
export type FieldMap<T> = FieldLookup<T> | { readonly [fieldId: number]: T | undefined };

/** The metrics of one data or delete file (manifest entry `data_file` fields). */
export interface DataFileMetrics {
  readonly recordCount: number | bigint;
  readonly valueCounts?: FieldMap<number | bigint> | null;
  readonly nullValueCounts?: FieldMap<number | bigint> | null;
  readonly nanValueCounts?: FieldMap<number | bigint> | null;
  readonly lowerBounds?: FieldMap<Uint8Array> | null;
  readonly upperBounds?: FieldMap<Uint8Array> | null;
}

/** Bounds this long may have been truncated by the writer (Iceberg's default is 16). */
const POSSIBLY_TRUNCATED_LENGTH = 16;

const UNREAD = Symbol("unread");

function lookup<T>(map: FieldMap<T> | null | undefined, id: number): T | undefined {
  if (map === null || map === undefined) return undefined;
  if (typeof (map as Partial<FieldLookup<T>>).get === "function") return (map as FieldLookup<T>).get(id);
  return (map as { readonly [id: number]: T | undefined })[id];
}

function isZero(count: number | bigint): boolean {
  return typeof count === "bigint" ? count === 0n : count === 0;
}

function sameCount(a: number | bigint, b: number | bigint): boolean {
  return typeof a === typeof b ? a === b : BigInt(a) === BigInt(b);
}

class FieldSlot {
  valueCount: number | bigint | undefined | typeof UNREAD = UNREAD;
  nullCount: number | bigint | undefined | typeof UNREAD = UNREAD;
  nanCount: number | bigint | undefined | typeof UNREAD = UNREAD;
  lower: unknown = UNREAD;
  upper: unknown = UNREAD;

  constructor(readonly ref: BoundReference) {}

  reset(): void {
    this.valueCount = UNREAD;
    this.nullCount = UNREAD;
    this.nanCount = UNREAD;
    this.lower = UNREAD;
    this.upper = UNREAD;
  }
}

export class MetricsEvaluator {
  private readonly test: Test;
  private readonly slots = new Map<number, FieldSlot>();
  private readonly slotList: FieldSlot[] = [];
  private file: DataFileMetrics = { recordCount: 0 };

  /** `rowFilter` is bound to the table schema (field ids of the file's columns). */
  constructor(rowFilter: BoundExpression) {
    this.test = compileExpression(rewriteNot(rowFilter), (p) => this.compilePredicate(p));
  }

  /** Field ids of the columns whose metrics the filter reads. */
  get fieldIds(): readonly number[] {
    return [...this.slots.keys()];
  }

  /** Whether the file might contain rows that match. */
  eval(file: DataFileMetrics): boolean {
    const records = file.recordCount;
    if (typeof records === "bigint" ? records === 0n : records === 0) return false;
    // negative counts come from imports that did not count rows
    if (records < 0) return true;
    this.file = file;
    const slots = this.slotList;
    for (let i = 0; i < slots.length; i++) slots[i].reset();
    return this.test();
  }

  private slot(ref: BoundReference): FieldSlot {
    let slot = this.slots.get(ref.fieldId);
    if (slot === undefined) {
      slot = new FieldSlot(ref);
      this.slots.set(ref.fieldId, slot);
      this.slotList.push(slot);
    }
    return slot;
  }

  private compilePredicate(p: BoundPredicate): Test {
    const slot = this.slot(p.ref);
    const id = p.ref.fieldId;
    const type = p.ref.type;
    const floating = type.type === "float" || type.type === "double";

    const valueCount = () => {
      if (slot.valueCount === UNREAD) slot.valueCount = lookup(this.file.valueCounts, id);
      return slot.valueCount;
    };
    const nullCount = () => {
      if (slot.nullCount === UNREAD) slot.nullCount = lookup(this.file.nullValueCounts, id);
      return slot.nullCount;
    };
    const nanCount = () => {
      if (slot.nanCount === UNREAD) slot.nanCount = lookup(this.file.nanValueCounts, id);
      return slot.nanCount;
    };
    const lower = () => {
      if (slot.lower === UNREAD) slot.lower = decodeLowerBound(type, lookup(this.file.lowerBounds, id));
      return slot.lower;
    };
    const upper = () => {
      if (slot.upper === UNREAD) slot.upper = decodeUpperBound(type, lookup(this.file.upperBounds, id));
      return slot.upper;
    };
    const mayContainNull = () => {
      const n = nullCount();
      return n === undefined || !isZero(n);
    };
    const mayContainNaN = () => {
      const n = nanCount();
      return n === undefined || !isZero(n);
    };
    const nullsOnly = () => {
      const values = valueCount();
      const nulls = nullCount();
      return values !== undefined && nulls !== undefined && sameCount(values, nulls);
    };
    const nansOnly = () => {
      if (!floating) return false; // only float and double columns hold NaN
      const values = valueCount();
      const nans = nanCount();
      return values !== undefined && nans !== undefined && sameCount(values, nans);
    };
    const possiblyTruncated = (bound: unknown) =>
      (typeof bound === "string" && codePointLength(bound) >= POSSIBLY_TRUNCATED_LENGTH) ||
      (bound instanceof Uint8Array && bound.length >= POSSIBLY_TRUNCATED_LENGTH);
    /** The single value of every row, when the metrics prove there is one. */
    const uniqueValue = (compare: (a: any, b: any) => number): unknown => {
      if (mayContainNull() || (floating && mayContainNaN())) return undefined;
      const lo = lower();
      const hi = upper();
      if (lo === undefined || hi === undefined || compare(lo, hi) !== 0 || possiblyTruncated(lo)) return undefined;
      return lo;
    };

    switch (p.op) {
      case "isNull":
        return () => mayContainNull();
      case "notNull":
        return () => !nullsOnly();
      case "isNaN":
        return () => !nullsOnly() && mayContainNaN();
      case "notNaN":
        return () => !nullsOnly() && !nansOnly();
      case "lt":
      case "ltEq": {
        const compare = comparatorFor(type);
        const literal = p.literal;
        const strict = p.op === "lt";
        return () => {
          if (nullsOnly() || nansOnly()) return false;
          const lo = lower();
          if (lo === undefined) return true;
          const c = compare(lo, literal);
          return strict ? c < 0 : c <= 0;
        };
      }
      case "gt":
      case "gtEq": {
        const compare = comparatorFor(type);
        const literal = p.literal;
        const strict = p.op === "gt";
        return () => {
          if (nullsOnly()) return false;
          if (floating && mayContainNaN()) return true;
          const hi = upper();
          if (hi === undefined) return true;
          const c = compare(hi, literal);
          return strict ? c > 0 : c >= 0;
        };
      }
      case "eq":
      case "in": {
        const compare = comparatorFor(type);
        const literals = "literals" in p ? p.literals : [p.literal];
        return () => {
          if (nullsOnly() || nansOnly()) return false;
          return anyWithin(literals, lower(), upper(), compare);
        };
      }
      case "notEq":
      case "notIn": {
        const compare = comparatorFor(type);
        const literals = "literals" in p ? p.literals : [p.literal];
        return () => {
          const v = uniqueValue(compare);
          return v === undefined || !anyWithin(literals, v, v, compare);
        };
      }
      case "startsWith": {
        const prefix = p.literal as string;
        const prefixLength = codePointLength(prefix);
        return () => {
          if (nullsOnly()) return false;
          // values starting with the prefix have it as their first code points; bounds cut to the
          // prefix's length must enclose it
          const lo = lower();
          if (typeof lo === "string" && compareStrings(truncateCodePoints(lo, prefixLength), prefix) > 0) return false;
          const hi = upper();
          return !(typeof hi === "string" && compareStrings(truncateCodePoints(hi, prefixLength), prefix) < 0);
        };
      }
      case "notStartsWith": {
        const prefix = p.literal as string;
        return () => {
          if (mayContainNull()) return true;
          const lo = lower();
          const hi = upper();
          // every value lies between two strings that both start with the prefix: all start with it
          return !(typeof lo === "string" && typeof hi === "string" && lo.startsWith(prefix) && hi.startsWith(prefix));
        };
      }
    }
  }
}

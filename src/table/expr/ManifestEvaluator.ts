/**
 * Decides from a manifest's partition field summaries (in the manifest list) whether the manifest
 * can hold a file whose partition matches a partition filter. False means skip the manifest.
 *
 * Every unclear case answers "might match": missing summaries, bounds that do not decode, a
 * missing lower bound that the null/NaN flags do not explain.
 */

import { decodeLowerBound, decodeUpperBound } from "../stats/bounds.js";
import { comparatorFor } from "../stats/compare.js";
import { codePointLength, compareStrings, truncateCodePoints } from "../stats/unicode.js";
import { anyWithin, compileExpression, type Test } from "./compile.js";
import type { BoundExpression, BoundPredicate, BoundReference } from "./Expression.js";
import { projectInclusive, type PartitionFieldInput } from "./inclusiveProjection.js";
import { rewriteNot } from "./rewriteNot.js";

/** One entry of a manifest file's `partitions` list (field 507, `field_summary`). */
export interface PartitionFieldSummary {
  readonly containsNull: boolean;
  readonly containsNaN?: boolean | null;
  readonly lowerBound?: Uint8Array | null;
  readonly upperBound?: Uint8Array | null;
}

const NOT_DECODED = Symbol("not decoded");

class SummarySlot {
  summary: PartitionFieldSummary | undefined = undefined;
  lower: unknown = NOT_DECODED;
  upper: unknown = NOT_DECODED;

  constructor(readonly position: number) {}
}

export class ManifestEvaluator {
  private readonly test: Test;
  private readonly slots: SummarySlot[] = [];
  private readonly positions: ReadonlyMap<number, number>;

  /**
   * @param partitionFilter a filter on partition field ids (e.g. an inclusive projection)
   * @param partitionFieldIds the partition spec's field ids, in spec order (the order of summaries)
   */
  constructor(partitionFilter: BoundExpression, partitionFieldIds: readonly number[]) {
    this.positions = new Map(partitionFieldIds.map((id, position) => [id, position]));
    this.test = compileExpression(rewriteNot(partitionFilter), (p) => this.compilePredicate(p));
  }

  /** The evaluator of the inclusive projection of `rowFilter` onto `spec`. */
  static forRowFilter(rowFilter: BoundExpression, spec: readonly PartitionFieldInput[]): ManifestEvaluator {
    return new ManifestEvaluator(
      projectInclusive(rowFilter, spec),
      spec.map((f) => f.fieldId),
    );
  }

  /** Whether the manifest with these partition summaries might hold matching files. */
  eval(partitions: readonly PartitionFieldSummary[] | null | undefined): boolean {
    if (partitions === null || partitions === undefined) return true;
    for (const slot of this.slots) {
      slot.summary = partitions[slot.position] ?? undefined;
      slot.lower = NOT_DECODED;
      slot.upper = NOT_DECODED;
    }
    return this.test();
  }

  /** One slot per partition field, shared by its predicates, so bounds decode once per manifest. */
  private slotFor(ref: BoundReference): SummarySlot | undefined {
    const position = this.positions.get(ref.fieldId);
    if (position === undefined) return undefined;
    let slot = this.slots.find((s) => s.position === position);
    if (slot === undefined) {
      slot = new SummarySlot(position);
      this.slots.push(slot);
    }
    return slot;
  }

  private compilePredicate(p: BoundPredicate): Test {
    const slot = this.slotFor(p.ref);
    if (slot === undefined) return () => true;
    const type = p.ref.type;
    const floating = type.type === "float" || type.type === "double";

    const lower = (): unknown => {
      if (slot.lower === NOT_DECODED) slot.lower = decodeLowerBound(type, slot.summary?.lowerBound);
      return slot.lower;
    };
    const upper = (): unknown => {
      if (slot.upper === NOT_DECODED) slot.upper = decodeUpperBound(type, slot.summary?.upperBound);
      return slot.upper;
    };
    const hasLowerBytes = () => slot.summary?.lowerBound !== null && slot.summary?.lowerBound !== undefined;
    /** Every partition value is null (the lower bound is absent because nothing non-null exists). */
    const allNull = (): boolean => {
      const s = slot.summary!;
      return s.containsNull === true && !hasLowerBytes() && (!floating || s.containsNaN === false);
    };
    /** The one value all partitions share, or undefined when that is not known. */
    const uniqueValue = (compare: (a: any, b: any) => number): unknown => {
      const s = slot.summary!;
      if (s.containsNull !== false) return undefined;
      if (floating && s.containsNaN !== false) return undefined;
      const lo = lower();
      const hi = upper();
      return lo !== undefined && hi !== undefined && compare(lo, hi) === 0 ? lo : undefined;
    };

    const guarded = (test: Test): Test => () => slot.summary === undefined || test();

    switch (p.op) {
      case "isNull":
        return guarded(() => slot.summary!.containsNull !== false);
      case "notNull":
        return guarded(() => !allNull());
      case "isNaN":
        return guarded(() => slot.summary!.containsNaN !== false && !allNull());
      case "notNaN":
        return guarded(() => {
          const s = slot.summary!;
          // only NaN values: flagged, no nulls, and no bound from any other value
          return !(s.containsNaN === true && s.containsNull === false && !hasLowerBytes());
        });
      case "notEq":
      case "notIn": {
        const compare = comparatorFor(type);
        const literals = "literals" in p ? p.literals : [p.literal];
        return guarded(() => {
          const v = uniqueValue(compare);
          return v === undefined || !anyWithin(literals, v, v, compare);
        });
      }
      case "notStartsWith": {
        const prefix = p.literal as string;
        return guarded(() => {
          if (slot.summary!.containsNull !== false) return true;
          const lo = lower();
          const hi = upper();
          // every value lies between two strings that both start with the prefix: all start with it
          return !(typeof lo === "string" && typeof hi === "string" && lo.startsWith(prefix) && hi.startsWith(prefix));
        });
      }
    }

    // the remaining operations need a non-null value within the bounds
    const compare = comparatorFor(type);
    const withinBounds = ((): Test => {
      switch (p.op) {
        case "lt":
        case "ltEq": {
          const literal = p.literal;
          const strict = p.op === "lt";
          return () => {
            const lo = lower();
            if (lo === undefined) return true;
            const c = compare(lo, literal);
            return strict ? c < 0 : c <= 0;
          };
        }
        case "gt":
        case "gtEq": {
          const literal = p.literal;
          const strict = p.op === "gt";
          return () => {
            // NaN sorts above every number, so a NaN partition value satisfies `>`
            if (floating && slot.summary!.containsNaN !== false) return true;
            const hi = upper();
            if (hi === undefined) return true;
            const c = compare(hi, literal);
            return strict ? c > 0 : c >= 0;
          };
        }
        case "eq": {
          const literals = [p.literal];
          return () => anyWithin(literals, lower(), upper(), compare);
        }
        case "in": {
          const literals = p.literals;
          return () => anyWithin(literals, lower(), upper(), compare);
        }
        case "startsWith": {
          const prefix = p.literal as string;
          const prefixLength = codePointLength(prefix);
          return () => {
            const lo = lower();
            if (typeof lo === "string" && compareStrings(truncateCodePoints(lo, prefixLength), prefix) > 0) return false;
            const hi = upper();
            return !(typeof hi === "string" && compareStrings(truncateCodePoints(hi, prefixLength), prefix) < 0);
          };
        }
        default:
          return () => true;
      }
    })();
    return guarded(() => {
      if (!hasLowerBytes()) return !allNull();
      return withinBounds();
    });
  }
}

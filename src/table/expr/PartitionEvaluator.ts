/**
 * Evaluates a partition filter (usually an inclusive projection of the row filter) on one file's
 * partition tuple: false means no row of the file can match.
 *
 * Null semantics are SQL's with negations already pushed into the predicates: a comparison with
 * a null value is false, `isNull` is true. A field missing from the tuple (undefined) is unknown,
 * and every predicate on it passes.
 */

import { comparatorFor, type Comparator } from "../stats/compare.js";
import { anyWithin, compileExpression, type Test } from "./compile.js";
import type { BoundExpression, BoundPredicate } from "./Expression.js";
import { projectInclusive, type PartitionFieldInput } from "./inclusiveProjection.js";
import { rewriteNot } from "./rewriteNot.js";

/** Partition values keyed by partition field id, in the in-memory form of each field's type. */
export type PartitionValues = ReadonlyMap<number, unknown> | { readonly [fieldId: number]: unknown };

export class PartitionEvaluator {
  private values: PartitionValues = {};
  private readonly test: Test;

  /** `partitionFilter` refers to partition field ids, with partition result types. */
  constructor(partitionFilter: BoundExpression) {
    this.test = compileExpression(rewriteNot(partitionFilter), (p) => this.compilePredicate(p));
  }

  /** The evaluator of the inclusive projection of `rowFilter` onto `spec`. */
  static forRowFilter(rowFilter: BoundExpression, spec: readonly PartitionFieldInput[]): PartitionEvaluator {
    return new PartitionEvaluator(projectInclusive(rowFilter, spec));
  }

  /** Whether rows in a file with these partition values might match. */
  eval(partition: PartitionValues): boolean {
    this.values = partition;
    return this.test();
  }

  private value(fieldId: number): unknown {
    const values = this.values;
    return values instanceof Map ? values.get(fieldId) : (values as { readonly [id: number]: unknown })[fieldId];
  }

  private compilePredicate(p: BoundPredicate): Test {
    const id = p.ref.fieldId;
    const type = p.ref.type;
    const get = () => this.value(id);
    // undefined: the tuple lacks the field, so nothing is known
    switch (p.op) {
      case "isNull":
        return () => {
          const v = get();
          return v === undefined || v === null;
        };
      case "notNull":
        return () => get() !== null;
      case "isNaN":
        return () => {
          const v = get();
          return v === undefined || (typeof v === "number" && v !== v);
        };
      case "notNaN":
        return () => {
          const v = get();
          return v === undefined || (v !== null && !(typeof v === "number" && v !== v));
        };
      case "in": {
        const literals = p.literals;
        const compare = comparatorFor(type);
        return () => {
          const v = get();
          return v === undefined || (v !== null && anyWithin(literals, v, v, compare));
        };
      }
      case "notIn": {
        const literals = p.literals;
        const compare = comparatorFor(type);
        return () => {
          const v = get();
          return v === undefined || (v !== null && !anyWithin(literals, v, v, compare));
        };
      }
      case "startsWith": {
        const prefix = p.literal as string;
        return () => {
          const v = get();
          return v === undefined || (typeof v === "string" && v.startsWith(prefix));
        };
      }
      case "notStartsWith": {
        const prefix = p.literal as string;
        return () => {
          const v = get();
          return v === undefined || (typeof v === "string" && !v.startsWith(prefix));
        };
      }
      default: {
        const literal = p.literal;
        const accept = ACCEPT[p.op];
        const compare: Comparator = comparatorFor(type);
        return () => {
          const v = get();
          return v === undefined || (v !== null && accept(compare(v, literal)));
        };
      }
    }
  }
}

const ACCEPT: Record<"lt" | "ltEq" | "gt" | "gtEq" | "eq" | "notEq", (c: number) => boolean> = {
  lt: (c) => c < 0,
  ltEq: (c) => c <= 0,
  gt: (c) => c > 0,
  gtEq: (c) => c >= 0,
  eq: (c) => c === 0,
  notEq: (c) => c !== 0,
};

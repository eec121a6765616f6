/**
 * Inclusive projection (format/spec.md, "Scan Planning"): turns a row filter into a filter on
 * partition values that is true for the partition of every row the row filter accepts. Files whose
 * partition fails the projected filter cannot hold matching rows.
 *
 * Per transform:
 * - identity keeps the predicate; void and unknown transforms say nothing (`true`);
 * - bucket keeps `=` and `in` (on the hashed values) and null tests;
 * - truncate and year/month/day/hour turn ranges into ranges on the transformed bound, moving a
 *   strict bound to the adjacent value first (`ts < X` → `ts_day <= day(X - 1µs)`);
 * - truncate of strings turns prefixes into prefixes or equality (`startsWith`).
 *
 * Year/month/day/hour projections are widened by one unit below 1970, as the reference
 * implementation does: Iceberg 0.10 and older wrote pre-1970 values one unit too high.
 */

import { codePointLength, truncateCodePoints } from "../stats/unicode.js";
import type { PrimitiveType } from "../spec/types.js";
import { parseTransform } from "../transform/parseTransform.js";
import { TruncateTransform } from "../transform/TruncateTransform.js";
import type { Transform, TransformFunction } from "../transform/Transform.js";
import {
  alwaysFalse,
  alwaysTrue,
  and,
  boundLiteral,
  boundSet,
  boundUnary,
  or,
  type BoundExpression,
  type BoundLiteralPredicate,
  type BoundPredicate,
  type BoundReference,
} from "./Expression.js";
import { rewriteNot } from "./rewriteNot.js";
import { internalError } from "./internal.js";

/** One field of a partition spec, as the spec's JSON gives it. */
export interface PartitionFieldInput {
  readonly sourceId: number;
  readonly fieldId: number;
  readonly name: string;
  readonly transform: string | Transform;
}

interface PartitionTarget {
  readonly fieldId: number;
  readonly name: string;
  readonly transform: Transform;
}

/** Projects a bound row filter onto the partition fields of `spec`. */
export function projectInclusive(rowFilter: BoundExpression, spec: readonly PartitionFieldInput[]): BoundExpression {
  const bySource = new Map<number, PartitionTarget[]>();
  for (const field of spec) {
    const transform = typeof field.transform === "string" ? parseTransform(field.transform) : field.transform;
    const targets = bySource.get(field.sourceId);
    const target = { fieldId: field.fieldId, name: field.name, transform };
    if (targets === undefined) bySource.set(field.sourceId, [target]);
    else targets.push(target);
  }
  const visit = (e: BoundExpression): BoundExpression => {
    switch (e.kind) {
      case "true":
      case "false":
        return e;
      case "and":
        return and(visit(e.left), visit(e.right));
      case "or":
        return or(visit(e.left), visit(e.right));
      case "not":
        throw internalError("projection met a 'not' that rewriteNot should have removed");
      case "bound": {
        const targets = bySource.get(e.ref.fieldId);
        if (targets === undefined) return alwaysTrue();
        return and(...targets.map((t) => projectPredicate(t.transform, t, e)));
      }
    }
  };
  return visit(rewriteNot(rowFilter));
}

/**
 * Projects one predicate on a source column through `transform` onto the partition field
 * `{ fieldId, name }`. Returns `alwaysTrue()` when the transform cannot narrow the predicate.
 */
export function projectPredicate(
  transform: Transform,
  partitionField: { readonly fieldId: number; readonly name: string },
  predicate: BoundPredicate,
): BoundExpression {
  const source = predicate.ref.type;
  if (transform.isVoid || transform.isUnknown || !transform.canTransform(source)) return alwaysTrue();
  const ref: BoundReference = Object.freeze({
    fieldId: partitionField.fieldId,
    name: partitionField.name,
    type: transform.resultType(source),
    nullable: true,
  });

  switch (predicate.op) {
    case "isNull":
    case "notNull":
      // every transform but void maps null to null and non-null to non-null
      return boundUnary(predicate.op, ref);
    case "isNaN":
    case "notNaN":
      return transform.isIdentity ? boundUnary(predicate.op, ref) : alwaysTrue();
  }

  const fn = transform.bind(source);
  switch (transform.kind) {
    case "identity":
      return "literals" in predicate ? boundSet(predicate.op, ref, predicate.literals) : boundLiteral(predicate.op, ref, predicate.literal);
    case "bucket":
      if (predicate.op === "eq") return boundLiteral("eq", ref, fn(predicate.literal));
      if (predicate.op === "in") return boundSet("in", ref, predicate.literals.map(fn));
      return alwaysTrue();
    case "truncate":
      if (source.type === "string" || source.type === "binary") {
        return projectPrefix((transform as TruncateTransform).width, ref, predicate, fn);
      }
      return projectRange(source, ref, predicate, fn);
    case "year":
    case "month":
    case "day":
    case "hour": {
      const projected = projectRange(source, ref, predicate, fn);
      const legacy = source.type !== "date" || transform.kind === "year" || transform.kind === "month";
      return legacy ? widenBeforeEpoch(projected) : projected;
    }
    default:
      return alwaysTrue();
  }
}

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** The value next to `v` in `type` (`delta` = ±1), or undefined past the end of its range. */
function adjacent(type: PrimitiveType, v: unknown, delta: 1 | -1): unknown {
  if (typeof v === "number") {
    const next = v + delta;
    return next < INT_MIN || next > INT_MAX ? undefined : next;
  }
  if (typeof v === "bigint") {
    const next = v + BigInt(delta);
    if (type.type === "decimal") {
      const limit = 10n ** BigInt(type.precision) - 1n;
      return next < -limit || next > limit ? undefined : next;
    }
    return next < LONG_MIN || next > LONG_MAX ? undefined : next;
  }
  return undefined;
}

/** Order-preserving transforms of numbers and instants: ranges map to closed ranges. */
function projectRange(source: PrimitiveType, ref: BoundReference, p: BoundPredicate, fn: TransformFunction): BoundExpression {
  switch (p.op) {
    case "lt": {
      const before = adjacent(source, p.literal, -1);
      return before === undefined ? alwaysFalse() : boundLiteral("ltEq", ref, fn(before));
    }
    case "ltEq":
      return boundLiteral("ltEq", ref, fn(p.literal));
    case "gt": {
      const after = adjacent(source, p.literal, 1);
      return after === undefined ? alwaysFalse() : boundLiteral("gtEq", ref, fn(after));
    }
    case "gtEq":
      return boundLiteral("gtEq", ref, fn(p.literal));
    case "eq":
      return boundLiteral("eq", ref, fn(p.literal));
    case "in":
      return boundSet("in", ref, p.literals.map(fn));
    default:
      return alwaysTrue();
  }
}

/** truncate[W] of strings and bytes: partition values are prefixes of the values. */
function projectPrefix(width: number, ref: BoundReference, p: BoundPredicate, fn: TransformFunction): BoundExpression {
  switch (p.op) {
    case "lt":
      // a prefix sorts at or before its value; if the literal is itself short enough, strictly
      return boundLiteral(fits(p.literal, width) ? "lt" : "ltEq", ref, fn(p.literal));
    case "ltEq":
      return boundLiteral("ltEq", ref, fn(p.literal));
    case "gt":
    case "gtEq":
      return boundLiteral("gtEq", ref, fn(p.literal));
    case "eq":
      return boundLiteral("eq", ref, fn(p.literal));
    case "in":
      return boundSet("in", ref, p.literals.map(fn));
    case "startsWith": {
      const prefix = p.literal as string;
      // a value starting with a prefix of W or more code points has exactly its first W as partition
      return codePointLength(prefix) < width
        ? boundLiteral("startsWith", ref, prefix)
        : boundLiteral("eq", ref, truncateCodePoints(prefix, width));
    }
    case "notStartsWith": {
      const prefix = p.literal as string;
      const length = codePointLength(prefix);
      if (length < width) return boundLiteral("notStartsWith", ref, prefix);
      if (length === width) return boundLiteral("notEq", ref, prefix);
      return alwaysTrue();
    }
    default:
      return alwaysTrue();
  }
}

function fits(literal: unknown, width: number): boolean {
  if (typeof literal === "string") return codePointLength(literal) <= width;
  return literal instanceof Uint8Array && literal.length <= width;
}

/** Also admits the partition value one higher for every negative bound (see the module note). */
function widenBeforeEpoch(projected: BoundExpression): BoundExpression {
  if (projected.kind !== "bound") return projected;
  switch (projected.op) {
    case "ltEq": {
      const v = (projected as BoundLiteralPredicate).literal as number;
      return v < 0 ? boundLiteral("ltEq", projected.ref, v + 1) : projected;
    }
    case "eq": {
      const v = (projected as BoundLiteralPredicate).literal as number;
      return v < 0 ? boundSet("in", projected.ref, [v, v + 1]) : projected;
    }
    case "in": {
      const values = projected.literals as number[];
      if (!values.some((v) => v < 0)) return projected;
      return boundSet("in", projected.ref, values.flatMap((v) => (v < 0 ? [v, v + 1] : [v])));
    }
    default:
      return projected;
  }
}

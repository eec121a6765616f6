/**
 * Compiles a negation-free bound expression into nested closures, so an evaluator run over
 * thousands of files or partitions does no tree walking or dispatch on operation names per call.
 */

import type { BoundExpression, BoundPredicate } from "./Expression.js";
import { internalError } from "./internal.js";

export type Test = () => boolean;

const yes: Test = () => true;
const no: Test = () => false;

export function compileExpression(expression: BoundExpression, compilePredicate: (p: BoundPredicate) => Test): Test {
  switch (expression.kind) {
    case "true":
      return yes;
    case "false":
      return no;
    case "and": {
      const left = compileExpression(expression.left, compilePredicate);
      const right = compileExpression(expression.right, compilePredicate);
      return () => left() && right();
    }
    case "or": {
      const left = compileExpression(expression.left, compilePredicate);
      const right = compileExpression(expression.right, compilePredicate);
      return () => left() || right();
    }
    case "not":
      throw internalError("evaluators need negation-free expressions; apply rewriteNot first");
    case "bound":
      return compilePredicate(expression);
  }
}

/** Index of the first element of sorted `values` that is >= `target`. */
export function lowerBoundIndex(values: readonly unknown[], target: unknown, compare: (a: any, b: any) => number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(values[mid], target) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether sorted `values` holds a value within [lower, upper] (either bound may be absent). */
export function anyWithin(
  values: readonly unknown[],
  lower: unknown,
  upper: unknown,
  compare: (a: any, b: any) => number,
): boolean {
  const i = lower === undefined ? 0 : lowerBoundIndex(values, lower, compare);
  if (i >= values.length) return false;
  return upper === undefined || compare(values[i], upper) <= 0;
}

import { alwaysFalse, alwaysTrue, and, negatePredicate, or, type Expression, type Predicate } from "./Expression.js";

/**
 * Pushes every `not` down to the predicates and removes it, by De Morgan's laws and by negating
 * operations (`not(a < 5)` is `a >= 5`). Projection and the evaluators need negation-free input.
 */
export function rewriteNot<P extends Predicate>(expression: Expression<P>): Expression<P> {
  switch (expression.kind) {
    case "true":
    case "false":
    case "unbound":
    case "bound":
      return expression;
    case "and":
      return and(rewriteNot(expression.left), rewriteNot(expression.right));
    case "or":
      return or(rewriteNot(expression.left), rewriteNot(expression.right));
    case "not":
      return negate(expression.child);
  }
}

function negate<P extends Predicate>(expression: Expression<P>): Expression<P> {
  switch (expression.kind) {
    case "true":
      return alwaysFalse();
    case "false":
      return alwaysTrue();
    case "unbound":
    case "bound":
      return negatePredicate(expression as P);
    case "and":
      return or(negate(expression.left), negate(expression.right));
    case "or":
      return and(negate(expression.left), negate(expression.right));
    case "not":
      return rewriteNot(expression.child);
  }
}

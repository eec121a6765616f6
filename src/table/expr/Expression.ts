/**
 * Filter expressions as immutable data: `and`, `or`, `not`, the constants, and predicates that
 * are either unbound (on a column name, with literals as the caller gave them) or bound (on a
 * field id, with literals converted to the field's in-memory form; see `../spec/types.ts`).
 *
 * The constructors fold constants (`and(alwaysFalse(), x)` is `alwaysFalse()`), so expressions
 * stay small as they are bound and projected.
 */

import { invalidInput } from "../../core/errors/FloeError.js";
import { comparatorFor } from "../stats/compare.js";
import type { PrimitiveType } from "../spec/types.js";

export type UnaryOperation = "isNull" | "notNull" | "isNaN" | "notNaN";
export type LiteralOperation = "lt" | "ltEq" | "gt" | "gtEq" | "eq" | "notEq" | "startsWith" | "notStartsWith";
export type SetOperation = "in" | "notIn";
export type Operation = UnaryOperation | LiteralOperation | SetOperation;

/**
 * A literal as a caller may give it. Binding converts it to the column's type: ISO-8601 strings
 * (or `Date`s) for dates and timestamps, bigint for longs and for timestamps in the column's unit,
 * decimal strings/numbers/bigints for decimals, `Uint8Array` for fixed and binary.
 */
export type LiteralInput = boolean | number | bigint | string | Uint8Array | Date;

export interface UnboundUnaryPredicate {
  readonly kind: "unbound";
  readonly op: UnaryOperation;
  readonly column: string;
}

export interface UnboundLiteralPredicate {
  readonly kind: "unbound";
  readonly op: LiteralOperation;
  readonly column: string;
  readonly literal: LiteralInput;
}

export interface UnboundSetPredicate {
  readonly kind: "unbound";
  readonly op: SetOperation;
  readonly column: string;
  readonly literals: readonly LiteralInput[];
}

export type UnboundPredicate = UnboundUnaryPredicate | UnboundLiteralPredicate | UnboundSetPredicate;

/** A resolved column (or partition field): its id, full name, type and whether it can be null. */
export interface BoundReference {
  readonly fieldId: number;
  readonly name: string;
  readonly type: PrimitiveType;
  readonly nullable: boolean;
}

export interface BoundUnaryPredicate {
  readonly kind: "bound";
  readonly op: UnaryOperation;
  readonly ref: BoundReference;
}

export interface BoundLiteralPredicate {
  readonly kind: "bound";
  readonly op: LiteralOperation;
  readonly ref: BoundReference;
  /** In the in-memory form of `ref.type`. */
  readonly literal: unknown;
}

export interface BoundSetPredicate {
  readonly kind: "bound";
  readonly op: SetOperation;
  readonly ref: BoundReference;
  /** Distinct, sorted by the order of `ref.type`, at least two. */
  readonly literals: readonly unknown[];
}

export type BoundPredicate = BoundUnaryPredicate | BoundLiteralPredicate | BoundSetPredicate;
export type Predicate = UnboundPredicate | BoundPredicate;

export interface AlwaysTrue {
  readonly kind: "true";
}

export interface AlwaysFalse {
  readonly kind: "false";
}

export interface And<P extends Predicate = Predicate> {
  readonly kind: "and";
  readonly left: Expression<P>;
  readonly right: Expression<P>;
}

export interface Or<P extends Predicate = Predicate> {
  readonly kind: "or";
  readonly left: Expression<P>;
  readonly right: Expression<P>;
}

export interface Not<P extends Predicate = Predicate> {
  readonly kind: "not";
  readonly child: Expression<P>;
}

export type Expression<P extends Predicate = Predicate> = AlwaysTrue | AlwaysFalse | And<P> | Or<P> | Not<P> | P;
export type UnboundExpression = Expression<UnboundPredicate>;
export type BoundExpression = Expression<BoundPredicate>;

const TRUE: AlwaysTrue = Object.freeze({ kind: "true" });
const FALSE: AlwaysFalse = Object.freeze({ kind: "false" });

export function alwaysTrue(): AlwaysTrue {
  return TRUE;
}

export function alwaysFalse(): AlwaysFalse {
  return FALSE;
}

/** The predicate types that occur at the top of the expression types in `E`. */
export type PredicatesOf<E> = E extends Predicate
  ? E
  : E extends And<infer P extends Predicate> | Or<infer P extends Predicate> | Not<infer P extends Predicate>
    ? P
    : never;

export function and<P extends Predicate>(...expressions: Expression<P>[]): Expression<P>;
export function and<A extends readonly Expression<any>[]>(...expressions: A): Expression<PredicatesOf<A[number]>>;
export function and(...expressions: Expression[]): Expression {
  let result: Expression = TRUE;
  for (const e of expressions) {
    if (e.kind === "false") return FALSE;
    if (e.kind === "true") continue;
    result = result.kind === "true" ? e : Object.freeze({ kind: "and", left: result, right: e });
  }
  return result;
}

export function or<P extends Predicate>(...expressions: Expression<P>[]): Expression<P>;
export function or<A extends readonly Expression<any>[]>(...expressions: A): Expression<PredicatesOf<A[number]>>;
export function or(...expressions: Expression[]): Expression {
  let result: Expression = FALSE;
  for (const e of expressions) {
    if (e.kind === "true") return TRUE;
    if (e.kind === "false") continue;
    result = result.kind === "false" ? e : Object.freeze({ kind: "or", left: result, right: e });
  }
  return result;
}

export function not<P extends Predicate>(expression: Expression<P>): Expression<P> {
  switch (expression.kind) {
    case "true":
      return FALSE;
    case "false":
      return TRUE;
    case "not":
      return expression.child;
    default:
      return Object.freeze({ kind: "not", child: expression });
  }
}

const NEGATION: Record<Operation, Operation> = {
  isNull: "notNull",
  notNull: "isNull",
  isNaN: "notNaN",
  notNaN: "isNaN",
  lt: "gtEq",
  ltEq: "gt",
  gt: "ltEq",
  gtEq: "lt",
  eq: "notEq",
  notEq: "eq",
  in: "notIn",
  notIn: "in",
  startsWith: "notStartsWith",
  notStartsWith: "startsWith",
};

/** The operation that is true exactly where `op` is false (for non-null values). */
export function negateOperation(op: Operation): Operation {
  return NEGATION[op];
}

export function isUnaryOperation(op: Operation): op is UnaryOperation {
  return op === "isNull" || op === "notNull" || op === "isNaN" || op === "notNaN";
}

export function isSetOperation(op: Operation): op is SetOperation {
  return op === "in" || op === "notIn";
}

export function isPredicate<P extends Predicate>(expression: Expression<P>): expression is P {
  return expression.kind === "unbound" || expression.kind === "bound";
}

// ---- unbound predicates ---------------------------------------------------------------------

function columnName(column: string): string {
  if (typeof column !== "string" || column.length === 0) {
    throw invalidInput(`a predicate needs a column name, got ${JSON.stringify(column)}`);
  }
  return column;
}

function literalValue(op: Operation, column: string, literal: LiteralInput): LiteralInput {
  if (literal === null || literal === undefined) {
    throw invalidInput(`${op}(${column}, ...) needs a value; use isNull/notNull to test for null`, { column });
  }
  return literal instanceof Uint8Array ? literal.slice() : literal;
}

function unary(op: UnaryOperation, column: string): UnboundUnaryPredicate {
  return Object.freeze({ kind: "unbound", op, column: columnName(column) });
}

function literalPredicate(op: LiteralOperation, column: string, literal: LiteralInput): UnboundLiteralPredicate {
  return Object.freeze({ kind: "unbound", op, column: columnName(column), literal: literalValue(op, column, literal) });
}

function setPredicate(op: SetOperation, column: string, literals: Iterable<LiteralInput>): UnboundSetPredicate {
  const values = Object.freeze(Array.from(literals, (l) => literalValue(op, column, l)));
  return Object.freeze({ kind: "unbound", op, column: columnName(column), literals: values });
}

export const isNull = (column: string) => unary("isNull", column);
export const notNull = (column: string) => unary("notNull", column);
export const isNaN = (column: string) => unary("isNaN", column);
export const notNaN = (column: string) => unary("notNaN", column);
export const lt = (column: string, value: LiteralInput) => literalPredicate("lt", column, value);
export const ltEq = (column: string, value: LiteralInput) => literalPredicate("ltEq", column, value);
export const gt = (column: string, value: LiteralInput) => literalPredicate("gt", column, value);
export const gtEq = (column: string, value: LiteralInput) => literalPredicate("gtEq", column, value);
export const eq = (column: string, value: LiteralInput) => literalPredicate("eq", column, value);
export const notEq = (column: string, value: LiteralInput) => literalPredicate("notEq", column, value);
export const startsWith = (column: string, prefix: string) => literalPredicate("startsWith", column, prefix);
export const notStartsWith = (column: string, prefix: string) => literalPredicate("notStartsWith", column, prefix);
/** `column IN (values)` (`in` is a reserved word in JavaScript). */
export const isIn = (column: string, values: Iterable<LiteralInput>) => setPredicate("in", column, values);
export const notIn = (column: string, values: Iterable<LiteralInput>) => setPredicate("notIn", column, values);

/** An unbound predicate from an operation name, for callers that translate other ASTs. */
export function predicate(op: UnaryOperation, column: string): UnboundUnaryPredicate;
export function predicate(op: LiteralOperation, column: string, value: LiteralInput): UnboundLiteralPredicate;
export function predicate(op: SetOperation, column: string, values: Iterable<LiteralInput>): UnboundSetPredicate;
export function predicate(op: Operation, column: string, value?: LiteralInput | Iterable<LiteralInput>): UnboundPredicate {
  if (isUnaryOperation(op)) return unary(op, column);
  if (isSetOperation(op)) return setPredicate(op, column, value as Iterable<LiteralInput>);
  return literalPredicate(op, column, value as LiteralInput);
}

// ---- bound predicates -----------------------------------------------------------------------

export function boundUnary(op: UnaryOperation, ref: BoundReference): BoundUnaryPredicate {
  return Object.freeze({ kind: "bound", op, ref });
}

export function boundLiteral(op: LiteralOperation, ref: BoundReference, literal: unknown): BoundLiteralPredicate {
  return Object.freeze({ kind: "bound", op, ref, literal });
}

/**
 * A bound `in`/`notIn` over `values` (in the in-memory form of `ref.type`), sorted and without
 * duplicates; one value becomes `eq`/`notEq`, none becomes `alwaysFalse` (`in`) or `notNull`
 * (`notIn`: every non-null value qualifies).
 */
export function boundSet(op: SetOperation, ref: BoundReference, values: Iterable<unknown>): BoundExpression {
  const compare = comparatorFor(ref.type);
  const sorted = Array.from(values).sort(compare);
  const distinct: unknown[] = [];
  for (const v of sorted) {
    if (distinct.length === 0 || compare(distinct[distinct.length - 1], v) !== 0) distinct.push(v);
  }
  if (distinct.length === 0) return op === "in" ? FALSE : notNullOf(ref);
  if (distinct.length === 1) return boundLiteral(op === "in" ? "eq" : "notEq", ref, distinct[0]);
  return Object.freeze({ kind: "bound", op, ref, literals: Object.freeze(distinct) });
}

/** `notNull(ref)`, or `alwaysTrue` when the field cannot be null. */
export function notNullOf(ref: BoundReference): BoundExpression {
  return ref.nullable ? boundUnary("notNull", ref) : TRUE;
}

/** The same predicate with the opposite operation. */
export function negatePredicate<P extends Predicate>(p: P): P {
  return Object.freeze({ ...p, op: NEGATION[p.op] }) as P;
}

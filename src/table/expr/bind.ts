/**
 * Binding: resolves the column names of an expression against a schema and converts literals to
 * the columns' types, simplifying what the types decide on their own (`isNull` on a required
 * column is `alwaysFalse`; `int_col < 1.5` is `int_col <= 1`; `int_col = 1.5` is `alwaysFalse`).
 */

import { invalidInput, unsupported } from "../../core/errors/FloeError.js";
import { isPrimitive, typeToString } from "../spec/types.js";
import {
  alwaysFalse,
  alwaysTrue,
  and,
  boundLiteral,
  boundSet,
  boundUnary,
  not,
  notNullOf,
  or,
  type BoundExpression,
  type BoundReference,
  type Expression,
  type LiteralOperation,
  type Predicate,
  type UnboundPredicate,
} from "./Expression.js";
import type { FieldIndex } from "./FieldIndex.js";
import { convertLiteral, describeLiteral } from "./literals.js";

export interface BindOptions {
  /** Match column names exactly (default) or ignoring case. */
  readonly caseSensitive?: boolean;
}

/** Binds every unbound predicate of `expression` to `schema`; bound predicates pass through. */
export function bind(expression: Expression<Predicate>, schema: FieldIndex, options: BindOptions = {}): BoundExpression {
  const caseSensitive = options.caseSensitive ?? true;
  const visit = (e: Expression<Predicate>): BoundExpression => {
    switch (e.kind) {
      case "true":
      case "false":
      case "bound":
        return e;
      case "and":
        return and(visit(e.left), visit(e.right));
      case "or":
        return or(visit(e.left), visit(e.right));
      case "not":
        return not(visit(e.child));
      case "unbound":
        return bindPredicate(e, resolve(e.column, schema, caseSensitive));
    }
  };
  return visit(expression);
}

function resolve(column: string, schema: FieldIndex, caseSensitive: boolean): BoundReference {
  const field = schema.byName(column, caseSensitive);
  if (field === undefined) {
    const similar = caseSensitive ? schema.similarName(column) : undefined;
    const hint = similar === undefined ? "" : ` (did you mean '${similar}'?)`;
    throw invalidInput(`no column named '${column}' in the table schema${hint}`, { column });
  }
  if (field.repeated) {
    throw unsupported(`cannot filter on '${field.name}': it is inside a list or map`, { column: field.name });
  }
  if (!isPrimitive(field.type)) {
    throw invalidInput(`cannot filter on '${field.name}': it is a ${typeToString(field.type)}, not a primitive column`, {
      column: field.name,
    });
  }
  return Object.freeze({ fieldId: field.id, name: field.name, type: field.type, nullable: !field.required });
}

const isFloating = (ref: BoundReference) => ref.type.type === "float" || ref.type.type === "double";

function bindPredicate(p: UnboundPredicate, ref: BoundReference): BoundExpression {
  if (ref.type.type === "unknown") {
    // a column of type unknown holds only nulls
    return p.op === "isNull" ? alwaysTrue() : alwaysFalse();
  }
  switch (p.op) {
    case "isNull":
      return ref.nullable ? boundUnary("isNull", ref) : alwaysFalse();
    case "notNull":
      return notNullOf(ref);
    case "isNaN":
      return isFloating(ref) ? boundUnary("isNaN", ref) : alwaysFalse();
    case "notNaN":
      return isFloating(ref) ? boundUnary("notNaN", ref) : notNullOf(ref);
    case "in":
    case "notIn": {
      const exact: unknown[] = [];
      for (const literal of p.literals) {
        const conversion = convertLiteral(ref.type, literal, ref.name);
        if (conversion.exact) exact.push(conversion.value);
        // a literal the type cannot hold equals no value of the column
      }
      return boundSet(p.op, ref, exact);
    }
    case "startsWith":
    case "notStartsWith":
      if (ref.type.type !== "string") {
        throw invalidInput(`${p.op} needs a string column, but '${ref.name}' is ${typeToString(ref.type)}`, { column: ref.name });
      }
      if (typeof p.literal !== "string") {
        throw invalidInput(`${p.op}('${ref.name}', ...) needs a string prefix, got ${describeLiteral(p.literal)}`, {
          column: ref.name,
        });
      }
      return boundLiteral(p.op, ref, p.literal);
    default:
      return bindComparison(p.op, ref, p.literal);
  }
}

function bindComparison(op: LiteralOperation, ref: BoundReference, literal: Parameters<typeof convertLiteral>[1]): BoundExpression {
  const conversion = convertLiteral(ref.type, literal, ref.name);
  if (conversion.exact) return boundLiteral(op, ref, conversion.value);
  // the literal lies strictly between `below` and `above` (either may not exist)
  switch (op) {
    case "lt":
    case "ltEq":
      return conversion.below === undefined ? alwaysFalse() : boundLiteral("ltEq", ref, conversion.below);
    case "gt":
    case "gtEq":
      return conversion.above === undefined ? alwaysFalse() : boundLiteral("gtEq", ref, conversion.above);
    case "eq":
      return alwaysFalse();
    case "notEq":
      return notNullOf(ref);
    default:
      throw invalidInput(`${op} cannot be applied to '${ref.name}'`, { column: ref.name });
  }
}

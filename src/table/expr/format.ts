/**
 * Readable text of expressions and values, for logs, plans and error messages:
 * `(ts >= 2026-01-01T00:00:00 and id in (1, 2))`.
 */

import { bytesToHex } from "../stats/bytes.js";
import type { PrimitiveType } from "../spec/types.js";
import { civilFromDays } from "../transform/temporal.js";
import type { Expression, Operation, Predicate } from "./Expression.js";
import { describeLiteral } from "./literals.js";

const pad = (n: number | bigint, width: number) => String(n).padStart(width, "0");

function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  const y = year >= 0 && year <= 9999 ? pad(year, 4) : (year < 0 ? "-" : "+") + pad(Math.abs(year), 6);
  return `${y}-${pad(month, 2)}-${pad(day, 2)}`;
}

function formatEpoch(value: bigint, perSecond: bigint, fractionDigits: number): string {
  const perDay = 86_400n * perSecond;
  let days = value / perDay;
  let rest = value % perDay;
  if (rest < 0n) {
    days -= 1n;
    rest += perDay;
  }
  return `${formatDate(Number(days))}T${formatTimeOfDay(rest, perSecond, fractionDigits)}`;
}

function formatTimeOfDay(value: bigint, perSecond: bigint, fractionDigits: number): string {
  const seconds = value / perSecond;
  const fraction = value % perSecond;
  const hms = `${pad(seconds / 3600n, 2)}:${pad((seconds / 60n) % 60n, 2)}:${pad(seconds % 60n, 2)}`;
  return fraction === 0n ? hms : `${hms}.${pad(fraction, fractionDigits)}`;
}

function formatDecimal(unscaled: bigint, scale: number): string {
  if (scale <= 0) return (unscaled * 10n ** BigInt(-scale)).toString();
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** A value of `type` as SQL-like text. */
export function formatValue(type: PrimitiveType, value: unknown): string {
  if (value === null || value === undefined) return "null";
  try {
    switch (type.type) {
      case "date":
        return formatDate(value as number);
      case "time":
        return formatTimeOfDay(value as bigint, 1_000_000n, 6);
      case "timestamp":
        return formatEpoch(value as bigint, 1_000_000n, 6);
      case "timestamptz":
        return `${formatEpoch(value as bigint, 1_000_000n, 6)}+00:00`;
      case "timestamp_ns":
        return formatEpoch(value as bigint, 1_000_000_000n, 9);
      case "timestamptz_ns":
        return `${formatEpoch(value as bigint, 1_000_000_000n, 9)}+00:00`;
      case "decimal":
        return formatDecimal(value as bigint, type.scale);
      case "string":
      case "uuid":
        return `'${String(value).replaceAll("'", "''")}'`;
      case "fixed":
      case "binary":
        return `X'${bytesToHex(value as Uint8Array)}'`;
      default:
        return String(value);
    }
  } catch {
    return describeLiteral(value);
  }
}

const SYMBOL: Partial<Record<Operation, string>> = { lt: "<", ltEq: "<=", gt: ">", gtEq: ">=", eq: "=", notEq: "!=" };

function predicateToString(p: Predicate): string {
  const name = p.kind === "bound" ? p.ref.name : p.column;
  const show = (v: unknown) => (p.kind === "bound" ? formatValue(p.ref.type, v) : describeLiteral(v));
  if ("literals" in p) return `${name} ${p.op === "in" ? "in" : "not in"} (${p.literals.map(show).join(", ")})`;
  if ("literal" in p) {
    const symbol = SYMBOL[p.op];
    return symbol === undefined ? `${p.op}(${name}, ${show(p.literal)})` : `${name} ${symbol} ${show(p.literal)}`;
  }
  return `${p.op}(${name})`;
}

export function exprToString(expression: Expression<Predicate>): string {
  switch (expression.kind) {
    case "true":
      return "true";
    case "false":
      return "false";
    case "and":
      return `(${exprToString(expression.left)} and ${exprToString(expression.right)})`;
    case "or":
      return `(${exprToString(expression.left)} or ${exprToString(expression.right)})`;
    case "not":
      return `not(${exprToString(expression.child)})`;
    default:
      return predicateToString(expression);
  }
}

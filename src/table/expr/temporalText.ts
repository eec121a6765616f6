/**
 * ISO-8601 text of dates, times and timestamps, read to nanoseconds so that a literal of any
 * precision can be compared exactly with a column of any precision.
 */

import { daysFromCivil, daysInMonth } from "../transform/temporal.js";

export const NANOS_PER_SECOND = 1_000_000_000n;
export const NANOS_PER_DAY = 86_400n * NANOS_PER_SECOND;

export interface ParsedInstant {
  /** Nanoseconds since 1970-01-01T00:00 (UTC when an offset was given). */
  readonly nanos: bigint;
  readonly hasOffset: boolean;
}

const DATE_TIME =
  /^([+-]?\d{4,6})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const TIME = /^(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?$/;

function fractionNanos(digits: string | undefined): bigint {
  return digits === undefined ? 0n : BigInt(digits.padEnd(9, "0"));
}

function timeOfDayNanos(h: number, m: number, s: number, fraction: string | undefined): bigint | undefined {
  if (h > 23 || m > 59 || s > 59) return undefined;
  return BigInt(h * 3600 + m * 60 + s) * NANOS_PER_SECOND + fractionNanos(fraction);
}

/** `2026-01-01`, `2026-01-01T10:00`, `2026-01-01 10:00:00.123456789+02:00`, ...; undefined if not one. */
export function parseInstant(text: string): ParsedInstant | undefined {
  const match = DATE_TIME.exec(text.trim());
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, offset] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  let nanos = BigInt(daysFromCivil(year, month, day)) * NANOS_PER_DAY;
  if (h !== undefined) {
    const time = timeOfDayNanos(Number(h), Number(mi), s === undefined ? 0 : Number(s), fraction);
    if (time === undefined) return undefined;
    nanos += time;
  }
  if (offset !== undefined && offset !== "Z" && offset !== "z") {
    const sign = offset[0] === "-" ? -1 : 1;
    const digits = offset.slice(1).replace(":", "");
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 18 || om > 59) return undefined;
    nanos -= BigInt(sign * (oh * 3600 + om * 60)) * NANOS_PER_SECOND;
  }
  return { nanos, hasOffset: offset !== undefined };
}

/** `22:31`, `22:31:08`, `22:31:08.123456` as nanoseconds since midnight; undefined if not one. */
export function parseTimeOfDay(text: string): bigint | undefined {
  const match = TIME.exec(text.trim());
  if (match === null) return undefined;
  const [, h, m, s, fraction] = match;
  return timeOfDayNanos(Number(h), Number(m), s === undefined ? 0 : Number(s), fraction);
}

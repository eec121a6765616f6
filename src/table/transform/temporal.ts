/**
 * Calendar arithmetic on the epoch-based in-memory forms of dates and timestamps, in the proleptic
 * Gregorian calendar and UTC, with floor division so that instants before 1970 land in the right
 * day, hour, month and year.
 */

export const MICROS_PER_HOUR = 3_600_000_000;
export const MICROS_PER_DAY = 86_400_000_000;
export const NANOS_PER_HOUR = 3_600_000_000_000;
export const NANOS_PER_DAY = 86_400_000_000_000;

/** Below this magnitude, a double holds the operand and every product `q * divisor` exactly. */
const EXACT_LIMIT = 2 ** 52;

/** ⌊value / divisor⌋ for a 64-bit value and a positive divisor, as a number. */
export function floorDivide(value: bigint, divisor: number): number {
  const n = Number(value);
  if (n > -EXACT_LIMIT && n < EXACT_LIMIT) {
    let q = Math.floor(n / divisor);
    // the rounded quotient may sit one off across an integer; correct it exactly
    if (q * divisor > n) q -= 1;
    else if ((q + 1) * divisor <= n) q += 1;
    return q;
  }
  const d = BigInt(divisor);
  let q = value / d;
  if (value % d < 0n) q -= 1n;
  return Number(q);
}

/** Months since 1970-01 of the day `days` since 1970-01-01 (negative before). */
export function monthsFromDays(days: number): number {
  // civil-from-days over 400-year eras starting on March 1st (H. Hinnant's algorithm)
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153); // 0 = March
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9; // 1..12
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return (year - 1970) * 12 + (month - 1);
}

export function yearsFromDays(days: number): number {
  return Math.floor(monthsFromDays(days) / 12);
}

/** Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The proleptic Gregorian date of the day `days` since 1970-01-01 (month 1..12). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const months = monthsFromDays(days);
  const year = 1970 + Math.floor(months / 12);
  const month = months - (year - 1970) * 12 + 1;
  return { year, month, day: days - daysFromCivil(year, month, 1) + 1 };
}

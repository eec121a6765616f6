/**
 * Exact conversions between Iceberg's temporal values (days, microseconds,
 * nanoseconds since the epoch or midnight) and their ISO-8601 text. No `Date`
 * objects: they hold milliseconds only and would drop precision.
 */

/** Days since 1970-01-01 of a proleptic Gregorian calendar date. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The calendar date of a day count since 1970-01-01. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

function pad(n: number | bigint, width: number): string {
  return n.toString().padStart(width, "0");
}

function yearText(year: number): string {
  if (year >= 0 && year <= 9999) return pad(year, 4);
  return (year < 0 ? "-" : "+") + pad(Math.abs(year), 4);
}

const DATE_RE = /^([+-]?\d{4,})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;
const OFFSET_RE = /(Z|[+-]\d{2}:?\d{2})$/;

function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const { year: y, month: m, day: d } = civilFromDays(daysFromCivil(year, month, day));
  return y === year && m === month && d === day;
}

/** `YYYY-MM-DD` → days since epoch; undefined when the text is not a valid date. */
export function parseIsoDate(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (!isValidDate(year, month, day)) return undefined;
  return daysFromCivil(year, month, day);
}

export function formatIsoDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${yearText(year)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/**
 * `HH:MM[:SS[.fraction]]` → units since midnight, where `unitsPerSecond` is 10^6 for
 * microseconds or 10^9 for nanoseconds. Undefined when the text is not a valid time
 * or has more fractional digits than the unit holds (non-zero ones).
 */
export function parseIsoTime(text: string, digits: 6 | 9): bigint | undefined {
  const m = TIME_RE.exec(text);
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 23 || min > 59 || s > 59) return undefined;
  let fraction = m[4] ?? "";
  if (fraction.length > digits) {
    if (!/^0*$/.test(fraction.slice(digits))) return undefined;
    fraction = fraction.slice(0, digits);
  }
  const sub = BigInt(fraction.padEnd(digits, "0") || "0");
  const unit = 10n ** BigInt(digits);
  return (BigInt(h * 3600 + min * 60 + s)) * unit + sub;
}

export function formatIsoTime(unitsSinceMidnight: bigint, digits: 6 | 9): string {
  const unit = 10n ** BigInt(digits);
  const seconds = unitsSinceMidnight / unit;
  const sub = unitsSinceMidnight % unit;
  const h = seconds / 3600n;
  const m = (seconds % 3600n) / 60n;
  const s = seconds % 60n;
  return `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(sub, digits)}`;
}

/**
 * An ISO timestamp → units since the epoch. `zone`: "none" rejects an offset,
 * "required" demands one (`Z` or `±HH:MM`, converted to UTC).
 */
export function parseIsoTimestamp(text: string, digits: 6 | 9, zone: "none" | "required"): bigint | undefined {
  let rest = text.trim();
  let offsetMinutes = 0;
  const off = OFFSET_RE.exec(rest);
  // a trailing "-HH:MM" offset never collides with the date because a time part must come first
  if (off && /[T ]\d{2}:\d{2}/.test(rest)) {
    if (zone === "none") return undefined;
    rest = rest.slice(0, off.index);
    const o = off[1];
    if (o !== "Z") {
      const sign = o.startsWith("-") ? -1 : 1;
      const digitsOnly = o.slice(1).replace(":", "");
      offsetMinutes = sign * (Number(digitsOnly.slice(0, 2)) * 60 + Number(digitsOnly.slice(2, 4)));
    }
  } else if (zone === "required") {
    return undefined;
  }
  const sep = rest.search(/[T ]/);
  if (sep < 0) return undefined;
  const days = parseIsoDate(rest.slice(0, sep));
  const time = parseIsoTime(rest.slice(sep + 1), digits);
  if (days === undefined || time === undefined) return undefined;
  const unit = 10n ** BigInt(digits);
  return BigInt(days) * 86400n * unit + time - BigInt(offsetMinutes) * 60n * unit;
}

export function formatIsoTimestamp(unitsSinceEpoch: bigint, digits: 6 | 9, withZone: boolean): string {
  const unitsPerDay = 86400n * 10n ** BigInt(digits);
  let days = unitsSinceEpoch / unitsPerDay;
  let rem = unitsSinceEpoch % unitsPerDay;
  if (rem < 0n) {
    rem += unitsPerDay;
    days -= 1n;
  }
  return `${formatIsoDate(Number(days))}T${formatIsoTime(rem, digits)}${withZone ? "+00:00" : ""}`;
}

/**
 * Lossless JSON for Iceberg metadata.
 *
 * Metadata JSON holds 64-bit ids (snapshot ids, sequence numbers) that a JavaScript
 * number would round, so it is parsed with `lossless-json`: every number stays a
 * `LosslessNumber` (its exact text) until a field reader turns it into a `number`
 * (ints, checked to be safe) or a `bigint` (longs). Serialization writes bigints as
 * bare JSON integers.
 */
import { isLosslessNumber, LosslessNumber, parse, stringify } from "lossless-json";
import { malformed } from "../../core/errors/FloeError.js";

/** Parses JSON text keeping every number as its exact text. */
export function parseJsonLossless(text: string, source: string): unknown {
  try {
    return parse(text);
  } catch (error) {
    throw malformed(`${source}: not valid JSON: ${(error as Error).message}`, { file: source }, error);
  }
}

/**
 * Parses JSON text into plain values: integers a JS number holds exactly become numbers,
 * larger integers bigints, other numbers numbers. For small JSON documents such as Avro
 * schemas, where the lossless form would only get in the way.
 */
export function parseJsonPlain(text: string, source: string): unknown {
  try {
    return parse(text, null, (digits: string) => {
      if (/^-?\d+$/.test(digits)) {
        const n = Number(digits);
        return Number.isSafeInteger(n) ? n : BigInt(digits);
      }
      return Number(digits);
    });
  } catch (error) {
    throw malformed(`${source}: not valid JSON: ${(error as Error).message}`, { file: source }, error);
  }
}

/**
 * Serializes a value whose 64-bit integers are bigints (or LosslessNumbers) without
 * rounding them. `undefined` properties are left out.
 */
export function stringifyJson(value: unknown, space?: number | string): string {
  const text = stringify(value, null, space);
  if (text === undefined) throw new TypeError("value has no JSON form");
  return text;
}

const INTEGER_TEXT = /^-?\d+$/;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/** The exact decimal text of a JSON number, or undefined when the value is not a number. */
export function numberText(value: unknown): string | undefined {
  if (isLosslessNumber(value)) return (value as LosslessNumber).value;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" && Number.isFinite(value)) return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  return undefined;
}

/** A JSON integer as a bigint, exactly; undefined when the value is not an integer. */
export function toBigIntExact(value: unknown): bigint | undefined {
  const text = numberText(value);
  if (text === undefined) return undefined;
  if (INTEGER_TEXT.test(text)) return BigInt(text);
  // "1e3", "5.0": integers written in another form
  const n = Number(text);
  if (Number.isSafeInteger(n)) return BigInt(n);
  return undefined;
}

/** A JSON number as a JS number (for floats and doubles). */
export function toNumber(value: unknown): number | undefined {
  const text = numberText(value);
  return text === undefined ? undefined : Number(text);
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (isLosslessNumber(value)) return (value as LosslessNumber).value;
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return "an array";
  if (value !== null && typeof value === "object") return "an object";
  return JSON.stringify(value);
}

export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !isLosslessNumber(value);
}

/**
 * Typed, error-reporting access to the fields of one JSON object. Every error names
 * the source (usually the metadata file) and the path of the field, e.g.
 * `s3://b/t/metadata/v3.metadata.json: snapshots[2].snapshot-id must be a long, got "x"`.
 */
export class JsonFields {
  readonly source: string;
  readonly path: string;
  readonly value: Record<string, unknown>;

  private constructor(value: Record<string, unknown>, source: string, path: string) {
    this.value = value;
    this.source = source;
    this.path = path;
  }

  /** Wraps `value`, which must be a JSON object; `path` names it in errors ("" for the document root). */
  static of(value: unknown, source: string, path = ""): JsonFields {
    if (!isJsonObject(value)) {
      throw malformed(`${source}: ${path === "" ? "the document" : path} must be a JSON object, got ${describe(value)}`, {
        file: source,
        field: path,
      });
    }
    return new JsonFields(value, source, path);
  }

  /** The full path of a key of this object, for messages. */
  pathOf(key: string): string {
    return this.path === "" ? key : `${this.path}.${key}`;
  }

  /** An error naming the source and the field. */
  error(key: string | undefined, problem: string): Error {
    const where = key === undefined ? (this.path === "" ? "" : `${this.path} `) : `${this.pathOf(key)} `;
    return malformed(`${this.source}: ${where}${problem}`, { file: this.source, field: key === undefined ? this.path : this.pathOf(key) });
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  /** True when the key is present, even with a JSON null. */
  hasKey(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.value, key);
  }

  raw(key: string): unknown {
    return this.value[key];
  }

  private required(key: string, what: string): unknown {
    const v = this.value[key];
    if (v === undefined || v === null) throw this.error(key, `is required (${what}) but is missing`);
    return v;
  }

  string(key: string): string {
    const v = this.required(key, "a string");
    if (typeof v !== "string") throw this.error(key, `must be a string, got ${describe(v)}`);
    return v;
  }

  optString(key: string): string | undefined {
    return this.has(key) ? this.string(key) : undefined;
  }

  bool(key: string): boolean {
    const v = this.required(key, "a boolean");
    if (typeof v !== "boolean") throw this.error(key, `must be a boolean, got ${describe(v)}`);
    return v;
  }

  optBool(key: string): boolean | undefined {
    return this.has(key) ? this.bool(key) : undefined;
  }

  /** A 32-bit integer. */
  int(key: string): number {
    const v = this.required(key, "an int");
    return this.intValue(key, v);
  }

  optInt(key: string): number | undefined {
    return this.has(key) ? this.int(key) : undefined;
  }

  intValue(key: string, v: unknown): number {
    const big = toBigIntExact(v);
    if (big === undefined || big < BigInt(INT32_MIN) || big > BigInt(INT32_MAX)) {
      throw this.error(key, `must be a 32-bit integer, got ${describe(v)}`);
    }
    return Number(big);
  }

  /** A 64-bit integer, exactly. Values beyond the signed range are kept (some writers emit them). */
  long(key: string): bigint {
    const v = this.required(key, "a long");
    return this.longValue(key, v);
  }

  optLong(key: string): bigint | undefined {
    return this.has(key) ? this.long(key) : undefined;
  }

  longValue(key: string, v: unknown): bigint {
    const big = toBigIntExact(v);
    if (big === undefined) throw this.error(key, `must be an integer, got ${describe(v)}`);
    return big;
  }

  /** A millisecond timestamp or duration: an integer that a JS number holds exactly. */
  millis(key: string): number {
    const v = this.required(key, "milliseconds");
    const big = this.longValue(key, v);
    if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw this.error(key, `is out of range for milliseconds: ${big}`);
    }
    return Number(big);
  }

  array(key: string): unknown[] {
    const v = this.required(key, "an array");
    if (!Array.isArray(v)) throw this.error(key, `must be an array, got ${describe(v)}`);
    return v;
  }

  optArray(key: string): unknown[] | undefined {
    return this.has(key) ? this.array(key) : undefined;
  }

  object(key: string): JsonFields {
    const v = this.required(key, "an object");
    if (!isJsonObject(v)) throw this.error(key, `must be an object, got ${describe(v)}`);
    return new JsonFields(v, this.source, this.pathOf(key));
  }

  optObject(key: string): JsonFields | undefined {
    return this.has(key) ? this.object(key) : undefined;
  }

  /** Objects of an array field, each wrapped with its index in the path. */
  objects(key: string): JsonFields[] {
    return this.array(key).map((item, i) => JsonFields.of(item, this.source, `${this.pathOf(key)}[${i}]`));
  }

  optObjects(key: string): JsonFields[] | undefined {
    return this.has(key) ? this.objects(key) : undefined;
  }

  ints(key: string): number[] {
    return this.array(key).map((item, i) => this.intValue(`${key}[${i}]`, item));
  }

  optInts(key: string): number[] | undefined {
    return this.has(key) ? this.ints(key) : undefined;
  }

  /** A string → string map; non-string values are an error. */
  stringMap(key: string): Record<string, string> {
    const obj = this.object(key);
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(obj.value)) {
      if (typeof v !== "string") throw obj.error(k, `must be a string, got ${describe(v)}`);
      out[k] = v;
    }
    return out;
  }

  optStringMap(key: string): Record<string, string> | undefined {
    return this.has(key) ? this.stringMap(key) : undefined;
  }
}

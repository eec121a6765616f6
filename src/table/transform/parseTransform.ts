import { invalidInput } from "../../core/errors/FloeError.js";
import { BucketTransform } from "./BucketTransform.js";
import { IdentityTransform } from "./IdentityTransform.js";
import { TemporalTransform } from "./TemporalTransform.js";
import type { Transform } from "./Transform.js";
import { TruncateTransform } from "./TruncateTransform.js";
import { UnknownTransform } from "./UnknownTransform.js";
import { VoidTransform } from "./VoidTransform.js";

const WITH_PARAMETER = /^(\w+)\[(\d+)\]$/;
const INT_MAX = 2147483647;
const cache = new Map<string, Transform>();

function parameter(name: string, digits: string, text: string): number {
  const n = Number(digits);
  if (!Number.isSafeInteger(n) || n <= 0 || n > INT_MAX) {
    throw invalidInput(`invalid partition transform '${text}': ${name} needs a whole number from 1 to ${INT_MAX}`, {
      transform: text,
    });
  }
  return n;
}

function parse(text: string): Transform {
  const match = WITH_PARAMETER.exec(text);
  if (match !== null) {
    const name = match[1].toLowerCase();
    if (name === "bucket") return new BucketTransform(parameter("bucket", match[2], text));
    if (name === "truncate") return new TruncateTransform(parameter("truncate", match[2], text));
    return new UnknownTransform(text);
  }
  switch (text.toLowerCase()) {
    case "identity":
      return IdentityTransform.instance;
    case "year":
      return TemporalTransform.year;
    case "month":
      return TemporalTransform.month;
    case "day":
      return TemporalTransform.day;
    case "hour":
      return TemporalTransform.hour;
    case "void":
      return VoidTransform.instance;
    default:
      // the spec asks readers to ignore partition fields with transforms they do not know
      return new UnknownTransform(text);
  }
}

/**
 * Reads a transform's string form (`identity`, `bucket[16]`, `truncate[10]`, `year`, `month`,
 * `day`, `hour`, `void`; names are case-insensitive). An unrecognized name gives an
 * `UnknownTransform`; a known name with a bad parameter (`bucket[0]`) is an error.
 */
export function parseTransform(text: string): Transform {
  let transform = cache.get(text);
  if (transform === undefined) {
    transform = parse(text);
    if (cache.size < 10_000) cache.set(text, transform);
  }
  return transform;
}

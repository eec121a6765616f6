/**
 * Decoding of stored lower/upper bounds for pruning. Unlike `deserializeValue`, these never throw:
 * a bound that cannot be trusted is reported as absent (`undefined`), which makes every caller
 * fall back to "might match".
 */

import type { PrimitiveType } from "../spec/types.js";
import { deserializeValue } from "./singleValue.js";
import { decodeUtf8Strict } from "./unicode.js";

function usable(value: unknown): unknown {
  // a NaN bound says nothing about the other values (ORC writes NaN bounds when a NaN comes first)
  return typeof value === "number" && value !== value ? undefined : value;
}

/**
 * A lower bound, or `undefined` when it is missing or unreadable. A string bound cut inside a
 * multi-byte character is shortened to its valid prefix, which is still a lower bound.
 */
export function decodeLowerBound(type: PrimitiveType, bytes: Uint8Array | null | undefined): unknown {
  if (bytes === null || bytes === undefined) return undefined;
  try {
    return usable(deserializeValue(type, bytes));
  } catch {
    if (type.type === "string") {
      for (let cut = 1; cut <= 3 && cut <= bytes.length; cut++) {
        try {
          return decodeUtf8Strict(bytes.subarray(0, bytes.length - cut));
        } catch {
          // try a shorter prefix
        }
      }
    }
    return undefined;
  }
}

/** An upper bound, or `undefined` when it is missing or unreadable. */
export function decodeUpperBound(type: PrimitiveType, bytes: Uint8Array | null | undefined): unknown {
  if (bytes === null || bytes === undefined) return undefined;
  try {
    return usable(deserializeValue(type, bytes));
  } catch {
    return undefined;
  }
}

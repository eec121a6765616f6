import { FloeError, invalidInput } from "../core/errors/FloeError.js";

/** Rejects a negative, fractional or unsafe offset or length before any store is asked. */
export function checkRange(path: string, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw invalidInput(`invalid byte range (offset ${offset}, length ${length}) for ${path}`, { path, offset, length });
  }
}

/** The error for a range that reaches past the end of a file of `size` bytes. */
export function rangePastEnd(path: string, offset: number, length: number, size?: number): FloeError {
  const of = size === undefined ? "" : ` of ${size} bytes`;
  return invalidInput(`byte range ${offset}..${offset + length} reaches past the end of ${path}${of}`, {
    path,
    offset,
    length,
    ...(size === undefined ? {} : { size }),
  });
}

/**
 * Pagination of list responses (`pageToken`, `pageSize`): the token is the offset of the next
 * page, opaque to clients. Without `pageSize` everything comes in one page.
 */
import { badRequest } from "./errors.js";

export interface Page<T> {
  items: T[];
  /** Present when more items follow. */
  nextPageToken?: string;
}

export function paginate<T>(items: readonly T[], query: URLSearchParams): Page<T> {
  const token = query.get("pageToken");
  const size = query.get("pageSize");
  const start = token === null || token === "" ? 0 : parseCount(token, "pageToken", 0);
  const pageSize = size === null || size === "" ? undefined : parseCount(size, "pageSize", 1);
  if (pageSize === undefined) return { items: items.slice(start) };
  const end = start + pageSize;
  return { items: items.slice(start, end), ...(end < items.length ? { nextPageToken: String(end) } : {}) };
}

function parseCount(text: string, name: string, min: number): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < min) throw badRequest(`${name} ${JSON.stringify(text)} is not valid (expected an integer >= ${min})`);
  return Number(text);
}

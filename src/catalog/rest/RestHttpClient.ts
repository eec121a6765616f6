/**
 * HTTP for a REST catalog over the global `fetch`: JSON bodies written with bigints intact and
 * read losslessly, the `Authorization` header from `RestAuth`, failures turned into FloeErrors
 * (`restErrors.ts`).
 *
 * Retries only where repeating cannot apply something twice: GET and HEAD after a lost
 * connection, a 429 or a 503, with bounded exponential backoff (a `Retry-After` in seconds is
 * honoured up to the cap). A 419 (token expired) fetches a new token and repeats any request
 * once, since the server refused it before acting on it. POSTs and DELETEs are otherwise sent once.
 */
import { FloeError } from "../../core/errors/FloeError.js";
import { parseJsonLossless, stringifyJson } from "../../table/spec/json.js";
import type { RestAuth } from "./RestAuth.js";
import { networkError, responseError, type ErrorMapping } from "./restErrors.js";

export type HttpMethod = "GET" | "HEAD" | "POST" | "DELETE";

export interface RetryPolicy {
  /** Further attempts after the first; default 3. */
  retries: number;
  /** The first wait; it doubles each time. Default 100 ms. */
  minDelayMs: number;
  /** No wait is longer. Default 5000 ms. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 3, minDelayMs: 100, maxDelayMs: 5000 };

export interface RestHttpClientOptions {
  auth: RestAuth;
  retry?: Partial<RetryPolicy>;
  /** Sent with every request (e.g. `X-Iceberg-Access-Delegation`). */
  headers?: Record<string, string>;
  /** Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
}

export interface RestRequest {
  method: HttpMethod;
  /** An absolute URL. */
  url: string;
  /** A JSON body (bigints stay exact). */
  body?: unknown;
  mapping: ErrorMapping;
  /** Statuses that are answers rather than failures (e.g. 404 for an existence check). */
  accept?: readonly number[];
}

export interface RestResponse {
  status: number;
  /** The parsed (lossless) JSON body; undefined for an empty one. */
  json: unknown;
}

const RETRIED_STATUSES = new Set([429, 503]);

export class RestHttpClient {
  private readonly auth: RestAuth;
  private readonly retry: RetryPolicy;
  private readonly headers: Record<string, string>;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: RestHttpClientOptions) {
    this.auth = options.auth;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.headers = options.headers ?? {};
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async send(request: RestRequest): Promise<RestResponse> {
    const safe = request.method === "GET" || request.method === "HEAD";
    let reauthenticated = false;
    for (let attempt = 0; ; attempt++) {
      const canRetry = safe && attempt < this.retry.retries;
      const init = await this.init(request);
      let response: Response;
      try {
        response = await fetch(request.url, init);
      } catch (error) {
        if (canRetry) {
          await this.sleep(this.delay(attempt));
          continue;
        }
        throw networkError(error, request.mapping, request.url);
      }
      const status = response.status;
      if (status === 419 && !reauthenticated && this.auth.invalidate()) {
        await response.body?.cancel();
        reauthenticated = true;
        attempt--;
        continue;
      }
      if (canRetry && RETRIED_STATUSES.has(status)) {
        await response.body?.cancel();
        await this.sleep(this.delay(attempt, response.headers.get("retry-after")));
        continue;
      }
      const text = request.method === "HEAD" ? "" : await response.text();
      if (response.ok || request.accept?.includes(status)) {
        return { status, json: text.trim() === "" ? undefined : parseJsonLossless(text, `${request.mapping.subject}: response`) };
      }
      throw responseError(status, text, request.mapping, request.url);
    }
  }

  private async init(request: RestRequest): Promise<RequestInit> {
    const headers: Record<string, string> = { Accept: "application/json", ...this.headers, ...(await this.auth.headers()) };
    const init: RequestInit = { method: request.method, headers };
    if (request.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = stringifyJson(request.body);
    }
    return init;
  }

  private delay(attempt: number, retryAfter?: string | null): number {
    const seconds = retryAfter == null ? NaN : Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds * 1000, this.retry.maxDelayMs);
    const backoff = Math.min(this.retry.minDelayMs * 2 ** attempt, this.retry.maxDelayMs);
    // jitter spreads clients that failed together
    return backoff / 2 + Math.random() * (backoff / 2);
  }
}

/** A response body that must be there. */
export function requireBody(response: RestResponse, mapping: ErrorMapping): unknown {
  if (response.json === undefined) throw new FloeError("malformed", `${mapping.subject}: the server answered HTTP ${response.status} with no body`);
  return response.json;
}

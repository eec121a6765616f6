/**
 * The `Authorization` header of a REST catalog's requests: a fixed bearer token, or one fetched
 * with OAuth2 client credentials (`credential: "id:secret"`, form-encoded
 * `grant_type=client_credentials` to the token endpoint) and fetched again shortly before it
 * expires or when the server says it has (419). Secrets never appear in messages.
 */
import { FloeError } from "../../core/errors/FloeError.js";
import { isJsonObject, parseJsonPlain } from "../../table/spec/json.js";

export interface RestAuthOptions {
  /** A bearer token used as it is. */
  token?: string;
  /** `client_id:client_secret` (or just a secret) for the client-credentials grant. */
  credential?: string;
  /** The token endpoint; default `<uri>/v1/oauth/tokens`. */
  tokenEndpoint: string;
  /** The scope asked for; default `catalog`. */
  scope?: string;
  /** Fetch a new token this long before the current one expires; default 60 s (or a tenth of a shorter lifetime). */
  refreshMarginMs?: number;
  /** Default `Date.now`. */
  clock?: () => number;
}

interface CurrentToken {
  value: string;
  /** When it expires (ms since the epoch); undefined when the server did not say. */
  expiresAt?: number;
  lifetimeMs?: number;
}

export class RestAuth {
  private readonly options: RestAuthOptions;
  private current: CurrentToken | undefined;
  private pending: Promise<CurrentToken> | undefined;

  constructor(options: RestAuthOptions) {
    this.options = options;
    if (options.token !== undefined && options.token !== "") this.current = { value: options.token };
  }

  /** True when a new token can be fetched (client credentials are configured). */
  get canReauthenticate(): boolean {
    return this.options.credential !== undefined && this.options.credential !== "";
  }

  /** The headers that authenticate a request; none when no token or credential is configured. */
  async headers(): Promise<Record<string, string>> {
    const token = await this.token();
    return token === undefined ? {} : { Authorization: `Bearer ${token}` };
  }

  /** Drops the current token so the next request fetches a new one; false when there is no way to. */
  invalidate(): boolean {
    if (!this.canReauthenticate) return false;
    this.current = undefined;
    return true;
  }

  private async token(): Promise<string | undefined> {
    if (this.current !== undefined && !this.expiresSoon(this.current)) return this.current.value;
    if (!this.canReauthenticate) return this.current?.value;
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined;
    });
    this.current = await this.pending;
    return this.current.value;
  }

  private expiresSoon(token: CurrentToken): boolean {
    if (token.expiresAt === undefined) return false;
    const clock = this.options.clock ?? Date.now;
    const margin = Math.min(this.options.refreshMarginMs ?? 60_000, (token.lifetimeMs ?? Infinity) / 10);
    return clock() >= token.expiresAt - margin;
  }

  private async fetchToken(): Promise<CurrentToken> {
    const credential = this.options.credential ?? "";
    const colon = credential.indexOf(":");
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    if (colon >= 0) form.set("client_id", credential.slice(0, colon));
    form.set("client_secret", colon >= 0 ? credential.slice(colon + 1) : credential);
    form.set("scope", this.options.scope ?? "catalog");
    const endpoint = this.options.tokenEndpoint;
    let response: Response;
    try {
      response = await fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body: form.toString(),
      });
    } catch (error) {
      throw new FloeError("io", `OAuth2 token request to ${endpoint} got no answer (${(error as Error).message})`, { cause: error });
    }
    const text = await response.text();
    if (!response.ok) {
      throw new FloeError("unauthorized", `OAuth2 token request to ${endpoint} was refused: HTTP ${response.status}${oauthErrorText(text)}`, {
        context: { status: response.status, url: endpoint },
      });
    }
    let body: unknown;
    try {
      body = parseJsonPlain(text, "OAuth2 token response");
    } catch {
      body = undefined;
    }
    if (!isJsonObject(body) || typeof body.access_token !== "string" || body.access_token === "") {
      throw new FloeError("unauthorized", `OAuth2 token response from ${endpoint} has no access_token`, { context: { url: endpoint } });
    }
    const expiresIn = Number(body.expires_in);
    const clock = this.options.clock ?? Date.now;
    if (!Number.isFinite(expiresIn) || expiresIn <= 0) return { value: body.access_token };
    return { value: body.access_token, expiresAt: clock() + expiresIn * 1000, lifetimeMs: expiresIn * 1000 };
  }
}

/** `: <error>: <description>` from an OAuth2 error body (RFC 6749 §5.2), without echoing anything else. */
function oauthErrorText(text: string): string {
  try {
    const body = parseJsonPlain(text, "OAuth2 error");
    if (isJsonObject(body)) {
      const parts = [body.error, body.error_description].filter((part): part is string => typeof part === "string");
      if (parts.length > 0) return `: ${parts.join(": ")}`;
      if (isJsonObject(body.error) && typeof body.error.message === "string") return `: ${body.error.message}`;
    }
  } catch {
    // an unreadable body adds nothing
  }
  return "";
}

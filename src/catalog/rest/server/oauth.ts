/**
 * Bearer-token authentication and the OAuth2 client-credentials token endpoint
 * (`POST /v1/oauth/tokens`). Static tokens come from the configuration; issued tokens are
 * random, held in memory, and expire.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { notAuthorized, RestError } from "./errors.js";

export interface AuthOptions {
  /** Bearer tokens accepted as they are. */
  tokens?: string[];
  /** Clients that may get tokens with the client-credentials grant. */
  clients?: { id: string; secret: string }[];
  /** How long issued tokens live, in seconds (default 3600). */
  tokenLifetimeSeconds?: number;
}

/** An OAuth2 error response (`{"error", "error_description"}`), as RFC 6749 §5.2 has it. */
export class OAuthError extends Error {
  readonly status: number;
  readonly error: string;

  constructor(status: number, error: string, description: string) {
    super(description);
    this.status = status;
    this.error = error;
  }
}

const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class TokenAuthority {
  private readonly staticTokens: string[];
  private readonly clients: { id: string; secret: string }[];
  private readonly lifetimeSeconds: number;
  private readonly issued = new Map<string, number>();
  private readonly now: () => number;

  constructor(options: AuthOptions, now: () => number = Date.now) {
    this.staticTokens = options.tokens ?? [];
    this.clients = options.clients ?? [];
    this.lifetimeSeconds = options.tokenLifetimeSeconds ?? 3600;
    this.now = now;
  }

  /** Throws a 401 unless `header` is `Bearer <a valid token>`. */
  authenticate(header: string | undefined): void {
    if (header === undefined || header.trim() === "") throw notAuthorized("the request has no Authorization header; send Authorization: Bearer <token>");
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw notAuthorized("the Authorization header is not a bearer token");
    if (!this.valid(match[1])) throw notAuthorized("the bearer token is not valid or has expired");
  }

  private valid(token: string): boolean {
    if (this.staticTokens.some((known) => sameSecret(known, token))) return true;
    const expiry = this.issued.get(token);
    if (expiry === undefined) return false;
    if (expiry <= this.now()) {
      this.issued.delete(token);
      return false;
    }
    return true;
  }

  /** The client-credentials grant: form fields in, token response out; OAuthErrors for bad requests. */
  grant(form: URLSearchParams): Record<string, unknown> {
    const grantType = form.get("grant_type");
    if (grantType === null) throw new OAuthError(400, "invalid_request", "grant_type is required");
    if (grantType !== "client_credentials") throw new OAuthError(400, "unsupported_grant_type", `grant type ${JSON.stringify(grantType)} is not supported; use client_credentials`);
    const id = form.get("client_id");
    const secret = form.get("client_secret");
    if (id === null || secret === null) throw new OAuthError(400, "invalid_request", "client_id and client_secret are required");
    const client = this.clients.find((c) => c.id === id);
    if (client === undefined || !sameSecret(client.secret, secret)) throw new OAuthError(401, "invalid_client", "unknown client or wrong secret");
    this.dropExpired();
    const token = randomBytes(32).toString("base64url");
    this.issued.set(token, this.now() + this.lifetimeSeconds * 1000);
    const scope = form.get("scope");
    return {
      access_token: token,
      token_type: "bearer",
      expires_in: this.lifetimeSeconds,
      issued_token_type: ACCESS_TOKEN_TYPE,
      ...(scope === null ? {} : { scope }),
    };
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [token, expiry] of this.issued) if (expiry <= now) this.issued.delete(token);
  }
}

/** The token endpoint takes form-encoded bodies only. */
export function requireFormContentType(type: string | undefined): void {
  if (type === undefined || !/^application\/x-www-form-urlencoded\b/i.test(type.trim())) {
    throw new RestError(415, "UnsupportedMediaTypeException", `the token endpoint takes application/x-www-form-urlencoded, got ${type ?? "no content type"}`);
  }
}

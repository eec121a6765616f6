/**
 * One error type with kinds, so callers branch on `kind` rather than on message text
 * (the shape of iceberg-rust's `Error { kind, message, source }`).
 */
export type FloeErrorKind =
  /** The user gave something wrong: a bad flag, a malformed query, a row that breaks the schema. */
  | "invalid-input"
  /** A table, namespace, file or snapshot that was asked for does not exist. */
  | "not-found"
  /** Something that must not exist yet already does. */
  | "already-exists"
  /** A commit lost a race or its requirements no longer hold; retrying may succeed. */
  | "commit-conflict"
  /** The state of a commit is unknown (e.g. the connection dropped mid-swap); never retried blindly. */
  | "commit-state-unknown"
  /** A file is present but not what the format says it must be. */
  | "malformed"
  /** A valid feature of the format or protocol that floe does not implement. */
  | "unsupported"
  /** Credentials missing or refused. */
  | "unauthorized"
  /** A remote system or the local OS failed; may be transient. */
  | "io"
  /** A bug in floe. */
  | "internal";

export class FloeError extends Error {
  readonly kind: FloeErrorKind;
  /** Extra structured context: file path, column name, row number, ... */
  readonly context: Record<string, unknown>;

  constructor(kind: FloeErrorKind, message: string, options: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "FloeError";
    this.kind = kind;
    this.context = options.context ?? {};
  }

  /** Errors a caller may retry without risk of applying something twice. */
  get retryable(): boolean {
    return this.kind === "commit-conflict" || this.kind === "io";
  }
}

export function invalidInput(message: string, context?: Record<string, unknown>): FloeError {
  return new FloeError("invalid-input", message, { context });
}

export function notFound(message: string, context?: Record<string, unknown>): FloeError {
  return new FloeError("not-found", message, { context });
}

export function malformed(message: string, context?: Record<string, unknown>, cause?: unknown): FloeError {
  return new FloeError("malformed", message, { context, cause });
}

export function unsupported(message: string, context?: Record<string, unknown>): FloeError {
  return new FloeError("unsupported", message, { context });
}

export function isFloeError(error: unknown, kind?: FloeErrorKind): error is FloeError {
  return error instanceof FloeError && (kind === undefined || error.kind === kind);
}

/**
 * The REST protocol's error model (`{"error": {"message", "type", "code"}}`) as FloeErrors.
 * The status decides the kind, refined by the endpoint (a 409 on a create is `already-exists`,
 * on a commit `commit-conflict`) and by the exception type when the server names a known one.
 * Messages start with what the request was about (the table or namespace) and keep the
 * server's own message.
 */
import { FloeError, type FloeErrorKind } from "../../core/errors/FloeError.js";
import { isJsonObject, parseJsonLossless } from "../../table/spec/json.js";

/** How one kind of request reads failures. */
export interface ErrorMapping {
  /** What the request was about, e.g. `create table sales.orders`; starts every message. */
  subject: string;
  /** The kind of a 409 when the exception type does not say; default `already-exists`. */
  conflict?: FloeErrorKind;
  /** A commit: 5xx and lost connections are `commit-state-unknown` rather than `io`. */
  commit?: boolean;
}

/** The error body a server sent, as far as it could be read. */
export interface ErrorModel {
  message?: string;
  type?: string;
  code?: number;
}

/** Exception types whose meaning is clearer than their status. */
const KIND_BY_TYPE: Record<string, FloeErrorKind> = {
  CommitFailedException: "commit-conflict",
  CommitStateUnknownException: "commit-state-unknown",
  AlreadyExistsException: "already-exists",
  NamespaceNotEmptyException: "invalid-input",
  NoSuchNamespaceException: "not-found",
  NoSuchTableException: "not-found",
  NoSuchViewException: "not-found",
  NotFoundException: "not-found",
  UnsupportedOperationException: "unsupported",
};

/** Reads an error body; anything that is not the error model gives what text there is. */
export function parseErrorModel(text: string): ErrorModel {
  if (text.trim() === "") return {};
  try {
    const json = parseJsonLossless(text, "error response");
    const error = isJsonObject(json) ? json.error : undefined;
    if (isJsonObject(error)) {
      const code = Number(String(error.code ?? ""));
      return {
        message: typeof error.message === "string" ? error.message : undefined,
        type: typeof error.type === "string" ? error.type : undefined,
        code: Number.isInteger(code) ? code : undefined,
      };
    }
  } catch {
    // not JSON: the text itself is the best message there is
  }
  return { message: text.length > 500 ? `${text.slice(0, 500)}...` : text };
}

/** The FloeError kind for a failed response. */
export function errorKind(status: number, model: ErrorModel, mapping: ErrorMapping): FloeErrorKind {
  const byType = model.type === undefined ? undefined : KIND_BY_TYPE[model.type];
  if (status >= 500 || status === 0) {
    if (mapping.commit) return "commit-state-unknown";
    return "io";
  }
  if (status === 409) {
    if (byType === "commit-conflict" || byType === "already-exists" || byType === "invalid-input") return byType;
    return mapping.conflict ?? "already-exists";
  }
  switch (status) {
    case 400:
    case 422:
      return "invalid-input";
    case 401:
    case 403:
    case 419:
      return "unauthorized";
    case 404:
      return "not-found";
    case 406:
    case 501:
      return "unsupported";
    default:
      if (byType !== undefined) return byType;
      return status === 429 ? "io" : "invalid-input";
  }
}

/** The FloeError for a failed response: kind as above, message naming the subject and keeping the server's words. */
export function responseError(status: number, body: string, mapping: ErrorMapping, url: string): FloeError {
  const model = parseErrorModel(body);
  const kind = errorKind(status, model, mapping);
  const detail = model.message ?? `HTTP ${status}`;
  const type = model.type === undefined ? "" : ` (${model.type})`;
  const unknown = kind === "commit-state-unknown" ? "; the commit may or may not have happened" : "";
  return new FloeError(kind, `${mapping.subject}: ${detail}${type} [HTTP ${status}]${unknown}`, {
    context: { status, type: model.type, url },
  });
}

/** The FloeError for a request that got no response (connection refused, reset, timed out). */
export function networkError(error: unknown, mapping: ErrorMapping, url: string): FloeError {
  const reason = error instanceof Error ? (error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message) : String(error);
  if (mapping.commit) {
    return new FloeError("commit-state-unknown", `${mapping.subject}: no answer from ${url} (${reason}); the commit may or may not have happened`, {
      cause: error,
      context: { url },
    });
  }
  return new FloeError("io", `${mapping.subject}: no answer from ${url} (${reason})`, { cause: error, context: { url } });
}

/**
 * The REST catalog's error model: every failure answers `{"error": {"message", "type", "code"}}`
 * with the status and exception type the Iceberg REST protocol assigns. Bad input is always a
 * 4xx; a 5xx means the server itself failed or cannot tell whether a commit happened.
 */
import { FloeError, isFloeError } from "../../../core/errors/FloeError.js";
import type { TableIdentifier } from "../../Catalog.js";
import { errorObject, namespaceDoesNotExist, namespaceText, protocolMessage, tableDoesNotExist } from "./protocolMessages.js";

/** An error that already knows its HTTP status and protocol exception type. */
export class RestError extends Error {
  readonly status: number;
  readonly type: string;
  /** Extra response headers (e.g. `Allow` on a 405, `WWW-Authenticate` on a 401). */
  readonly headers: Record<string, string>;

  constructor(status: number, type: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = "RestError";
    this.status = status;
    this.type = type;
    this.headers = headers;
  }
}

export const badRequest = (message: string) => new RestError(400, "BadRequestException", message);
export const notAuthorized = (message: string) =>
  new RestError(401, "NotAuthorizedException", message, { "WWW-Authenticate": 'Bearer realm="iceberg"' });
export const noSuchNamespace = (namespace: readonly string[]) => new RestError(404, "NoSuchNamespaceException", namespaceDoesNotExist(namespace));
export const noSuchTable = (identifier: TableIdentifier) =>
  new RestError(404, "NoSuchTableException", tableDoesNotExist(`${namespaceText(identifier.namespace)}.${identifier.name}`));

export interface ErrorModel {
  message: string;
  type: string;
  code: number;
}

/** What kind of object a request was about, to name the right 404/409 type. */
export type Subject = "namespace" | "table";

/**
 * The status and type for any error a handler threw: RestErrors carry theirs, FloeErrors map
 * by kind, anything else is a 500.
 */
export function toErrorModel(error: unknown, subject: Subject | undefined): { model: ErrorModel; headers: Record<string, string> } {
  if (error instanceof RestError) return { model: { message: error.message, type: error.type, code: error.status }, headers: error.headers };
  if (isFloeError(error)) {
    const [code, type] = floeStatus(error, subject);
    return { model: { message: protocolMessage(error) ?? error.message, type, code }, headers: {} };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { model: { message: `internal error: ${message}`, type: "InternalServerError", code: 500 }, headers: {} };
}

function floeStatus(error: FloeError, subject: Subject | undefined): [number, string] {
  switch (error.kind) {
    case "invalid-input":
    case "malformed":
      return [400, "BadRequestException"];
    case "not-found": {
      // a missing file (a table's metadata file gone from storage) is neither a missing table nor namespace
      const object = errorObject(error)?.kind;
      if (object === "file") return [404, "NotFoundException"];
      if (object === "namespace") return [404, "NoSuchNamespaceException"];
      // the catalog names the missing object first: "namespace x does not exist", "table x.y does not exist"
      return subject === "table" && !/^namespace\b/i.test(error.message) ? [404, "NoSuchTableException"] : [404, "NoSuchNamespaceException"];
    }
    case "already-exists":
      return [409, "AlreadyExistsException"];
    case "commit-conflict":
      return [409, "CommitFailedException"];
    case "commit-state-unknown":
      return [504, "CommitStateUnknownException"];
    case "unsupported":
      return [406, "UnsupportedOperationException"];
    case "unauthorized":
      return [401, "NotAuthorizedException"];
    case "io":
      return [503, "ServiceUnavailableException"];
    default:
      return [500, "InternalServerError"];
  }
}

/** Runs `parse` and turns any FloeError it throws into a 400: whatever a request body holds is the client's input. */
export function parseInput<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof FloeError) throw badRequest(error.message);
    throw error;
  }
}

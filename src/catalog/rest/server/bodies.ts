/**
 * Reading request bodies and writing responses: bodies are read up to a size limit (413
 * beyond it) and parsed losslessly, so 64-bit ids in commits keep every digit; responses are
 * serialized with bigints as bare JSON integers.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { JsonFields, parseJsonLossless, stringifyJson } from "../../../table/spec/json.js";
import { badRequest, parseInput, RestError } from "./errors.js";

/** The default largest request body: 10 MiB. */
export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

/** Reads the whole body as UTF-8 text; a body over `limit` bytes is a 413 (read no further). */
export async function readBodyText(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers["content-length"] ?? "0");
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function tooLarge(limit: number): RestError {
  return new RestError(413, "RequestEntityTooLargeException", `request body is larger than the limit of ${limit} bytes`);
}

/** A JSON request body must say it is JSON when it says anything (415 otherwise). */
export function requireJsonContentType(request: IncomingMessage): void {
  const type = request.headers["content-type"];
  if (type === undefined || type.trim() === "") return;
  if (!/^application\/([\w.+-]*\+)?json\b/i.test(type.trim())) {
    throw new RestError(415, "UnsupportedMediaTypeException", `request body must be application/json, got ${type}`);
  }
}

/** Parses a JSON object body; anything else is a 400 naming what was wrong. */
export function parseJsonObject(text: string, what: string): JsonFields {
  if (text.trim() === "") throw badRequest(`${what}: the request has no body`);
  return parseInput(() => JsonFields.of(parseJsonLossless(text, what), what));
}

/** An array of non-empty strings (a namespace): 400 otherwise. */
export function stringArray(fields: JsonFields, key: string): string[] {
  const value = parseInput(() => fields.array(key));
  if (!value.every((level) => typeof level === "string")) throw badRequest(`${fields.source}: ${fields.pathOf(key)} must be an array of strings`);
  return value as string[];
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = stringifyJson(body);
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers });
  response.end(text);
}

export function sendNoContent(response: ServerResponse, status = 204): void {
  response.writeHead(status);
  response.end();
}

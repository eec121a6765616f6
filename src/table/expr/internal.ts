import { FloeError } from "../../core/errors/FloeError.js";

export function internalError(message: string): FloeError {
  return new FloeError("internal", message);
}

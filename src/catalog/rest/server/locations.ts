/**
 * Where clients may put tables: a location a request names (a new table's `location`, a
 * `set-location` update, a namespace's `location` property, a registered metadata file) must
 * lie under one of the allowed roots (default: the warehouse) and must not climb out of it
 * with `.` or `..` segments. Anything else is a 400.
 */
import { badRequest } from "./errors.js";

export class LocationPolicy {
  private readonly roots: string[];

  /** `roots`: local directories or URIs (`s3://bucket/prefix`); trailing slashes do not matter. */
  constructor(roots: readonly string[]) {
    this.roots = roots.map((root) => normalize(root).replace(/\/+$/, ""));
  }

  /** Throws a 400 naming `what` unless `location` is inside an allowed root. */
  check(location: string, what: string): void {
    if (location.trim() === "") throw badRequest(`${what} must not be empty`);
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1F\x7F]/.test(location)) throw badRequest(`${what} ${JSON.stringify(location)} contains a control character`);
    const path = normalize(location);
    const segments = path.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "").split(/[/\\]/);
    if (segments.some((segment) => segment === ".." || segment === ".")) {
      throw badRequest(`${what} ${JSON.stringify(location)} contains "." or ".." segments`);
    }
    if (!this.roots.some((root) => path === root || path.startsWith(`${root}/`))) {
      throw badRequest(`${what} ${JSON.stringify(location)} is outside the warehouse (${this.roots.join(", ")})`);
    }
  }
}

/** `file:///a/b` and `file:/a/b` → `/a/b`, so local paths compare with the warehouse directory. */
function normalize(location: string): string {
  const text = location.trim();
  const file = /^file:(\/\/)?(\/.*)$/i.exec(text);
  return file ? file[2] : text;
}

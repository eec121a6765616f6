import { invalidInput } from "../core/errors/FloeError.js";
import { normalizeLocation } from "./location.js";

/** Files once under `from` are now under `to`. */
export interface PathMapping {
  from: string;
  to: string;
}

/**
 * Rewrites locations by prefix: the rules behind PathRelocator.
 *
 * A mapping applies to `from` itself and to everything below it as a directory: `s3://b/wh` maps
 * `s3://b/wh/t/x` but not `s3://b/wh2/x`. When several apply, the longest `from` wins. Matching
 * ignores spelling differences of one place (`file:///p`, `file:/p` and `/p`; `s3a://`, `s3n://` and
 * `s3://`; `./p` and `p`); locations other writers produce that are not valid local paths, such as
 * `file://data/x` (a `file:` URI around a relative path), are matched as written. The result is `to` followed by the rest of the location. Locations no mapping covers are
 * returned unchanged.
 */
export class LocationMapper {
  readonly mappings: readonly PathMapping[];
  private readonly rules: Array<{ from: string; to: string }>;

  constructor(mappings: readonly PathMapping[]) {
    for (const mapping of mappings) {
      if (mapping.from === "" || mapping.to === "") {
        throw invalidInput(`a relocation needs a non-empty FROM and TO, got "${mapping.from}" → "${mapping.to}"`);
      }
    }
    this.mappings = [...mappings];
    this.rules = mappings
      .map((mapping) => ({ from: trimSlash(normalizeLocation(mapping.from)), to: trimSlash(mapping.to) }))
      .sort((a, b) => b.from.length - a.from.length);
  }

  /**
   * A mapping from its `FROM=TO` spelling. When the text holds more than one `=` (Hive-style
   * partition directories such as `dt=2024-01-01`), it is split at the first `=` followed by
   * something that starts a location (`/`, `./`, `../`, `~` or `scheme:`).
   */
  static parseMapping(spec: string): PathMapping {
    const candidates: number[] = [];
    for (let i = spec.indexOf("="); i !== -1; i = spec.indexOf("=", i + 1)) candidates.push(i);
    const split =
      candidates.length <= 1
        ? candidates[0]
        : (candidates.find((i) => /^(\/|\.\.?\/|~|[a-zA-Z][a-zA-Z0-9+.-]+:)/.test(spec.slice(i + 1))) ?? candidates[0]);
    const from = split === undefined ? "" : spec.slice(0, split).trim();
    const to = split === undefined ? "" : spec.slice(split + 1).trim();
    if (from === "" || to === "") {
      throw invalidInput(`relocation must look like FROM=TO (e.g. s3://old/warehouse=/data/warehouse), got "${spec}"`, {
        relocation: spec,
      });
    }
    return { from, to };
  }

  static parse(specs: readonly string[]): LocationMapper {
    return new LocationMapper(specs.map((spec) => LocationMapper.parseMapping(spec)));
  }

  /** `location` under the mapping that covers it, or unchanged. */
  map(location: string): string {
    if (this.rules.length === 0) return location;
    const normalized = normalizeLocation(location);
    for (const rule of this.rules) {
      const rest = remainderBelow(normalized, rule.from);
      if (rest !== undefined) return rule.to + rest;
    }
    return location;
  }
}

/** The part of `location` after `prefix` (starting with `/`, or empty), if `location` is `prefix` or below it. */
function remainderBelow(location: string, prefix: string): string | undefined {
  if (location === prefix) return "";
  if (prefix.endsWith("/")) return location.startsWith(prefix) ? location.slice(prefix.length - 1) : undefined;
  if (location.startsWith(prefix) && location[prefix.length] === "/") return location.slice(prefix.length);
  return undefined;
}

function trimSlash(location: string): string {
  return location.length > 1 && location.endsWith("/") && !location.endsWith("://") ? location.slice(0, -1) : location;
}

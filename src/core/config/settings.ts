import path from "node:path";
import { invalidInput } from "../errors/FloeError.js";

/**
 * Every setting floe reads, in one table. Each one is resolved
 * flag > FLOE_* environment variable > floe.config.(ts|json) > embedded default.
 */
export interface SettingDefinition<T> {
  /** Key in floe.config.* and in the resolved config object. */
  key: string;
  /** Environment variable that overrides the config file. */
  env: string;
  /** Command-line flag (without the leading dashes) that overrides everything. */
  flag: string;
  description: string;
  /** Turns a string from a flag or the environment (or a config-file value) into the setting's value. */
  parse(raw: unknown, origin: string): T;
  /** Default given the other resolved settings (e.g. the catalog lives inside the warehouse). */
  fallback(resolved: Partial<FloeConfig>, projectDir: string): T;
}

export interface FloeConfig {
  /** Root of the local warehouse, or an object-store URI (`s3://bucket/prefix`). */
  warehouse: string;
  /** Catalog URI: `sqlite:PATH`, `postgresql://...`, or `http(s)://.../iceberg` for a REST catalog. */
  catalog: string;
}

function nonEmptyString(raw: unknown, origin: string): string {
  if (typeof raw !== "string" || raw.trim() === "") {
    throw invalidInput(`${origin}: expected a non-empty string, got ${JSON.stringify(raw)}`);
  }
  return raw.trim();
}

const isUri = (value: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(value);

export const warehouseSetting: SettingDefinition<string> = {
  key: "warehouse",
  env: "FLOE_WAREHOUSE",
  flag: "warehouse",
  description: "warehouse root: a local directory or an object-store URI such as s3://bucket/prefix",
  parse: (raw, origin) => nonEmptyString(raw, origin),
  fallback: (_resolved, projectDir) => path.join(projectDir, "warehouse"),
};

export const catalogSetting: SettingDefinition<string> = {
  key: "catalog",
  env: "FLOE_CATALOG",
  flag: "catalog",
  description: "catalog URI: sqlite:PATH, postgresql://..., or http(s)://HOST:PORT/iceberg",
  parse(raw, origin) {
    const value = nonEmptyString(raw, origin);
    if (!/^(sqlite:|postgres(ql)?:\/\/|https?:\/\/)/.test(value)) {
      throw invalidInput(`${origin}: catalog URI "${value}" must start with sqlite:, postgresql:// or http(s)://`);
    }
    return value;
  },
  fallback(resolved) {
    const warehouse = resolved.warehouse ?? "warehouse";
    // An object-store warehouse has no local directory for the SQLite file; keep it beside the project.
    const dir = isUri(warehouse) && !warehouse.startsWith("file://") ? "." : warehouse.replace(/^file:\/\//, "");
    return `sqlite:${path.join(dir, "catalog.db")}`;
  },
};

export const SETTINGS = [warehouseSetting, catalogSetting] as const;

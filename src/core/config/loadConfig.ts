import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { FloeError, invalidInput } from "../errors/FloeError.js";
import { SETTINGS, type FloeConfig } from "./settings.js";

export const CONFIG_FILE_NAMES = ["floe.config.ts", "floe.config.json"] as const;

export interface ConfigSources {
  /** Values given as command-line flags, keyed by setting key; undefined = not given. */
  flags?: Partial<Record<keyof FloeConfig, string | undefined>>;
  env?: NodeJS.ProcessEnv;
  /** Directory searched for floe.config.* and against which relative defaults resolve. */
  projectDir?: string;
}

/** Reads floe.config.ts or floe.config.json from `projectDir`, or returns {} when there is none. */
export async function readConfigFile(projectDir: string): Promise<{ file?: string; values: Record<string, unknown> }> {
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(projectDir, name);
    if (!fs.existsSync(file)) continue;
    try {
      if (name.endsWith(".json")) {
        return { file, values: JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown> };
      }
      // TypeScript config files are loaded through tsx so users need no build step.
      const { tsImport } = await import("tsx/esm/api");
      const loaded = (await tsImport(pathToFileURL(file).href, import.meta.url)) as { default?: unknown };
      let values: unknown = loaded.default ?? loaded;
      // A config file loaded as CommonJS arrives with its default export one level down.
      if (values && typeof values === "object" && Object.keys(values).length === 1 && "default" in values) values = (values as { default: unknown }).default;
      if (typeof values !== "object" || values === null) throw new Error("the default export is not an object");
      return { file, values: values as Record<string, unknown> };
    } catch (error) {
      if (error instanceof FloeError) throw error;
      throw invalidInput(`${file}: cannot load configuration: ${(error as Error).message}`);
    }
  }
  return { values: {} };
}

/** Resolves every setting: flag > FLOE_* environment variable > config file > default. */
export async function loadConfig(sources: ConfigSources = {}): Promise<FloeConfig> {
  const projectDir = path.resolve(sources.projectDir ?? process.cwd());
  const env = sources.env ?? process.env;
  const { file, values } = await readConfigFile(projectDir);
  const known = new Set<string>(SETTINGS.map((s) => s.key));
  for (const key of Object.keys(values)) {
    if (!known.has(key)) throw invalidInput(`${file}: unknown setting "${key}" (known: ${[...known].join(", ")})`);
  }
  const resolved: Partial<FloeConfig> = {};
  for (const setting of SETTINGS) {
    const key = setting.key as keyof FloeConfig;
    const flag = sources.flags?.[key];
    let value: string;
    if (flag !== undefined) value = setting.parse(flag, `--${setting.flag}`);
    else if (env[setting.env] !== undefined && env[setting.env] !== "") value = setting.parse(env[setting.env], setting.env);
    else if (values[key] !== undefined) value = setting.parse(values[key], `${file} (${key})`);
    else value = setting.fallback(resolved, projectDir);
    resolved[key] = value;
  }
  return absolutize(resolved as FloeConfig, projectDir);
}

/** Local paths in settings are relative to the project directory, whatever the process cwd later becomes. */
function absolutize(config: FloeConfig, projectDir: string): FloeConfig {
  const isUri = (value: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  const warehouse = isUri(config.warehouse) ? config.warehouse : path.resolve(projectDir, config.warehouse);
  const catalog = config.catalog.startsWith("sqlite:") && !config.catalog.startsWith("sqlite::memory:")
    ? `sqlite:${path.resolve(projectDir, config.catalog.slice("sqlite:".length))}`
    : config.catalog;
  return { ...config, warehouse, catalog };
}

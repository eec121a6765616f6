/**
 * Opening the catalog a URI names (the `catalog` setting): `sqlite:PATH` or
 * `postgresql://...` / `postgres://...` give the SQL catalog on that database, `http(s)://...`
 * a REST catalog.
 */
import { FloeError, unsupported } from "../core/errors/FloeError.js";
import type { FileIO } from "../io/FileIO.js";
import type { Catalog } from "./Catalog.js";
import { RestCatalog } from "./rest/RestCatalog.js";
import { PostgresDialect } from "./sql/PostgresDialect.js";
import { DEFAULT_CATALOG_NAME, SqlCatalog } from "./sql/SqlCatalog.js";
import { SqliteDialect } from "./sql/SqliteDialect.js";

export interface OpenCatalogOptions {
  /** Where new tables go by default: a local directory or an object-store URI. */
  warehouse: string;
  /** The FileIO for table files; default one for every scheme floe serves. */
  io?: FileIO;
  /** The catalog's name (`catalog_name` of the SQL catalog); default `floe`. */
  name?: string;
  /** Where `FLOE_CATALOG_TOKEN` and `FLOE_CATALOG_CREDENTIAL` (REST catalogs) are read; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Opens the catalog `uri` names:
 * - `sqlite:PATH` — a SQLite file, PATH relative to the working directory (`sqlite:///abs/path`
 *   and `sqlite:/abs/path` are absolute); the file and its directory are created when absent;
 * - `postgresql://user:password@host:port/database` (or `postgres://`) — a PostgreSQL database;
 * - `http://host:port/path` (or `https://`) — an Iceberg REST catalog with that base URI,
 *   authenticated by `FLOE_CATALOG_TOKEN` (a bearer token) or `FLOE_CATALOG_CREDENTIAL`
 *   (OAuth2 client credentials `id:secret`).
 *
 * The SQL catalog's tables are created when missing. Any other scheme is `unsupported`.
 */
export async function openCatalog(uri: string, options: OpenCatalogOptions): Promise<Catalog> {
  const text = uri.trim();
  const settings = { warehouse: options.warehouse, io: options.io, name: options.name ?? DEFAULT_CATALOG_NAME };
  if (/^sqlite:/i.test(text)) {
    return SqlCatalog.open({ ...settings, dialect: new SqliteDialect(sqlitePath(text)) });
  }
  if (/^postgres(ql)?:\/\//i.test(text)) {
    return SqlCatalog.open({ ...settings, dialect: new PostgresDialect(text) });
  }
  if (/^https?:\/\//i.test(text)) {
    const env = options.env ?? process.env;
    return RestCatalog.open({ uri: text, name: options.name, io: options.io, token: nonEmpty(env.FLOE_CATALOG_TOKEN), credential: nonEmpty(env.FLOE_CATALOG_CREDENTIAL) });
  }
  throw unsupported(`catalog URI "${text}" is not supported; use sqlite:PATH, postgresql://user@host:port/database or http(s)://host:port/path`, { catalog: text });
}

/** `sqlite:PATH` → PATH; `sqlite://PATH` → PATH (so `sqlite:///abs` is `/abs`). */
export function sqlitePath(uri: string): string {
  let rest = uri.replace(/^sqlite:/i, "");
  if (rest.startsWith("//")) rest = rest.slice(2);
  if (rest.trim() === "") throw new FloeError("invalid-input", `catalog URI "${uri}" names no SQLite file; use sqlite:PATH, e.g. sqlite:warehouse/catalog.db`);
  return rest;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

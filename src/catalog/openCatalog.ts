/**
 * Opening the catalog a URI names (the `catalog` setting): `sqlite:PATH` or
 * `postgresql://...` / `postgres://...` give the SQL catalog on that database.
 */
import { FloeError, unsupported } from "../core/errors/FloeError.js";
import type { FileIO } from "../io/FileIO.js";
import type { Catalog } from "./Catalog.js";
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
}

/**
 * Opens the catalog `uri` names:
 * - `sqlite:PATH` — a SQLite file, PATH relative to the working directory (`sqlite:///abs/path`
 *   and `sqlite:/abs/path` are absolute); the file and its directory are created when absent;
 * - `postgresql://user:password@host:port/database` (or `postgres://`) — a PostgreSQL database.
 *
 * The catalog tables are created when missing. REST catalogs (`http(s)://`) and any other
 * scheme are `unsupported`.
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
    throw unsupported(`catalog ${text}: REST catalogs are not supported yet; use sqlite:PATH or postgresql://...`, { catalog: text });
  }
  throw unsupported(`catalog URI "${text}" is not supported; use sqlite:PATH or postgresql://user@host:port/database`, { catalog: text });
}

/** `sqlite:PATH` → PATH; `sqlite://PATH` → PATH (so `sqlite:///abs` is `/abs`). */
export function sqlitePath(uri: string): string {
  let rest = uri.replace(/^sqlite:/i, "");
  if (rest.startsWith("//")) rest = rest.slice(2);
  if (rest.trim() === "") throw new FloeError("invalid-input", `catalog URI "${uri}" names no SQLite file; use sqlite:PATH, e.g. sqlite:warehouse/catalog.db`);
  return rest;
}

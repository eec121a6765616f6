/**
 * Makes the catalog tables a piece of SQL names queryable in DuckDB: every `namespace.table`
 * in a FROM or JOIN position that the catalog has (with its time travel clause, if any)
 * becomes a view over an Iceberg scan of that table at that snapshot, and the SQL is
 * rewritten to read the view under the table's own name. Names the catalog does not have
 * are left to DuckDB (its own tables, `information_schema`, CTEs).
 */
import type { Catalog, LoadedTable, TableIdentifier } from "../../catalog/Catalog.js";
import { formatTableIdentifier } from "../../catalog/identifiers.js";
import { invalidInput, isFloeError } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import type { SnapshotSelector } from "../../table/scan/TableScan.js";
import type { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { quoteIdentifier } from "../duckdb/duckdbTypes.js";
import { prepareIcebergTables, type IcebergTableSource } from "../scan/queryIcebergTables.js";
import { findTableReferences, type TimeTravel } from "./statements/index.js";

/** `ns.t` → `{ namespace: ["ns"], name: "t" }`; a one-part name takes the default namespace. */
export function tableIdentifier(parts: readonly string[], defaultNamespace?: readonly string[]): TableIdentifier | undefined {
  if (parts.length >= 2) return { namespace: parts.slice(0, -1), name: parts[parts.length - 1] };
  if (parts.length === 1 && defaultNamespace !== undefined && defaultNamespace.length > 0) return { namespace: [...defaultNamespace], name: parts[0] };
  return undefined;
}

/** The snapshot a time travel clause chooses: a snapshot id, a branch or tag, or a time. */
export function snapshotSelector(travel: TimeTravel | undefined): SnapshotSelector {
  if (travel === undefined) return {};
  const value = travel.value.trim();
  if (travel.kind === "version") {
    if (/^-?\d+$/.test(value)) return { snapshotId: BigInt(value) };
    const ref = /^'(.*)'$/s.exec(value)?.[1]?.replace(/''/g, "'") ?? value;
    return { ref };
  }
  const text = /^(?:TIMESTAMP\s*)?'(.*)'$/is.exec(value)?.[1] ?? value;
  // a time without an offset is UTC, as floe's sessions are
  const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text.replace(" ", "T") : `${text.replace(" ", "T")}Z`;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(iso);
  if (!Number.isFinite(ms)) throw invalidInput(`FOR SYSTEM_TIME AS OF ${value}: not a timestamp (use 'YYYY-MM-DD HH:MM:SS[.fff][+HH:MM]')`);
  return { asOfTimestampMs: ms };
}

export class CatalogTableViews {
  private readonly views = new Map<string, string>();
  private readonly sources = new Map<string, IcebergTableSource>();
  /** View name → the table name the SQL used. */
  private readonly names = new Map<string, string>();
  private readonly created: string[] = [];
  private counter = 0;

  constructor(
    private readonly catalog: Catalog,
    private readonly session: DuckDBSession,
    private readonly io: FileIO,
    private readonly defaultNamespace?: readonly string[],
  ) {}

  /**
   * `sql` with every catalog table it reads replaced by a view of it, and the sources of
   * those views. With `prepare` (the default) the views are created over the whole table;
   * without, the caller plans them (`queryIcebergTables` prunes by the query's filters).
   */
  async rewrite(sql: string, options: { prepare?: boolean } = {}): Promise<{ sql: string; sources: IcebergTableSource[] }> {
    const references = findTableReferences(sql).filter((r) => r.cte !== true);
    const replacements: { start: number; end: number; text: string }[] = [];
    const used = new Set<string>();
    for (const reference of references) {
      const identifier = tableIdentifier(reference.parts, this.defaultNamespace);
      const view = identifier === undefined ? undefined : await this.viewOf(identifier, reference.timeTravel, options.prepare ?? true);
      if (view === undefined) {
        if (reference.timeTravel !== undefined) {
          throw invalidInput(`${reference.parts.join(".")}: time travel needs an Iceberg table of the catalog, and the catalog has no such table`);
        }
        continue;
      }
      used.add(view);
      const end = reference.timeTravelSpan?.end ?? reference.end;
      const alias = reference.alias === undefined ? ` AS ${quoteIdentifier(identifier!.name)}` : "";
      replacements.push({ start: reference.start, end, text: `${quoteIdentifier(view)}${alias}` });
    }
    let out = sql;
    for (const r of replacements.sort((a, b) => b.start - a.start)) out = out.slice(0, r.start) + r.text + out.slice(r.end);
    return { sql: out, sources: [...used].map((view) => this.sources.get(view)!) };
  }

  /** Text with catalog tables replaced by views created over the whole table. */
  async rewriteAndPrepare(sql: string): Promise<string> {
    return (await this.rewrite(sql, { prepare: true })).sql;
  }

  /** An error of DuckDB's with the views' names turned back into the tables' names. */
  explain(error: unknown): unknown {
    if (!(error instanceof Error) || this.names.size === 0) return error;
    const message = error.message.replace(/"(__floe_table_\d+)"(?: AS "[^"]*")?/g, (whole, view: string) => this.names.get(view) ?? whole);
    if (message === error.message) return error;
    error.message = message;
    return error;
  }

  /** Drops the views this object created. */
  async close(): Promise<void> {
    for (const view of this.created.reverse()) await this.session.run(`DROP VIEW IF EXISTS ${quoteIdentifier(view)}`).catch(() => undefined);
    this.created.length = 0;
    this.views.clear();
    this.sources.clear();
    this.names.clear();
    this.prepared.clear();
  }

  /** The view of a catalog table at a snapshot; undefined when the catalog has no such table (the name is DuckDB's). */
  private async viewOf(identifier: TableIdentifier, travel: TimeTravel | undefined, prepare: boolean): Promise<string | undefined> {
    const selector = snapshotSelector(travel);
    const key = `${formatTableIdentifier(identifier)}|${selector.snapshotId ?? ""}|${selector.ref ?? ""}|${selector.asOfTimestampMs ?? ""}`;
    let view = this.views.get(key);
    if (view === undefined) {
      let table: LoadedTable;
      try {
        table = await this.catalog.loadTable(identifier);
      } catch (error) {
        if (isFloeError(error, "not-found")) return undefined;
        throw error;
      }
      view = `__floe_table_${this.counter++}`;
      this.views.set(key, view);
      // the metadata just loaded goes with the source, so planning does not read it again
      this.sources.set(view, { name: view, metadataLocation: table.metadataLocation, metadata: table.metadata, ...selector });
      this.names.set(view, formatTableIdentifier(identifier));
      this.created.push(view);
    }
    if (prepare && !this.prepared.has(view)) {
      // the whole table is planned: the statement may read it under any condition
      await prepareIcebergTables([this.sources.get(view)!], `SELECT * FROM ${quoteIdentifier(view)}`, { io: this.io, session: this.session });
      this.prepared.add(view);
    }
    return view;
  }

  private readonly prepared = new Set<string>();
}

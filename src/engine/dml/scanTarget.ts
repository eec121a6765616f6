/**
 * The rows of a table a change reads, as a DuckDB view with each row's file and position:
 * the branch head planned with the Iceberg filter that the change's condition implies (so
 * only files that may hold matching rows are read), deletes already applied.
 */
import { randomUUID } from "node:crypto";
import type { UnboundExpression } from "../../table/expr/Expression.js";
import type { FileScanTask } from "../../table/scan/TableScan.js";
import { planScan } from "../../table/scan/TableScan.js";
import { MAIN_BRANCH } from "../../table/spec/refs.js";
import type { Schema } from "../../table/spec/schema.js";
import type { TableMetadata } from "../../table/spec/tableMetadata.js";
import type { CommittedTable } from "../../table/transaction/TableCommitter.js";
import type { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { quoteIdentifier } from "../duckdb/duckdbTypes.js";
import { filterExpression } from "../scan/queryIcebergTables.js";
import { createScanView, FILE_COLUMN, POS_COLUMN } from "../scan/IcebergScanView.js";
import { extractColumnFilters } from "../scan/sqlPredicates.js";
import { loadTarget, type TableTarget } from "./TableTarget.js";

export { FILE_COLUMN, POS_COLUMN };

export interface TargetScan {
  table: CommittedTable;
  metadata: TableMetadata;
  schema: Schema;
  /** The view's name: the table's rows plus FILE_COLUMN (local path) and POS_COLUMN. */
  view: string;
  /** Prefix for the temporary tables of this change. */
  prefix: string;
  /** The snapshot read (null: the branch has none). */
  snapshotId: bigint | null;
  /** The Iceberg filter implied by the condition; undefined when none could be derived. */
  filter: UnboundExpression | undefined;
  /** Local path DuckDB reads → the scan task of that data file. */
  tasks: Map<string, FileScanTask>;
}

/**
 * Plans the branch head and creates the view. `condition` (SQL over the table's columns,
 * optionally qualified by `alias`) narrows the files read when it implies an Iceberg filter.
 */
export async function scanTarget(session: DuckDBSession, target: TableTarget, condition?: string, alias?: string): Promise<TargetScan> {
  const table = await loadTarget(target);
  const metadata = table.metadata;
  const branch = target.branch ?? MAIN_BRANCH;
  const prefix = `__floe_change_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const view = `${prefix}_rows`;
  const head = metadata.snapshotByRef(branch);
  const schema = metadata.currentSchema();
  let filter: UnboundExpression | undefined;
  if (condition !== undefined) {
    const probe = `SELECT * FROM ${quoteIdentifier(view)}${alias ? ` AS ${quoteIdentifier(alias)}` : ""} WHERE ${condition}`;
    filter = await filterExpression(session, await extractColumnFilters(session, probe, view), schema);
  }
  const plan = head === undefined ? { schema, tasks: [], metrics: undefined } : await planScan(metadata, target.io, { ref: branch, filter });
  const scanView = await createScanView(session, target.io, { ...plan, schema } as Parameters<typeof createScanView>[2], view, {
    nameMapping: metadata.nameMapping(),
    rowIdentity: true,
  });
  const byLocation = new Map(plan.tasks.map((t) => [t.dataFile.filePath, t]));
  const tasks = new Map<string, FileScanTask>();
  for (const [local, location] of scanView.locations) {
    const task = byLocation.get(location);
    if (task !== undefined) tasks.set(local, task);
  }
  return { table, metadata, schema, view, prefix, snapshotId: head?.snapshotId ?? null, filter, tasks };
}

/** Drops the change's temporary tables and view. */
export async function dropScan(session: DuckDBSession, scan: TargetScan): Promise<void> {
  const result = await session.query(
    `SELECT table_name, table_type FROM information_schema.tables WHERE table_name LIKE '${scan.prefix}%' OR table_name LIKE '__floe_${scan.view.replace(/\W/g, "_")}%'`,
  );
  for (const [name, type] of result.rows) {
    await session.run(`DROP ${type === "VIEW" ? "VIEW" : "TABLE"} IF EXISTS ${quoteIdentifier(String(name))}`).catch(() => undefined);
  }
}

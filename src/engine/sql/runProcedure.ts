/**
 * The Iceberg procedures of Spark's `CALL system.<name>(...)` that floe runs: moving main
 * back (rollback_to_snapshot, rollback_to_timestamp, set_current_snapshot), fast_forward of
 * a branch, and rewrite_data_files (compaction).
 */
import type { Catalog, TableIdentifier } from "../../catalog/Catalog.js";
import { formatTableIdentifier } from "../../catalog/identifiers.js";
import { invalidInput, unsupported } from "../../core/errors/FloeError.js";
import { Transaction } from "../../table/transaction/Transaction.js";
import { rewriteDataFiles } from "../dml/rewriteDataFiles.js";
import type { DuckDBSession } from "../duckdb/DuckDBSession.js";
import { snapshotSelector } from "./CatalogTableViews.js";
import type { CallArgument, CallStatement } from "./statements/index.js";

export interface ProcedureContext {
  catalog: Catalog;
  session: DuckDBSession;
  clock?: () => number;
  identifier(parts: readonly string[]): TableIdentifier;
}

export interface ProcedureResult {
  message: string;
  columns: string[];
  rows: unknown[][];
}

/** The procedure's parameters in Spark's order; named arguments may come in any order. */
const PARAMETERS: Record<CallStatement["procedure"], string[]> = {
  rollback_to_snapshot: ["table", "snapshot_id"],
  rollback_to_timestamp: ["table", "timestamp"],
  set_current_snapshot: ["table", "snapshot_id", "ref"],
  fast_forward: ["table", "branch", "to"],
  rewrite_data_files: ["table"],
  expire_snapshots: ["table", "older_than", "retain_last"],
};

export async function runProcedure(context: ProcedureContext, call: CallStatement): Promise<ProcedureResult> {
  const args = bindArguments(call);
  const identifier = context.identifier(stringArgument(args, "table", call.procedure).split("."));
  const { catalog } = context;
  const table = await catalog.loadTable(identifier);
  const name = formatTableIdentifier(identifier);
  const previous = table.metadata.currentSnapshotId ?? null;
  const moveMain = async (change: Parameters<Transaction["manageSnapshots"]>[0]) => {
    const committed = await new Transaction({ io: table.io, base: table, clock: context.clock }).manageSnapshots(change).commit(catalog.tableCommitter(identifier));
    const current = committed.metadata.currentSnapshotId ?? null;
    return { message: `CALL ${call.procedure} ${name}`, columns: ["previous_snapshot_id", "current_snapshot_id"], rows: [[previous, current]] };
  };

  switch (call.procedure) {
    case "rollback_to_snapshot":
      return moveMain((m) => m.rollbackTo(integerArgument(args, "snapshot_id", call.procedure)));
    case "rollback_to_timestamp": {
      const at = snapshotSelector({ kind: "time", value: args.get("timestamp") ?? missing("timestamp", call.procedure) }).asOfTimestampMs!;
      return moveMain((m) => m.rollbackToTime(at));
    }
    case "set_current_snapshot": {
      const ref = args.get("ref");
      if (ref !== undefined) {
        const snapshot = table.metadata.snapshotByRef(unquote(ref));
        if (snapshot === undefined) throw invalidInput(`CALL set_current_snapshot: ${name} has no branch or tag ${unquote(ref)}`);
        return moveMain((m) => m.setCurrentSnapshot(snapshot.snapshotId));
      }
      return moveMain((m) => m.setCurrentSnapshot(integerArgument(args, "snapshot_id", call.procedure)));
    }
    case "fast_forward": {
      const branch = stringArgument(args, "branch", call.procedure);
      const to = stringArgument(args, "to", call.procedure);
      const before = table.metadata.ref(branch)?.snapshotId ?? null;
      const committed = await new Transaction({ io: table.io, base: table, clock: context.clock })
        .manageSnapshots((m) => m.fastForwardBranch(branch, to))
        .commit(catalog.tableCommitter(identifier));
      return {
        message: `CALL fast_forward ${name} ${branch} to ${to}`,
        columns: ["branch_updated", "previous_ref", "updated_ref"],
        rows: [[branch, before, committed.metadata.ref(branch)?.snapshotId ?? null]],
      };
    }
    case "rewrite_data_files": {
      const result = await rewriteDataFiles(context.session, { io: table.io, committer: catalog.tableCommitter(identifier), base: table, clock: context.clock, name });
      return {
        message: `CALL rewrite_data_files ${name}: ${result.rewrittenDataFiles} files rewritten into ${result.addedDataFiles}`,
        columns: ["rewritten_data_files_count", "added_data_files_count", "rewritten_bytes_count", "removed_delete_files_count"],
        rows: [[result.rewrittenDataFiles, result.addedDataFiles, result.rewrittenBytes, result.removedDeleteFiles]],
      };
    }
    case "expire_snapshots":
      throw unsupported("CALL expire_snapshots is not supported yet: snapshots are kept until then");
  }
}

function bindArguments(call: CallStatement): Map<string, string> {
  const parameters = PARAMETERS[call.procedure];
  const bound = new Map<string, string>();
  call.args.forEach((arg: CallArgument, i) => {
    const name = arg.name?.toLowerCase() ?? parameters[i];
    if (name === undefined || !parameters.includes(name)) {
      throw invalidInput(`CALL ${call.procedure}: unexpected argument ${arg.name ?? `#${i + 1}`} (parameters: ${parameters.join(", ")})`);
    }
    bound.set(name, arg.value);
  });
  return bound;
}

function missing(name: string, procedure: string): never {
  throw invalidInput(`CALL ${procedure}: missing argument ${name}`);
}

function unquote(text: string): string {
  const match = /^'(.*)'$/s.exec(text.trim());
  return match === null ? text.trim() : match[1].replace(/''/g, "'");
}

function stringArgument(args: Map<string, string>, name: string, procedure: string): string {
  return unquote(args.get(name) ?? missing(name, procedure));
}

function integerArgument(args: Map<string, string>, name: string, procedure: string): bigint {
  const text = unquote(args.get(name) ?? missing(name, procedure));
  if (!/^-?\d+$/.test(text)) throw invalidInput(`CALL ${procedure}: ${name} must be a snapshot id, not ${text}`);
  return BigInt(text);
}

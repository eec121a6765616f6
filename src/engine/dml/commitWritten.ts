/**
 * Committing a change whose files are already written: when the commit certainly failed, the
 * files are removed; when its outcome is unknown they stay, since the table may reference them.
 */
import { isFloeError } from "../../core/errors/FloeError.js";
import type { DataFile } from "../../table/manifest/dataFile.js";
import type { CommittedTable } from "../../table/transaction/TableCommitter.js";
import { Transaction } from "../../table/transaction/Transaction.js";
import type { TransactionAction } from "../../table/transaction/TransactionAction.js";
import type { TableTarget } from "./TableTarget.js";

export async function removeWrittenFiles(target: TableTarget, written: readonly DataFile[], error: unknown): Promise<void> {
  if (isFloeError(error, "commit-state-unknown")) return;
  await Promise.all(written.map((f) => target.io.delete(f.filePath).catch(() => undefined)));
}

export async function commitWritten(target: TableTarget, table: CommittedTable, written: readonly DataFile[], action: TransactionAction): Promise<CommittedTable> {
  try {
    return await new Transaction({ io: target.io, base: table, clock: target.clock }).addAction(action).commit(target.committer);
  } catch (error) {
    await removeWrittenFiles(target, written, error);
    throw error;
  }
}

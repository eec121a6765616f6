/**
 * One change a transaction makes. An action turns the table as it finds it into updates and
 * requirements (plain data); the transaction runs its actions again on fresh metadata when a
 * commit has to be retried, so an action must be repeatable.
 */
import type { FileIO } from "../../io/FileIO.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import type { ActionCommit } from "./updates.js";

export interface ActionContext {
  /** The table as the transaction's earlier actions leave it; undefined while it does not exist. */
  metadata: TableMetadata | undefined;
  io: FileIO;
  /** 1 on the first attempt to commit, 2 on the first retry, ... */
  attempt: number;
  /** The commit's clock reading (epoch milliseconds), the same for every action of an attempt. */
  nowMs: number;
}

export interface TransactionAction {
  /** What the action does, for messages: `fast-append`, `set-properties`, ... */
  readonly kind: string;
  commit(context: ActionContext): Promise<ActionCommit>;
  /**
   * Deletes the files the action wrote that `committed` does not use: after a successful
   * commit the leftovers of earlier attempts, and everything when `committed` is undefined
   * (the transaction failed and nothing of it was committed). Best effort.
   */
  cleanUp?(io: FileIO, committed: TableMetadata | undefined): Promise<void>;
}

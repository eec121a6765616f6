/**
 * A transaction: actions collected against a table's metadata (or against nothing, for a
 * table it creates), committed together through a TableCommitter, in the manner of
 * iceberg-rust's `Transaction`.
 */
import { FloeError, isFloeError, notFound } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import type { DataFile } from "../manifest/dataFile.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import { applyUpdates } from "./applyUpdates.js";
import { FastAppendAction, type FastAppendOptions } from "./FastAppendAction.js";
import { NewTableAction, type NewTableOptions } from "./NewTableAction.js";
import { ManageSnapshotsAction } from "./ManageSnapshotsAction.js";
import { RemovePropertiesAction } from "./RemovePropertiesAction.js";
import { ReplaceSortOrderAction, type ReplaceSortOrderOptions } from "./ReplaceSortOrderAction.js";
import { UpdatePartitionSpecAction, type UpdatePartitionSpecOptions } from "./UpdatePartitionSpecAction.js";
import { UpdateSchemaAction, type UpdateSchemaOptions } from "./UpdateSchemaAction.js";
import { checkRequirements, violation } from "./requirements.js";
import { SetPropertiesAction } from "./SetPropertiesAction.js";
import type { CommittedTable, TableCommitter } from "./TableCommitter.js";
import { commitRetryPolicy, retryDelayMs } from "./tableProperties.js";
import type { TransactionAction } from "./TransactionAction.js";
import type { TableRequirement, TableUpdate } from "./updates.js";

export interface TransactionOptions {
  /** Where manifests and manifest lists are written and parent manifest lists read. */
  io: FileIO;
  /** The table the transaction starts from; when left out, `commit` loads it from the committer. */
  base?: CommittedTable;
  /** Epoch milliseconds; default `Date.now`. Used for snapshot and metadata timestamps and retry timeouts. */
  clock?: () => number;
  /** Waits between retries; default a timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** What one attempt to commit sends to the committer. */
export interface PreparedCommit {
  /** The metadata location the attempt started from. */
  base?: string;
  updates: TableUpdate[];
  /** The requirements of the actions that are statements about the base (see `prepare`). */
  requirements: TableRequirement[];
  /** The base with `updates` applied; undefined only when nothing changes a table that does not exist. */
  metadata: TableMetadata | undefined;
}

export class Transaction {
  private readonly options: TransactionOptions;
  private readonly actions: TransactionAction[] = [];
  private committed = false;

  constructor(options: TransactionOptions) {
    this.options = options;
  }

  /** The actions added so far, in order. */
  get pendingActions(): readonly TransactionAction[] {
    return this.actions;
  }

  addAction(action: TransactionAction): this {
    if (this.committed) throw new FloeError("invalid-input", "this transaction was already committed; start a new one");
    this.actions.push(action);
    return this;
  }

  /** Creates the table (it must not exist yet). */
  createTable(options: NewTableOptions): this {
    return this.addAction(new NewTableAction(options));
  }

  /** Appends data files in a new snapshot. */
  fastAppend(files: readonly DataFile[], options?: FastAppendOptions): this {
    return this.addAction(new FastAppendAction(files, options));
  }

  setProperties(updates: Record<string, string>): this {
    return this.addAction(new SetPropertiesAction(updates));
  }

  removeProperties(keys: readonly string[]): this {
    return this.addAction(new RemovePropertiesAction(keys));
  }

  /** Changes the schema: `transaction.updateSchema((s) => s.addColumn("note", { type: "string" }))`. */
  updateSchema(change: (update: UpdateSchemaAction) => unknown, options?: UpdateSchemaOptions): this {
    const action = new UpdateSchemaAction(options);
    change(action);
    return this.addAction(action);
  }

  /** Changes the partition spec new data is written with: `transaction.updateSpec((p) => p.addField("ts", "hour"))`. */
  updateSpec(change: (update: UpdatePartitionSpecAction) => unknown, options?: UpdatePartitionSpecOptions): this {
    const action = new UpdatePartitionSpecAction(options);
    change(action);
    return this.addAction(action);
  }

  /** Replaces the default sort order: `transaction.replaceSortOrder((o) => o.asc("ts"))`. */
  replaceSortOrder(change: (order: ReplaceSortOrderAction) => unknown, options?: ReplaceSortOrderOptions): this {
    const action = new ReplaceSortOrderAction(options);
    change(action);
    return this.addAction(action);
  }

  /** Moves branches and tags: `transaction.manageSnapshots((m) => m.rollbackTo(id))`. */
  manageSnapshots(change: (manage: ManageSnapshotsAction) => unknown): this {
    const action = new ManageSnapshotsAction();
    change(action);
    return this.addAction(action);
  }

  /**
   * Runs the actions against `current`: each action sees the metadata the ones before it
   * leave, and its requirements are checked against that metadata (a failure throws a
   * `commit-conflict` FloeError naming the requirement). The requirements sent on are those
   * that also hold of `current` itself; the others are about state this transaction creates
   * (the snapshot an earlier append adds, the table it creates), which the commit makes true.
   */
  async prepare(current: CommittedTable | undefined, attempt = 1, nowMs = (this.options.clock ?? Date.now)()): Promise<PreparedCommit> {
    let metadata = current?.metadata;
    const updates: TableUpdate[] = [];
    const requirements: TableRequirement[] = [];
    const seen = new Set<string>();
    for (const action of this.actions) {
      const result = await action.commit({ metadata, io: this.options.io, attempt, nowMs });
      checkRequirements(metadata, result.requirements);
      for (const requirement of result.requirements) {
        const key = requirementKey(requirement);
        if (seen.has(key)) continue;
        seen.add(key);
        if (violation(current?.metadata, requirement) === undefined) requirements.push(requirement);
      }
      if (result.updates.length > 0) {
        metadata = applyUpdates(metadata, result.updates, { nowMs });
        updates.push(...result.updates);
      }
    }
    const prepared: PreparedCommit = {
      updates,
      requirements,
      metadata: updates.length === 0 ? current?.metadata : applyUpdates(current?.metadata, updates, { nowMs, baseLocation: current?.metadataLocation }),
    };
    if (current !== undefined) prepared.base = current.metadataLocation;
    return prepared;
  }

  /**
   * Commits the actions. When the committer reports a `commit-conflict` (another commit moved
   * the table), the table is reloaded, the actions run again on it (their requirements checked
   * against it) and the commit is retried, with exponential backoff, as the table properties
   * `commit.retry.num-retries` (4), `commit.retry.min-wait-ms` (100), `commit.retry.max-wait-ms`
   * (60000) and `commit.retry.total-timeout-ms` (1800000) allow. Any other error ends it;
   * `commit-state-unknown` is never retried, and leaves the files written in place since the
   * commit may have happened. On success the files of earlier attempts are removed; on a
   * certain failure, every file the transaction wrote.
   */
  async commit(committer: TableCommitter): Promise<CommittedTable> {
    if (this.committed) throw new FloeError("invalid-input", "this transaction was already committed; start a new one");
    const clock = this.options.clock ?? Date.now;
    const sleep = this.options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const started = clock();
    let current = this.options.base ?? (await committer.load());
    let attempt = 1;
    let outcome: { kind: "committed"; table: CommittedTable } | { kind: "failed" } | { kind: "unknown" } = { kind: "failed" };
    try {
      for (;;) {
        const prepared = await this.prepare(current, attempt, clock());
        if (prepared.updates.length === 0) {
          if (current === undefined) throw notFound("the table does not exist and the transaction creates nothing");
          outcome = { kind: "committed", table: current };
          return current;
        }
        try {
          const table = await committer.commit({
            base: prepared.base,
            requirements: prepared.requirements,
            updates: prepared.updates,
            metadata: prepared.metadata as TableMetadata,
          });
          outcome = { kind: "committed", table };
          this.committed = true;
          return table;
        } catch (error) {
          if (!isFloeError(error)) {
            outcome = { kind: "unknown" };
            throw error;
          }
          if (error.kind === "commit-state-unknown") outcome = { kind: "unknown" };
          if (error.kind !== "commit-conflict") throw error;
          const policy = commitRetryPolicy((prepared.metadata ?? current?.metadata)?.properties ?? {});
          const delay = retryDelayMs(policy, attempt);
          if (attempt > policy.numRetries || clock() - started + delay > policy.totalTimeoutMs) {
            throw new FloeError("commit-conflict", `${error.message} (gave up after ${attempt} attempt${attempt === 1 ? "" : "s"})`, {
              cause: error,
              context: { ...error.context, attempts: attempt },
            });
          }
          await sleep(delay);
          attempt++;
          current = await committer.load();
        }
      }
    } finally {
      if (outcome.kind !== "unknown") {
        const committed = outcome.kind === "committed" ? outcome.table.metadata : undefined;
        await Promise.all(this.actions.map((action) => action.cleanUp?.(this.options.io, committed)));
      }
    }
  }
}

function requirementKey(requirement: TableRequirement): string {
  return JSON.stringify(requirement, (_key, value) => (typeof value === "bigint" ? `${value}n` : value));
}

/**
 * Snapshot management, in the manner of Iceberg Java's `ManageSnapshots`: rolling the table
 * back, making any snapshot current, and creating, moving, renaming and removing branches and
 * tags with their retention settings. Operations are recorded and run in order against the
 * table when the transaction commits (again on each retry), each seeing the refs the ones
 * before it left; the action then sends one `set-snapshot-ref` or `remove-snapshot-ref` per
 * ref whose end state differs, each guarded by an `assert-ref-snapshot-id` on where that ref
 * stood when the action ran.
 */
import { FloeError, invalidInput, notFound } from "../../core/errors/FloeError.js";
import { MAIN_BRANCH, type SnapshotRef } from "../spec/refs.js";
import type { Snapshot } from "../spec/snapshot.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import type { ActionContext, TransactionAction } from "./TransactionAction.js";
import type { ActionCommit, TableRequirement, TableUpdate } from "./updates.js";

/** Retention of a tag: how long the tag itself is kept. */
export interface TagRetention {
  maxRefAgeMs?: bigint;
}

/** Retention of a branch: the snapshots expiration keeps on it, and how long the branch itself is kept. */
export interface BranchRetention {
  minSnapshotsToKeep?: number;
  maxSnapshotAgeMs?: bigint;
  maxRefAgeMs?: bigint;
}

type Operation = (refs: RefsDraft) => void;

export class ManageSnapshotsAction implements TransactionAction {
  readonly kind = "manage-snapshots";
  private readonly operations: Operation[] = [];

  /** Moves `main` back to `snapshotId`, which must be an ancestor of the current snapshot. */
  rollbackTo(snapshotId: bigint): this {
    return this.add((refs) => {
      const current = refs.currentSnapshot(`cannot roll back to snapshot ${snapshotId}`);
      refs.snapshot(snapshotId);
      if (!refs.isAncestor(snapshotId, current.snapshotId)) {
        throw invalidInput(
          `cannot roll back table ${refs.location} to snapshot ${snapshotId}: it is not an ancestor of the current snapshot ${current.snapshotId}`,
          { snapshotId },
        );
      }
      refs.moveBranch(MAIN_BRANCH, snapshotId);
    });
  }

  /** Moves `main` back to the latest ancestor of the current snapshot made at or before `timestampMs` (epoch milliseconds). */
  rollbackToTime(timestampMs: number): this {
    if (!Number.isFinite(timestampMs)) throw invalidInput(`cannot roll back to time ${timestampMs}: not a timestamp in milliseconds`);
    return this.add((refs) => {
      const at = isoTime(timestampMs);
      const current = refs.currentSnapshot(`cannot roll back to ${at}`);
      let found: Snapshot | undefined;
      for (const snapshot of refs.metadata.ancestorsOf(current.snapshotId)) {
        if (snapshot.timestampMs <= timestampMs && (found === undefined || snapshot.timestampMs > found.timestampMs)) found = snapshot;
      }
      if (found === undefined) {
        throw notFound(`cannot roll back table ${refs.location} to ${at}: no ancestor of the current snapshot ${current.snapshotId} was made at or before it`, {
          timestampMs,
        });
      }
      refs.moveBranch(MAIN_BRANCH, found.snapshotId);
    });
  }

  /** Makes `snapshotId`, any snapshot of the table, the current one (moves `main` there). */
  setCurrentSnapshot(snapshotId: bigint): this {
    return this.add((refs) => {
      refs.snapshot(snapshotId);
      refs.moveBranch(MAIN_BRANCH, snapshotId);
    });
  }

  createTag(name: string, snapshotId: bigint, retention: TagRetention = {}): this {
    checkName(name, "tag");
    const maxRefAgeMs = retention.maxRefAgeMs;
    if (maxRefAgeMs !== undefined) checkAge(maxRefAgeMs, `max-ref-age-ms of tag ${name}`);
    return this.add((refs) => {
      if (name === MAIN_BRANCH) throw invalidInput(`cannot create a tag named ${MAIN_BRANCH}: ${MAIN_BRANCH} is always a branch`, { ref: name });
      refs.mustNotExist(name);
      refs.snapshot(snapshotId);
      refs.set(name, withDefined({ snapshotId, type: "tag", maxRefAgeMs }));
    });
  }

  /** Points an existing tag at another snapshot, keeping its retention. */
  replaceTag(name: string, snapshotId: bigint): this {
    return this.add((refs) => {
      const tag = refs.existing(name, "tag");
      refs.snapshot(snapshotId);
      refs.set(name, { ...tag, snapshotId });
    });
  }

  removeTag(name: string): this {
    return this.add((refs) => {
      refs.existing(name, "tag");
      refs.remove(name);
    });
  }

  /** Creates a branch at `snapshotId`, by default at the current snapshot. */
  createBranch(name: string, snapshotId?: bigint, retention: BranchRetention = {}): this {
    checkName(name, "branch");
    checkBranchRetention(name, retention);
    return this.add((refs) => {
      refs.mustNotExist(name);
      let at = snapshotId;
      if (at === undefined) {
        at = refs.get(MAIN_BRANCH)?.snapshotId;
        if (at === undefined) {
          throw invalidInput(`cannot create branch ${name}: table ${refs.location} has no current snapshot to branch from; name a snapshot`, { ref: name });
        }
      }
      refs.snapshot(at);
      refs.set(name, withDefined({ snapshotId: at, type: "branch", ...retention }));
    });
  }

  /** Points an existing branch at any snapshot (no ancestry check), keeping its retention; on `main` this sets the current snapshot. */
  replaceBranch(name: string, snapshotId: bigint): this {
    return this.add((refs) => {
      refs.existing(name, "branch");
      refs.snapshot(snapshotId);
      refs.moveBranch(name, snapshotId);
    });
  }

  removeBranch(name: string): this {
    return this.add((refs) => {
      if (name === MAIN_BRANCH) throw invalidInput(`cannot remove branch ${MAIN_BRANCH}: it holds the table's current snapshot`, { ref: name });
      refs.existing(name, "branch");
      refs.remove(name);
    });
  }

  renameBranch(name: string, newName: string): this {
    checkName(newName, "branch");
    return this.add((refs) => {
      if (name === MAIN_BRANCH) throw invalidInput(`cannot rename branch ${MAIN_BRANCH}`, { ref: name });
      const branch = refs.existing(name, "branch");
      refs.mustNotExist(newName);
      refs.remove(name);
      refs.set(newName, branch);
    });
  }

  /**
   * Moves branch `target` (usually `main`) to the snapshot of `source` (a branch or tag),
   * only if target's snapshot is an ancestor of it, so that no snapshot of target is left
   * behind. A target that does not exist yet is created there.
   */
  fastForwardBranch(target: string, source: string): this {
    checkName(target, "branch");
    return this.add((refs) => {
      const to = refs.get(source);
      if (to === undefined) throw notFound(`cannot fast-forward ${target} to ${source}: table ${refs.location} has no branch or tag ${source}`, { ref: source });
      const from = refs.get(target);
      if (from === undefined) {
        refs.set(target, { snapshotId: to.snapshotId, type: "branch" });
        return;
      }
      if (from.type !== "branch") throw invalidInput(`cannot fast-forward ${target}: it is a tag, not a branch`, { ref: target });
      if (!refs.isAncestor(from.snapshotId, to.snapshotId)) {
        throw invalidInput(
          `cannot fast-forward ${target} to ${source}: ${target}'s snapshot ${from.snapshotId} is not an ancestor of ${source}'s snapshot ${to.snapshotId} (the two have diverged)`,
          { ref: target, source },
        );
      }
      refs.moveBranch(target, to.snapshotId);
    });
  }

  /** How many snapshots expiration keeps on a branch, however old. */
  setMinSnapshotsToKeep(branch: string, minSnapshotsToKeep: number): this {
    if (!Number.isSafeInteger(minSnapshotsToKeep) || minSnapshotsToKeep <= 0) {
      throw invalidInput(`min-snapshots-to-keep of branch ${branch} must be a positive integer, got ${minSnapshotsToKeep}`, { ref: branch });
    }
    return this.add((refs) => refs.set(branch, { ...refs.existing(branch, "branch"), minSnapshotsToKeep }));
  }

  /** How old the snapshots expiration keeps on a branch may be. */
  setMaxSnapshotAgeMs(branch: string, maxSnapshotAgeMs: bigint): this {
    checkAge(maxSnapshotAgeMs, `max-snapshot-age-ms of branch ${branch}`);
    return this.add((refs) => refs.set(branch, { ...refs.existing(branch, "branch"), maxSnapshotAgeMs }));
  }

  /** How old a branch or tag may get before expiration removes it (never `main`). */
  setMaxRefAgeMs(name: string, maxRefAgeMs: bigint): this {
    checkAge(maxRefAgeMs, `max-ref-age-ms of ${name}`);
    return this.add((refs) => refs.set(name, { ...refs.existing(name), maxRefAgeMs }));
  }

  async commit(context: ActionContext): Promise<ActionCommit> {
    const metadata = context.metadata;
    if (metadata === undefined) throw invalidInput("cannot manage the snapshots of a table that does not exist: create it first");
    const refs = new RefsDraft(metadata);
    for (const operation of this.operations) operation(refs);

    const updates: TableUpdate[] = [];
    const requirements: TableRequirement[] = [];
    for (const name of refs.touched) {
      const before = metadata.ref(name);
      const after = refs.get(name);
      if (after === undefined) {
        if (before === undefined) continue;
        updates.push({ action: "remove-snapshot-ref", refName: name });
      } else {
        if (before !== undefined && sameRef(before, after)) continue;
        updates.push({ action: "set-snapshot-ref", refName: name, ...after });
      }
      requirements.push({ type: "assert-ref-snapshot-id", ref: name, snapshotId: before?.snapshotId ?? null });
    }
    if (updates.length > 0 && metadata.tableUuid !== undefined) requirements.unshift({ type: "assert-table-uuid", uuid: metadata.tableUuid });
    return { updates, requirements };
  }

  private add(operation: Operation): this {
    this.operations.push(operation);
    return this;
  }
}

/** The refs as the operations so far leave them, over the table's (unchanging) snapshots. */
class RefsDraft {
  readonly metadata: TableMetadata;
  private readonly refs: Map<string, SnapshotRef>;
  /** Names of the refs an operation set or removed, in the order first touched. */
  readonly touched: string[] = [];

  constructor(metadata: TableMetadata) {
    this.metadata = metadata;
    this.refs = new Map(metadata.refs);
  }

  get location(): string {
    return this.metadata.location;
  }

  get(name: string): SnapshotRef | undefined {
    return this.refs.get(name);
  }

  set(name: string, ref: SnapshotRef): void {
    this.touch(name);
    this.refs.set(name, ref);
  }

  remove(name: string): void {
    this.touch(name);
    this.refs.delete(name);
  }

  /** Points a branch at a snapshot, keeping its retention; creates `main` on a table without one. */
  moveBranch(name: string, snapshotId: bigint): void {
    const branch = this.refs.get(name);
    this.set(name, { ...(branch ?? {}), snapshotId, type: "branch" });
  }

  /** The ref, which must exist (and be of `type` when given). */
  existing(name: string, type?: SnapshotRef["type"]): SnapshotRef {
    const ref = this.refs.get(name);
    if (ref === undefined) throw notFound(`table ${this.location} has no ${type ?? "branch or tag"} ${name}`, { ref: name });
    if (type !== undefined && ref.type !== type) throw invalidInput(`${name} is a ${ref.type}, not a ${type}`, { ref: name });
    return ref;
  }

  mustNotExist(name: string): void {
    const ref = this.refs.get(name);
    if (ref !== undefined) {
      throw new FloeError("already-exists", `table ${this.location} already has a ${ref.type} ${name} (at snapshot ${ref.snapshotId})`, {
        context: { ref: name },
      });
    }
  }

  snapshot(snapshotId: bigint): Snapshot {
    const snapshot = this.metadata.snapshotById(snapshotId);
    if (snapshot === undefined) throw notFound(`table ${this.location} has no snapshot ${snapshotId}`, { snapshotId });
    return snapshot;
  }

  /** The snapshot `main` points at now; `doing` opens the error when there is none. */
  currentSnapshot(doing: string): Snapshot {
    const main = this.refs.get(MAIN_BRANCH);
    if (main === undefined) throw invalidInput(`${doing}: table ${this.location} has no current snapshot`);
    return this.snapshot(main.snapshotId);
  }

  /** Whether `ancestorId` is `snapshotId` or one of its ancestors. */
  isAncestor(ancestorId: bigint, snapshotId: bigint): boolean {
    return this.metadata.ancestorsOf(snapshotId).some((s) => s.snapshotId === ancestorId);
  }

  private touch(name: string): void {
    if (!this.touched.includes(name)) this.touched.push(name);
  }
}

function checkName(name: string, what: "branch" | "tag"): void {
  if (name.trim() === "") throw invalidInput(`a ${what} needs a name`);
}

function checkAge(ms: bigint, what: string): void {
  if (ms <= 0n) throw invalidInput(`${what} must be positive, got ${ms}`);
}

function checkBranchRetention(name: string, retention: BranchRetention): void {
  const { minSnapshotsToKeep, maxSnapshotAgeMs, maxRefAgeMs } = retention;
  if (minSnapshotsToKeep !== undefined && (!Number.isSafeInteger(minSnapshotsToKeep) || minSnapshotsToKeep <= 0)) {
    throw invalidInput(`min-snapshots-to-keep of branch ${name} must be a positive integer, got ${minSnapshotsToKeep}`, { ref: name });
  }
  if (maxSnapshotAgeMs !== undefined) checkAge(maxSnapshotAgeMs, `max-snapshot-age-ms of branch ${name}`);
  if (maxRefAgeMs !== undefined) checkAge(maxRefAgeMs, `max-ref-age-ms of branch ${name}`);
}

/** The ref without the retention fields left undefined, so that refs compare and serialize cleanly. */
function withDefined(ref: SnapshotRef): SnapshotRef {
  const out: SnapshotRef = { snapshotId: ref.snapshotId, type: ref.type };
  if (ref.minSnapshotsToKeep !== undefined) out.minSnapshotsToKeep = ref.minSnapshotsToKeep;
  if (ref.maxSnapshotAgeMs !== undefined) out.maxSnapshotAgeMs = ref.maxSnapshotAgeMs;
  if (ref.maxRefAgeMs !== undefined) out.maxRefAgeMs = ref.maxRefAgeMs;
  return out;
}

function sameRef(a: SnapshotRef, b: SnapshotRef): boolean {
  return (
    a.snapshotId === b.snapshotId &&
    a.type === b.type &&
    a.minSnapshotsToKeep === b.minSnapshotsToKeep &&
    a.maxSnapshotAgeMs === b.maxSnapshotAgeMs &&
    a.maxRefAgeMs === b.maxRefAgeMs
  );
}

function isoTime(timestampMs: number): string {
  const date = new Date(timestampMs);
  return Number.isNaN(date.getTime()) ? `${timestampMs} ms` : date.toISOString();
}

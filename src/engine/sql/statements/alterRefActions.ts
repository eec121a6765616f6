/**
 * `ALTER TABLE` actions on branches and tags, in Iceberg's Spark syntax:
 *
 *   CREATE [OR REPLACE] BRANCH [IF NOT EXISTS] b [AS OF VERSION n] [RETAIN n DAYS|HOURS|MINUTES]
 *          [WITH SNAPSHOT RETENTION [n SNAPSHOTS] [n DAYS|HOURS|MINUTES]]
 *   REPLACE BRANCH b [options]
 *   CREATE [OR REPLACE] TAG [IF NOT EXISTS] t [AS OF VERSION n] [RETAIN n DAYS|HOURS|MINUTES]
 *   REPLACE TAG t [options]
 *   DROP BRANCH [IF EXISTS] b
 *   DROP TAG [IF EXISTS] t
 */
import type { AlterTableAction, RefOptions } from "./ast.js";
import type { TokenCursor } from "./TokenCursor.js";

type RefType = "branch" | "tag";

const MS_PER_UNIT: ReadonlyMap<string, bigint> = new Map([
  ["DAYS", 86_400_000n],
  ["DAY", 86_400_000n],
  ["HOURS", 3_600_000n],
  ["HOUR", 3_600_000n],
  ["MINUTES", 60_000n],
  ["MINUTE", 60_000n],
]);

export function parseCreateRef(type: RefType, orReplace: boolean) {
  return (cursor: TokenCursor): AlterTableAction => {
    const ifNotExists = !orReplace && cursor.acceptWords("IF", "NOT", "EXISTS");
    const name = cursor.identifier(`a ${type} name`);
    const options = parseRefOptions(cursor, type);
    return type === "branch" ? { kind: "create-branch", name, ifNotExists, orReplace, ...options } : { kind: "create-tag", name, ifNotExists, orReplace, ...options };
  };
}

export function parseReplaceRef(type: RefType) {
  return (cursor: TokenCursor): AlterTableAction => {
    const name = cursor.identifier(`a ${type} name`);
    const options = parseRefOptions(cursor, type);
    return type === "branch" ? { kind: "replace-branch", name, ...options } : { kind: "replace-tag", name, ...options };
  };
}

export function parseDropRef(type: RefType) {
  return (cursor: TokenCursor): AlterTableAction => {
    const ifExists = cursor.acceptWords("IF", "EXISTS");
    const name = cursor.identifier(`a ${type} name`);
    return type === "branch" ? { kind: "drop-branch", name, ifExists } : { kind: "drop-tag", name, ifExists };
  };
}

function parseRefOptions(cursor: TokenCursor, type: RefType): RefOptions {
  const options: RefOptions = {};
  if (cursor.acceptWords("AS", "OF", "VERSION")) options.snapshotId = cursor.integer("a snapshot id");
  if (cursor.acceptWords("RETAIN")) options.maxRefAgeMs = duration(cursor, `how long to keep the ${type}`);
  if (type === "branch" && cursor.acceptWords("WITH", "SNAPSHOT", "RETENTION")) {
    if (cursor.isWord("SNAPSHOTS", 1)) {
      options.minSnapshotsToKeep = Number(cursor.integer("a number of snapshots"));
      cursor.expectWords("SNAPSHOTS");
    }
    if (cursor.peek()?.kind === "number") options.maxSnapshotAgeMs = duration(cursor, "a maximum snapshot age");
    if (options.minSnapshotsToKeep === undefined && options.maxSnapshotAgeMs === undefined) throw cursor.expected("a number of SNAPSHOTS or a maximum snapshot age");
  }
  return options;
}

/** `n DAYS|HOURS|MINUTES` in milliseconds. */
function duration(cursor: TokenCursor, what: string): bigint {
  const at = cursor.peek()?.start ?? 0;
  const amount = cursor.integer(what);
  if (amount < 0n) throw cursor.errorAt(at, `${what} cannot be negative`);
  const unit = cursor.peek();
  const ms = unit?.kind === "word" ? MS_PER_UNIT.get(unit.text.toUpperCase()) : undefined;
  if (ms === undefined) throw cursor.expected("DAYS, HOURS or MINUTES");
  cursor.next("a time unit");
  return amount * ms;
}

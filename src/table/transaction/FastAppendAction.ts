/**
 * Fast append: adds data files in a new snapshot without rewriting any existing manifest.
 * The added files go into new manifests (one per partition spec); the snapshot's manifest
 * list is those plus every manifest of the parent snapshot.
 *
 * The snapshot goes to `main` or to the branch the options name.
 *
 * Appends commute: when a commit is retried on a table another writer changed, the manifests
 * already written are reused (the snapshot id stays the same) and only a new manifest list is
 * written, on top of the new parent.
 */
import { invalidInput } from "../../core/errors/FloeError.js";
import { DataFileContent, type DataFile } from "../manifest/dataFile.js";
import type { Snapshot, SnapshotOperation } from "../spec/snapshot.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import type { CommittedChange } from "./concurrentChanges.js";
import { SnapshotProducer, type PlannedChange } from "./SnapshotProducer.js";

export interface FastAppendOptions {
  /** Extra snapshot summary entries (they cannot replace the counts the append computes). */
  snapshotProperties?: Record<string, string>;
  /**
   * The branch the new snapshot goes to; default `main`. Its head is the parent. A branch
   * that does not exist yet is forked off the current snapshot, as Iceberg Java does: the
   * new snapshot's parent is main's head. A tag cannot be appended to.
   */
  branch?: string;
}

const NOTHING_REMOVED: PlannedChange = { removePaths: new Set() };

export class FastAppendAction extends SnapshotProducer {
  readonly kind = "fast-append";

  constructor(files: readonly DataFile[], options: FastAppendOptions = {}) {
    super(options);
    if (options.branch !== undefined && options.branch.trim() === "") throw invalidInput("the branch to append to needs a name");
    for (const file of files) {
      if (file.content !== DataFileContent.DATA) {
        throw invalidInput(`a fast append adds data files only, but ${file.filePath} has content ${file.content}`, { file: file.filePath });
      }
      if (this.addedDataFiles.some((f) => f.filePath === file.filePath)) throw invalidInput(`the append lists ${file.filePath} twice`, { file: file.filePath });
      this.addFile(file);
    }
  }

  /** The files this action adds. */
  get dataFiles(): readonly DataFile[] {
    return this.addedDataFiles;
  }

  protected operation(): SnapshotOperation {
    return "append";
  }

  protected plan(_metadata: TableMetadata, _head: Snapshot | undefined): PlannedChange {
    return NOTHING_REMOVED;
  }

  // appends commute with every concurrent commit: nothing to look at
  protected override readsConcurrentChanges(): boolean {
    return false;
  }

  protected validate(_metadata: TableMetadata, _changes: readonly CommittedChange[]): void {}

  protected override refuseTag(metadata: TableMetadata, branch: string): never {
    throw invalidInput(`cannot append to ${branch} of table ${metadata.location}: it is a tag, and only branches take new snapshots`, { ref: branch });
  }
}

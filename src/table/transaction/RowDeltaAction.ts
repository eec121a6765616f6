/**
 * Row delta: the merge-on-read commit. Adds rows (data files) and deletes rows (position
 * delete files, deletion vectors, equality delete files) in one snapshot, and may remove
 * delete files it supersedes (a deletion vector replaced by a merged one).
 *
 * Position deletes name the data files they apply to: `validateDataFilesExist` makes the
 * commit fail when a concurrent commit removed one of them (its rows would be deleted from
 * nothing and live on in the file that replaced it).
 */
import type { DataFile } from "../manifest/dataFile.js";
import type { SnapshotOperation } from "../spec/snapshot.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import { validateFilesNotRemoved, type CommittedChange } from "./concurrentChanges.js";
import { OverwriteFilesAction } from "./OverwriteFilesAction.js";

export class RowDeltaAction extends OverwriteFilesAction {
  override readonly kind: string = "row-delta";
  private readonly referencedDataFiles = new Set<string>();

  addRows(file: DataFile): this {
    return this.add(file);
  }

  addDeletes(file: DataFile): this {
    return this.add(file);
  }

  /** Fails the commit when a concurrent commit removed any of these data files. */
  validateDataFilesExist(paths: Iterable<string>): this {
    for (const path of paths) this.referencedDataFiles.add(path);
    return this;
  }

  protected override operation(removed: readonly DataFile[]): SnapshotOperation {
    if (this.addedDeleteFiles.length === 0 && removed.length === 0) return "append";
    if (this.addedDataFiles.length === 0) return "delete";
    return "overwrite";
  }

  protected override validate(metadata: TableMetadata, changes: readonly CommittedChange[], removed: readonly DataFile[]): void {
    validateFilesNotRemoved(changes, this.referencedDataFiles);
    super.validate(metadata, changes, removed);
  }
}

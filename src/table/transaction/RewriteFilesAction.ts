/**
 * Rewrite files: replaces files with others holding the same rows (compaction, applying
 * deletes, re-sorting) in a `replace` snapshot. The table's rows do not change, so concurrent
 * appends commute; a concurrent commit that removed a rewritten file, or added deletes that
 * apply to one (they would be lost with it), fails the rewrite.
 */
import { invalidInput } from "../../core/errors/FloeError.js";
import { DataFileContent, type DataFile } from "../manifest/dataFile.js";
import type { Snapshot, SnapshotOperation } from "../spec/snapshot.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import { validateNoConflictingDeleteFiles, type CommittedChange } from "./concurrentChanges.js";
import { fileKey, SnapshotProducer, type PlannedChange } from "./SnapshotProducer.js";

export class RewriteFilesAction extends SnapshotProducer {
  readonly kind = "rewrite";
  private readonly removePaths = new Set<string>();

  /** Replaces `removed` (data or delete files) with `added`. */
  rewriteFiles(removed: readonly (DataFile | string)[], added: readonly DataFile[]): this {
    for (const file of removed) this.removePaths.add(typeof file === "string" ? file : fileKey(file));
    for (const file of added) this.addFile(file);
    return this;
  }

  protected operation(): SnapshotOperation {
    return "replace";
  }

  protected plan(_metadata: TableMetadata, _head: Snapshot | undefined): PlannedChange {
    if (this.removePaths.size === 0 && (this.addedDataFiles.length > 0 || this.addedDeleteFiles.length > 0)) {
      throw invalidInput("a rewrite must remove the files it replaces; to add rows, append");
    }
    return { removePaths: this.removePaths };
  }

  protected validate(metadata: TableMetadata, changes: readonly CommittedChange[], removed: readonly DataFile[]): void {
    if (changes.length === 0) return;
    validateNoConflictingDeleteFiles(
      changes,
      metadata,
      removed.filter((f) => f.content === DataFileContent.DATA),
      undefined,
    );
  }
}

/**
 * Dynamic partition overwrite: the partitions the added files fall in are replaced — every
 * live file of the same spec and partition tuple is removed, with the delete files there —
 * and the rest of the table is kept. On an unpartitioned table it replaces everything.
 *
 * Which files to remove is decided against the branch head of each attempt. With
 * `validateNoConflictingData`, a concurrent commit that added data to one of those
 * partitions fails this one instead of being silently replaced.
 */
import { invalidInput } from "../../core/errors/FloeError.js";
import { DataFileContent, type DataFile } from "../manifest/dataFile.js";
import { partitionKey } from "../manifest/partitionKey.js";
import type { Snapshot, SnapshotOperation } from "../spec/snapshot.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import {
  validateNoConflictingDataFiles,
  validateNoConflictingDeleteFiles,
  type CommittedChange,
} from "./concurrentChanges.js";
import { SnapshotProducer, type PlannedChange, type SnapshotProducerOptions } from "./SnapshotProducer.js";

export class ReplacePartitionsAction extends SnapshotProducer {
  readonly kind = "replace-partitions";
  private validatesData = false;
  private validatesDeletes = false;

  constructor(options: SnapshotProducerOptions = {}) {
    super(options);
  }

  add(file: DataFile): this {
    if (file.content !== DataFileContent.DATA) throw invalidInput(`a partition overwrite adds data files only, but ${file.filePath} holds deletes`);
    this.addFile(file);
    return this;
  }

  validateNoConflictingData(): this {
    this.validatesData = true;
    return this;
  }

  validateNoConflictingDeletes(): this {
    this.validatesDeletes = true;
    return this;
  }

  private replaced(metadata: TableMetadata): (file: DataFile) => boolean {
    const keys = new Set(this.addedDataFiles.map((f) => partitionKey(f.specId, f.partition)));
    const wholeSpecs = new Set(this.addedDataFiles.filter((f) => metadata.specById(f.specId)?.isUnpartitioned()).map((f) => f.specId));
    return (file) => wholeSpecs.has(file.specId) || keys.has(partitionKey(file.specId, file.partition));
  }

  protected operation(removed: readonly DataFile[]): SnapshotOperation {
    return removed.length === 0 ? "append" : "overwrite";
  }

  protected plan(metadata: TableMetadata, _head: Snapshot | undefined): PlannedChange {
    return { removePaths: new Set(), removeWhere: this.replaced(metadata) };
  }

  protected validate(metadata: TableMetadata, changes: readonly CommittedChange[], removed: readonly DataFile[]): void {
    if (changes.length === 0) return;
    const replaced = this.replaced(metadata);
    if (this.validatesData) validateNoConflictingDataFiles(changes, replaced, "rows in a partition this change replaces");
    if (this.validatesDeletes) {
      validateNoConflictingDeleteFiles(
        changes,
        metadata,
        removed.filter((f) => f.content === DataFileContent.DATA),
        replaced,
      );
    }
  }
}

/**
 * Overwrite: removes some files and adds others in one snapshot — the commit behind
 * copy-on-write deletes and updates, overwrite by filter, and any change a writer computed
 * from a snapshot it read. Data and delete files may be added and removed alike.
 *
 * Isolation is the caller's choice, as in Iceberg: with `validateNoConflictingData` a
 * concurrent commit that added data files the conflict-detection filter may match fails
 * this one (serializable); with `validateNoConflictingDeletes`, one that added delete files
 * for the removed files or the filter (snapshot isolation). Removing a file a concurrent
 * commit removed always fails.
 */
import type { UnboundExpression } from "../expr/Expression.js";
import { DataFileContent, type DataFile } from "../manifest/dataFile.js";
import type { Snapshot, SnapshotOperation } from "../spec/snapshot.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import {
  fileMatcher,
  filterScope,
  validateNoConflictingDataFiles,
  validateNoConflictingDeleteFiles,
  type CommittedChange,
} from "./concurrentChanges.js";
import { fileKey, SnapshotProducer, type PlannedChange, type SnapshotProducerOptions } from "./SnapshotProducer.js";

export interface OverwriteFilesOptions extends SnapshotProducerOptions {
  /** Which rows the change read or replaces, for conflict detection; default the whole table. */
  conflictDetectionFilter?: UnboundExpression;
  caseSensitive?: boolean;
}

export class OverwriteFilesAction extends SnapshotProducer {
  readonly kind: string = "overwrite";
  protected readonly removePaths = new Set<string>();
  protected validatesData = false;
  protected validatesDeletes = false;
  protected override readonly options: OverwriteFilesOptions;

  constructor(options: OverwriteFilesOptions = {}) {
    super(options);
    this.options = options;
  }

  /** Adds a data or delete file. */
  add(file: DataFile): this {
    this.addFile(file);
    return this;
  }

  /** Removes a live data or delete file (by its DataFile, or its path when it is not a deletion vector). */
  remove(file: DataFile | string): this {
    this.removePaths.add(typeof file === "string" ? file : fileKey(file));
    return this;
  }

  conflictDetectionFilter(filter: UnboundExpression): this {
    this.options.conflictDetectionFilter = filter;
    return this;
  }

  /** Fails the commit when a concurrent commit added data files the conflict filter may match. */
  validateNoConflictingData(): this {
    this.validatesData = true;
    return this;
  }

  /** Fails the commit when a concurrent commit added delete files for removed files or matching the conflict filter. */
  validateNoConflictingDeletes(): this {
    this.validatesDeletes = true;
    return this;
  }

  protected operation(removed: readonly DataFile[]): SnapshotOperation {
    const addsData = this.addedDataFiles.length > 0;
    const addsDeletes = this.addedDeleteFiles.length > 0;
    if (removed.length === 0 && !addsDeletes) return "append";
    if (!addsData && (addsDeletes || removed.length > 0)) return "delete";
    return "overwrite";
  }

  protected plan(_metadata: TableMetadata, _head: Snapshot | undefined): PlannedChange {
    return { removePaths: this.removePaths };
  }

  protected validate(metadata: TableMetadata, changes: readonly CommittedChange[], removed: readonly DataFile[]): void {
    if (changes.length === 0) return;
    const filter = this.options.conflictDetectionFilter;
    const matches = fileMatcher(metadata, filter, this.options.caseSensitive ?? true);
    if (this.validatesData) validateNoConflictingDataFiles(changes, matches, filterScope(filter));
    if (this.validatesDeletes) {
      const removedData = removed.filter((f) => f.content === DataFileContent.DATA);
      validateNoConflictingDeleteFiles(changes, metadata, removedData, filter === undefined ? undefined : matches);
    }
  }
}

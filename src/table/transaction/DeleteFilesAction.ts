/**
 * Delete files: removes whole data files (every row of which a delete matched) in a
 * `delete` snapshot, and the delete files that only apply to them.
 */
import type { DataFile } from "../manifest/dataFile.js";
import type { SnapshotOperation } from "../spec/snapshot.js";
import { OverwriteFilesAction } from "./OverwriteFilesAction.js";

export class DeleteFilesAction extends OverwriteFilesAction {
  override readonly kind: string = "delete";

  deleteFile(file: DataFile | string): this {
    return this.remove(file);
  }

  protected override operation(): SnapshotOperation {
    return "delete";
  }
}

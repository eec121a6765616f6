/**
 * Copy-on-write or merge-on-read, as the table's `write.delete.mode`, `write.update.mode`
 * and `write.merge.mode` properties (Iceberg's names and values) say; copy-on-write by
 * default, as in Iceberg. A format v1 table cannot hold delete files, so it always copies.
 */
import { invalidInput } from "../../core/errors/FloeError.js";
import type { TableMetadata } from "../../table/spec/tableMetadata.js";

export type RowLevelMode = "copy-on-write" | "merge-on-read";
export type RowLevelOperation = "delete" | "update" | "merge";

export const WRITE_MODE_PROPERTY: Record<RowLevelOperation, string> = {
  delete: "write.delete.mode",
  update: "write.update.mode",
  merge: "write.merge.mode",
};

export function rowLevelMode(metadata: TableMetadata, operation: RowLevelOperation, requested?: RowLevelMode): RowLevelMode {
  const key = WRITE_MODE_PROPERTY[operation];
  const mode = requested ?? metadata.properties[key] ?? "copy-on-write";
  if (mode !== "copy-on-write" && mode !== "merge-on-read") {
    throw invalidInput(`${key} must be copy-on-write or merge-on-read, not ${JSON.stringify(mode)}`, { property: key });
  }
  return metadata.formatVersion < 2 ? "copy-on-write" : mode;
}

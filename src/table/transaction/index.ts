export * from "./updates.js";
export { checkRequirements, violation } from "./requirements.js";
export { applyUpdates, type ApplyUpdatesOptions } from "./applyUpdates.js";
export type { CommitRequest, CommittedTable, TableCommitter } from "./TableCommitter.js";
export type { ActionContext, TransactionAction } from "./TransactionAction.js";
export { Transaction, type PreparedCommit, type TransactionOptions } from "./Transaction.js";
export { NewTableAction, newTable, assignFreshIds, freshSpec, freshSortOrder, FORMAT_VERSION_PROPERTY, type NewTableOptions } from "./NewTableAction.js";
export { FastAppendAction, type FastAppendOptions } from "./FastAppendAction.js";
export { SetPropertiesAction } from "./SetPropertiesAction.js";
export { RemovePropertiesAction } from "./RemovePropertiesAction.js";
export { addedFilesSummary, SUMMARY } from "./snapshotSummary.js";
export { newSnapshotId } from "./snapshotId.js";
export * from "./tableProperties.js";
export { tableUpdateToJson, parseTableUpdate, tableRequirementToJson, parseTableRequirement } from "./updatesJson.js";
export { ManageSnapshotsAction, type BranchRetention, type TagRetention } from "./ManageSnapshotsAction.js";
export {
  METADATA_DELETE_AFTER_COMMIT_ENABLED,
  METADATA_DELETE_AFTER_COMMIT_ENABLED_DEFAULT,
  deleteAfterCommitEnabled,
  metadataFilesDroppedFromLog,
} from "./metadataLog.js";
export { SnapshotProducer, type SnapshotProducerOptions, type PlannedChange } from "./SnapshotProducer.js";
export { OverwriteFilesAction, type OverwriteFilesOptions } from "./OverwriteFilesAction.js";
export { RowDeltaAction } from "./RowDeltaAction.js";
export { DeleteFilesAction } from "./DeleteFilesAction.js";
export { RewriteFilesAction } from "./RewriteFilesAction.js";
export { ReplacePartitionsAction } from "./ReplacePartitionsAction.js";
export { changesSince, fileMatcher, deleteMayApply, type CommittedChange, type FileMatcher } from "./concurrentChanges.js";
export { changedFilesSummary } from "./snapshotSummary.js";
export { UpdateSchemaAction, type AddColumnOptions, type UpdateSchemaOptions, type ColumnPath } from "./UpdateSchemaAction.js";
export { UpdatePartitionSpecAction, type UpdatePartitionSpecOptions, type PartitionTerm } from "./UpdatePartitionSpecAction.js";
export { ReplaceSortOrderAction, type ReplaceSortOrderOptions } from "./ReplaceSortOrderAction.js";
export { parsePartitionTerm, defaultPartitionName } from "./partitionTerms.js";
export { isPromotionAllowed } from "./typePromotion.js";

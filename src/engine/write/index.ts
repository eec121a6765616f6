export { writeDataFiles, type WriteDataFilesOptions } from "./DataFileWriter.js";
export { registerBucketFunctions, BUCKET_FUNCTIONS } from "./bucketFunctions.js";
export { partitionColumns, columnReference, type PartitionColumn } from "./partitionColumns.js";
export { partitionPath, partitionValueText, escapePathValue } from "./partitionPath.js";
export { sortKeys, type SortKeys } from "./sortKeys.js";
export {
  fileMetrics,
  metricsModes,
  parseStatValue,
  truncateLowerBytes,
  truncateLowerString,
  truncateUpperBytes,
  truncateUpperString,
  type ColumnWriteStats,
} from "./metrics.js";
export { fieldIdsOption, leafColumns, type ColumnStep, type LeafColumn } from "./schemaColumns.js";
export * from "./writeProperties.js";

export { describeTable } from "./describeTable.js";
export { history } from "./history.js";
export { snapshots } from "./snapshots.js";
export { refs } from "./refs.js";
export { files } from "./files.js";
export { partitions } from "./partitions.js";
export { manifests, type PartitionSummaryRow } from "./manifests.js";
export { metadataLog } from "./metadataLog.js";
export type { InspectResult } from "./values.js";

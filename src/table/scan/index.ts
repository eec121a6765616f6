export * from "./TableScan.js";
export * from "./DeleteFileIndex.js";
export * from "./scanSchema.js";

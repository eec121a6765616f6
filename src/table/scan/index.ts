export * from "./TableScan.js";
export * from "./DeleteFileIndex.js";

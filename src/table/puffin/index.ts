export * from "./deletionVector.js";
export * from "./readDeletionVector.js";

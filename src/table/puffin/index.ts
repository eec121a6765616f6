export * from "./deletionVector.js";
export * from "./readDeletionVector.js";
export * from "./puffinFile.js";

export * from "./errors/FloeError.js";
export * from "./config/settings.js";
export * from "./config/loadConfig.js";

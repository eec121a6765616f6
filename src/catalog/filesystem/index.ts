export { FileSystemTableCommitter, VERSION_HINT_FILE, type FileSystemTableCommitterOptions } from "./FileSystemTableCommitter.js";

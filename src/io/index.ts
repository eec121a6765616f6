export type { FileIO, FileStat, WriteOptions } from "./FileIO.js";
export { LocalFileIO } from "./LocalFileIO.js";
export { MemoryFileIO } from "./MemoryFileIO.js";
export { S3FileIO, S3_PROPERTIES, type S3FileIOOptions } from "./S3FileIO.js";
export { LocalFileCache, DEFAULT_CACHE_MAX_BYTES, type LocalFileCacheOptions, type CacheKey } from "./LocalFileCache.js";
export { FileIORouter, resolveFileIO, SUPPORTED_SCHEMES, type FileIORouterOptions } from "./FileIORouter.js";
export { PathRelocator } from "./PathRelocator.js";
export { LocationMapper, type PathMapping } from "./LocationMapper.js";
export { schemeOf, toLocalFilePath, parseS3Location, normalizeLocation, type S3Location } from "./location.js";

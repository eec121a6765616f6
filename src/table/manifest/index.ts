export * from "./dataFile.js";
export * from "./manifestFile.js";
export * from "./manifestSchemas.js";
export * from "./manifest.js";
export * from "./manifestList.js";
export * from "./partitionSummary.js";
export { avroName, icebergToAvroSchema, type AvroSchema } from "./avroSchema.js";
export { readAvroContainer, writeAvroContainer, type AvroCodec, type AvroContainer, type AvroWriteOptions } from "./avroContainer.js";

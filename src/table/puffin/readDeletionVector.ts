import { malformed } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import type { DataFile } from "../manifest/dataFile.js";
import { decodeDeletionVector } from "./deletionVector.js";

/** The row positions a deletion vector deletes, read with one ranged read of its Puffin blob. */
export async function readDeletionVector(io: FileIO, file: DataFile): Promise<bigint[]> {
  if (file.contentOffset === undefined || file.contentSizeInBytes === undefined) {
    throw malformed(`${file.filePath}: a deletion vector entry needs content_offset and content_size_in_bytes`);
  }
  const blob = await io.readRange(file.filePath, Number(file.contentOffset), Number(file.contentSizeInBytes));
  return decodeDeletionVector(blob, file.filePath);
}

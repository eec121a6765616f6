import type { DataFile } from "../manifest/dataFile.js";
import { DataFileContent } from "../manifest/dataFile.js";
import { partitionKey } from "../manifest/partitionKey.js";
import type { PartitionSpec } from "../spec/partitionSpec.js";

/** A delete file with the data sequence number that decides which data files it applies to. */
export interface IndexedDeleteFile {
  file: DataFile;
  sequenceNumber: bigint;
}

/**
 * Which delete files apply to a data file (format/spec.md, "Scan Planning"):
 * - position deletes and deletion vectors: the data file's sequence number is <= the
 *   delete's, its partition (spec and values) equals the delete's or the delete's spec is
 *   unpartitioned, and `referenced_data_file`, when set, names the data file;
 * - equality deletes: the data file's sequence number is strictly < the delete's, and the
 *   same partition rule.
 */
export class DeleteFileIndex {
  private readonly positionByPartition = new Map<string, IndexedDeleteFile[]>();
  private readonly positionByDataFile = new Map<string, IndexedDeleteFile[]>();
  private readonly globalPosition: IndexedDeleteFile[] = [];
  private readonly equalityByPartition = new Map<string, IndexedDeleteFile[]>();
  private readonly globalEquality: IndexedDeleteFile[] = [];

  constructor(
    deletes: readonly IndexedDeleteFile[],
    private readonly specs: ReadonlyMap<number, PartitionSpec>,
  ) {
    for (const d of deletes) {
      const spec = specs.get(d.file.specId);
      const global = spec === undefined || spec.isUnpartitioned();
      if (d.file.content === DataFileContent.POSITION_DELETES) {
        if (d.file.referencedDataFile !== undefined) push(this.positionByDataFile, d.file.referencedDataFile, d);
        else if (global) this.globalPosition.push(d);
        else push(this.positionByPartition, partitionKey(d.file.specId, d.file.partition), d);
      } else if (d.file.content === DataFileContent.EQUALITY_DELETES) {
        if (global) this.globalEquality.push(d);
        else push(this.equalityByPartition, partitionKey(d.file.specId, d.file.partition), d);
      }
    }
  }

  get isEmpty(): boolean {
    return (
      this.positionByPartition.size === 0 &&
      this.positionByDataFile.size === 0 &&
      this.globalPosition.length === 0 &&
      this.equalityByPartition.size === 0 &&
      this.globalEquality.length === 0
    );
  }

  /** The delete files that apply to `dataFile`, whose data sequence number is `sequenceNumber`. */
  forDataFile(dataFile: DataFile, sequenceNumber: bigint): DataFile[] {
    if (this.isEmpty) return [];
    const key = partitionKey(dataFile.specId, dataFile.partition);
    const out: DataFile[] = [];
    const position = (list: IndexedDeleteFile[] | undefined) => {
      for (const d of list ?? []) if (sequenceNumber <= d.sequenceNumber) out.push(d.file);
    };
    const equality = (list: IndexedDeleteFile[] | undefined) => {
      for (const d of list ?? []) if (sequenceNumber < d.sequenceNumber) out.push(d.file);
    };
    position(this.positionByDataFile.get(dataFile.filePath));
    position(this.positionByPartition.get(key));
    position(this.globalPosition);
    equality(this.equalityByPartition.get(key));
    equality(this.globalEquality);
    return out;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

import { invalidInput, notFound } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import {
  bind,
  FieldIndex,
  ManifestEvaluator,
  MetricsEvaluator,
  PartitionEvaluator,
  alwaysTrue,
  projectInclusive,
  type BoundExpression,
  type UnboundExpression,
} from "../expr/index.js";
import { DataFileContent, ManifestEntryStatus, type DataFile } from "../manifest/dataFile.js";
import { readSnapshotManifests } from "../manifest/manifest.js";
import { ManifestReader } from "../manifest/ManifestReader.js";
import { ManifestContent, type ManifestFile } from "../manifest/manifestFile.js";
import type { PartitionSpec } from "../spec/partitionSpec.js";
import type { Schema } from "../spec/schema.js";
import type { Snapshot } from "../spec/snapshot.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import { scanSchema } from "./scanSchema.js";
import { DeleteFileIndex, type IndexedDeleteFile } from "./DeleteFileIndex.js";

/** Which snapshot to read; at most one of these may be set. Default: the current snapshot. */
export interface SnapshotSelector {
  snapshotId?: bigint;
  /** The snapshot that was current at this time (epoch milliseconds). */
  asOfTimestampMs?: number;
  /** A branch or tag name. */
  ref?: string;
}

export interface ScanOptions extends SnapshotSelector {
  /** Rows the caller wants; files that cannot hold any are not planned. Unbound: names are resolved against the snapshot's schema. */
  filter?: UnboundExpression;
  caseSensitive?: boolean;
  /** How many manifests are read at once. */
  manifestConcurrency?: number;
}

/** One data file to read, with the delete files that apply to it. */
export interface FileScanTask {
  dataFile: DataFile;
  /** Data sequence number of the file (decides which deletes apply). */
  sequenceNumber: bigint;
  spec: PartitionSpec;
  deletes: DataFile[];
}

export interface ScanMetrics {
  manifests: number;
  manifestsSkipped: number;
  dataFiles: number;
  dataFilesSkipped: number;
  deleteFiles: number;
}

export interface ScanPlan {
  /** Undefined for a table with no snapshot: nothing to read. */
  snapshot?: Snapshot;
  /** The schema of the snapshot read (time travel reads the schema the snapshot was written with). */
  schema: Schema;
  tasks: FileScanTask[];
  metrics: ScanMetrics;
}

/** Picks the snapshot a selector names, with an error that names what was not found. */
export function selectSnapshot(metadata: TableMetadata, selector: SnapshotSelector): Snapshot | undefined {
  const given = [selector.snapshotId !== undefined, selector.asOfTimestampMs !== undefined, selector.ref !== undefined].filter(Boolean).length;
  if (given > 1) throw invalidInput("choose the snapshot by one of snapshot id, timestamp or ref, not several");
  if (selector.snapshotId !== undefined) {
    const snapshot = metadata.snapshotById(selector.snapshotId);
    if (!snapshot) throw notFound(`table ${metadata.location} has no snapshot ${selector.snapshotId}`);
    return snapshot;
  }
  if (selector.asOfTimestampMs !== undefined) {
    const snapshot = metadata.snapshotAsOf(selector.asOfTimestampMs);
    if (!snapshot) {
      throw notFound(`table ${metadata.location} has no snapshot at or before ${new Date(selector.asOfTimestampMs).toISOString()}`);
    }
    return snapshot;
  }
  if (selector.ref !== undefined) {
    const snapshot = metadata.snapshotByRef(selector.ref);
    if (!snapshot) throw notFound(`table ${metadata.location} has no branch or tag "${selector.ref}"`);
    return snapshot;
  }
  return metadata.currentSnapshot();
}

/**
 * Plans a scan: which data files to read and which delete files apply to each. Manifests
 * are skipped with their partition summaries, files with their partition values and
 * column metrics, through the filter projected onto every partition spec the table has
 * had (hidden partitioning: the filter names source columns only).
 */
export async function planScan(metadata: TableMetadata, io: FileIO, options: ScanOptions = {}): Promise<ScanPlan> {
  const snapshot = selectSnapshot(metadata, options);
  // Reading a snapshot by id or time reads it with its own schema; a branch head or the current snapshot with the table's.
  const schema = scanSchema(metadata, snapshot, options);
  const metrics: ScanMetrics = { manifests: 0, manifestsSkipped: 0, dataFiles: 0, dataFilesSkipped: 0, deleteFiles: 0 };
  if (!snapshot) return { schema, tasks: [], metrics };

  const rowFilter: BoundExpression = options.filter
    ? bind(options.filter, FieldIndex.fromStruct(schema.asStruct()), { caseSensitive: options.caseSensitive ?? true })
    : alwaysTrue();
  const filtering = rowFilter.kind !== "true";
  const specs = metadata.specsById();
  // No partition evaluator where the filter says nothing about partitions: reading tuples to pass them all costs time.
  const perSpec = new Map<number, { manifest: ManifestEvaluator; partition: PartitionEvaluator | undefined } | null>();
  const evaluatorsFor = (specId: number) => {
    if (!perSpec.has(specId)) {
      const spec = specs.get(specId);
      if (!filtering || spec === undefined) perSpec.set(specId, null);
      else {
        const projected = projectInclusive(rowFilter, spec.fields);
        perSpec.set(specId, {
          manifest: new ManifestEvaluator(projected, spec.fields.map((f) => f.fieldId)),
          partition: projected.kind === "true" ? undefined : new PartitionEvaluator(projected),
        });
      }
    }
    return perSpec.get(specId)!;
  };
  // Column metrics are keyed by field id. A file without field ids is read through the name
  // mapping, and a field the mapping leaves out reads as null whatever the metrics say.
  const mapping = metadata.nameMapping();
  const mappingCoversSchema = !mapping || schema.fields.every((f) => mapping.fields.some((m) => m.fieldId === f.id));
  const metricsEvaluator = filtering && mappingCoversSchema ? new MetricsEvaluator(rowFilter) : undefined;

  const manifests = await readSnapshotManifests(io, snapshot);
  metrics.manifests = manifests.length;
  const selected = manifests.filter((m) => {
    const evaluators = evaluatorsFor(m.partitionSpecId);
    const keep = !evaluators || evaluators.manifest.eval(m.partitions ?? null);
    if (!keep) metrics.manifestsSkipped++;
    return keep;
  });

  const data: { file: DataFile; sequenceNumber: bigint }[] = [];
  const deletes: IndexedDeleteFile[] = [];
  // Entries are judged on the fields the filter needs, read from their encoding; only the
  // files kept are decoded whole.
  const tableSchema = metadata.currentSchema();
  const metricsColumns = metricsEvaluator?.fieldIds ?? [];
  await forEachLimited(selected, options.manifestConcurrency ?? 16, async (manifest: ManifestFile) => {
    const reader = await ManifestReader.read(io, manifest.manifestPath, { manifestFile: manifest, specs, schema: tableSchema });
    const evaluators = evaluatorsFor(manifest.partitionSpecId);
    const deleteManifest = manifest.content === ManifestContent.DELETES;
    const entry = reader.entries(metricsColumns);
    while (entry.next()) {
      if (entry.status === ManifestEntryStatus.DELETED) continue;
      if (deleteManifest || entry.content !== DataFileContent.DATA) {
        if (evaluators?.partition && !evaluators.partition.eval(entry.partition)) continue;
        const { dataFile, sequenceNumber } = entry.decode();
        deletes.push({ file: dataFile, sequenceNumber: sequenceNumber ?? 0n });
        continue;
      }
      metrics.dataFiles++;
      if ((evaluators?.partition && !evaluators.partition.eval(entry.partition)) || (metricsEvaluator && !metricsEvaluator.eval(entry))) {
        metrics.dataFilesSkipped++;
        continue;
      }
      const { dataFile, sequenceNumber } = entry.decode();
      data.push({ file: dataFile, sequenceNumber: sequenceNumber ?? 0n });
    }
  });

  metrics.deleteFiles = deletes.length;
  const index = new DeleteFileIndex(deletes, specs);
  const tasks = data.map(({ file, sequenceNumber }) => ({
    dataFile: file,
    sequenceNumber,
    spec: specs.get(file.specId) ?? metadata.defaultSpec(),
    deletes: index.forDataFile(file, sequenceNumber),
  }));
  return { snapshot, schema, tasks, metrics };
}

/** Runs `work` on every item with at most `limit` running at once; results keep no order. */
async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

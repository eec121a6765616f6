/**
 * Reads a manifest: its header once, then its entries through a ManifestEntryCursor that
 * decodes only what is asked of it. `decodeEntries` decodes them all; a scan planner
 * decodes only the entries it keeps.
 */
import { isFloeError, malformed } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import type { PartitionSpec } from "../spec/partitionSpec.js";
import type { Schema } from "../spec/schema.js";
import type { StructType } from "../spec/types.js";
import { readAvroContainer, type AvroContainer } from "./avroContainer.js";
import { prepareForDecoding } from "./avroSchema.js";
import type { ManifestEntry } from "./dataFile.js";
import { ManifestEntryCursor } from "./ManifestEntryCursor.js";
import { ManifestEntryLayout, NOTED_COLUMNS } from "./manifestEntryLayout.js";
import type { ManifestFile } from "./manifestFile.js";
import { manifestMetadataOf, type ManifestMetadata, type ReadManifestOptions } from "./manifestHeader.js";

const UNPARTITIONED: StructType = { type: "struct", fields: [] };

/** Partition types by spec and schema: one object per pair, so that layouts compiled for it can be found again. */
const partitionTypes = new WeakMap<PartitionSpec, WeakMap<Schema, StructType>>();
/** Compiled layouts by partition type, then by writer schema text. */
const layouts = new WeakMap<StructType, Map<string, ManifestEntryLayout>>();
const LAYOUTS_PER_PARTITION_TYPE = 64;

function partitionTypeOf(spec: PartitionSpec | undefined, schema: Schema | undefined): StructType {
  if (spec === undefined || schema === undefined) return UNPARTITIONED;
  let bySchema = partitionTypes.get(spec);
  if (bySchema === undefined) partitionTypes.set(spec, (bySchema = new WeakMap()));
  let type = bySchema.get(schema);
  if (type === undefined) bySchema.set(schema, (type = spec.partitionType(schema)));
  return type;
}

export class ManifestReader {
  private constructor(
    readonly path: string,
    readonly metadata: ManifestMetadata,
    private readonly container: AvroContainer,
    private readonly partitionType: StructType,
    private readonly manifestFile: ManifestFile | undefined,
  ) {}

  /** A reader of manifest bytes; `path` names the file in errors. */
  static decode(bytes: Uint8Array, path: string, options: ReadManifestOptions = {}): ManifestReader {
    const container = readAvroContainer(bytes, path);
    const metadata = manifestMetadataOf(container, path, options);
    const partitionType = partitionTypeOf(metadata.spec, options.schema ?? metadata.schema);
    return new ManifestReader(path, metadata, container, partitionType, options.manifestFile);
  }

  static async read(io: FileIO, path: string, options: ReadManifestOptions = {}): Promise<ManifestReader> {
    return ManifestReader.decode(await io.read(path), path, options);
  }

  /**
   * A cursor over the entries in file order. `metricsColumns` are the field ids whose column
   * metrics will be asked for (a filter's columns): they are noted on the way through an
   * entry rather than looked up after.
   */
  entries(metricsColumns: readonly number[] = []): ManifestEntryCursor {
    const manifest = {
      path: this.path,
      metadata: this.metadata,
      manifestFile: this.manifestFile,
      blocks: this.container.blocks,
      layout: () => this.layout(),
    };
    return new ManifestEntryCursor(manifest, Int32Array.from(metricsColumns.slice(0, NOTED_COLUMNS)));
  }

  /** Every entry, decoded, with inherited values applied. */
  decodeEntries(): ManifestEntry[] {
    const out: ManifestEntry[] = [];
    const entries = this.entries();
    while (entries.next()) out.push(entries.decode());
    return out;
  }

  private layout(): ManifestEntryLayout {
    const schemaText = this.container.schemaText;
    let bySchema = layouts.get(this.partitionType);
    if (bySchema === undefined) layouts.set(this.partitionType, (bySchema = new Map()));
    let layout = bySchema.get(schemaText);
    if (layout === undefined) {
      try {
        layout = new ManifestEntryLayout(prepareForDecoding(this.container.schema), this.partitionType);
      } catch (error) {
        if (isFloeError(error, "malformed")) throw error; // the schema is not JSON
        throw malformed(`${this.path}: unusable Avro schema: ${(error as Error).message}`, { file: this.path }, error);
      }
      if (bySchema.size >= LAYOUTS_PER_PARTITION_TYPE) bySchema.clear();
      bySchema.set(schemaText, layout);
    }
    return layout;
  }
}

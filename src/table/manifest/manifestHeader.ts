/**
 * What a manifest's Avro header says about it: format version, content, partition spec and
 * table schema. The manifests of a table repeat the same header texts, so what is parsed
 * from them is kept by text and parsed once.
 */
import { JsonFields, parseJsonLossless } from "../spec/json.js";
import { parsePartitionFields, PartitionSpec } from "../spec/partitionSpec.js";
import type { Schema } from "../spec/schema.js";
import type { FormatVersion } from "../spec/tableMetadata.js";
import { parseSchema } from "../spec/typeJson.js";
import type { AvroContainer } from "./avroContainer.js";
import { writerSchemaHasFieldId } from "./avroSchema.js";
import { ManifestContent, type ManifestFile } from "./manifestFile.js";
import { DATA_FILE } from "./manifestSchemas.js";

/** What a manifest's Avro header says about it. */
export interface ManifestMetadata {
  formatVersion: FormatVersion;
  content: ManifestContent;
  specId: number;
  /** The spec used to decode partitions: the caller's for `specId`, else the one in the file. */
  spec?: PartitionSpec;
  /** The table schema stored in the file, when it has one floe can read. */
  schema?: Schema;
}

export interface ReadManifestOptions {
  /**
   * The manifest's entry in the snapshot's manifest list. Gives the values entries
   * inherit (snapshot id, sequence numbers, v3 first row ids) and the spec id.
   */
  manifestFile?: ManifestFile;
  /** The table's partition specs (e.g. `metadata.specsById()`); else the spec stored in the file is used. */
  specs?: ReadonlyMap<number, PartitionSpec> | readonly PartitionSpec[];
  /** The table schema that gives partition fields their types; else the schema stored in the file. */
  schema?: Schema;
}

/** Parsed header texts, by text; bounded, as a process may read many tables. */
class ParsedTexts<T> {
  private readonly parsed = new Map<string, T>();
  constructor(private readonly limit: number) {}

  get(text: string, parse: () => T): T {
    if (this.parsed.has(text)) return this.parsed.get(text) as T;
    const value = parse();
    if (this.parsed.size >= this.limit) this.parsed.clear();
    this.parsed.set(text, value);
    return value;
  }
}

const tableSchemas = new ParsedTexts<Schema | undefined>(64);
const partitionSpecs = new ParsedTexts<PartitionSpec>(64);

function specFrom(specs: ReadManifestOptions["specs"], specId: number): PartitionSpec | undefined {
  if (specs === undefined) return undefined;
  if (specs instanceof Map) return specs.get(specId);
  return (specs as readonly PartitionSpec[]).find((s) => s.specId === specId);
}

/** The metadata of a manifest from its header, the caller's list entry and specs taking precedence. */
export function manifestMetadataOf(container: AvroContainer, path: string, options: ReadManifestOptions): ManifestMetadata {
  const meta = container.metadata;
  const v = Number(meta.get("format-version"));
  // v1 manifests have no `content` field: its field id in the writer schema tells v2+ apart
  const inferredVersion: FormatVersion = writerSchemaHasFieldId(container.schemaText, DATA_FILE.content.id) ? 2 : 1;
  const formatVersion: FormatVersion = v === 1 || v === 2 || v === 3 ? v : inferredVersion;
  const contentText = meta.get("content");
  const content = options.manifestFile?.content ?? (contentText === "deletes" ? ManifestContent.DELETES : ManifestContent.DATA);
  const specIdText = meta.get("partition-spec-id");
  const specId = options.manifestFile?.partitionSpecId ?? (specIdText !== undefined && /^\d+$/.test(specIdText) ? Number(specIdText) : 0);

  let spec = specFrom(options.specs, specId);
  const specText = meta.get("partition-spec");
  if (spec === undefined && specText !== undefined) {
    spec = partitionSpecs.get(`${specId}\u0000${specText}`, () => {
      const source = `${path} (partition-spec)`;
      const json = parseJsonLossless(specText, source);
      return new PartitionSpec(specId, parsePartitionFields(JsonFields.of({ fields: json }, source), "fields"));
    });
  }
  const out: ManifestMetadata = { formatVersion, content, specId };
  if (spec !== undefined) out.spec = spec;
  const tableSchemaText = meta.get("schema");
  if (tableSchemaText !== undefined) {
    const schema = tableSchemas.get(tableSchemaText, () => {
      try {
        return parseSchema(parseJsonLossless(tableSchemaText, `${path} (schema)`), `${path} (schema)`);
      } catch {
        // a schema floe cannot read only costs the partition types, which the Avro schema also gives
        return undefined;
      }
    });
    if (schema !== undefined) out.schema = schema;
  }
  return out;
}

/**
 * Partition specs: how a row's values become the partition tuple of its data file.
 */
import { JsonFields } from "./json.js";
import type { Schema } from "./schema.js";
import { parseTransform, type Transform } from "../transform/index.js";
import type { IcebergType, NestedField, StructType } from "./types.js";

/** The first partition field id; v1 specs without field ids number their fields from here. */
export const PARTITION_DATA_ID_START = 1000;

export interface PartitionField {
  /** The source column id (for multi-argument transforms, the first of `sourceIds`). */
  sourceId: number;
  /** v3 multi-argument transforms: all source column ids. Absent for single-argument transforms. */
  sourceIds?: number[];
  /** Id of the field in the partition tuple (1000 and up), unique across the table's specs in v2. */
  fieldId: number;
  name: string;
  /** The transform's string form: `identity`, `bucket[16]`, `day`, ... */
  transform: string;
}

export class PartitionSpec {
  readonly specId: number;
  readonly fields: readonly PartitionField[];

  constructor(specId: number, fields: readonly PartitionField[]) {
    this.specId = specId;
    this.fields = fields;
  }

  static unpartitioned(specId = 0): PartitionSpec {
    return new PartitionSpec(specId, []);
  }

  /** True when no field produces a value (no fields, or only `void` ones). */
  isUnpartitioned(): boolean {
    return this.fields.every((f) => f.transform.trim().toLowerCase() === "void");
  }

  fieldById(fieldId: number): PartitionField | undefined {
    return this.fields.find((f) => f.fieldId === fieldId);
  }

  /** The highest partition field id, or 999 when the spec has no fields. */
  lastAssignedFieldId(): number {
    return this.fields.reduce((max, f) => Math.max(max, f.fieldId), PARTITION_DATA_ID_START - 1);
  }

  transformOf(field: PartitionField): Transform {
    return parseTransform(field.transform);
  }

  /**
   * The type of a partition field's value given the table schema; `unknown` when it
   * cannot be told (an unknown transform, or a source column no longer in the schema).
   */
  resultType(field: PartitionField, schema: Schema): IcebergType {
    const source = schema.findField(field.sourceId);
    if (source === undefined) return { type: "unknown" };
    try {
      const transform = parseTransform(field.transform);
      // void keeps the source type, as Java writes it
      return transform.isUnknown ? { type: "unknown" } : transform.isVoid ? source.type : transform.resultType(source.type);
    } catch {
      return { type: "unknown" };
    }
  }

  /**
   * The struct of the partition tuple, as stored in manifests (`data_file.partition`):
   * one optional field per partition field, with the partition field id and name.
   */
  partitionType(schema: Schema): StructType {
    const fields: NestedField[] = this.fields.map((f) => ({
      id: f.fieldId,
      name: f.name,
      required: false,
      type: this.resultType(f, schema),
    }));
    return { type: "struct", fields };
  }
}

/**
 * Parses a list of partition fields (the deprecated v1 `partition-spec` form, or the
 * `fields` of a spec, or a manifest's `partition-spec` key). Fields without `field-id`
 * (v1) are numbered from 1000 in order.
 */
export function parsePartitionFields(holder: JsonFields, key: string): PartitionField[] {
  return holder.objects(key).map((obj, i) => {
    const sourceIds = obj.optInts("source-ids");
    const sourceId = obj.optInt("source-id") ?? sourceIds?.[0];
    if (sourceId === undefined) throw obj.error("source-id", "is required but is missing");
    const field: PartitionField = {
      sourceId,
      fieldId: obj.optInt("field-id") ?? PARTITION_DATA_ID_START + i,
      name: obj.string("name"),
      transform: obj.string("transform"),
    };
    if (sourceIds !== undefined && sourceIds.length > 1) field.sourceIds = sourceIds;
    return field;
  });
}

/** Parses a full partition spec object `{ "spec-id": 0, "fields": [...] }`. */
export function parsePartitionSpecJson(obj: JsonFields): PartitionSpec {
  return new PartitionSpec(obj.int("spec-id"), parsePartitionFields(obj, "fields"));
}

export function parsePartitionSpec(json: unknown, source = "partition spec"): PartitionSpec {
  return parsePartitionSpecJson(JsonFields.of(json, source));
}

function partitionFieldToJson(field: PartitionField): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (field.sourceIds !== undefined && field.sourceIds.length > 1) out["source-ids"] = [...field.sourceIds];
  else out["source-id"] = field.sourceId;
  out["field-id"] = field.fieldId;
  out.name = field.name;
  out.transform = field.transform;
  return out;
}

/** The JSON list of fields only (v1 `partition-spec`, manifest metadata `partition-spec`). */
export function partitionFieldsToJson(spec: PartitionSpec): Record<string, unknown>[] {
  return spec.fields.map(partitionFieldToJson);
}

export function partitionSpecToJson(spec: PartitionSpec): Record<string, unknown> {
  return { "spec-id": spec.specId, fields: partitionFieldsToJson(spec) };
}

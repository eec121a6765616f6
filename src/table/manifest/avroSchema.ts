/**
 * Iceberg types in Avro (format/spec.md, Appendix A): schema conversion with field ids,
 * and value conversion between avsc's decoded values and floe's in-memory values.
 *
 * Reading goes by field id, never by name: a writer schema is first normalized
 * (record fields renamed positionally, named types renamed, defaults dropped) so that
 * any writer's names decode, and each record becomes an object keyed by field id.
 */
import { unsupported } from "../../core/errors/FloeError.js";
import type { IcebergType, NestedField, StructType } from "../spec/types.js";
import {
  bigIntFromTwosComplement,
  bigIntToTwosComplement,
  bytesToUuid,
  decimalRequiredBytes,
  normalizeUuid,
  uuidToBytes,
} from "../spec/valueCodecs.js";

export type AvroSchema = string | AvroSchema[] | { [key: string]: unknown };

/** A struct decoded from Avro: values keyed by field id. */
export type FieldIdRecord = Record<number, unknown>;

const PRIMITIVES = new Set(["null", "boolean", "int", "long", "float", "double", "bytes", "string"]);

/** A name valid in Avro, spelled as Java spells it: `Breed Name` → `Breed_x20Name`, `1a` → `_1a`. */
export function avroName(name: string): string {
  let out = "";
  for (const [i, ch] of [...name].entries()) {
    const ok = i === 0 ? /[A-Za-z_]/.test(ch) : /[A-Za-z0-9_]/.test(ch);
    if (ok) out += ch;
    else if (i === 0 && /[0-9]/.test(ch)) out += "_" + ch;
    else out += "_x" + (ch.codePointAt(0) as number).toString(16).toUpperCase();
  }
  return out === "" ? "_" : out;
}

// --- Iceberg → Avro schema ---------------------------------------------------------------

/**
 * The Avro schema of an Iceberg struct, as Java writes it: optional fields are
 * `["null", T]` with default null, every field carries `field-id`, lists `element-id`,
 * maps with non-string keys are arrays of `k<id>_v<id>` records with logical type `map`.
 */
export function icebergToAvroSchema(struct: StructType, recordName: string): AvroSchema {
  return structSchema(struct, recordName, new Set());
}

function structSchema(struct: StructType, name: string, defined: Set<string>): AvroSchema {
  return { type: "record", name, fields: struct.fields.map((f) => fieldSchema(f, defined)) };
}

function optional(schema: AvroSchema): AvroSchema {
  return schema === "null" ? "null" : ["null", schema];
}

function fieldSchema(field: NestedField, defined: Set<string>): Record<string, unknown> {
  const type = typeSchema(field.type, field.id, defined);
  const out: Record<string, unknown> = { name: avroName(field.name), type: field.required ? type : optional(type) };
  if (field.doc !== undefined) out.doc = field.doc;
  if (!field.required) out.default = null;
  out["field-id"] = field.id;
  return out;
}

function named(name: string, defined: Set<string>, make: () => Record<string, unknown>): AvroSchema {
  if (defined.has(name)) return name;
  defined.add(name);
  return make();
}

function typeSchema(type: IcebergType, id: number, defined: Set<string>): AvroSchema {
  switch (type.type) {
    case "struct":
      return structSchema(type, `r${id}`, defined);
    case "list": {
      const element = typeSchema(type.element, type.elementId, defined);
      return { type: "array", items: type.elementRequired ? element : optional(element), "element-id": type.elementId };
    }
    case "map": {
      const value = typeSchema(type.value, type.valueId, defined);
      const valueSchema = type.valueRequired ? value : optional(value);
      if (type.key.type === "string") {
        return { type: "map", values: valueSchema, "key-id": type.keyId, "value-id": type.valueId };
      }
      return {
        type: "array",
        logicalType: "map",
        items: {
          type: "record",
          name: `k${type.keyId}_v${type.valueId}`,
          fields: [
            { name: "key", type: typeSchema(type.key, type.keyId, defined), "field-id": type.keyId },
            { name: "value", type: valueSchema, "field-id": type.valueId },
          ],
        },
      };
    }
    case "unknown":
      return "null";
    case "boolean":
    case "int":
    case "long":
    case "float":
    case "double":
    case "string":
      return type.type;
    case "binary":
      return "bytes";
    case "date":
      return { type: "int", logicalType: "date" };
    case "time":
      return { type: "long", logicalType: "time-micros" };
    case "timestamp":
    case "timestamptz":
      return { type: "long", logicalType: "timestamp-micros", "adjust-to-utc": type.type === "timestamptz" };
    case "timestamp_ns":
    case "timestamptz_ns":
      return { type: "long", logicalType: "timestamp-nanos", "adjust-to-utc": type.type === "timestamptz_ns" };
    case "uuid":
      return named("uuid_fixed", defined, () => ({ type: "fixed", name: "uuid_fixed", size: 16, logicalType: "uuid" }));
    case "fixed":
      return named(`fixed_${type.length}`, defined, () => ({ type: "fixed", name: `fixed_${type.length}`, size: type.length }));
    case "decimal": {
      const name = `decimal_${type.precision}_${type.scale}`;
      return named(name, defined, () => ({
        type: "fixed",
        name,
        size: decimalRequiredBytes(type.precision),
        logicalType: "decimal",
        precision: type.precision,
        scale: type.scale,
      }));
    }
  }
}

// --- writer schema → decodable schema --------------------------------------------------------

/** Whether a writer schema, as written, has a field with this field id (without parsing it). */
export function writerSchemaHasFieldId(schemaText: string, fieldId: number): boolean {
  return new RegExp(`"field-id"\\s*:\\s*${fieldId}(?![0-9])`).test(schemaText);
}

/** A writer schema prepared for decoding, with its named types by (new) name. */
export interface DecodingSchema {
  schema: AvroSchema;
  named: Map<string, AvroSchema>;
}

/**
 * Normalizes a writer schema for avsc: record fields become `f0`, `f1`, ... (the
 * original name kept as `floe-name`), named types get fresh names (references
 * follow), defaults and aliases are dropped. The binary layout is unchanged.
 */
export function prepareForDecoding(writerSchema: unknown): DecodingSchema {
  const renamed = new Map<string, string>();
  const named = new Map<string, AvroSchema>();
  let counter = 0;

  const fullName = (name: string, namespace: string | undefined) => (name.includes(".") || !namespace ? name : `${namespace}.${name}`);

  const visit = (node: unknown, namespace: string | undefined): AvroSchema => {
    if (typeof node === "string") {
      if (PRIMITIVES.has(node)) return node;
      return renamed.get(fullName(node, namespace)) ?? renamed.get(node) ?? renamed.get(node.split(".").pop() as string) ?? node;
    }
    if (Array.isArray(node)) return node.map((b) => visit(b, namespace));
    if (node === null || typeof node !== "object") return node as AvroSchema;
    const obj = node as Record<string, unknown>;
    const type = obj.type;
    if (typeof type !== "string") return visit(type, namespace);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) if (k !== "aliases" && k !== "default") out[k] = v;
    if (type === "record" || type === "error" || type === "enum" || type === "fixed") {
      const name = typeof obj.name === "string" ? obj.name : `anonymous${counter}`;
      const ns = name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : typeof obj.namespace === "string" ? obj.namespace : namespace;
      const fresh = `T${counter++}`;
      renamed.set(fullName(name, ns), fresh);
      renamed.set(name.split(".").pop() as string, fresh);
      out.name = fresh;
      delete out.namespace;
      named.set(fresh, out);
      if (type === "record" || type === "error") {
        out.type = "record";
        const fields = Array.isArray(obj.fields) ? obj.fields : [];
        out.fields = fields.map((f: Record<string, unknown>, i: number) => {
          const field: Record<string, unknown> = { name: `f${i}`, type: visit(f.type, ns), "floe-name": f.name };
          if (f["field-id"] !== undefined) field["field-id"] = f["field-id"];
          return field;
        });
      }
      return out;
    }
    if (type === "array") out.items = visit(obj.items, namespace);
    if (type === "map") out.values = visit(obj.values, namespace);
    return out;
  };

  return { schema: visit(writerSchema, undefined), named };
}

// --- decoded Avro → in-memory values ---------------------------------------------------------

function asBytes(value: unknown): Uint8Array | undefined {
  return value instanceof Uint8Array ? new Uint8Array(value) : undefined;
}

function toInt(value: unknown): unknown {
  return typeof value === "bigint" ? Number(value) : value;
}

function toLong(value: unknown): unknown {
  return typeof value === "number" && Number.isInteger(value) ? BigInt(value) : value;
}

/** A primitive decoded by avsc, in the in-memory form of `expected` (or of the Avro logical type when none is given). */
function convertPrimitive(value: unknown, avroType: string, logicalType: unknown, expected: IcebergType | undefined): unknown {
  if (value === null || value === undefined) return null;
  switch (expected?.type) {
    case "int":
    case "date":
      return toInt(value);
    case "long":
    case "time":
    case "timestamp":
    case "timestamptz":
    case "timestamp_ns":
    case "timestamptz_ns":
      return toLong(value);
    case "float":
    case "double":
      return typeof value === "bigint" ? Number(value) : value;
    case "decimal": {
      const bytes = asBytes(value);
      if (bytes !== undefined) return bigIntFromTwosComplement(bytes);
      return typeof value === "number" ? BigInt(value) : value;
    }
    case "uuid": {
      const bytes = asBytes(value);
      if (bytes !== undefined && bytes.length === 16) return bytesToUuid(bytes);
      return typeof value === "string" ? (normalizeUuid(value) ?? value) : value;
    }
    case "fixed":
    case "binary":
      return asBytes(value) ?? (typeof value === "string" ? new TextEncoder().encode(value) : value);
    case "string":
      return value instanceof Uint8Array ? new TextDecoder().decode(value) : value;
    case "boolean":
      return value;
    default:
      break;
  }
  // no usable expectation: go by the Avro type and its logical type
  if (avroType === "bytes" || avroType === "fixed") {
    const bytes = asBytes(value) as Uint8Array;
    if (logicalType === "decimal") return bigIntFromTwosComplement(bytes);
    if (logicalType === "uuid" && bytes.length === 16) return bytesToUuid(bytes);
    return bytes;
  }
  if (avroType === "string" && logicalType === "uuid" && typeof value === "string") return normalizeUuid(value) ?? value;
  return value;
}

const fieldIndex = new WeakMap<StructType, Map<number, NestedField>>();

function fieldsById(struct: StructType): Map<number, NestedField> {
  let index = fieldIndex.get(struct);
  if (index === undefined) {
    index = new Map(struct.fields.map((f) => [f.id, f]));
    fieldIndex.set(struct, index);
  }
  return index;
}

function usable(type: IcebergType | undefined): IcebergType | undefined {
  return type === undefined || type.type === "unknown" ? undefined : type;
}

/**
 * Converts a value decoded with a `prepareForDecoding` schema into floe's in-memory
 * form: records become objects keyed by field id, maps become `Map`s, and primitives
 * follow `expected` (the Iceberg type the reader wants) where given.
 */
export function fromAvro(value: unknown, node: AvroSchema, expected: IcebergType | undefined, schema: DecodingSchema): unknown {
  const want = usable(expected);
  if (typeof node === "string") {
    if (PRIMITIVES.has(node)) return convertPrimitive(value, node, undefined, want);
    const def = schema.named.get(node);
    if (def === undefined) throw unsupported(`Avro schema references an unknown type ${JSON.stringify(node)}`);
    return fromAvro(value, def, expected, schema);
  }
  if (Array.isArray(node)) {
    if (value === null || value === undefined) return null;
    const branches = node.filter((b) => b !== "null");
    if (branches.length !== 1) throw unsupported("Avro unions other than [\"null\", T] are not used by Iceberg and not supported");
    return fromAvro(value, branches[0], expected, schema);
  }
  if (value === null || value === undefined) return null;
  const type = node.type as string;
  switch (type) {
    case "record": {
      const fields = node.fields as Record<string, unknown>[];
      const struct = want?.type === "struct" ? want : undefined;
      const byId = struct === undefined ? undefined : fieldsById(struct);
      const out: FieldIdRecord = {};
      const record = value as Record<string, unknown>;
      fields.forEach((f, i) => {
        const id =
          typeof f["field-id"] === "number"
            ? f["field-id"]
            : (struct?.fields.find((e) => e.name === f["floe-name"])?.id ?? struct?.fields[i]?.id);
        if (id === undefined) return;
        out[id] = fromAvro(record[f.name as string], f.type as AvroSchema, byId?.get(id)?.type, schema);
      });
      return out;
    }
    case "array": {
      const items = node.items as AvroSchema;
      const itemDef = typeof items === "string" ? schema.named.get(items) : items;
      if (node.logicalType === "map" && itemDef !== undefined && !Array.isArray(itemDef) && typeof itemDef === "object" && itemDef.type === "record") {
        const [keyField, valueField] = itemDef.fields as Record<string, unknown>[];
        const map = want?.type === "map" ? want : undefined;
        const out = new Map<unknown, unknown>();
        for (const entry of value as Record<string, unknown>[]) {
          out.set(
            fromAvro(entry[keyField.name as string], keyField.type as AvroSchema, map?.key, schema),
            fromAvro(entry[valueField.name as string], valueField.type as AvroSchema, map?.value, schema),
          );
        }
        return out;
      }
      const element = want?.type === "list" ? want.element : undefined;
      return (value as unknown[]).map((item) => fromAvro(item, items, element, schema));
    }
    case "map": {
      const map = want?.type === "map" ? want : undefined;
      return new Map(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromAvro(v, node.values as AvroSchema, map?.value, schema)]),
      );
    }
    default:
      return convertPrimitive(value, type, node.logicalType, want);
  }
}

// --- in-memory values → Avro ---------------------------------------------------------------

function bad(path: string, value: unknown, type: IcebergType): never {
  const shown = typeof value === "bigint" ? `${value}n` : value instanceof Uint8Array ? `${value.length} bytes` : JSON.stringify(value);
  throw new TypeError(`${path}: ${shown} is not an in-memory ${type.type} value`);
}

/**
 * An in-memory value of `type` as avsc encodes it with the schema of
 * `icebergToAvroSchema`: structs keyed by field id become records keyed by Avro name.
 * `path` names the value in errors.
 */
export function toAvro(value: unknown, type: IcebergType, path: string): unknown {
  if (value === null || value === undefined) return null;
  switch (type.type) {
    case "struct": {
      if (typeof value !== "object") bad(path, value, type);
      const record = value as FieldIdRecord;
      const out: Record<string, unknown> = {};
      for (const f of type.fields) out[avroName(f.name)] = toAvro(record[f.id], f.type, `${path}.${f.name}`);
      return out;
    }
    case "list":
      if (!Array.isArray(value)) bad(path, value, type);
      return value.map((v, i) => toAvro(v, type.element, `${path}[${i}]`));
    case "map": {
      if (!(value instanceof Map)) bad(path, value, type);
      const entries = [...(value as Map<unknown, unknown>)];
      if (type.key.type === "string") {
        return Object.fromEntries(entries.map(([k, v]) => [k, toAvro(v, type.value, `${path}[${String(k)}]`)]));
      }
      return entries.map(([k, v]) => ({ key: toAvro(k, type.key, `${path}.key`), value: toAvro(v, type.value, `${path}[${String(k)}]`) }));
    }
    case "unknown":
      return null;
    case "boolean":
      return typeof value === "boolean" ? value : bad(path, value, type);
    case "int":
    case "date":
      if (typeof value === "bigint") return Number(value);
      return typeof value === "number" && Number.isInteger(value) ? value : bad(path, value, type);
    case "long":
    case "time":
    case "timestamp":
    case "timestamptz":
    case "timestamp_ns":
    case "timestamptz_ns":
      if (typeof value === "number" && Number.isSafeInteger(value)) return BigInt(value);
      return typeof value === "bigint" ? value : bad(path, value, type);
    case "float":
    case "double":
      return typeof value === "number" ? value : bad(path, value, type);
    case "string":
      return typeof value === "string" ? value : bad(path, value, type);
    case "binary":
      return value instanceof Uint8Array ? Buffer.from(value) : bad(path, value, type);
    case "fixed":
      if (!(value instanceof Uint8Array) || value.length !== type.length) bad(path, value, type);
      return Buffer.from(value as Uint8Array);
    case "uuid":
      if (value instanceof Uint8Array && value.length === 16) return Buffer.from(value);
      if (typeof value !== "string" || normalizeUuid(value) === undefined) bad(path, value, type);
      return Buffer.from(uuidToBytes(value as string));
    case "decimal":
      if (typeof value !== "bigint") bad(path, value, type);
      try {
        return Buffer.from(bigIntToTwosComplement(value as bigint, decimalRequiredBytes(type.precision)));
      } catch {
        return bad(path, value, type);
      }
  }
}

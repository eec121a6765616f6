import { isPrimitive, type IcebergType, type PrimitiveType } from "../spec/types.js";
import { hashFunctionFor } from "./bucketHash.js";
import { Transform, type TransformFunction } from "./Transform.js";

const BUCKET_SOURCES = new Set([
  "int",
  "long",
  "decimal",
  "date",
  "time",
  "timestamp",
  "timestamptz",
  "timestamp_ns",
  "timestamptz_ns",
  "string",
  "uuid",
  "fixed",
  "binary",
]);

/** `bucket[N]`: `(murmur3_x86_32(v) & Integer.MAX_VALUE) % N`, an `int` in `[0, N)`. */
export class BucketTransform extends Transform {
  readonly kind = "bucket" as const;
  readonly preservesOrder = false;

  constructor(readonly numBuckets: number) {
    super();
  }

  toString(): string {
    return `bucket[${this.numBuckets}]`;
  }

  canTransform(sourceType: IcebergType): boolean {
    return isPrimitive(sourceType) && BUCKET_SOURCES.has(sourceType.type);
  }

  resultType(sourceType: IcebergType): PrimitiveType {
    if (!this.canTransform(sourceType)) throw this.cannotApply(sourceType);
    return { type: "int" };
  }

  protected makeFunction(sourceType: PrimitiveType): TransformFunction {
    const hash = hashFunctionFor(sourceType);
    const n = this.numBuckets;
    return (value) => (hash(value) & 0x7fffffff) % n;
  }
}

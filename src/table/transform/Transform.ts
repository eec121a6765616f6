/**
 * A partition transform (format/spec.md, "Partition Transforms"): a function from a source column's
 * values to partition values. Instances are immutable and shared; get them from `parseTransform`.
 *
 * Values in and out are in floe's in-memory form (see `../spec/types.ts`); `null` maps to `null`.
 */

import { invalidInput } from "../../core/errors/FloeError.js";
import { isPrimitive, typeToString, type IcebergType, type PrimitiveType } from "../spec/types.js";

export type TransformKind = "identity" | "bucket" | "truncate" | "year" | "month" | "day" | "hour" | "void" | "unknown";

/** A transform bound to one source type: call it per value. */
export type TransformFunction = (value: unknown) => unknown;

export abstract class Transform {
  abstract readonly kind: TransformKind;
  /** Whether `a <= b` implies `f(a) <= f(b)`. */
  abstract readonly preservesOrder: boolean;

  private readonly bound = new Map<string, TransformFunction>();

  /** The spec's string form: `identity`, `bucket[16]`, `truncate[4]`, `day`, ... */
  abstract toString(): string;

  /** Whether this transform accepts values of `sourceType`. */
  abstract canTransform(sourceType: IcebergType): boolean;

  /** Type of the partition values produced from `sourceType`; throws when it cannot apply. */
  abstract resultType(sourceType: IcebergType): PrimitiveType;

  protected abstract makeFunction(sourceType: PrimitiveType): TransformFunction;

  /** The function for values of `sourceType`, resolved once (and cached) for use per value. */
  bind(sourceType: IcebergType): TransformFunction {
    const key = typeToString(sourceType);
    let fn = this.bound.get(key);
    if (fn === undefined) {
      if (!isPrimitive(sourceType) || !this.canTransform(sourceType)) throw this.cannotApply(sourceType);
      const inner = this.makeFunction(sourceType);
      fn = (value) => (value === null || value === undefined ? null : inner(value));
      this.bound.set(key, fn);
    }
    return fn;
  }

  /** Transforms one value of `sourceType` (the type decides how e.g. a string or bigint is read). */
  apply(sourceType: IcebergType, value: unknown): unknown {
    return this.bind(sourceType)(value);
  }

  /**
   * Whether data ordered by this transform is also ordered by `other`. `sourceType` sharpens the
   * answer for `truncate`, whose rule differs between numbers and strings.
   */
  satisfiesOrderOf(other: Transform, _sourceType?: PrimitiveType): boolean {
    return this.equals(other);
  }

  equals(other: Transform): boolean {
    return this === other || this.toString() === other.toString();
  }

  get isIdentity(): boolean {
    return this.kind === "identity";
  }

  get isVoid(): boolean {
    return this.kind === "void";
  }

  get isUnknown(): boolean {
    return this.kind === "unknown";
  }

  toJSON(): string {
    return this.toString();
  }

  protected cannotApply(sourceType: IcebergType): Error {
    return invalidInput(`transform ${this.toString()} cannot be applied to a column of type ${typeToString(sourceType)}`, {
      transform: this.toString(),
      sourceType: typeToString(sourceType),
    });
  }
}

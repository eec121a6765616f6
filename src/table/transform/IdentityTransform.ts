import { isPrimitive, type IcebergType, type PrimitiveType } from "../spec/types.js";
import { Transform, type TransformFunction } from "./Transform.js";

function identity(value: unknown): unknown {
  return value;
}

/** `identity`: the source value, unchanged. Any primitive source type. */
export class IdentityTransform extends Transform {
  static readonly instance = new IdentityTransform();

  readonly kind = "identity" as const;
  readonly preservesOrder = true;

  private constructor() {
    super();
  }

  toString(): string {
    return "identity";
  }

  canTransform(sourceType: IcebergType): boolean {
    return isPrimitive(sourceType);
  }

  resultType(sourceType: IcebergType): PrimitiveType {
    if (!isPrimitive(sourceType)) throw this.cannotApply(sourceType);
    return sourceType;
  }

  protected makeFunction(_sourceType: PrimitiveType): TransformFunction {
    return identity;
  }

  /** Ordering by the value itself orders by every order-preserving transform of it. */
  override satisfiesOrderOf(other: Transform): boolean {
    return other.preservesOrder;
  }
}

import { isPrimitive, type IcebergType, type PrimitiveType } from "../spec/types.js";
import { Transform, type TransformFunction } from "./Transform.js";

function alwaysNull(): null {
  return null;
}

/** `void`: always `null`; used to drop a partition field from v1 specs. Any source type. */
export class VoidTransform extends Transform {
  static readonly instance = new VoidTransform();

  readonly kind = "void" as const;
  readonly preservesOrder = false;

  private constructor() {
    super();
  }

  toString(): string {
    return "void";
  }

  canTransform(_sourceType: IcebergType): boolean {
    return true;
  }

  resultType(sourceType: IcebergType): PrimitiveType {
    return isPrimitive(sourceType) ? sourceType : { type: "int" };
  }

  protected makeFunction(_sourceType: PrimitiveType): TransformFunction {
    return alwaysNull;
  }

  override bind(sourceType: IcebergType): TransformFunction {
    if (!isPrimitive(sourceType)) return alwaysNull;
    return super.bind(sourceType);
  }
}

import { unsupported } from "../../core/errors/FloeError.js";
import type { IcebergType, PrimitiveType } from "../spec/types.js";
import { Transform, type TransformFunction } from "./Transform.js";

/**
 * A transform floe does not know (from a newer spec or another engine). Readers ignore such
 * partition fields when filtering (inclusive projection gives `true`); nothing can be computed.
 */
export class UnknownTransform extends Transform {
  readonly kind = "unknown" as const;
  readonly preservesOrder = false;

  constructor(readonly text: string) {
    super();
  }

  toString(): string {
    return this.text;
  }

  canTransform(_sourceType: IcebergType): boolean {
    return false;
  }

  resultType(_sourceType: IcebergType): PrimitiveType {
    throw unsupported(`unknown partition transform '${this.text}'`, { transform: this.text });
  }

  protected makeFunction(_sourceType: PrimitiveType): TransformFunction {
    throw unsupported(`unknown partition transform '${this.text}'`, { transform: this.text });
  }

  override bind(_sourceType: IcebergType): TransformFunction {
    throw unsupported(`unknown partition transform '${this.text}' cannot be applied`, { transform: this.text });
  }
}

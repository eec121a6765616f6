import { invalidInput } from "../../core/errors/FloeError.js";
import { truncateCodePoints } from "../stats/unicode.js";
import { isPrimitive, type IcebergType, type PrimitiveType } from "../spec/types.js";
import { Transform, type TransformFunction } from "./Transform.js";

const TRUNCATE_SOURCES = new Set(["int", "long", "decimal", "string", "binary"]);

function wrongValue(value: unknown, expected: string): never {
  throw invalidInput(`truncate expects ${expected}, got ${typeof value === "bigint" ? `${value}n` : String(value)}`);
}

/**
 * `truncate[W]` (format/spec.md, "Truncate Transform Details"):
 * - int, long: `v - (((v % W) + W) % W)`, in 32- and 64-bit two's-complement arithmetic as Java
 *   computes it (so e.g. `-1` → `-10` for `W=10`);
 * - decimal: the same on the unscaled value (W is in units of the column's scale);
 * - string: the first W code points; binary: the first W bytes.
 */
export class TruncateTransform extends Transform {
  readonly kind = "truncate" as const;
  readonly preservesOrder = true;

  constructor(readonly width: number) {
    super();
  }

  toString(): string {
    return `truncate[${this.width}]`;
  }

  canTransform(sourceType: IcebergType): boolean {
    return isPrimitive(sourceType) && TRUNCATE_SOURCES.has(sourceType.type);
  }

  resultType(sourceType: IcebergType): PrimitiveType {
    if (!this.canTransform(sourceType) || !isPrimitive(sourceType)) throw this.cannotApply(sourceType);
    return sourceType;
  }

  protected makeFunction(sourceType: PrimitiveType): TransformFunction {
    const w = this.width;
    switch (sourceType.type) {
      case "int":
        return (value) => {
          if (typeof value !== "number" || !Number.isInteger(value)) wrongValue(value, "an int");
          const remainder = (((value % w) + w) | 0) % w;
          return (value - remainder) | 0;
        };
      case "long":
      case "decimal": {
        const bigW = BigInt(w);
        const bits = sourceType.type === "long" ? 64 : 128;
        return (value) => {
          if (typeof value !== "bigint") wrongValue(value, sourceType.type === "long" ? "a bigint" : "a bigint unscaled value");
          const remainder = BigInt.asIntN(bits, (value % bigW) + bigW) % bigW;
          return BigInt.asIntN(bits, value - remainder);
        };
      }
      case "string":
        return (value) => {
          if (typeof value !== "string") wrongValue(value, "a string");
          return truncateCodePoints(value, w);
        };
      case "binary":
        return (value) => {
          if (!(value instanceof Uint8Array)) wrongValue(value, "a Uint8Array");
          return value.length <= w ? value : value.subarray(0, w);
        };
      default:
        throw this.cannotApply(sourceType);
    }
  }

  /**
   * Strings and bytes ordered by a longer prefix are ordered by every shorter one; numbers ordered
   * by `truncate[W]` are ordered by `truncate[V]` when W divides V. Without a source type only
   * equal widths are known to satisfy each other.
   */
  override satisfiesOrderOf(other: Transform, sourceType?: PrimitiveType): boolean {
    if (!(other instanceof TruncateTransform)) return false;
    if (other.width === this.width) return true;
    switch (sourceType?.type) {
      case "string":
      case "binary":
        return other.width <= this.width;
      case "int":
      case "long":
      case "decimal":
        return other.width % this.width === 0;
      default:
        return false;
    }
  }
}

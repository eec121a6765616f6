/**
 * Iceberg's `bucket[N]` inside DuckDB: scalar functions that hash each value with the
 * transform from `table/transform` (murmur3 over the spec's byte form), so a bucket computed
 * in a query is the bucket floe's transform gives for the same value.
 *
 * SQL callers pass the value in the form the transform expects, converted in SQL:
 * - `floe_bucket_long(BIGINT v, INTEGER n)`: int, long, date (days), time (µs), timestamps (µs)
 * - `floe_bucket_string(VARCHAR v, INTEGER n)`
 * - `floe_bucket_uuid(VARCHAR v, INTEGER n)`: the uuid's text
 * - `floe_bucket_bytes(BLOB v, INTEGER n)`: binary and fixed
 * - `floe_bucket_decimal(VARCHAR v, INTEGER n, INTEGER scale)`: the decimal's text
 * NULL in, NULL out.
 */
import {
  BIGINT,
  BLOB,
  DuckDBScalarFunction,
  INTEGER,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBDataChunk,
  type DuckDBType,
  type DuckDBVector,
} from "@duckdb/node-api";
import { hashFunctionFor } from "../../table/transform/bucketHash.js";
import { parseDecimalText } from "../../table/spec/valueCodecs.js";
import type { PrimitiveType } from "../../table/spec/types.js";

export const BUCKET_FUNCTIONS = {
  long: "floe_bucket_long",
  string: "floe_bucket_string",
  uuid: "floe_bucket_uuid",
  bytes: "floe_bucket_bytes",
  decimal: "floe_bucket_decimal",
} as const;

const registered = new WeakSet<DuckDBConnection>();

type Hash = (value: unknown) => number;

function bucketFunction(name: string, valueType: DuckDBType, hash: Hash, read: (vector: DuckDBVector, row: number) => unknown): DuckDBScalarFunction {
  return DuckDBScalarFunction.create({
    name,
    returnType: INTEGER,
    parameterTypes: [valueType, INTEGER],
    mainFunction: (info, input: DuckDBDataChunk, output) => {
      const values = input.getColumnVector(0);
      const buckets = input.getColumnVector(1);
      const rows = input.rowCount;
      try {
        for (let row = 0; row < rows; row++) {
          const value = read(values, row);
          const n = buckets.getItem(row) as number | null;
          if (value === null || n === null) {
            output.setItem(row, null);
            continue;
          }
          if (n <= 0) throw new Error(`bucket count must be positive, got ${n}`);
          output.setItem(row, (hash(value) & 0x7fffffff) % n);
        }
        output.flush();
      } catch (error) {
        info.setError(`${name}: ${(error as Error).message}`);
      }
    },
  });
}

function decimalBucketFunction(): DuckDBScalarFunction {
  const hash = hashFunctionFor({ type: "decimal", precision: 38, scale: 0 });
  return DuckDBScalarFunction.create({
    name: BUCKET_FUNCTIONS.decimal,
    returnType: INTEGER,
    parameterTypes: [VARCHAR, INTEGER, INTEGER],
    mainFunction: (info, input: DuckDBDataChunk, output) => {
      const values = input.getColumnVector(0);
      const buckets = input.getColumnVector(1);
      const scales = input.getColumnVector(2);
      try {
        for (let row = 0; row < input.rowCount; row++) {
          const text = values.getItem(row) as string | null;
          const n = buckets.getItem(row) as number | null;
          const scale = scales.getItem(row) as number | null;
          if (text === null || n === null || scale === null) {
            output.setItem(row, null);
            continue;
          }
          const unscaled = parseDecimalText(text, scale);
          if (unscaled === undefined) throw new Error(`${JSON.stringify(text)} is not a decimal of scale ${scale}`);
          output.setItem(row, (hash(unscaled) & 0x7fffffff) % n);
        }
        output.flush();
      } catch (error) {
        info.setError(`${BUCKET_FUNCTIONS.decimal}: ${(error as Error).message}`);
      }
    },
  });
}

/** Registers the bucket functions on the connection (once per connection). */
export function registerBucketFunctions(connection: DuckDBConnection): void {
  if (registered.has(connection)) return;
  const longHash = hashFunctionFor({ type: "long" } as PrimitiveType);
  connection.registerScalarFunction(bucketFunction(BUCKET_FUNCTIONS.long, BIGINT, longHash, (v, row) => v.getItem(row)));
  connection.registerScalarFunction(
    bucketFunction(BUCKET_FUNCTIONS.string, VARCHAR, hashFunctionFor({ type: "string" }), (v, row) => v.getItem(row)),
  );
  connection.registerScalarFunction(bucketFunction(BUCKET_FUNCTIONS.uuid, VARCHAR, hashFunctionFor({ type: "uuid" }), (v, row) => v.getItem(row)));
  connection.registerScalarFunction(
    bucketFunction(BUCKET_FUNCTIONS.bytes, BLOB, hashFunctionFor({ type: "binary" }), (v, row) =>
      (v as unknown as { getItemBytes(i: number): Uint8Array | null }).getItemBytes(row),
    ),
  );
  connection.registerScalarFunction(decimalBucketFunction());
  registered.add(connection);
}

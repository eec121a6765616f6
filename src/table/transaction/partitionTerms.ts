/**
 * Partition fields as people write them: terms such as `day(ts)`, `bucket[16](id)` or the
 * SQL form `bucket(16, id)`, and the default names Iceberg gives partition fields
 * (`ts_day`, `id_bucket_16`, `name_trunc_4`, the column's own name for identity).
 */
import { BucketTransform, TruncateTransform, type Transform } from "../transform/index.js";

/** A transform applied to a column. */
export interface PartitionTerm {
  sourceColumn: string;
  transform: string | Transform;
}

const TERM = /^\s*([A-Za-z_]+)\s*(?:\[\s*(\d+)\s*\])?\s*\(\s*(.+?)\s*\)\s*$/;
const NUMBER = /^\d+$/;
/** The plural names of SQL dialects (`days(ts)`). */
const SINGULAR: Record<string, string> = { years: "year", months: "month", days: "day", hours: "hour" };

/** Reads `day(ts)`, `bucket[16](id)`, `bucket(16, id)`, `truncate(4, name)`, `identity(id)`; undefined when the text is no term. */
export function parsePartitionTerm(text: string): PartitionTerm | undefined {
  const match = TERM.exec(text);
  if (match === null) return undefined;
  const name = match[1].toLowerCase();
  const transformName = SINGULAR[name] ?? name;
  const args = match[3].split(",").map((a) => a.trim());
  if (match[2] !== undefined) return args.length === 1 ? { sourceColumn: args[0], transform: `${transformName}[${match[2]}]` } : undefined;
  if (args.length === 1) return { sourceColumn: args[0], transform: transformName };
  if (args.length !== 2) return undefined;
  // bucket(16, id) and bucket(id, 16) both occur
  const [first, second] = args;
  if (NUMBER.test(first) && !NUMBER.test(second)) return { sourceColumn: second, transform: `${transformName}[${first}]` };
  if (NUMBER.test(second) && !NUMBER.test(first)) return { sourceColumn: first, transform: `${transformName}[${second}]` };
  return undefined;
}

/** Iceberg's name for a partition field of `transform` on the column named `column`. */
export function defaultPartitionName(column: string, transform: Transform): string {
  if (transform instanceof BucketTransform) return `${column}_bucket_${transform.numBuckets}`;
  if (transform instanceof TruncateTransform) return `${column}_trunc_${transform.width}`;
  switch (transform.kind) {
    case "identity":
      return column;
    case "void":
      return `${column}_null`;
    default:
      return `${column}_${transform.kind}`;
  }
}

export function describeTerm(term: PartitionTerm): string {
  return `${String(term.transform)}(${term.sourceColumn})`;
}

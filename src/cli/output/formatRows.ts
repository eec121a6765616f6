/** Renders query results for the terminal: an aligned table, one JSON array of row objects, or CSV. */
export type OutputFormat = "table" | "json" | "csv";
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["table", "json", "csv"];

type Row = Record<string, unknown>;

/** JSON text for one value; 64-bit integers stay exact (written as bare integer literals). */
export function jsonValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : JSON.stringify(String(value));
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString("hex"));
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(jsonValue).join(",")}]`;
  if (value instanceof Map) {
    return `{${[...value.entries()].map(([k, v]) => `${JSON.stringify(String(k))}:${jsonValue(v)}`).join(",")}}`;
  }
  if (typeof value === "object") {
    return `{${Object.entries(value as Row).map(([k, v]) => `${JSON.stringify(k)}:${jsonValue(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Plain text for one value in a table cell or a CSV field. */
export function textValue(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "bigint" || typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  if (value instanceof Date) return value.toISOString();
  return jsonValue(value);
}

/** `rows` hold each row's values in column order. */
export function formatRows(columns: string[], rows: unknown[][], format: OutputFormat): string {
  switch (format) {
    case "json":
      return `[${rows.map((row) => `{${columns.map((c, i) => `${JSON.stringify(c)}:${jsonValue(row[i])}`).join(",")}}`).join(",\n")}]\n`;
    case "csv":
      return [columns, ...rows.map((row) => row.map(textValue))]
        .map((fields) => fields.map(csvField).join(","))
        .join("\n") + "\n";
    case "table":
      return renderTable(columns, rows);
  }
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function renderTable(columns: string[], rows: unknown[][]): string {
  const cells = rows.map((row) => row.map((v) => (v === null || v === undefined ? "NULL" : textValue(v))));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (fields: string[]) => fields.map((f, i) => f.padEnd(widths[i])).join(" │ ").trimEnd();
  const out = [line(columns), widths.map((w) => "─".repeat(w)).join("─┼─"), ...cells.map(line)];
  out.push(`(${rows.length} row${rows.length === 1 ? "" : "s"})`);
  return out.join("\n") + "\n";
}

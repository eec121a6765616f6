/**
 * Checking and spelling namespace and table names.
 *
 * A namespace has at least one level, and no level is empty or contains a dot: catalogs that
 * store a namespace as one dot-joined string (Iceberg's JDBC catalog, PyIceberg's SQL catalog)
 * would read `["a.b"]` back as the two levels `["a", "b"]`. A table name must not be empty; it
 * may contain dots, since it is stored on its own.
 */
import { invalidInput } from "../core/errors/FloeError.js";
import type { Namespace, TableIdentifier } from "./Catalog.js";

/** `["sales", "eu"]` → `sales.eu`. */
export function formatNamespace(namespace: Namespace): string {
  return namespace.join(".");
}

/** `{ namespace: ["sales"], name: "orders" }` → `sales.orders`. */
export function formatTableIdentifier(identifier: TableIdentifier): string {
  return `${formatNamespace(identifier.namespace)}.${identifier.name}`;
}

/** `sales.eu` → `["sales", "eu"]`. */
export function parseNamespace(text: string): string[] {
  return text.split(".");
}

/** Throws `invalid-input` naming the namespace when it breaks the rules above. */
export function checkNamespace(namespace: Namespace): void {
  if (!Array.isArray(namespace) || namespace.length === 0) {
    throw invalidInput("a namespace needs at least one level, e.g. [\"sales\"]", { namespace });
  }
  for (const level of namespace) {
    if (typeof level !== "string" || level === "") {
      throw invalidInput(`namespace ${JSON.stringify(namespace)} has an empty level`, { namespace });
    }
    if (level.includes(".")) {
      throw invalidInput(
        `namespace level ${JSON.stringify(level)} contains a dot; nest namespaces as separate levels (${JSON.stringify(level.split("."))})`,
        { namespace },
      );
    }
  }
}

/** Throws `invalid-input` naming the identifier when its namespace or name breaks the rules above. */
export function checkTableIdentifier(identifier: TableIdentifier): void {
  if (typeof identifier !== "object" || identifier === null) throw invalidInput(`not a table identifier: ${String(identifier)}`);
  checkNamespace(identifier.namespace);
  if (typeof identifier.name !== "string" || identifier.name === "") {
    throw invalidInput(`table ${formatNamespace(identifier.namespace)}.<?> has an empty name`, { namespace: identifier.namespace });
  }
}

export function sameIdentifier(a: TableIdentifier, b: TableIdentifier): boolean {
  return a.name === b.name && a.namespace.length === b.namespace.length && a.namespace.every((level, i) => level === b.namespace[i]);
}

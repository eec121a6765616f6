/**
 * Error messages in the wording of Iceberg's reference REST catalog. Clients and the REST
 * Compatibility Kit match on how these begin ("Table does not exist: ns.tbl", "Requirement
 * failed: current schema changed"), so the protocol's errors lead with that wording; floe's own
 * detail follows where it says more.
 */
import type { FloeError } from "../../../core/errors/FloeError.js";
import type { TableRequirementType } from "../../../table/transaction/updates.js";

/** Namespaces print as their levels joined by dots, tables as `namespace.name`, as the reference catalog prints them. */
export function namespaceText(namespace: readonly string[]): string {
  return namespace.join(".");
}

export function namespaceDoesNotExist(namespace: readonly string[]): string {
  return `Namespace does not exist: ${namespaceText(namespace)}`;
}

export function tableDoesNotExist(table: string): string {
  return `Table does not exist: ${table}`;
}

const REQUIREMENT_PHRASES: Record<TableRequirementType, string> = {
  "assert-create": "table already exists",
  "assert-table-uuid": "UUID does not match",
  "assert-ref-snapshot-id": "branch or tag has changed",
  "assert-current-schema-id": "current schema changed",
  "assert-last-assigned-field-id": "last assigned field id changed",
  "assert-last-assigned-partition-id": "last assigned partition id changed",
  "assert-default-spec-id": "default partition spec changed",
  "assert-default-sort-order-id": "default sort order changed",
};

/** What the object a catalog or FileIO error names is, from the context it carries. */
export type ErrorObject = { kind: "namespace"; text: string } | { kind: "table"; text: string } | { kind: "file"; text: string };

export function errorObject(error: FloeError): ErrorObject | undefined {
  const { namespace, table, path } = error.context;
  if (Array.isArray(namespace) && namespace.every((level) => typeof level === "string")) return { kind: "namespace", text: namespaceText(namespace as string[]) };
  if (typeof table === "string") return { kind: "table", text: table };
  if (typeof path === "string") return { kind: "file", text: path };
  return undefined;
}

/**
 * The protocol's message for a catalog, FileIO or requirement error, or undefined when the
 * error's own message is all there is to say. Missing and duplicate namespaces and tables are
 * stated exactly as the reference catalog states them (clients compare whole messages).
 */
export function protocolMessage(error: FloeError): string | undefined {
  const object = errorObject(error);
  if (error.kind === "not-found" && object !== undefined) {
    if (object.kind === "namespace") return `Namespace does not exist: ${object.text}`;
    if (object.kind === "table") return tableDoesNotExist(object.text);
    return `Failed to open input stream for file: ${object.text} (${error.message})`;
  }
  if (error.kind === "already-exists" && object !== undefined && object.kind !== "file") {
    return `${object.kind === "namespace" ? "Namespace" : "Table"} already exists: ${object.text}`;
  }
  const requirement = error.context.requirement;
  if (error.kind === "commit-conflict" && typeof requirement === "string" && requirement in REQUIREMENT_PHRASES) {
    return `Requirement failed: ${REQUIREMENT_PHRASES[requirement as TableRequirementType]} (${error.message})`;
  }
  return undefined;
}

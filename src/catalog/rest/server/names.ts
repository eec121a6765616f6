/**
 * Namespace and table names as the REST protocol carries them: a multi-level namespace in a
 * path or query is its levels joined by the unit separator (0x1F). Names are checked before
 * they reach the catalog: no empty level, no control character, no dot inside a level (the SQL
 * catalog stores namespaces dot-joined) — all 400s.
 */
import type { Namespace, TableIdentifier } from "../../Catalog.js";
import type { JsonFields } from "../../../table/spec/json.js";
import { stringArray } from "./bodies.js";
import { badRequest, parseInput } from "./errors.js";

export const NAMESPACE_SEPARATOR = "\x1F";

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1F\x7F]/;

/** `a%1Fb` (already percent-decoded to `a\x1Fb`) → `["a", "b"]`, checked. */
export function decodeNamespace(text: string): string[] {
  const namespace = text.split(NAMESPACE_SEPARATOR);
  checkNamespaceLevels(namespace);
  return namespace;
}

export function checkNamespaceLevels(namespace: Namespace): void {
  if (namespace.length === 0) throw badRequest("a namespace needs at least one level");
  for (const level of namespace) {
    if (level === "") throw badRequest(`namespace ${JSON.stringify(namespace)} has an empty level`);
    if (CONTROL.test(level)) throw badRequest(`namespace level ${JSON.stringify(level)} contains a control character`);
    if (level.includes(".")) throw badRequest(`namespace level ${JSON.stringify(level)} contains a dot; nest namespaces as separate levels`);
  }
}

export function checkTableName(name: string): void {
  if (name === "") throw badRequest("a table name must not be empty");
  if (CONTROL.test(name)) throw badRequest(`table name ${JSON.stringify(name)} contains a control character`);
}

export function tableIdentifier(namespace: string[], name: string): TableIdentifier {
  checkNamespaceLevels(namespace);
  checkTableName(name);
  return { namespace, name };
}

/** A `TableIdentifier` JSON object (`{"namespace": [...], "name": "..."}`) at `key`, checked. */
export function parseTableIdentifier(fields: JsonFields, key: string): TableIdentifier {
  const obj = parseInput(() => fields.object(key));
  const namespace = stringArray(obj, "namespace");
  const name = parseInput(() => obj.string("name"));
  return tableIdentifier(namespace, name);
}

export function identifierJson(identifier: TableIdentifier): { namespace: string[]; name: string } {
  return { namespace: [...identifier.namespace], name: identifier.name };
}

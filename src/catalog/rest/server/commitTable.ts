/**
 * Applying a client's commit on the server: the requirements are checked against the table's
 * current metadata, the updates applied to it, and the result swapped in through the catalog's
 * compare-and-swap. A failed requirement or a lost race is a `commit-conflict` (409); an update
 * that cannot be applied is a 400.
 */
import type { TableCommit, TableIdentifier } from "../../Catalog.js";
import { FloeError } from "../../../core/errors/FloeError.js";
import type { JsonFields } from "../../../table/spec/json.js";
import { applyUpdates } from "../../../table/transaction/applyUpdates.js";
import { checkRequirements } from "../../../table/transaction/requirements.js";
import type { CommittedTable } from "../../../table/transaction/TableCommitter.js";
import type { TableRequirement, TableUpdate } from "../../../table/transaction/updates.js";
import { parseTableRequirement, parseTableUpdate } from "../../../table/transaction/updatesJson.js";
import { badRequest, noSuchTable, parseInput } from "./errors.js";
import type { RestContext } from "./routeTypes.js";

export interface TableChanges {
  requirements: TableRequirement[];
  updates: TableUpdate[];
}

/** The `requirements` and `updates` of a commit request body; any unknown kind or bad field is a 400. */
export function parseTableChanges(body: JsonFields, what: string): TableChanges {
  const requirementsJson = parseInput(() => body.array("requirements"));
  const updatesJson = parseInput(() => body.array("updates"));
  const requirements = requirementsJson.map((json, i) => parseInput(() => parseTableRequirement(json, `${what}: requirements[${i}]`)));
  const updates = updatesJson.map((json, i) => parseInput(() => parseTableUpdate(json, `${what}: updates[${i}]`)));
  return { requirements, updates };
}

/** Checks the locations the updates set (400 outside the warehouse). */
function checkUpdateLocations(updates: readonly TableUpdate[], context: RestContext): void {
  for (const update of updates) {
    if (update.action === "set-location") context.locations.check(update.location, "set-location location");
  }
}

/**
 * The commit for one table, built against its current metadata: requirements checked (409),
 * updates applied (400 when they cannot be). A table that does not exist is a 404 unless the
 * changes create it (`assert-create`).
 */
export async function prepareCommit(identifier: TableIdentifier, changes: TableChanges, context: RestContext): Promise<TableCommit> {
  checkUpdateLocations(changes.updates, context);
  const current = await context.catalog.tableCommitter(identifier).load();
  const creates = changes.requirements.some((r) => r.type === "assert-create");
  if (current === undefined && !creates) throw noSuchTable(identifier);
  checkRequirements(current?.metadata, changes.requirements);
  let metadata;
  try {
    metadata = applyUpdates(current?.metadata, changes.updates, { baseLocation: current?.metadataLocation });
  } catch (error) {
    if (error instanceof FloeError && error.kind !== "commit-conflict") throw badRequest(error.message);
    throw error;
  }
  if (current === undefined && metadata.location !== undefined) context.locations.check(metadata.location, "table location");
  return { identifier, base: current?.metadataLocation, requirements: changes.requirements, updates: changes.updates, metadata };
}

/** Commits one table's changes with compare-and-swap against the metadata they were applied to. */
export async function commitTable(identifier: TableIdentifier, changes: TableChanges, context: RestContext): Promise<CommittedTable> {
  const commit = await prepareCommit(identifier, changes, context);
  return context.catalog.tableCommitter(identifier).commit(commit);
}

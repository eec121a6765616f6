/**
 * Checking a commit's requirements against the table as it is now.
 */
import { FloeError } from "../../core/errors/FloeError.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import type { TableRequirement } from "./updates.js";

/**
 * Throws a `commit-conflict` FloeError naming the first requirement that `current` (undefined
 * when the table does not exist) does not meet, with what was expected and what was found.
 */
export function checkRequirements(current: TableMetadata | undefined, requirements: readonly TableRequirement[]): void {
  for (const requirement of requirements) {
    const problem = violation(current, requirement);
    if (problem !== undefined) {
      throw new FloeError("commit-conflict", `requirement ${requirement.type} failed: ${problem}`, {
        context: { requirement: requirement.type, ...(current ? { table: current.location } : {}) },
      });
    }
  }
}

/** Why `current` fails `requirement`, or undefined when it holds. */
export function violation(current: TableMetadata | undefined, requirement: TableRequirement): string | undefined {
  if (requirement.type === "assert-create") {
    return current === undefined ? undefined : `the table already exists (at ${current.location})`;
  }
  if (current === undefined) return "the table does not exist";
  switch (requirement.type) {
    case "assert-table-uuid":
      return current.tableUuid?.toLowerCase() === requirement.uuid.toLowerCase()
        ? undefined
        : `the table's uuid is ${current.tableUuid ?? "unset"}, expected ${requirement.uuid}`;
    case "assert-ref-snapshot-id": {
      const ref = current.ref(requirement.ref);
      if (requirement.snapshotId === null) {
        return ref === undefined ? undefined : `${ref.type} ${requirement.ref} exists (at snapshot ${ref.snapshotId}) but was expected not to`;
      }
      if (ref === undefined) return `branch or tag ${requirement.ref} does not exist, expected it at snapshot ${requirement.snapshotId}`;
      return ref.snapshotId === requirement.snapshotId
        ? undefined
        : `${ref.type} ${requirement.ref} is at snapshot ${ref.snapshotId}, expected snapshot ${requirement.snapshotId}`;
    }
    case "assert-current-schema-id":
      return current.currentSchemaId === requirement.currentSchemaId
        ? undefined
        : `the current schema id is ${current.currentSchemaId}, expected ${requirement.currentSchemaId}`;
    case "assert-last-assigned-field-id":
      return current.lastColumnId === requirement.lastAssignedFieldId
        ? undefined
        : `the last assigned field id is ${current.lastColumnId}, expected ${requirement.lastAssignedFieldId}`;
    case "assert-last-assigned-partition-id":
      return current.lastPartitionId === requirement.lastAssignedPartitionId
        ? undefined
        : `the last assigned partition field id is ${current.lastPartitionId}, expected ${requirement.lastAssignedPartitionId}`;
    case "assert-default-spec-id":
      return current.defaultSpecId === requirement.defaultSpecId
        ? undefined
        : `the default partition spec id is ${current.defaultSpecId}, expected ${requirement.defaultSpecId}`;
    case "assert-default-sort-order-id":
      return current.defaultSortOrderId === requirement.defaultSortOrderId
        ? undefined
        : `the default sort order id is ${current.defaultSortOrderId}, expected ${requirement.defaultSortOrderId}`;
  }
}

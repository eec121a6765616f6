/**
 * Removing table properties; removing one that is not set is not an error.
 */
import { invalidInput } from "../../core/errors/FloeError.js";
import type { ActionContext, TransactionAction } from "./TransactionAction.js";
import type { ActionCommit, TableRequirement } from "./updates.js";

export class RemovePropertiesAction implements TransactionAction {
  readonly kind = "remove-properties";
  readonly removals: readonly string[];

  constructor(removals: readonly string[]) {
    this.removals = [...new Set(removals)];
  }

  async commit(context: ActionContext): Promise<ActionCommit> {
    const metadata = context.metadata;
    if (metadata === undefined) throw invalidInput("cannot remove properties of a table that does not exist");
    const requirements: TableRequirement[] = metadata.tableUuid === undefined ? [] : [{ type: "assert-table-uuid", uuid: metadata.tableUuid }];
    const present = this.removals.filter((key) => metadata.property(key) !== undefined);
    if (present.length === 0) return { updates: [], requirements };
    return { updates: [{ action: "remove-properties", removals: present }], requirements };
  }
}

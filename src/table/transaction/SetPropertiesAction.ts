/**
 * Setting table properties. Property changes merge with concurrent commits, so the action
 * asks only that the table is still the same table.
 */
import { invalidInput } from "../../core/errors/FloeError.js";
import type { ActionContext, TransactionAction } from "./TransactionAction.js";
import type { ActionCommit, TableRequirement } from "./updates.js";

export class SetPropertiesAction implements TransactionAction {
  readonly kind = "set-properties";
  readonly updates: Readonly<Record<string, string>>;

  constructor(updates: Record<string, string>) {
    for (const [key, value] of Object.entries(updates)) {
      if (key === "") throw invalidInput("a property name must not be empty");
      if (typeof value !== "string") throw invalidInput(`property ${key} must be a string, got ${typeof value}`, { property: key });
    }
    this.updates = { ...updates };
  }

  async commit(context: ActionContext): Promise<ActionCommit> {
    const metadata = context.metadata;
    if (metadata === undefined) throw invalidInput("cannot set properties of a table that does not exist");
    const requirements: TableRequirement[] = metadata.tableUuid === undefined ? [] : [{ type: "assert-table-uuid", uuid: metadata.tableUuid }];
    if (Object.keys(this.updates).length === 0) return { updates: [], requirements };
    return { updates: [{ action: "set-properties", updates: { ...this.updates } }], requirements };
  }
}

/**
 * `POST /v1/transactions/commit`: changes to several tables, committed atomically through the
 * catalog's `commitTransaction` — every table moves, or none does.
 */
import { parseInput } from "./errors.js";
import { prepareCommit, parseTableChanges } from "./commitTable.js";
import { parseTableIdentifier } from "./names.js";
import { noContent, type RouteHandler } from "./routeTypes.js";
import { JsonFields } from "../../../table/spec/json.js";

export const commitTransaction: RouteHandler = {
  subject: "table",
  async handle(request, context) {
    const body = await request.json("commit transaction request");
    const changes = parseInput(() => body.array("table-changes")).map((json, i) => {
      const what = `commit transaction request: table-changes[${i}]`;
      const fields = parseInput(() => JsonFields.of(json, what));
      return { identifier: parseTableIdentifier(fields, "identifier"), changes: parseTableChanges(fields, what) };
    });
    const commits = [];
    for (const { identifier, changes: tableChanges } of changes) commits.push(await prepareCommit(identifier, tableChanges, context));
    await context.catalog.commitTransaction(commits);
    return noContent();
  },
};

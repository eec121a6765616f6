/**
 * Partition evolution as a transaction action, in the manner of Iceberg Java's
 * `UpdatePartitionSpec`: add, remove and rename fields of the table's default spec; replacing
 * a field (day(ts) → hour(ts)) is a remove and an add. The new spec becomes the default; data
 * files keep the spec they were written with, so nothing is rewritten.
 *
 * The commit requires that the default spec and the last assigned partition field id are
 * still those the action first saw: a retry after another commit changed the partitioning
 * fails with `commit-conflict`. An action belongs to one transaction.
 */
import { invalidInput } from "../../core/errors/FloeError.js";
import { stringifyJson } from "../spec/json.js";
import { partitionFieldsToJson, type PartitionSpec } from "../spec/partitionSpec.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import type { Transform } from "../transform/index.js";
import { PartitionSpecEditor } from "./PartitionSpecEditor.js";
import type { PartitionTerm } from "./partitionTerms.js";
import type { ActionContext, TransactionAction } from "./TransactionAction.js";
import { LAST_ADDED, type ActionCommit, type TableRequirement } from "./updates.js";

export type { PartitionTerm } from "./partitionTerms.js";

export interface UpdatePartitionSpecOptions {
  /** Whether column names match only with the same case; default true. */
  caseSensitive?: boolean;
}

type Change = (editor: PartitionSpecEditor) => void;

export class UpdatePartitionSpecAction implements TransactionAction {
  readonly kind = "update-partition-spec";
  private readonly changes: Change[] = [];
  private readonly caseSensitiveAtStart: boolean;
  /** The default spec and last partition field id of the first metadata the action committed against. */
  private startedFrom?: { specId: number; lastPartitionId: number };

  constructor(options: UpdatePartitionSpecOptions = {}) {
    this.caseSensitiveAtStart = options.caseSensitive ?? true;
  }

  /** Whether the column names of the changes that follow match only with the same case. */
  caseSensitive(value: boolean): this {
    return this.record((editor) => {
      editor.caseSensitive = value;
    });
  }

  /**
   * Partitions by `transform` (`identity`, `bucket[16]`, `truncate[4]`, `year`, `month`,
   * `day`, `hour`) of `sourceColumn`. The name defaults to Iceberg's: `ts_day`,
   * `id_bucket_16`, `name_trunc_4`, the column's name for identity.
   */
  addField(sourceColumn: string, transform: string | Transform = "identity", name?: string): this {
    if (sourceColumn === "") throw invalidInput("a partition field needs a source column");
    return this.record((editor) => editor.addField(sourceColumn, transform, name));
  }

  /** Stops partitioning by a field of the current spec, named by its name or its term (`day(ts)`, `bucket(16, id)`, `{ sourceColumn, transform }`). */
  removeField(nameOrTerm: string | PartitionTerm): this {
    return this.record((editor) => editor.removeField(nameOrTerm));
  }

  renameField(name: string, newName: string): this {
    return this.record((editor) => editor.renameField(name, newName));
  }

  /** The spec the changes make of `metadata`'s default spec (its id the next free one); the default spec when nothing changes. */
  apply(metadata: TableMetadata): PartitionSpec {
    return this.evolve(metadata).spec;
  }

  async commit(context: ActionContext): Promise<ActionCommit> {
    const metadata = context.metadata;
    if (metadata === undefined) throw invalidInput("cannot update the partition spec of a table that does not exist");
    this.startedFrom ??= { specId: metadata.defaultSpecId, lastPartitionId: metadata.lastPartitionId };
    const requirements: TableRequirement[] = [
      { type: "assert-default-spec-id", defaultSpecId: this.startedFrom.specId },
      { type: "assert-last-assigned-partition-id", lastAssignedPartitionId: this.startedFrom.lastPartitionId },
    ];
    // another commit changed the partitioning: the requirements refuse the commit
    if (metadata.defaultSpecId !== this.startedFrom.specId || metadata.lastPartitionId !== this.startedFrom.lastPartitionId) {
      return { updates: [], requirements };
    }
    const { spec, changed } = this.evolve(metadata);
    if (!changed) return { updates: [], requirements };
    return {
      updates: [
        { action: "add-spec", spec },
        { action: "set-default-spec", specId: LAST_ADDED },
      ],
      requirements,
    };
  }

  private record(change: Change): this {
    this.changes.push(change);
    return this;
  }

  private evolve(metadata: TableMetadata): { spec: PartitionSpec; changed: boolean } {
    const editor = new PartitionSpecEditor(metadata, this.caseSensitiveAtStart);
    for (const change of this.changes) change(editor);
    const current = metadata.defaultSpec();
    const spec = editor.result(Math.max(...metadata.partitionSpecs.map((s) => s.specId)) + 1);
    const same = stringifyJson(partitionFieldsToJson(spec)) === stringifyJson(partitionFieldsToJson(current));
    return same ? { spec: current, changed: false } : { spec, changed: true };
  }
}

/**
 * Fast append: adds data files in a new snapshot without rewriting any existing manifest.
 * The added files go into new manifests (one per partition spec); the snapshot's manifest
 * list is those plus every manifest of the parent snapshot.
 *
 * The snapshot goes to `main` or to the branch the options name.
 *
 * Appends commute: when a commit is retried on a table another writer changed, the manifests
 * already written are reused (the snapshot id stays the same) and only a new manifest list is
 * written, on top of the new parent.
 */
import { randomUUID } from "node:crypto";
import { invalidInput } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import { DataFileContent, ManifestEntryStatus, type DataFile } from "../manifest/dataFile.js";
import { readSnapshotManifests, writeManifest } from "../manifest/manifest.js";
import type { ManifestFile } from "../manifest/manifestFile.js";
import { writeManifestList } from "../manifest/manifestList.js";
import { MAIN_BRANCH, type SnapshotRef } from "../spec/refs.js";
import type { Snapshot } from "../spec/snapshot.js";
import type { FormatVersion, TableMetadata } from "../spec/tableMetadata.js";
import { newSnapshotId } from "./snapshotId.js";
import { addedFilesSummary } from "./snapshotSummary.js";
import { metadataDirectory } from "./tableProperties.js";
import type { ActionContext, TransactionAction } from "./TransactionAction.js";
import type { ActionCommit, TableRequirement, TableUpdate } from "./updates.js";

export interface FastAppendOptions {
  /** Extra snapshot summary entries (they cannot replace the counts the append computes). */
  snapshotProperties?: Record<string, string>;
  /**
   * The branch the new snapshot goes to; default `main`. Its head is the parent. A branch
   * that does not exist yet is forked off the current snapshot, as Iceberg Java does: the
   * new snapshot's parent is main's head. A tag cannot be appended to.
   */
  branch?: string;
}

interface WrittenManifests {
  snapshotId: bigint;
  formatVersion: FormatVersion;
  directory: string;
  schemaId: number;
  manifests: ManifestFile[];
}

export class FastAppendAction implements TransactionAction {
  readonly kind = "fast-append";
  private readonly files: readonly DataFile[];
  private readonly options: FastAppendOptions;
  /** Names this action's files: `<uuid>-m<i>.avro`, `snap-<id>-<attempt>-<uuid>.avro`. */
  private readonly commitUuid = randomUUID();
  private snapshotId: bigint | undefined;
  private written: WrittenManifests | undefined;
  private manifestCounter = 0;
  private readonly paths = new Set<string>();

  constructor(files: readonly DataFile[], options: FastAppendOptions = {}) {
    this.files = [...files];
    this.options = options;
    if (options.branch !== undefined && options.branch.trim() === "") throw invalidInput("the branch to append to needs a name");
    const seen = new Set<string>();
    for (const file of this.files) {
      if (file.content !== DataFileContent.DATA) {
        throw invalidInput(`a fast append adds data files only, but ${file.filePath} has content ${file.content}`, { file: file.filePath });
      }
      if (seen.has(file.filePath)) throw invalidInput(`the append lists ${file.filePath} twice`, { file: file.filePath });
      seen.add(file.filePath);
    }
  }

  /** The files this action adds. */
  get dataFiles(): readonly DataFile[] {
    return this.files;
  }

  async commit(context: ActionContext): Promise<ActionCommit> {
    const metadata = context.metadata;
    if (metadata === undefined) throw invalidInput("cannot append to a table that does not exist: create it first");
    if (this.files.length === 0) return { updates: [], requirements: [] };
    const branch = this.options.branch ?? MAIN_BRANCH;
    const target = metadata.ref(branch);
    if (target !== undefined && target.type !== "branch") {
      throw invalidInput(`cannot append to ${branch} of table ${metadata.location}: it is a tag, and only branches take new snapshots`, { ref: branch });
    }
    this.validate(metadata);

    if (this.snapshotId === undefined || metadata.snapshotById(this.snapshotId) !== undefined) {
      this.snapshotId = newSnapshotId(metadata);
    }
    const snapshotId = this.snapshotId;
    const directory = metadataDirectory(metadata.location, metadata.properties);
    const added = await this.addedManifests(context.io, metadata, snapshotId, directory);

    const parent = target === undefined ? metadata.currentSnapshot() : metadata.snapshotById(target.snapshotId);
    const inherited = parent === undefined ? [] : await readSnapshotManifests(context.io, parent);
    const v = metadata.formatVersion;
    const sequenceNumber = v >= 2 ? metadata.lastSequenceNumber + 1n : 0n;
    const firstRowId = v >= 3 ? (metadata.nextRowId ?? 0n) : undefined;

    let attempt = context.attempt;
    let listPath = `${directory}/snap-${snapshotId}-${attempt}-${this.commitUuid}.avro`;
    while (this.paths.has(listPath)) listPath = `${directory}/snap-${snapshotId}-${++attempt}-${this.commitUuid}.avro`;
    this.paths.add(listPath);
    const list = await writeManifestList(context.io, listPath, [...added, ...inherited], {
      formatVersion: v,
      snapshotId,
      parentSnapshotId: parent?.snapshotId,
      sequenceNumber: v >= 2 ? sequenceNumber : undefined,
      firstRowId,
    });

    const snapshot: Snapshot = {
      snapshotId,
      sequenceNumber,
      timestampMs: context.nowMs,
      manifestList: listPath,
      summary: addedFilesSummary("append", this.files, parent, this.options.snapshotProperties),
      schemaId: metadata.currentSchemaId,
    };
    if (parent !== undefined) snapshot.parentSnapshotId = parent.snapshotId;
    if (firstRowId !== undefined) {
      snapshot.firstRowId = firstRowId;
      snapshot.addedRows = (list.nextRowId ?? firstRowId) - firstRowId;
    }

    const ref: SnapshotRef = { ...(target ?? {}), snapshotId, type: "branch" };
    const updates: TableUpdate[] = [
      { action: "add-snapshot", snapshot },
      { action: "set-snapshot-ref", refName: branch, ...ref },
    ];
    const requirements: TableRequirement[] = [];
    if (metadata.tableUuid !== undefined) requirements.push({ type: "assert-table-uuid", uuid: metadata.tableUuid });
    requirements.push({ type: "assert-ref-snapshot-id", ref: branch, snapshotId: target?.snapshotId ?? null });
    return { updates, requirements };
  }

  async cleanUp(io: FileIO, committed: TableMetadata | undefined): Promise<void> {
    const snapshot = committed !== undefined && this.snapshotId !== undefined ? committed.snapshotById(this.snapshotId) : undefined;
    const keep = new Set<string>();
    if (snapshot !== undefined) {
      if (snapshot.manifestList !== undefined) keep.add(snapshot.manifestList);
      for (const m of this.written?.manifests ?? []) keep.add(m.manifestPath);
    }
    await Promise.all(
      [...this.paths]
        .filter((p) => !keep.has(p))
        .map(async (p) => {
          try {
            await io.delete(p);
          } catch {
            // an orphan file is harmless; leave it to orphan-file cleanup
          }
        }),
    );
  }

  private validate(metadata: TableMetadata): void {
    for (const file of this.files) {
      const spec = metadata.specById(file.specId);
      if (spec === undefined) {
        throw invalidInput(`${file.filePath} is partitioned by spec ${file.specId}, which table ${metadata.location} does not have`, {
          file: file.filePath,
          specId: file.specId,
        });
      }
      const expected = spec.fields.map((f) => f.fieldId).sort((a, b) => a - b);
      const given = Object.keys(file.partition)
        .map(Number)
        .sort((a, b) => a - b);
      if (expected.length !== given.length || expected.some((id, i) => id !== given[i])) {
        throw invalidInput(
          `${file.filePath}: its partition has fields [${given.join(", ")}] but spec ${spec.specId} has [${expected.join(", ")}]`,
          { file: file.filePath, specId: spec.specId },
        );
      }
    }
  }

  /** The manifests of the added files, written once per snapshot id and reused on retries. */
  private async addedManifests(io: FileIO, metadata: TableMetadata, snapshotId: bigint, directory: string): Promise<ManifestFile[]> {
    const w = this.written;
    if (
      w !== undefined &&
      w.snapshotId === snapshotId &&
      w.formatVersion === metadata.formatVersion &&
      w.directory === directory &&
      metadata.schemaById(w.schemaId) !== undefined
    ) {
      return w.manifests;
    }
    const schema = metadata.currentSchema();
    const bySpec = new Map<number, DataFile[]>();
    for (const file of this.files) {
      const group = bySpec.get(file.specId);
      if (group === undefined) bySpec.set(file.specId, [file]);
      else group.push(file);
    }
    const manifests: ManifestFile[] = [];
    for (const [specId, files] of bySpec) {
      const path = `${directory}/${this.commitUuid}-m${this.manifestCounter++}.avro`;
      this.paths.add(path);
      manifests.push(
        await writeManifest(
          io,
          path,
          files.map((dataFile) => ({ status: ManifestEntryStatus.ADDED, dataFile })),
          { formatVersion: metadata.formatVersion, spec: metadata.specById(specId)!, schema, snapshotId },
        ),
      );
    }
    this.written = { snapshotId, formatVersion: metadata.formatVersion, directory, schemaId: schema.schemaId, manifests };
    return manifests;
  }
}

/**
 * The common machinery of the actions that make a snapshot by adding and removing files
 * (overwrite, delete, row delta, rewrite, dynamic partition overwrite): on every attempt it
 *
 * 1. finds the branch head it builds on and, when that moved since the snapshot the writer
 *    started from, hands the commits made meanwhile to the action's validation;
 * 2. rewrites the head's manifests that list files to remove (their entries become DELETED,
 *    the rest EXISTING) and keeps the others as they are; delete files that name a removed
 *    data file (deletion vectors, file-scoped position deletes) go with it;
 * 3. writes manifests for the added data and delete files (once per snapshot id: a retry
 *    reuses them), the manifest list and the snapshot, with the spec's summary.
 *
 * Subclasses say which files to add and remove and what to validate.
 */
import { randomUUID } from "node:crypto";
import { FloeError, invalidInput } from "../../core/errors/FloeError.js";
import type { FileIO } from "../../io/FileIO.js";
import { DataFileContent, ManifestEntryStatus, type DataFile, type ManifestEntry } from "../manifest/dataFile.js";
import { readManifestEntries, readSnapshotManifests, writeManifest } from "../manifest/manifest.js";
import { ManifestContent, type ManifestFile } from "../manifest/manifestFile.js";
import { writeManifestList } from "../manifest/manifestList.js";
import { MAIN_BRANCH, type SnapshotRef } from "../spec/refs.js";
import type { Snapshot, SnapshotOperation } from "../spec/snapshot.js";
import type { TableMetadata } from "../spec/tableMetadata.js";
import { changesSince, validateFilesNotRemoved, type CommittedChange } from "./concurrentChanges.js";
import { newSnapshotId } from "./snapshotId.js";
import { changedFilesSummary } from "./snapshotSummary.js";
import { metadataDirectory } from "./tableProperties.js";
import type { ActionContext, TransactionAction } from "./TransactionAction.js";
import type { ActionCommit, TableRequirement, TableUpdate } from "./updates.js";

export interface SnapshotProducerOptions {
  /** The branch the snapshot is committed to; default `main`. Created off the current snapshot when it does not exist. */
  branch?: string;
  /** Extra snapshot summary entries (they cannot replace the counts the action computes). */
  snapshotProperties?: Record<string, string>;
  /**
   * The snapshot the writer read to decide its change (null: the branch had none). Commits
   * after it are validated against the change. Default: the branch head at the first attempt.
   */
  startingSnapshotId?: bigint | null;
}

/**
 * How a change names a file it removes: its path, and for a deletion vector also the offset
 * of its blob (several deletion vectors may share one Puffin file).
 */
export function fileKey(file: DataFile): string {
  return file.contentOffset === undefined ? file.filePath : `${file.filePath}#${file.contentOffset}`;
}

/** What a subclass decides against the branch head of one attempt. */
export interface PlannedChange {
  /** Files (data or delete, by `fileKey`) that must be live in the head and are removed. */
  removePaths: ReadonlySet<string>;
  /** Further live files to remove, chosen by looking at each (dynamic partition overwrite). */
  removeWhere?: (file: DataFile) => boolean;
}

interface AddedManifests {
  snapshotId: bigint;
  directory: string;
  schemaId: number;
  manifests: ManifestFile[];
}

export abstract class SnapshotProducer implements TransactionAction {
  abstract readonly kind: string;
  protected readonly options: SnapshotProducerOptions;
  protected readonly addedDataFiles: DataFile[] = [];
  protected readonly addedDeleteFiles: DataFile[] = [];
  private readonly addedPaths = new Set<string>();
  /** Names this action's files: `<uuid>-m<i>.avro`, `snap-<id>-<attempt>-<uuid>.avro`. */
  private readonly commitUuid = randomUUID();
  private snapshotId: bigint | undefined;
  private startingSnapshotId: bigint | null | undefined;
  private added: AddedManifests | undefined;
  /** Rewritten manifests by the path they replace, valid for one snapshot id. */
  private rewritten = new Map<string, { snapshotId: bigint; manifest: ManifestFile; removed: DataFile[] }>();
  private manifestCounter = 0;
  private readonly paths = new Set<string>();

  constructor(options: SnapshotProducerOptions = {}) {
    this.options = options;
    this.startingSnapshotId = options.startingSnapshotId;
  }

  /** The snapshot operation for what this commit does. */
  protected abstract operation(removed: readonly DataFile[]): SnapshotOperation;

  /** Which files to remove from `head`. */
  protected abstract plan(metadata: TableMetadata, head: Snapshot | undefined): PlannedChange;

  /** Checks the change against snapshots committed since the writer's starting snapshot; throws a commit-conflict. */
  protected abstract validate(metadata: TableMetadata, changes: readonly CommittedChange[], removed: readonly DataFile[]): void;

  /** Whether `validate` needs the commits made since the starting snapshot (reading them costs a manifest read each). */
  protected readsConcurrentChanges(): boolean {
    return true;
  }

  protected refuseTag(_metadata: TableMetadata, branch: string): never {
    throw invalidInput(`${branch} is a tag; a change can be committed to a branch only`, { ref: branch });
  }

  /** The branch this action commits to. */
  get branch(): string {
    return this.options.branch ?? MAIN_BRANCH;
  }

  protected addFile(file: DataFile): void {
    if (this.addedPaths.has(file.filePath)) throw invalidInput(`the change adds ${file.filePath} twice`, { file: file.filePath });
    this.addedPaths.add(file.filePath);
    if (file.content === DataFileContent.DATA) this.addedDataFiles.push(file);
    else this.addedDeleteFiles.push(file);
  }

  async commit(context: ActionContext): Promise<ActionCommit> {
    const metadata = context.metadata;
    if (metadata === undefined) throw invalidInput(`cannot ${this.kind} a table that does not exist: create it first`);
    const branch = this.branch;
    const ref = metadata.ref(branch);
    if (ref !== undefined && ref.type !== "branch") this.refuseTag(metadata, branch);
    // a new branch is forked off the current snapshot, as Iceberg Java does
    const head = ref === undefined ? metadata.currentSnapshot() : metadata.snapshotById(ref.snapshotId);
    if (this.startingSnapshotId === undefined) this.startingSnapshotId = head?.snapshotId ?? null;
    this.checkAddedFiles(metadata);

    if (this.snapshotId === undefined || metadata.snapshotById(this.snapshotId) !== undefined) {
      this.snapshotId = newSnapshotId(metadata);
      this.rewritten.clear();
    }
    const snapshotId = this.snapshotId;
    const directory = metadataDirectory(metadata.location, metadata.properties);

    const moved = (head?.snapshotId ?? null) !== this.startingSnapshotId && this.readsConcurrentChanges();
    const changes = moved ? await changesSince(context.io, metadata, head, this.startingSnapshotId, branch) : [];
    const planned = this.plan(metadata, head);
    validateFilesNotRemoved(changes, planned.removePaths);
    const inherited = head === undefined ? [] : await readSnapshotManifests(context.io, head);
    const { manifests: kept, removed } = await this.removeFiles(context.io, metadata, inherited, planned, snapshotId, directory);
    this.validate(metadata, changes, removed);

    if (this.addedDataFiles.length === 0 && this.addedDeleteFiles.length === 0 && removed.length === 0) return { updates: [], requirements: [] };

    const added = await this.addedManifests(context.io, metadata, snapshotId, directory);
    const v = metadata.formatVersion;
    const sequenceNumber = v >= 2 ? metadata.lastSequenceNumber + 1n : 0n;
    const firstRowId = v >= 3 ? (metadata.nextRowId ?? 0n) : undefined;

    let attempt = context.attempt;
    let listPath = `${directory}/snap-${snapshotId}-${attempt}-${this.commitUuid}.avro`;
    while (this.paths.has(listPath)) listPath = `${directory}/snap-${snapshotId}-${++attempt}-${this.commitUuid}.avro`;
    this.paths.add(listPath);
    const list = await writeManifestList(context.io, listPath, [...added, ...kept], {
      formatVersion: v,
      snapshotId,
      parentSnapshotId: head?.snapshotId,
      sequenceNumber: v >= 2 ? sequenceNumber : undefined,
      firstRowId,
    });

    const snapshot: Snapshot = {
      snapshotId,
      sequenceNumber,
      timestampMs: context.nowMs,
      manifestList: listPath,
      summary: changedFilesSummary(
        this.operation(removed),
        [...this.addedDataFiles, ...this.addedDeleteFiles],
        removed,
        head,
        this.options.snapshotProperties,
      ),
      schemaId: metadata.currentSchemaId,
    };
    if (head !== undefined) snapshot.parentSnapshotId = head.snapshotId;
    if (firstRowId !== undefined) {
      snapshot.firstRowId = firstRowId;
      snapshot.addedRows = (list.nextRowId ?? firstRowId) - firstRowId;
    }

    const newRef: SnapshotRef = { ...(ref ?? {}), snapshotId, type: "branch" };
    const updates: TableUpdate[] = [
      { action: "add-snapshot", snapshot },
      { action: "set-snapshot-ref", refName: branch, ...newRef },
    ];
    const requirements: TableRequirement[] = [];
    if (metadata.tableUuid !== undefined) requirements.push({ type: "assert-table-uuid", uuid: metadata.tableUuid });
    requirements.push({ type: "assert-ref-snapshot-id", ref: branch, snapshotId: ref?.snapshotId ?? null });
    return { updates, requirements };
  }

  async cleanUp(io: FileIO, committed: TableMetadata | undefined): Promise<void> {
    const snapshot = committed !== undefined && this.snapshotId !== undefined ? committed.snapshotById(this.snapshotId) : undefined;
    const keep = new Set<string>();
    if (snapshot !== undefined) {
      if (snapshot.manifestList !== undefined) keep.add(snapshot.manifestList);
      // a committed snapshot's manifests are whatever its list names
      for (const m of await readSnapshotManifests(io, snapshot).catch(() => [])) keep.add(m.manifestPath);
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

  private checkAddedFiles(metadata: TableMetadata): void {
    for (const file of [...this.addedDataFiles, ...this.addedDeleteFiles]) {
      const spec = metadata.specById(file.specId);
      if (spec === undefined) {
        throw invalidInput(`${file.filePath} is partitioned by spec ${file.specId}, which table ${metadata.location} does not have`, {
          file: file.filePath,
        });
      }
      const expected = spec.fields.map((f) => f.fieldId).sort((a, b) => a - b);
      const given = Object.keys(file.partition)
        .map(Number)
        .sort((a, b) => a - b);
      if (expected.length !== given.length || expected.some((id, i) => id !== given[i])) {
        throw invalidInput(`${file.filePath}: its partition has fields [${given.join(", ")}] but spec ${spec.specId} has [${expected.join(", ")}]`, {
          file: file.filePath,
        });
      }
      if (file.content !== DataFileContent.DATA && metadata.formatVersion < 2) {
        throw invalidInput(`format version 1 tables cannot hold delete files (${file.filePath}); upgrade the table to version 2`, { file: file.filePath });
      }
    }
  }

  /**
   * The head's manifests with the planned files removed: manifests that list none of them are
   * kept as they are; the others are rewritten. Manifests left holding only deleted entries
   * by an earlier commit are dropped. Fails when a path to remove is not live in the head.
   */
  private async removeFiles(
    io: FileIO,
    metadata: TableMetadata,
    inherited: readonly ManifestFile[],
    planned: PlannedChange,
    snapshotId: bigint,
    directory: string,
  ): Promise<{ manifests: ManifestFile[]; removed: DataFile[] }> {
    const live = inherited.filter((m) => !(m.addedFilesCount === 0 && m.existingFilesCount === 0 && m.addedSnapshotId !== snapshotId));
    if (planned.removePaths.size === 0 && planned.removeWhere === undefined) return { manifests: live, removed: [] };

    const found = new Set<string>();
    const removedData = new Set<string>();
    const removed: DataFile[] = [];
    const rewrite = async (manifest: ManifestFile, select: (file: DataFile) => boolean): Promise<ManifestFile> => {
      const cached = this.rewritten.get(manifest.manifestPath);
      if (cached !== undefined && cached.snapshotId === snapshotId) {
        for (const file of cached.removed) {
          found.add(fileKey(file));
          if (file.content === DataFileContent.DATA) removedData.add(file.filePath);
          removed.push(file);
        }
        return cached.manifest;
      }
      const entries = (await readManifestEntries(io, manifest)).filter((e) => e.status !== ManifestEntryStatus.DELETED);
      const dropped: DataFile[] = [];
      const rewrittenEntries: ManifestEntry[] = entries.map((entry) => {
        if (!select(entry.dataFile)) return { ...entry, status: ManifestEntryStatus.EXISTING };
        dropped.push(entry.dataFile);
        return { ...entry, status: ManifestEntryStatus.DELETED, snapshotId };
      });
      for (const file of dropped) {
        found.add(fileKey(file));
        if (file.content === DataFileContent.DATA) removedData.add(file.filePath);
        removed.push(file);
      }
      if (dropped.length === 0) return manifest;
      const spec = metadata.specById(manifest.partitionSpecId);
      if (spec === undefined) throw new FloeError("malformed", `manifest ${manifest.manifestPath} uses partition spec ${manifest.partitionSpecId}, which the table does not have`);
      const path = `${directory}/${this.commitUuid}-m${this.manifestCounter++}.avro`;
      this.paths.add(path);
      const written = await writeManifest(io, path, rewrittenEntries, {
        formatVersion: metadata.formatVersion,
        spec,
        schema: metadata.currentSchema(),
        snapshotId,
        content: manifest.content,
      });
      this.rewritten.set(manifest.manifestPath, { snapshotId, manifest: written, removed: dropped });
      return written;
    };

    const selectByPlan = (file: DataFile) => planned.removePaths.has(fileKey(file)) || (planned.removeWhere?.(file) ?? false);
    const data = live.filter((m) => m.content === ManifestContent.DATA);
    const deletes = live.filter((m) => m.content !== ManifestContent.DATA);
    const keptData = await Promise.all(data.map((m) => rewrite(m, selectByPlan)));
    // delete files that name a data file this change removes go with it
    const keptDeletes = await Promise.all(
      deletes.map((m) => rewrite(m, (file) => selectByPlan(file) || (file.referencedDataFile !== undefined && removedData.has(file.referencedDataFile)))),
    );
    const missing = [...planned.removePaths].filter((p) => !found.has(p));
    if (missing.length > 0) {
      throw new FloeError(
        "commit-conflict",
        `cannot remove ${missing[0]}${missing.length > 1 ? ` and ${missing.length - 1} more` : ""}: not a live file of branch ${this.branch} (removed by a concurrent commit, or never part of the table); the table is unchanged`,
        { context: { file: missing[0] } },
      );
    }
    return { manifests: [...keptData, ...keptDeletes], removed };
  }

  /** The manifests of the added files, written once per snapshot id and reused on retries. */
  private async addedManifests(io: FileIO, metadata: TableMetadata, snapshotId: bigint, directory: string): Promise<ManifestFile[]> {
    const w = this.added;
    if (w !== undefined && w.snapshotId === snapshotId && w.directory === directory && metadata.schemaById(w.schemaId) !== undefined) return w.manifests;
    const schema = metadata.currentSchema();
    const manifests: ManifestFile[] = [];
    for (const [files, content] of [
      [this.addedDataFiles, ManifestContent.DATA],
      [this.addedDeleteFiles, ManifestContent.DELETES],
    ] as const) {
      const bySpec = new Map<number, DataFile[]>();
      for (const file of files) {
        const group = bySpec.get(file.specId);
        if (group === undefined) bySpec.set(file.specId, [file]);
        else group.push(file);
      }
      for (const [specId, group] of bySpec) {
        const path = `${directory}/${this.commitUuid}-m${this.manifestCounter++}.avro`;
        this.paths.add(path);
        manifests.push(
          await writeManifest(
            io,
            path,
            group.map((dataFile) => ({ status: ManifestEntryStatus.ADDED, dataFile })),
            { formatVersion: metadata.formatVersion, spec: metadata.specById(specId)!, schema, snapshotId, content },
          ),
        );
      }
    }
    this.added = { snapshotId, directory, schemaId: schema.schemaId, manifests };
    return manifests;
  }
}

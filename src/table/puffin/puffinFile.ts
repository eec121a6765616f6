/**
 * Writing Puffin files (format/puffin-spec.md): the magic, the blobs one after another, then
 * the footer — magic, the JSON payload describing each blob (type, fields, offset, length,
 * properties), the payload's length, flags (0: the payload is not compressed) and the magic.
 */
import { stringifyJson } from "../spec/json.js";

const MAGIC = new Uint8Array([0x50, 0x46, 0x41, 0x31]); // "PFA1"

export interface PuffinBlob {
  type: string;
  /** Field ids the blob is computed from. */
  fields: number[];
  bytes: Uint8Array;
  /** Snapshot and sequence number the blob belongs to; -1 when they are inherited (deletion vectors). */
  snapshotId?: bigint;
  sequenceNumber?: bigint;
  properties?: Record<string, string>;
}

export interface EncodedPuffin {
  bytes: Uint8Array;
  /** Where each blob starts and how long it is, in the order given. */
  blobs: { offset: number; length: number }[];
}

export function encodePuffinFile(blobs: readonly PuffinBlob[], properties: Record<string, string> = {}): EncodedPuffin {
  const placed: { offset: number; length: number }[] = [];
  let offset = MAGIC.length;
  for (const blob of blobs) {
    placed.push({ offset, length: blob.bytes.length });
    offset += blob.bytes.length;
  }
  const payload = new TextEncoder().encode(
    stringifyJson({
      blobs: blobs.map((blob, i) => ({
        type: blob.type,
        fields: blob.fields,
        "snapshot-id": blob.snapshotId ?? -1n,
        "sequence-number": blob.sequenceNumber ?? -1n,
        offset: placed[i].offset,
        length: placed[i].length,
        ...(blob.properties !== undefined ? { properties: blob.properties } : {}),
      })),
      properties,
    }),
  );
  const bytes = new Uint8Array(offset + MAGIC.length + payload.length + 12);
  let at = 0;
  bytes.set(MAGIC, at);
  at += MAGIC.length;
  for (const blob of blobs) {
    bytes.set(blob.bytes, at);
    at += blob.bytes.length;
  }
  bytes.set(MAGIC, at);
  at += MAGIC.length;
  bytes.set(payload, at);
  at += payload.length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setInt32(at, payload.length, true);
  view.setInt32(at + 4, 0, true);
  bytes.set(MAGIC, at + 8);
  return { bytes, blobs: placed };
}

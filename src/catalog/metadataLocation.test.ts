import { describe, expect, it } from "vitest";
import { MemoryFileIO } from "../io/MemoryFileIO.js";
import { readTableMetadata, writeTableMetadata } from "../table/spec/metadataFile.js";
import { Schema } from "../table/spec/schema.js";
import type { TableMetadata } from "../table/spec/tableMetadata.js";
import { Transaction } from "../table/transaction/Transaction.js";
import { metadataVersion, newMetadataLocation } from "./metadataLocation.js";

async function metadataWith(properties: Record<string, string>): Promise<TableMetadata> {
  const schema = new Schema([{ id: 1, name: "id", required: true, type: { type: "long" } }]);
  const prepared = await new Transaction({ io: new MemoryFileIO() }).createTable({ schema, location: "s3://bucket/wh/ns.db/t/", properties }).prepare(undefined);
  return prepared.metadata!;
}

describe("metadata file names", () => {
  it("reads the version of Java/PyIceberg names and Hadoop names", () => {
    expect(metadataVersion("s3://b/t/metadata/00000-0b5c7e5e-2f7a-4a55-9b0e-4c8f0d7b3a11.metadata.json")).toBe(0);
    expect(metadataVersion("/t/metadata/00042-abc.gz.metadata.json")).toBe(42);
    expect(metadataVersion("/t/metadata/123456-abc.metadata.json")).toBe(123456);
    expect(metadataVersion("/t/metadata/v7.metadata.json")).toBe(7);
    expect(metadataVersion("/t/metadata/v7.gz.metadata.json")).toBe(7);
    expect(metadataVersion("/t/metadata/snapshot.metadata.json")).toBeUndefined();
    expect(metadataVersion("/t/metadata/00001-abc.avro")).toBeUndefined();
  });

  it("numbers a new table 00000 and each commit one more, under <location>/metadata", async () => {
    const metadata = await metadataWith({});
    const first = newMetadataLocation(metadata);
    expect(first).toMatch(/^s3:\/\/bucket\/wh\/ns\.db\/t\/metadata\/00000-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.metadata\.json$/);
    expect(newMetadataLocation(metadata, first)).toMatch(/\/metadata\/00001-[0-9a-f-]{36}\.metadata\.json$/);
    expect(newMetadataLocation(metadata, "/t/metadata/v9.metadata.json")).toMatch(/\/00010-/);
    expect(newMetadataLocation(metadata, "/t/metadata/123456-x.metadata.json")).toMatch(/\/123457-/);
    // a name without a version starts over at 0, as Java does
    expect(newMetadataLocation(metadata, "/t/metadata/odd.metadata.json")).toMatch(/\/00000-/);
    expect(newMetadataLocation(metadata, first)).not.toBe(newMetadataLocation(metadata, first));
  });

  it("follows write.metadata.path and gzip compression, and the gzip file reads back", async () => {
    const metadata = await metadataWith({ "write.metadata.path": "s3://other/meta/", "write.metadata.compression-codec": "gzip" });
    const location = newMetadataLocation(metadata);
    expect(location).toMatch(/^s3:\/\/other\/meta\/00000-[0-9a-f-]{36}\.gz\.metadata\.json$/);
    const io = new MemoryFileIO();
    const memoryLocation = location.replace("s3://", "memory://");
    await writeTableMetadata(io, memoryLocation, metadata);
    const bytes = await io.read(memoryLocation);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    expect((await readTableMetadata(io, memoryLocation)).tableUuid).toBe(metadata.tableUuid);
  });
});

import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { decodeDeletionVector, encodeDeletionVector } from "./deletionVector.js";

describe("deletion vectors", () => {
  it("round-trips positions across array and bitmap containers and above 2^32", () => {
    const positions = [0n, 1n, 7n, 65535n, 65536n, ...Array.from({ length: 5000 }, (_, i) => 200_000n + BigInt(i * 2)), 2n ** 32n + 5n];
    expect(decodeDeletionVector(encodeDeletionVector(positions), "test")).toEqual(positions);
  });

  it("rejects a corrupted blob with an error naming the file", () => {
    const blob = encodeDeletionVector([3n, 9n]);
    blob[blob.length - 1] ^= 0xff;
    expect(() => decodeDeletionVector(blob, "s3://b/t/data/dv.puffin")).toThrow(/dv\.puffin: deletion vector CRC mismatch/);
  });

  it("decodes run containers written by other implementations", () => {
    // One 32-bit bitmap: cookie with runs, one container (key 0) holding the run 10..14.
    const roaring32 = Uint8Array.from([0x3b, 0x30, 0x00, 0x00, 0x01, 0x00, 0x00, 0x04, 0x00, 0x01, 0x00, 0x0a, 0x00, 0x04, 0x00]);
    const vector = Buffer.concat([Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), roaring32]);
    const blob = new Uint8Array(vector.length + 12);
    const view = new DataView(blob.buffer);
    view.setUint32(0, vector.length + 4, false);
    blob.set([0xd1, 0xd3, 0x39, 0x64], 4);
    blob.set(vector, 8);
    view.setUint32(8 + vector.length, zlib.crc32(blob.subarray(4, 8 + vector.length)) >>> 0, false);
    expect(decodeDeletionVector(blob, "t")).toEqual([10n, 11n, 12n, 13n, 14n]);
  });
});

import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DuckDBSession } from "../../src/engine/duckdb/DuckDBSession.js";
import { queryIcebergTables } from "../../src/engine/scan/queryIcebergTables.js";
import { LocalFileIO } from "../../src/io/LocalFileIO.js";
import { PathRelocator } from "../../src/io/PathRelocator.js";
import {
  HAVE_ICEBERG_FIXTURES,
  ICEBERG_FIXTURES,
  NO_FIXTURES_MESSAGE,
  fixtureRelocations,
  loadCases,
  normalizeActual,
  rowsMatch,
} from "../support/fixtures.js";

// One test per case of the shared fixture pack: real tables written by Spark, Java, PyIceberg and Athena.
describe.skipIf(!HAVE_ICEBERG_FIXTURES)("Iceberg conformance: tables written by other engines", () => {
  let session: DuckDBSession;
  beforeAll(async () => {
    session = await DuckDBSession.open();
  });
  afterAll(() => session?.close());

  const cases = HAVE_ICEBERG_FIXTURES ? loadCases() : [];
  const io = new PathRelocator(new LocalFileIO(), fixtureRelocations());

  cases.forEach((c, index) => {
    const label = `${String(index + 1).padStart(2, "0")} ${c.table.split("/").slice(1).join("/")}${c.snapshot ? ` @${c.snapshot}` : ""}: ${c.sql}`;
    it(label, async () => {
      const result = await queryIcebergTables(
        [{ name: "t", metadataLocation: path.join(ICEBERG_FIXTURES, c.metadata), snapshotId: c.snapshot === null ? undefined : BigInt(c.snapshot) }],
        c.sql,
        { io, session },
      );
      const actual = result.rows.map((row) => row.map(normalizeActual));
      if (!rowsMatch(actual, c.expected, c.ordered)) {
        expect({ actual, source: c.source }).toEqual({ actual: c.expected, source: c.source });
      }
    });
  });
});

describe.skipIf(HAVE_ICEBERG_FIXTURES)("Iceberg conformance", () => {
  it.skip(NO_FIXTURES_MESSAGE, () => undefined);
});

import { describe, it, expect } from "vitest";
import pg from "pg";
import { stackEnv } from "../../scripts/stack/env.mjs";

const { FLOE_TEST_POSTGRES_URL } = stackEnv();

describe("stack: PostgreSQL", () => {
  it("creates a table, inserts rows and reads them back", async () => {
    const client = new pg.Client({ connectionString: FLOE_TEST_POSTGRES_URL });
    await client.connect();
    const table = `stack_smoke_${process.pid}_${Date.now()}`;
    try {
      await client.query(`create table ${table} (id bigint primary key, name text not null)`);
      await client.query(`insert into ${table} (id, name) values ($1, $2), ($3, $4)`, [1, "one", 9007199254740993n.toString(), "big"]);
      const { rows } = await client.query(`select id::text as id, name from ${table} order by id`);
      expect(rows).toEqual([
        { id: "1", name: "one" },
        { id: "9007199254740993", name: "big" },
      ]);
      const { rows: db } = await client.query("select current_database() as name");
      expect(db[0].name).toBe("floe");
    } finally {
      await client.query(`drop table if exists ${table}`);
      await client.end();
    }
  });
});

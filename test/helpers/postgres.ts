// A PostgreSQL schema of its own for a test run (dropped after), on the server CI provides. Without CI an
// unreachable server skips the test; with CI set it fails it, since CI must run every storage engine.
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import pg from "pg";

export const PG_URL = process.env.CHATWIRE_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Runs `body` with the URL of a fresh schema; skips (or, in CI, fails) when PostgreSQL is not reachable. */
export async function withPgSchema(t: TestContext, prefix: string, body: (url: string) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
  } catch {
    if (process.env.CI) assert.fail(`PostgreSQL is required in CI and not reachable at ${PG_URL}`);
    return t.skip(`PostgreSQL not reachable at ${PG_URL}`);
  }
  const schema = `${prefix}_${process.pid}_${Date.now()}`;
  await client.query(`CREATE SCHEMA ${schema}`);
  try {
    await body(`${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`);
  } finally {
    await client.query(`DROP SCHEMA ${schema} CASCADE`);
    await client.end();
  }
}

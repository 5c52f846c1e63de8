// Brings a database to the latest schema with Kysely's Migrator. Two processes opening one database at once apply
// each migration once: PostgreSQL takes an advisory lock, SQLite an immediate transaction (sqlite-dialect.ts).
// A database made by the pre-Kysely server (migrations recorded in `schema_migrations`) is adopted first.
import { Migrator, sql, type Kysely } from "kysely";
import type { Engine } from "../db.js";
import { StorageBusyError } from "../storage-errors.js";
import { migrations } from "./index.js";

/** How long an opener waits for another process that is migrating the same SQLite file. */
const SQLITE_MIGRATION_WAIT_MS = 30_000;

export async function migrateToLatest(db: Kysely<any>, engine: Engine): Promise<void> {
  const deadline = Date.now() + SQLITE_MIGRATION_WAIT_MS;
  for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
    try {
      await migrateOnce(db, engine);
      return;
    } catch (err) {
      // Another process holds the file's write lock (it is migrating): wait, then find its work done. On
      // PostgreSQL, the Migrator's catalog scan can trip over a schema or table another session drops meanwhile.
      const busy = err instanceof StorageBusyError || (err as { cause?: unknown }).cause instanceof StorageBusyError;
      if (!(busy || isCatalogRace(err)) || Date.now() + delay > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

/** PostgreSQL errors of a catalog read racing a concurrent DROP: invalid schema, undefined table, cache lookup failed. */
function isCatalogRace(err: unknown): boolean {
  const code = String(((err as { cause?: { code?: unknown } }).cause ?? (err as { code?: unknown }))?.code ?? "");
  return code === "3F000" || code === "42P01" || code === "XX000";
}

async function migrateOnce(db: Kysely<any>, engine: Engine): Promise<void> {
  await adoptLegacySchema(db, engine);
  // On PostgreSQL the Migrator looks for its own tables in every schema unless told which: name the current one,
  // so databases holding several Chatwire schemas (tenants, test runs) keep their migrations apart.
  const schema =
    engine === "postgres" ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...migrations }) },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    if (error instanceof StorageBusyError) throw error;
    const failed = results?.find((r) => r.status === "Error")?.migrationName;
    throw new Error(`database migration ${failed ?? ""} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * The pre-Kysely server kept PostgreSQL flags as BOOLEAN and device maps as JSONB; the one schema now uses integers
 * and text on both engines. Its tables are otherwise the first migration's, which creates them only if missing.
 */
async function adoptLegacySchema(db: Kysely<any>, engine: Engine): Promise<void> {
  if (engine === "sqlite") {
    const found = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name = 'schema_migrations'`.execute(db);
    if (found.rows.length > 0) await sql`drop table schema_migrations`.execute(db);
    return;
  }
  const found = await sql<{ t: string | null }>`select to_regclass('schema_migrations')::text as t`.execute(db);
  if (!found.rows[0]?.t) return;
  await db.transaction().execute(async (trx) => {
    const column = await sql<{ data_type: string }>`
      select data_type from information_schema.columns
      where table_schema = current_schema() and table_name = 'presence' and column_name = 'logged_out'`.execute(trx);
    if (column.rows[0]?.data_type === "boolean") {
      await sql`alter table presence
        alter column logged_out type bigint using (case when logged_out then 1 else 0 end),
        alter column devices type text using devices::text`.execute(trx);
    }
    await sql`drop table schema_migrations`.execute(trx);
  });
}

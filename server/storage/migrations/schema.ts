// What the migrations share: the engine a migration runs on, and the few column and table options that differ
// between SQLite and PostgreSQL. Everything else is Kysely's schema builder, written once.
import { PostgresAdapter, sql, type CreateTableBuilder, type Expression, type Kysely } from "kysely";

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * The type of an ID column: text compared byte by byte on both engines (PostgreSQL's "C" collation is SQLite's
 * BINARY), so ordering and keyset cursors agree.
 */
export function idType(db: Kysely<any>): Expression<unknown> {
  return isPostgres(db) ? sql`text collate "C"` : sql`text`;
}

/** Tables keyed by their primary key alone are WITHOUT ROWID on SQLite (one B-tree instead of two). */
export function keyedTable<T extends string, C extends string>(db: Kysely<any>, table: CreateTableBuilder<T, C>): CreateTableBuilder<T, C> {
  return isPostgres(db) ? table : table.modifyEnd(sql`without rowid`);
}

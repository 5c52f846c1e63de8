// Cloud message search: one row per searchable message (`message_search`: its conversation key, sequence, sender,
// time, element type and the text a keyword may match), written in the transaction that stores the message and
// deleted when it is revoked. The text is indexed by each engine's own full-text machinery, both trigram-based so
// that any substring of three characters or more (CJK included, which has no word breaks) is found through the
// index: an FTS5 `trigram` table kept in step by triggers on SQLite, a pg_trgm GIN index on PostgreSQL.
import { sql, type CreateTableBuilder, type Kysely, type Migration } from "kysely";
import { idType, isPostgres } from "./schema.js";

/** The columns both engines share. */
function indexedColumns(db: Kysely<any>, table: CreateTableBuilder<"message_search", any>): CreateTableBuilder<"message_search", any> {
  return table
    .addColumn("conv", idType(db), (c) => c.notNull())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("sender_id", idType(db), (c) => c.notNull())
    .addColumn("time", "bigint", (c) => c.notNull())
    .addColumn("type", "bigint", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull());
}

/** Users searchable by ID and nickname (searchCloudUsers): one row per account, refreshed when its profile changes. */
function userColumns(db: Kysely<any>, table: CreateTableBuilder<"user_search", any>): CreateTableBuilder<"user_search", any> {
  return table
    .addColumn("user_id", idType(db), (c) => c.notNull())
    .addColumn("nick", "text", (c) => c.notNull())
    .addColumn("gender", "bigint", (c) => c.notNull())
    .addColumn("birthday", "bigint", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull());
}

/**
 * The accounts that exist already, by ID (the nickname lives in the protobuf profile body, out of SQL's reach: a
 * user who set one before this migration is found by it again after its next profile change).
 */
async function backfillUsers(db: Kysely<any>): Promise<void> {
  await sql`insert into user_search (user_id, nick, gender, birthday, text) select user_id, '', 0, 0, user_id from account`.execute(db);
}

/** SQLite: an FTS5 trigram table over `table`'s text (external content, keyed by its `id`), kept in step by triggers. */
async function ftsFor(db: Kysely<any>, table: "message_search" | "user_search", fts: "message_fts" | "user_fts"): Promise<void> {
  const [t, f] = [sql.table(table), sql.table(fts)];
  await sql`create virtual table ${f} using fts5(text, content=${sql.lit(table)}, content_rowid='id', tokenize='trigram')`.execute(db);
  await sql`create trigger ${sql.raw(`${table}_ai`)} after insert on ${t} begin
    insert into ${f}(rowid, text) values (new.id, new.text); end`.execute(db);
  await sql`create trigger ${sql.raw(`${table}_ad`)} after delete on ${t} begin
    insert into ${f}(${f}, rowid, text) values ('delete', old.id, old.text); end`.execute(db);
  await sql`create trigger ${sql.raw(`${table}_au`)} after update of text on ${t} begin
    insert into ${f}(${f}, rowid, text) values ('delete', old.id, old.text);
    insert into ${f}(rowid, text) values (new.id, new.text); end`.execute(db);
}

export const search: Migration = {
  async up(db: Kysely<any>) {
    if (isPostgres(db)) {
      // In `public`, not in the migrating schema: an extension exists once per database, so two schemas migrating
      // at once (the Migrator's lock is per schema) would race to create it; a database-wide lock orders them.
      await sql`select pg_advisory_xact_lock(hashtext('chatwire:create extension pg_trgm'))`.execute(db);
      await sql`create extension if not exists pg_trgm with schema public`.execute(db);
      await indexedColumns(db, db.schema.createTable("message_search")).addPrimaryKeyConstraint("message_search_pk", ["conv", "seq"]).execute();
      await sql`create index message_search_text on message_search using gin (text public.gin_trgm_ops)`.execute(db);
      await userColumns(db, db.schema.createTable("user_search")).addPrimaryKeyConstraint("user_search_pk", ["user_id"]).execute();
      await sql`create index user_search_text on user_search using gin (text public.gin_trgm_ops)`.execute(db);
      await backfillUsers(db);
      return;
    }
    // SQLite: a rowid table (FTS5 external content needs an integer key) keyed again by (conv, seq).
    await indexedColumns(db, db.schema.createTable("message_search").addColumn("id", "integer", (c) => c.primaryKey())).execute();
    await db.schema.createIndex("message_search_key").unique().on("message_search").columns(["conv", "seq"]).execute();
    await ftsFor(db, "message_search", "message_fts");

    await userColumns(db, db.schema.createTable("user_search").addColumn("id", "integer", (c) => c.primaryKey())).execute();
    await db.schema.createIndex("user_search_key").unique().on("user_search").column("user_id").execute();
    await ftsFor(db, "user_search", "user_fts");
    await backfillUsers(db);
  },
};

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

export const search: Migration = {
  async up(db: Kysely<any>) {
    if (isPostgres(db)) {
      // In `public`, not in the migrating schema: an extension exists once per database, so two schemas migrating
      // at once (the Migrator's lock is per schema) would race to create it; a database-wide lock orders them.
      await sql`select pg_advisory_xact_lock(hashtext('chatwire:create extension pg_trgm'))`.execute(db);
      await sql`create extension if not exists pg_trgm with schema public`.execute(db);
      await indexedColumns(db, db.schema.createTable("message_search")).addPrimaryKeyConstraint("message_search_pk", ["conv", "seq"]).execute();
      await sql`create index message_search_text on message_search using gin (text public.gin_trgm_ops)`.execute(db);
      return;
    }
    // SQLite: a rowid table (FTS5 external content needs an integer key) keyed again by (conv, seq).
    await indexedColumns(db, db.schema.createTable("message_search").addColumn("id", "integer", (c) => c.primaryKey())).execute();
    await db.schema.createIndex("message_search_key").unique().on("message_search").columns(["conv", "seq"]).execute();
    await sql`create virtual table message_fts using fts5(text, content='message_search', content_rowid='id', tokenize='trigram')`.execute(db);
    await sql`create trigger message_search_ai after insert on message_search begin
      insert into message_fts(rowid, text) values (new.id, new.text); end`.execute(db);
    await sql`create trigger message_search_ad after delete on message_search begin
      insert into message_fts(message_fts, rowid, text) values ('delete', old.id, old.text); end`.execute(db);
    await sql`create trigger message_search_au after update of text on message_search begin
      insert into message_fts(message_fts, rowid, text) values ('delete', old.id, old.text);
      insert into message_fts(rowid, text) values (new.id, new.text); end`.execute(db);
  },
};

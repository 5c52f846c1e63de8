// Cloud group search (searchCloudGroups): one row per group (`group_search`: group ID, type, and the text a keyword
// may match, "<group ID>\n<name>"), written by the group store in the transaction creating, renaming or dismissing
// the group. Indexed as `user_search` is (20261206T000000Z-search): an FTS5 trigram table kept in step by triggers
// on SQLite, a pg_trgm GIN index on PostgreSQL. Existing groups are backfilled.
import { sql, type CreateTableBuilder, type Kysely, type Migration } from "kysely";
import { idType, isPostgres } from "./schema.js";

function columns(db: Kysely<any>, table: CreateTableBuilder<"group_search", any>): CreateTableBuilder<"group_search", any> {
  return table
    .addColumn("group_id", idType(db), (c) => c.notNull())
    .addColumn("type", "bigint", (c) => c.notNull())
    .addColumn("text", "text", (c) => c.notNull());
}

async function backfill(db: Kysely<any>): Promise<void> {
  const text = isPostgres(db) ? sql`group_id || chr(10) || name` : sql`group_id || char(10) || name`;
  await sql`insert into group_search (group_id, type, text) select group_id, type, ${text} from grp`.execute(db);
}

export const groupSearch: Migration = {
  async up(db: Kysely<any>) {
    if (isPostgres(db)) {
      await columns(db, db.schema.createTable("group_search")).addPrimaryKeyConstraint("group_search_pk", ["group_id"]).execute();
      await sql`create index group_search_text on group_search using gin (text public.gin_trgm_ops)`.execute(db);
      await backfill(db);
      return;
    }
    await columns(db, db.schema.createTable("group_search").addColumn("id", "integer", (c) => c.primaryKey())).execute();
    await db.schema.createIndex("group_search_key").unique().on("group_search").column("group_id").execute();
    await sql`create virtual table group_fts using fts5(text, content='group_search', content_rowid='id', tokenize='trigram')`.execute(db);
    await sql`create trigger group_search_ai after insert on group_search begin
      insert into group_fts(rowid, text) values (new.id, new.text); end`.execute(db);
    await sql`create trigger group_search_ad after delete on group_search begin
      insert into group_fts(group_fts, rowid, text) values ('delete', old.id, old.text); end`.execute(db);
    await sql`create trigger group_search_au after update of text on group_search begin
      insert into group_fts(group_fts, rowid, text) values ('delete', old.id, old.text);
      insert into group_fts(rowid, text) values (new.id, new.text); end`.execute(db);
    await backfill(db);
  },
};

// Relationships: profiles, blacklists, friends, friend applications, friend groups and follows. See
// server/relationships/*-store.ts for what each column means.
import { sql, type Kysely, type Migration } from "kysely";
import { idType, isPostgres, keyedTable } from "./schema.js";

export const relationships: Migration = {
  async up(db: Kysely<any>) {
    const bytes = isPostgres(db) ? sql`bytea` : sql`blob`;

    // One row per user who ever set a profile field: the protobuf Profile as stored.
    await keyedTable(
      db,
      db.schema
        .createTable("profile")
        .addColumn("user_id", idType(db), (c) => c.primaryKey())
        .addColumn("body", bytes, (c) => c.notNull())
        .addColumn("update_time", "bigint", (c) => c.notNull()),
    ).execute();

    // user_id blacklisted target_id.
    await keyedTable(
      db,
      db.schema
        .createTable("blacklist")
        .addColumn("user_id", idType(db), (c) => c.notNull())
        .addColumn("target_id", idType(db), (c) => c.notNull())
        .addColumn("add_time", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("blacklist_pk", ["user_id", "target_id"]),
    ).execute();

    // user_id has friend_id in its friend list (one way; both ways is two rows).
    await keyedTable(
      db,
      db.schema
        .createTable("friend")
        .addColumn("user_id", idType(db), (c) => c.notNull())
        .addColumn("friend_id", idType(db), (c) => c.notNull())
        .addColumn("remark", "text", (c) => c.notNull())
        .addColumn("group_list", "text", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("custom", "text", (c) => c.notNull())
        .addColumn("add_time", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("friend_pk", ["user_id", "friend_id"]),
    ).execute();
    // Who has a user as a friend (PROFILE_UPDATED reaches them).
    await db.schema.createIndex("friend_reverse").on("friend").columns(["friend_id", "user_id"]).execute();

    // A pending friend application from from_id to to_id.
    await keyedTable(
      db,
      db.schema
        .createTable("friend_application")
        .addColumn("to_id", idType(db), (c) => c.notNull())
        .addColumn("from_id", idType(db), (c) => c.notNull())
        .addColumn("wording", "text", (c) => c.notNull())
        .addColumn("source", "text", (c) => c.notNull())
        .addColumn("remark", "text", (c) => c.notNull())
        .addColumn("group_name", "text", (c) => c.notNull())
        .addColumn("time", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("friend_application_pk", ["to_id", "from_id"]),
    ).execute();
    // Received and sent applications, newest first.
    await db.schema.createIndex("friend_application_to_time").on("friend_application").columns(["to_id", "time", "from_id"]).execute();
    await db.schema.createIndex("friend_application_from_time").on("friend_application").columns(["from_id", "time", "to_id"]).execute();
    // When each user last read its received applications (unread = received after it).
    await keyedTable(
      db,
      db.schema
        .createTable("friend_application_read")
        .addColumn("user_id", idType(db), (c) => c.primaryKey())
        .addColumn("read_time", "bigint", (c) => c.notNull()),
    ).execute();

    // A user's friend groups; membership lives in friend.group_list.
    await keyedTable(
      db,
      db.schema
        .createTable("friend_group")
        .addColumn("user_id", idType(db), (c) => c.notNull())
        .addColumn("name", idType(db), (c) => c.notNull())
        .addColumn("create_time", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("friend_group_pk", ["user_id", "name"]),
    ).execute();

    // follower_id follows followee_id; `mutual` is 1 while the reverse edge exists too (kept on both rows).
    await keyedTable(
      db,
      db.schema
        .createTable("follow")
        .addColumn("follower_id", idType(db), (c) => c.notNull())
        .addColumn("followee_id", idType(db), (c) => c.notNull())
        .addColumn("time", "bigint", (c) => c.notNull())
        .addColumn("mutual", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("follow_pk", ["follower_id", "followee_id"]),
    ).execute();
    // The three lists, each keyset-paged newest first.
    await db.schema.createIndex("follow_following").on("follow").columns(["follower_id", "time", "followee_id"]).execute();
    await db.schema.createIndex("follow_followers").on("follow").columns(["followee_id", "time", "follower_id"]).execute();
    await db.schema.createIndex("follow_mutual").on("follow").columns(["follower_id", "mutual", "time", "followee_id"]).execute();
    // Counters per user, kept in the transaction that changes an edge (counting 100,000 rows per query is not).
    await keyedTable(
      db,
      db.schema
        .createTable("follow_count")
        .addColumn("user_id", idType(db), (c) => c.primaryKey())
        .addColumn("following", "bigint", (c) => c.notNull())
        .addColumn("followers", "bigint", (c) => c.notNull())
        .addColumn("mutual", "bigint", (c) => c.notNull()),
    ).execute();
  },
};

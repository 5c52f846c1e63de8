// Groups: one row per group (profile, counters of members and attributes), one row per membership, pending join
// applications and invitations, AVChatRoom bans, and group counters. A group's members are never copied per
// message: server/groups/group-store.ts says what each column means.
import type { Kysely, Migration } from "kysely";
import { idType, keyedTable } from "./schema.js";

export const groups: Migration = {
  async up(db: Kysely<any>) {
    await keyedTable(
      db,
      db.schema
        .createTable("grp")
        .addColumn("group_id", idType(db), (c) => c.primaryKey())
        .addColumn("type", "bigint", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("avatar", "text", (c) => c.notNull())
        .addColumn("introduction", "text", (c) => c.notNull())
        .addColumn("notification", "text", (c) => c.notNull())
        .addColumn("owner_id", idType(db), (c) => c.notNull())
        .addColumn("create_time", "bigint", (c) => c.notNull())
        .addColumn("info_seq", "bigint", (c) => c.notNull())
        .addColumn("last_info_time", "bigint", (c) => c.notNull())
        .addColumn("max_members", "bigint", (c) => c.notNull())
        .addColumn("mute_all", "bigint", (c) => c.notNull())
        .addColumn("join_option", "bigint", (c) => c.notNull())
        .addColumn("invite_option", "bigint", (c) => c.notNull())
        .addColumn("custom", "text", (c) => c.notNull())
        .addColumn("support_topic", "bigint", (c) => c.notNull())
        .addColumn("member_count", "bigint", (c) => c.notNull())
        .addColumn("member_ord", "bigint", (c) => c.notNull())
        .addColumn("attrs", "text", (c) => c.notNull())
        .addColumn("attr_version", "bigint", (c) => c.notNull()),
    ).execute();

    await keyedTable(
      db,
      db.schema
        .createTable("grp_member")
        .addColumn("group_id", idType(db), (c) => c.notNull())
        .addColumn("user_id", idType(db), (c) => c.notNull())
        .addColumn("role", "bigint", (c) => c.notNull())
        .addColumn("ord", "bigint", (c) => c.notNull())
        .addColumn("join_time", "bigint", (c) => c.notNull())
        .addColumn("name_card", "text", (c) => c.notNull())
        .addColumn("mute_until", "bigint", (c) => c.notNull())
        .addColumn("custom", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("grp_member_pk", ["group_id", "user_id"]),
    ).execute();
    // A user's groups (GetGroupList, the joined-group limit, one AVChatRoom at a time).
    await db.schema.createIndex("grp_member_user").on("grp_member").columns(["user_id", "group_id"]).execute();
    // Member pages in join order, with and without a role filter (keyset on `ord`).
    await db.schema.createIndex("grp_member_ord").on("grp_member").columns(["group_id", "ord"]).execute();
    await db.schema.createIndex("grp_member_role").on("grp_member").columns(["group_id", "role", "ord"]).execute();

    // Pending join applications (invitee "") and invitations awaiting approval (invitee set).
    await keyedTable(
      db,
      db.schema
        .createTable("grp_application")
        .addColumn("group_id", idType(db), (c) => c.notNull())
        .addColumn("applicant", idType(db), (c) => c.notNull())
        .addColumn("invitee", idType(db), (c) => c.notNull())
        .addColumn("note", "text", (c) => c.notNull())
        .addColumn("time", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("grp_application_pk", ["group_id", "applicant", "invitee"]),
    ).execute();
    await db.schema.createIndex("grp_application_time").on("grp_application").columns(["group_id", "time"]).execute();

    // Users removed from an AVChatRoom with a ban, until Unix ms.
    await keyedTable(
      db,
      db.schema
        .createTable("grp_ban")
        .addColumn("group_id", idType(db), (c) => c.notNull())
        .addColumn("user_id", idType(db), (c) => c.notNull())
        .addColumn("until", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("grp_ban_pk", ["group_id", "user_id"]),
    ).execute();

    // Topics of topic-enabled communities.
    await keyedTable(
      db,
      db.schema
        .createTable("grp_topic")
        .addColumn("group_id", idType(db), (c) => c.notNull())
        .addColumn("topic_id", idType(db), (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("avatar", "text", (c) => c.notNull())
        .addColumn("introduction", "text", (c) => c.notNull())
        .addColumn("notification", "text", (c) => c.notNull())
        .addColumn("custom_data", "text", (c) => c.notNull())
        .addColumn("mute_all", "bigint", (c) => c.notNull())
        .addColumn("create_time", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("grp_topic_pk", ["group_id", "topic_id"]),
    ).execute();

    // Pinned group messages, by sequence.
    await keyedTable(
      db,
      db.schema
        .createTable("grp_pin")
        .addColumn("group_id", idType(db), (c) => c.notNull())
        .addColumn("seq", "bigint", (c) => c.notNull())
        .addColumn("pinner_id", idType(db), (c) => c.notNull())
        .addColumn("time", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("grp_pin_pk", ["group_id", "seq"]),
    ).execute();

    // AVChatRoom member marks (MarkGroupMemberList), the filter of GetGroupMemberList.
    await keyedTable(
      db,
      db.schema
        .createTable("grp_mark")
        .addColumn("group_id", idType(db), (c) => c.notNull())
        .addColumn("mark", "bigint", (c) => c.notNull())
        .addColumn("user_id", idType(db), (c) => c.notNull())
        .addPrimaryKeyConstraint("grp_mark_pk", ["group_id", "mark", "user_id"]),
    ).execute();
    await db.schema.createIndex("grp_mark_user").on("grp_mark").columns(["group_id", "user_id"]).execute();

    await keyedTable(
      db,
      db.schema
        .createTable("grp_counter")
        .addColumn("group_id", idType(db), (c) => c.notNull())
        .addColumn("key", idType(db), (c) => c.notNull())
        .addColumn("value", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("grp_counter_pk", ["group_id", "key"]),
    ).execute();
  },
};

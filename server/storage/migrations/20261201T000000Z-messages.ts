// Messages and conversations. A message is stored once, keyed by its conversation (`conv`: one key per C2C pair,
// per group, per user's system conversation) and its sequence in it; per-user state (read positions, cleared
// history, hidden messages, pins, marks…) lives apart from the shared row. See server/messages/message-store.ts and
// server/conversations/conversation-store.ts for what each column means.
import { sql, type Kysely, type Migration } from "kysely";
import { idType, isPostgres, keyedTable } from "./schema.js";

export const messages: Migration = {
  async up(db: Kysely<any>) {
    const bytes = isPostgres(db) ? sql`bytea` : sql`blob`;

    // One row per conversation (shared by its participants): the sequence counter and what unread counts derive from.
    await keyedTable(
      db,
      db.schema
        .createTable("conversation_head")
        .addColumn("conv", idType(db), (c) => c.primaryKey())
        .addColumn("last_seq", "bigint", (c) => c.notNull())
        .addColumn("countable", "bigint", (c) => c.notNull())
        .addColumn("last_msg_seq", "bigint", (c) => c.notNull())
        .addColumn("last_time", "bigint", (c) => c.notNull()),
    ).execute();

    await keyedTable(
      db,
      db.schema
        .createTable("message")
        .addColumn("conv", idType(db), (c) => c.notNull())
        .addColumn("seq", "bigint", (c) => c.notNull())
        .addColumn("msg_id", idType(db), (c) => c.notNull())
        .addColumn("sender_id", idType(db), (c) => c.notNull())
        .addColumn("time", "bigint", (c) => c.notNull())
        .addColumn("ordinal", "bigint", (c) => c.notNull())
        .addColumn("flags", "bigint", (c) => c.notNull())
        .addColumn("version", "bigint", (c) => c.notNull())
        .addColumn("revoked", "bigint", (c) => c.notNull())
        .addColumn("receipt_time", "bigint", (c) => c.notNull())
        .addColumn("body", bytes, (c) => c.notNull())
        .addPrimaryKeyConstraint("message_pk", ["conv", "seq"]),
    ).execute();
    await db.schema.createIndex("message_id").unique().on("message").columns(["conv", "msg_id"]).execute();
    // Hopping by time (C2C) walks a conversation in time order.
    await db.schema.createIndex("message_time").on("message").columns(["conv", "time", "seq"]).execute();

    // Messages a user deleted for itself (DeleteMessage); the shared row stays.
    await keyedTable(
      db,
      db.schema
        .createTable("message_hidden")
        .addColumn("user_id", idType(db), (c) => c.notNull())
        .addColumn("conv", idType(db), (c) => c.notNull())
        .addColumn("seq", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("message_hidden_pk", ["user_id", "conv", "seq"]),
    ).execute();

    // Bodies of merger messages too large to travel inline, fetched by DownloadMergerMessage.
    await keyedTable(
      db,
      db.schema
        .createTable("merger_body")
        .addColumn("download_key", idType(db), (c) => c.primaryKey())
        .addColumn("sender_id", idType(db), (c) => c.notNull())
        .addColumn("body", bytes, (c) => c.notNull())
        .addColumn("create_time", "bigint", (c) => c.notNull()),
    ).execute();

    // One row per user and conversation in the user's list.
    await keyedTable(
      db,
      db.schema
        .createTable("conversation")
        .addColumn("user_id", idType(db), (c) => c.notNull())
        .addColumn("conversation_id", idType(db), (c) => c.notNull())
        .addColumn("conv", idType(db), (c) => c.notNull())
        .addColumn("visible", "bigint", (c) => c.notNull())
        .addColumn("last_seq", "bigint", (c) => c.notNull())
        .addColumn("sort_time", "bigint", (c) => c.notNull())
        .addColumn("read_seq", "bigint", (c) => c.notNull())
        .addColumn("read_ordinal", "bigint", (c) => c.notNull())
        .addColumn("own_count", "bigint", (c) => c.notNull())
        .addColumn("cleared_seq", "bigint", (c) => c.notNull())
        .addColumn("pinned", "bigint", (c) => c.notNull())
        .addColumn("pin_time", "bigint", (c) => c.notNull())
        .addColumn("custom_data", "text", (c) => c.notNull())
        .addColumn("marks", "text", (c) => c.notNull())
        .addColumn("remind_type", "bigint", (c) => c.notNull())
        .addColumn("peer_read_seq", "bigint", (c) => c.notNull())
        .addColumn("peer_read_time", "bigint", (c) => c.notNull())
        .addColumn("create_time", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("conversation_pk", ["user_id", "conversation_id"]),
    ).execute();
    // The list: a user's visible conversations, most recent first.
    await db.schema.createIndex("conversation_recent").on("conversation").columns(["user_id", "visible", "sort_time", "conversation_id"]).execute();
    // Pinned conversations come first whatever their age.
    await db.schema.createIndex("conversation_pinned").on("conversation").columns(["user_id", "pinned", "pin_time"]).execute();
    // conversationPeersOf: who holds a C2C conversation with a user (`C2C${userId}`).
    await db.schema.createIndex("conversation_peer").on("conversation").columns(["conversation_id", "user_id"]).execute();

    // Conversation groups (named folders) and their members.
    await keyedTable(
      db,
      db.schema
        .createTable("conversation_folder")
        .addColumn("user_id", idType(db), (c) => c.notNull())
        .addColumn("name", idType(db), (c) => c.notNull())
        .addColumn("create_time", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("conversation_folder_pk", ["user_id", "name"]),
    ).execute();
    await keyedTable(
      db,
      db.schema
        .createTable("conversation_folder_item")
        .addColumn("user_id", idType(db), (c) => c.notNull())
        .addColumn("name", idType(db), (c) => c.notNull())
        .addColumn("conversation_id", idType(db), (c) => c.notNull())
        .addPrimaryKeyConstraint("conversation_folder_item_pk", ["user_id", "name", "conversation_id"]),
    ).execute();
    await db.schema.createIndex("conversation_folder_item_conv").on("conversation_folder_item").columns(["user_id", "conversation_id", "name"]).execute();

    // The global do-not-disturb of a user (SetAllReceiveMessageOpt).
    await keyedTable(
      db,
      db.schema
        .createTable("receive_opt")
        .addColumn("user_id", idType(db), (c) => c.primaryKey())
        .addColumn("remind_type", "bigint", (c) => c.notNull())
        .addColumn("start_time", "bigint", (c) => c.notNull())
        .addColumn("end_time", "bigint", (c) => c.notNull())
        .addColumn("is_repeated", "bigint", (c) => c.notNull()),
    ).execute();

    // Uploaded files (the bytes live in a FileStore: local disk or an object store).
    await keyedTable(
      db,
      db.schema
        .createTable("uploaded_file")
        .addColumn("uuid", idType(db), (c) => c.primaryKey())
        .addColumn("owner_id", idType(db), (c) => c.notNull())
        .addColumn("content_type", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("size", "bigint", (c) => c.notNull())
        .addColumn("image", "text", (c) => c.notNull())
        .addColumn("create_time", "bigint", (c) => c.notNull()),
    ).execute();
  },
};

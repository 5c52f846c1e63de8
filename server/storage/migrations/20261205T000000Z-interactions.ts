// Reactions and extensions of messages. `message_interaction_head` is one row per message that has any: its
// upsert serialises the changes of one message (a row lock on PostgreSQL) and numbers them (`seq`), which orders a
// reaction's users for paging.
import type { Kysely, Migration } from "kysely";
import { idType, keyedTable } from "./schema.js";

export const interactions: Migration = {
  async up(db: Kysely<any>) {
    await keyedTable(
      db,
      db.schema
        .createTable("message_interaction_head")
        .addColumn("conv", idType(db), (c) => c.notNull())
        .addColumn("msg_id", idType(db), (c) => c.notNull())
        .addColumn("seq", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("message_interaction_head_pk", ["conv", "msg_id"]),
    ).execute();
    await keyedTable(
      db,
      db.schema
        .createTable("message_reaction")
        .addColumn("conv", idType(db), (c) => c.notNull())
        .addColumn("msg_id", idType(db), (c) => c.notNull())
        .addColumn("reaction_id", idType(db), (c) => c.notNull())
        .addColumn("user_id", idType(db), (c) => c.notNull())
        .addColumn("seq", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("message_reaction_pk", ["conv", "msg_id", "reaction_id", "user_id"]),
    ).execute();
    await db.schema.createIndex("message_reaction_seq").on("message_reaction").columns(["conv", "msg_id", "reaction_id", "seq"]).execute();
    await keyedTable(
      db,
      db.schema
        .createTable("message_extension")
        .addColumn("conv", idType(db), (c) => c.notNull())
        .addColumn("msg_id", idType(db), (c) => c.notNull())
        .addColumn("ext_key", idType(db), (c) => c.notNull())
        .addColumn("value", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("message_extension_pk", ["conv", "msg_id", "ext_key"]),
    ).execute();
  },
};

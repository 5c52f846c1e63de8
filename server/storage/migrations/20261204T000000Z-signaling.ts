// Signaling invitations: one row per invitation and one per invitee with its answer. A user's pending invitations
// (shown again at login) are found through `signaling_invitee_pending`.
import type { Kysely, Migration } from "kysely";
import { idType, keyedTable } from "./schema.js";

export const signaling: Migration = {
  async up(db: Kysely<any>) {
    await keyedTable(
      db,
      db.schema
        .createTable("signaling_invitation")
        .addColumn("invite_id", idType(db), (c) => c.primaryKey())
        .addColumn("inviter", idType(db), (c) => c.notNull())
        .addColumn("group_id", idType(db), (c) => c.notNull())
        .addColumn("data", "text", (c) => c.notNull())
        .addColumn("timeout", "bigint", (c) => c.notNull())
        .addColumn("online_only", "bigint", (c) => c.notNull())
        .addColumn("message_id", idType(db), (c) => c.notNull())
        .addColumn("create_time", "bigint", (c) => c.notNull())
        .addColumn("ended", "bigint", (c) => c.notNull()),
    ).execute();
    await keyedTable(
      db,
      db.schema
        .createTable("signaling_invitee")
        .addColumn("invite_id", idType(db), (c) => c.notNull())
        .addColumn("user_id", idType(db), (c) => c.notNull())
        .addColumn("state", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("signaling_invitee_pk", ["invite_id", "user_id"]),
    ).execute();
    await db.schema.createIndex("signaling_invitee_pending").on("signaling_invitee").columns(["user_id", "state", "invite_id"]).execute();
  },
};

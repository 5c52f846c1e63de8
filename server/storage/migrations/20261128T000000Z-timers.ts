// Durable timers (custom-status clearing today; invitation timeouts and other domains' deadlines later), and the
// index that finds a user's subscribers without loading every subscription.
import type { Kysely, Migration } from "kysely";
import { idType, keyedTable } from "./schema.js";

export const timers: Migration = {
  async up(db: Kysely<any>) {
    await keyedTable(
      db,
      db.schema
        .createTable("timer")
        .addColumn("kind", idType(db), (c) => c.notNull())
        .addColumn("key", idType(db), (c) => c.notNull())
        .addColumn("due_time", "bigint", (c) => c.notNull())
        .addColumn("payload", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("timer_pk", ["kind", "key"]),
    ).execute();
    await db.schema.createIndex("timer_due").on("timer").columns(["due_time", "kind", "key"]).execute();
    await db.schema.createIndex("subscription_target").on("subscription").columns(["target_id", "subscriber_id"]).execute();
  },
};

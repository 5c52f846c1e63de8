// The first schema: accounts, presence records and status subscriptions. Times are Unix milliseconds, flags 0/1,
// JSON as text, on both engines. `ifNotExists` lets a database made by the pre-Kysely server adopt this migration.
import type { Kysely, Migration } from "kysely";
import { idType, keyedTable } from "./schema.js";

export const init: Migration = {
  async up(db: Kysely<any>) {
    await keyedTable(
      db,
      db.schema
        .createTable("account")
        .ifNotExists()
        .addColumn("user_id", idType(db), (c) => c.primaryKey())
        .addColumn("create_time", "bigint", (c) => c.notNull()),
    ).execute();

    await keyedTable(
      db,
      db.schema
        .createTable("presence")
        .ifNotExists()
        .addColumn("user_id", idType(db), (c) => c.primaryKey())
        .addColumn("custom_status", "text", (c) => c.notNull())
        .addColumn("devices", "text", (c) => c.notNull())
        .addColumn("logged_out", "bigint", (c) => c.notNull())
        .addColumn("last_active_time", "bigint", (c) => c.notNull())
        .addColumn("update_time", "bigint", (c) => c.notNull()),
    ).execute();

    await keyedTable(
      db,
      db.schema
        .createTable("subscription")
        .ifNotExists()
        .addColumn("subscriber_id", idType(db), (c) => c.notNull())
        .addColumn("target_id", idType(db), (c) => c.notNull())
        .addColumn("expire_time", "bigint", (c) => c.notNull())
        .addColumn("create_time", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("subscription_pk", ["subscriber_id", "target_id"]),
    ).execute();
    // Eviction and paging walk a subscriber's subscriptions oldest first.
    await db.schema
      .createIndex("subscription_age")
      .ifNotExists()
      .on("subscription")
      .columns(["subscriber_id", "create_time", "target_id"])
      .execute();
  },
};

// The first schema: accounts, presence records and status subscriptions. Times are Unix milliseconds. PostgreSQL IDs use
// the "C" collation so that ordering is code point order, like SQLite's BINARY.
import type { Migration } from "./migration.js";

export const init: Migration = {
  id: "20251122T000000Z-init",
  sqlite: `
    CREATE TABLE account (
      user_id TEXT PRIMARY KEY,
      create_time INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE presence (
      user_id TEXT PRIMARY KEY,
      custom_status TEXT NOT NULL,
      devices TEXT NOT NULL CHECK (json_valid(devices)),
      logged_out INTEGER NOT NULL,
      last_active_time INTEGER NOT NULL,
      update_time INTEGER NOT NULL
    ) WITHOUT ROWID;

    CREATE TABLE subscription (
      subscriber_id TEXT NOT NULL,
      target_id TEXT NOT NULL,
      expire_time INTEGER NOT NULL,
      create_time INTEGER NOT NULL,
      PRIMARY KEY (subscriber_id, target_id)
    ) WITHOUT ROWID;

    -- Eviction and paging walk a subscriber's subscriptions oldest first.
    CREATE INDEX subscription_age ON subscription (subscriber_id, create_time, target_id);
  `,
  postgres: `
    CREATE TABLE account (
      user_id TEXT COLLATE "C" PRIMARY KEY,
      create_time BIGINT NOT NULL
    );

    CREATE TABLE presence (
      user_id TEXT COLLATE "C" PRIMARY KEY,
      custom_status TEXT NOT NULL,
      devices JSONB NOT NULL,
      logged_out BOOLEAN NOT NULL,
      last_active_time BIGINT NOT NULL,
      update_time BIGINT NOT NULL
    );

    CREATE TABLE subscription (
      subscriber_id TEXT COLLATE "C" NOT NULL,
      target_id TEXT COLLATE "C" NOT NULL,
      expire_time BIGINT NOT NULL,
      create_time BIGINT NOT NULL,
      PRIMARY KEY (subscriber_id, target_id)
    );

    -- Eviction and paging walk a subscriber's subscriptions oldest first.
    CREATE INDEX subscription_age ON subscription (subscriber_id, create_time, target_id);
  `,
};

// The SQLite back end: one file, one connection (better-sqlite3 is synchronous, so every call is its own critical
// section), WAL with synchronous=NORMAL. Presence writes are group-committed because they are the hot path: every login and
// logout writes a record, and one transaction per tick costs one WAL append instead of one per call.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { migrations } from "./migrations/index.js";
import { createGroupCommit } from "./group-commit.js";
import type {
  AccountStore,
  PresenceRecord,
  PresenceStore,
  Storage,
  Subscription,
  SubscriptionStore,
} from "./storage.js";

type Db = Database.Database;

/** Opens (creating it and its parent directories if needed) and migrates the SQLite database at `path`. */
export function openSqliteStorage(path: string): Storage {
  if (path !== ":memory:" && !path.startsWith("file:")) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    // Another process (a CLI, a second server) may hold the write lock briefly; wait instead of failing.
    db.pragma("busy_timeout = 5000");
    migrate(db);
  } catch (err) {
    db.close();
    throw err;
  }
  const presence = createPresenceStore(db);
  return {
    kind: "sqlite",
    accounts: createAccountStore(db),
    presence: presence.store,
    subscriptions: createSubscriptionStore(db),
    async close() {
      if (!db.open) return;
      await presence.drain();
      db.close();
    },
  };
}

/** Applies the migrations not yet recorded in `schema_migrations`, all in one transaction. */
function migrate(db: Db): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
  const appliedIds = db.prepare<[], { id: string }>("SELECT id FROM schema_migrations");
  const record = db.prepare<[string, number]>("INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)");
  // IMMEDIATE takes the write lock before reading, so two processes opening one file cannot both apply a migration.
  db.transaction(() => {
    const applied = new Set(appliedIds.all().map((row) => row.id));
    for (const migration of migrations) {
      if (applied.has(migration.id)) continue;
      db.exec(migration.sqlite);
      record.run(migration.id, Date.now());
    }
  }).immediate();
}

function createAccountStore(db: Db): AccountStore {
  const insert = db.prepare<[string, number]>("INSERT INTO account (user_id, create_time) VALUES (?, ?) ON CONFLICT DO NOTHING");
  const select = db.prepare<[string], { user_id: string }>(
    "SELECT user_id FROM account WHERE user_id IN (SELECT value FROM json_each(?))",
  );
  const ensure = db.transaction((userIds: readonly string[], nowMs: number) =>
    [...new Set(userIds)].filter((userId) => insert.run(userId, nowMs).changes === 1),
  );
  return {
    async ensure(userIds, nowMs) {
      return ensure.immediate(userIds, nowMs);
    },
    async existing(userIds) {
      return new Set(select.all(JSON.stringify(userIds)).map((row) => row.user_id));
    },
  };
}

interface PresenceRow {
  user_id: string;
  custom_status: string;
  devices: string;
  logged_out: number;
  last_active_time: number;
  update_time: number;
}


function createPresenceStore(db: Db): { store: PresenceStore; drain: () => Promise<void> } {
  const select = db.prepare<[string], PresenceRow>(
    "SELECT * FROM presence WHERE user_id IN (SELECT value FROM json_each(?))",
  );
  const upsert = db.prepare<[string, string, string, number, number, number]>(
    `INSERT INTO presence (user_id, custom_status, devices, logged_out, last_active_time, update_time) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET custom_status = excluded.custom_status, devices = excluded.devices,
       logged_out = excluded.logged_out, last_active_time = excluded.last_active_time, update_time = excluded.update_time`,
  );
  const writeAll = db.transaction((records: readonly PresenceRecord[]) => {
    for (const r of records) {
      upsert.run(r.userId, r.customStatus, JSON.stringify(r.devices), r.loggedOut ? 1 : 0, r.lastActiveTime, r.updateTime);
    }
  });
  const commits = createGroupCommit<PresenceRecord>((records) => writeAll.immediate(records));

  const store: PresenceStore = {
    async get(userIds) {
      const found = new Map<string, PresenceRecord>();
      for (const row of select.all(JSON.stringify(userIds))) found.set(row.user_id, toRecord(row));
      return found;
    },
    put(records) {
      if (!db.open) return Promise.reject(new Error("storage is closed"));
      return commits.add(records);
    },
  };
  return { store, drain: () => commits.drain() };
}

function toRecord(row: PresenceRow): PresenceRecord {
  return {
    userId: row.user_id,
    customStatus: row.custom_status,
    devices: JSON.parse(row.devices) as Record<string, string>,
    loggedOut: row.logged_out !== 0,
    lastActiveTime: row.last_active_time,
    updateTime: row.update_time,
  };
}

interface SubscriptionRow {
  subscriber_id: string;
  target_id: string;
  expire_time: number;
  create_time: number;
}

// "Unexpired": never expires (0) or expires after now. Bound as the named parameter @now.
const LIVE = "(expire_time = 0 OR expire_time > @now)";
const AGE = "ORDER BY create_time, target_id";

function createSubscriptionStore(db: Db): SubscriptionStore {
  const purgeExpired = db.prepare<{ subscriber: string; now: number }>(
    "DELETE FROM subscription WHERE subscriber_id = @subscriber AND NOT " + LIVE,
  );
  const upsert = db.prepare<{ subscriber: string; target: string; expire: number; now: number }>(
    `INSERT INTO subscription (subscriber_id, target_id, expire_time, create_time) VALUES (@subscriber, @target, @expire, @now)
     ON CONFLICT (subscriber_id, target_id) DO UPDATE SET expire_time = excluded.expire_time`,
  );
  const victims = db.prepare<{ subscriber: string; kept: string; cap: number }, { target_id: string }>(
    `SELECT target_id FROM subscription WHERE subscriber_id = @subscriber AND target_id NOT IN (SELECT value FROM json_each(@kept))
     ${AGE} LIMIT max((SELECT count(*) FROM subscription WHERE subscriber_id = @subscriber) - @cap, 0)`,
  );
  const deleteOne = db.prepare<[string, string]>("DELETE FROM subscription WHERE subscriber_id = ? AND target_id = ?");
  const deleteListed = db.prepare<[string, string], { target_id: string }>(
    "DELETE FROM subscription WHERE subscriber_id = ? AND target_id IN (SELECT value FROM json_each(?)) RETURNING target_id",
  );
  const selectAll = db.prepare<[string], { target_id: string }>(`SELECT target_id FROM subscription WHERE subscriber_id = ? ${AGE}`);
  const deleteAll = db.prepare<[string]>("DELETE FROM subscription WHERE subscriber_id = ?");
  const count = db.prepare<{ subscriber: string; now: number }, { n: number }>(
    `SELECT count(*) AS n FROM subscription WHERE subscriber_id = @subscriber AND ${LIVE}`,
  );
  const page = db.prepare<{ subscriber: string; now: number; limit: number; offset: number }, SubscriptionRow>(
    `SELECT * FROM subscription WHERE subscriber_id = @subscriber AND ${LIVE} ${AGE} LIMIT @limit OFFSET @offset`,
  );
  const everything = db.prepare<{ now: number }, SubscriptionRow>(
    `SELECT * FROM subscription WHERE ${LIVE} ORDER BY subscriber_id, create_time, target_id`,
  );

  const add = db.transaction((subscriber: string, targetIds: readonly string[], expire: number, now: number, cap: number) => {
    const kept = keptTargets(targetIds, cap);
    // Expired rows are dead: they neither count toward the cap nor keep their age when subscribed again.
    purgeExpired.run({ subscriber, now });
    for (const target of kept) upsert.run({ subscriber, target, expire, now });
    const evicted = victims.all({ subscriber, kept: JSON.stringify(kept), cap: Math.max(cap, 0) }).map((row) => row.target_id);
    for (const target of evicted) deleteOne.run(subscriber, target);
    return evicted;
  });
  const remove = db.transaction((subscriber: string, targetIds: readonly string[] | "all") => {
    if (targetIds === "all") {
      const removed = selectAll.all(subscriber).map((row) => row.target_id);
      deleteAll.run(subscriber);
      return removed;
    }
    const removed = new Set(deleteListed.all(subscriber, JSON.stringify(targetIds)).map((row) => row.target_id));
    // RETURNING has no defined order; answer in the caller's order.
    return [...new Set(targetIds)].filter((target) => removed.has(target));
  });
  const list = db.transaction((subscriber: string, now: number, offset: number, limit: number) => ({
    total: count.get({ subscriber, now })!.n,
    entries: page.all({ subscriber, now, limit, offset }).map(toSubscription),
  }));

  return {
    async add(subscriberId, targetIds, expireTime, nowMs, cap) {
      return add.immediate(subscriberId, targetIds, expireTime, nowMs, cap);
    },
    async remove(subscriberId, targetIds) {
      return remove.immediate(subscriberId, targetIds);
    },
    async list(subscriberId, nowMs, offset, limit) {
      return list.deferred(subscriberId, nowMs, Math.max(offset, 0), Math.max(limit, 0));
    },
    async loadAll(nowMs) {
      return everything.all({ now: nowMs }).map(toSubscription);
    },
  };
}

/** The targets `add` keeps: de-duplicated, and only the last `cap` of them when there are more. */
function keptTargets(targetIds: readonly string[], cap: number): string[] {
  const unique = [...new Set(targetIds)];
  return cap > 0 ? unique.slice(-cap) : [];
}

function toSubscription(row: SubscriptionRow): Subscription {
  return { subscriberId: row.subscriber_id, targetId: row.target_id, expireTime: row.expire_time, createTime: row.create_time };
}

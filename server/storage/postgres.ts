// The PostgreSQL back end, for servers that share one database. Identifiers use the "C" collation so that ordering
// (eviction, paging) is code point order, as in SQLite and memory. Presence writes are group-committed: each flush is one
// multi-row upsert, and flushes never overlap, so a later put of a user can never be overtaken by an earlier one.
import pg from "pg";
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

// Advisory lock keys. The one-key form serialises migrations across servers; the two-key form (a different key space)
// serialises `add` per subscriber so that concurrent adds cannot both under-count the cap.
const MIGRATION_LOCK = 7_318_245_901;
const SUBSCRIBER_LOCK_CLASS = 73_182;

/** Connects to `url`, migrates the schema, and returns the Storage; rejects when the database is unreachable. */
export async function openPostgresStorage(url: string): Promise<Storage> {
  const pool = new pg.Pool({ connectionString: url });
  // An idle client that loses its connection emits 'error' on the pool; without a listener that would crash the process.
  // The pool discards the client and the next query opens a fresh one.
  pool.on("error", () => {});
  try {
    await transact(pool, (client) => migrate(client));
  } catch (err) {
    await pool.end();
    throw err;
  }
  const presence = createPresenceStore(pool);
  let closed = false;
  return {
    kind: "postgres",
    accounts: createAccountStore(pool),
    presence: presence.store,
    subscriptions: createSubscriptionStore(pool),
    async close() {
      if (closed) return;
      closed = true;
      await presence.drain();
      await pool.end();
    },
  };
}

async function migrate(client: pg.PoolClient): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
  await client.query("CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)");
  const { rows } = await client.query<{ id: string }>("SELECT id FROM schema_migrations");
  const applied = new Set(rows.map((row) => row.id));
  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    await client.query(migration.postgres);
    await client.query("INSERT INTO schema_migrations (id, applied_at) VALUES ($1, $2)", [migration.id, Date.now()]);
  }
}

/** Runs `fn` in one transaction on one pooled connection; rolls back on any throw. */
async function transact<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, begin = "BEGIN"): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    // A failed ROLLBACK means the connection itself is unusable; destroy it rather than return it to the pool.
    await client.query("ROLLBACK").catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

function createAccountStore(pool: pg.Pool): AccountStore {
  return {
    async ensure(userIds, nowMs) {
      const unique = [...new Set(userIds)];
      if (unique.length === 0) return [];
      const { rows } = await pool.query<{ user_id: string }>(
        `INSERT INTO account (user_id, create_time) SELECT u, $2 FROM unnest($1::text[]) AS u
         ON CONFLICT DO NOTHING RETURNING user_id`,
        [unique, nowMs],
      );
      const created = new Set(rows.map((row) => row.user_id));
      return unique.filter((userId) => created.has(userId));
    },
    async existing(userIds) {
      if (userIds.length === 0) return new Set();
      const { rows } = await pool.query<{ user_id: string }>("SELECT user_id FROM account WHERE user_id = ANY($1::text[])", [
        [...userIds],
      ]);
      return new Set(rows.map((row) => row.user_id));
    },
  };
}

interface PresenceRow {
  user_id: string;
  custom_status: string;
  devices: Record<string, string>;
  logged_out: boolean;
  last_active_time: string;
  update_time: string;
}


function createPresenceStore(pool: pg.Pool): { store: PresenceStore; drain: () => Promise<void> } {
  const commits = createGroupCommit<PresenceRecord>((records) => upsertAll(pool, records));
  return {
    store: {
      async get(userIds) {
        const found = new Map<string, PresenceRecord>();
        if (userIds.length === 0) return found;
        const { rows } = await pool.query<PresenceRow>("SELECT * FROM presence WHERE user_id = ANY($1::text[])", [[...userIds]]);
        for (const row of rows) found.set(row.user_id, toRecord(row));
        return found;
      },
      put: (records) => commits.add(records),
    },
    drain: () => commits.drain(),
  };
}

/** Writes every record in one statement; within the batch the last record of a user wins. */
async function upsertAll(pool: pg.Pool, records: readonly PresenceRecord[]): Promise<void> {
  // ON CONFLICT DO UPDATE may not touch a row twice in one statement, so keep only the last record per user.
  const latest = [...new Map(records.map((record) => [record.userId, record])).values()];
  if (latest.length === 0) return;
  await pool.query(
    `INSERT INTO presence (user_id, custom_status, devices, logged_out, last_active_time, update_time)
     SELECT u, s, d::jsonb, l, a, t FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::bigint[], $6::bigint[])
       AS r (u, s, d, l, a, t)
     ON CONFLICT (user_id) DO UPDATE SET custom_status = EXCLUDED.custom_status, devices = EXCLUDED.devices,
       logged_out = EXCLUDED.logged_out, last_active_time = EXCLUDED.last_active_time, update_time = EXCLUDED.update_time`,
    [
      latest.map((r) => r.userId),
      latest.map((r) => r.customStatus),
      latest.map((r) => JSON.stringify(r.devices)),
      latest.map((r) => r.loggedOut),
      latest.map((r) => r.lastActiveTime),
      latest.map((r) => r.updateTime),
    ],
  );
}

function toRecord(row: PresenceRow): PresenceRecord {
  return {
    userId: row.user_id,
    customStatus: row.custom_status,
    devices: row.devices,
    loggedOut: row.logged_out,
    // BIGINT arrives as a string; Unix ms fit a double exactly.
    lastActiveTime: Number(row.last_active_time),
    updateTime: Number(row.update_time),
  };
}

interface SubscriptionRow {
  subscriber_id: string;
  target_id: string;
  expire_time: string;
  create_time: string;
}

/** "Unexpired": never expires (0) or expires after `now`, a bind parameter such as "$2". */
function live(now: string): string {
  return `(expire_time = 0 OR expire_time > ${now})`;
}

const AGE = "ORDER BY create_time, target_id";

function createSubscriptionStore(pool: pg.Pool): SubscriptionStore {
  return {
    add(subscriberId, targetIds, expireTime, nowMs, cap) {
      const kept = keptTargets(targetIds, cap);
      return transact(pool, async (client) => {
        await client.query("SELECT pg_advisory_xact_lock($1, hashtext($2))", [SUBSCRIBER_LOCK_CLASS, subscriberId]);
        // Expired rows are dead: they neither count toward the cap nor keep their age when subscribed again.
        await client.query(`DELETE FROM subscription WHERE subscriber_id = $1 AND NOT ${live("$2")}`, [subscriberId, nowMs]);
        if (kept.length > 0) {
          await client.query(
            `INSERT INTO subscription (subscriber_id, target_id, expire_time, create_time) SELECT $1, t, $3, $4 FROM unnest($2::text[]) AS t
             ON CONFLICT (subscriber_id, target_id) DO UPDATE SET expire_time = EXCLUDED.expire_time`,
            [subscriberId, kept, expireTime, nowMs],
          );
        }
        const { rows } = await client.query<{ target_id: string }>(
          `WITH victim AS (
             SELECT target_id, create_time FROM subscription WHERE subscriber_id = $1 AND target_id <> ALL($2::text[])
             ${AGE} LIMIT GREATEST((SELECT count(*) FROM subscription WHERE subscriber_id = $1) - $3, 0)
           ), gone AS (
             DELETE FROM subscription s USING victim v WHERE s.subscriber_id = $1 AND s.target_id = v.target_id
             RETURNING s.target_id, s.create_time
           )
           SELECT target_id FROM gone ${AGE}`,
          [subscriberId, kept, Math.max(cap, 0)],
        );
        return rows.map((row) => row.target_id);
      });
    },
    async remove(subscriberId, targetIds) {
      if (targetIds === "all") {
        const { rows } = await pool.query<{ target_id: string }>(
          `WITH gone AS (DELETE FROM subscription WHERE subscriber_id = $1 RETURNING target_id, create_time)
           SELECT target_id FROM gone ${AGE}`,
          [subscriberId],
        );
        return rows.map((row) => row.target_id);
      }
      const unique = [...new Set(targetIds)];
      if (unique.length === 0) return [];
      const { rows } = await pool.query<{ target_id: string }>(
        "DELETE FROM subscription WHERE subscriber_id = $1 AND target_id = ANY($2::text[]) RETURNING target_id",
        [subscriberId, unique],
      );
      // RETURNING has no defined order; answer in the caller's order.
      const removed = new Set(rows.map((row) => row.target_id));
      return unique.filter((target) => removed.has(target));
    },
    list(subscriberId, nowMs, offset, limit) {
      // One snapshot for both queries, so the total matches the page.
      return transact(
        pool,
        async (client) => {
          const total = await client.query<{ n: string }>(
            `SELECT count(*) AS n FROM subscription WHERE subscriber_id = $1 AND ${live("$2")}`,
            [subscriberId, nowMs],
          );
          const page = await client.query<SubscriptionRow>(
            `SELECT * FROM subscription WHERE subscriber_id = $1 AND ${live("$2")} ${AGE} LIMIT $3 OFFSET $4`,
            [subscriberId, nowMs, Math.max(limit, 0), Math.max(offset, 0)],
          );
          return { total: Number(total.rows[0]!.n), entries: page.rows.map(toSubscription) };
        },
        "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
      );
    },
    async loadAll(nowMs) {
      const { rows } = await pool.query<SubscriptionRow>(
        `SELECT * FROM subscription WHERE ${live("$1")} ORDER BY subscriber_id, create_time, target_id`,
        [nowMs],
      );
      return rows.map(toSubscription);
    },
  };
}

/** The targets `add` keeps: de-duplicated, and only the last `cap` of them when there are more. */
function keptTargets(targetIds: readonly string[], cap: number): string[] {
  const unique = [...new Set(targetIds)];
  return cap > 0 ? unique.slice(-cap) : [];
}

function toSubscription(row: SubscriptionRow): Subscription {
  return {
    subscriberId: row.subscriber_id,
    targetId: row.target_id,
    expireTime: Number(row.expire_time),
    createTime: Number(row.create_time),
  };
}

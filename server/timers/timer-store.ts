// The timer table: deadlines that must outlive the process (custom-status clearing, invitation timeouts, …).
import type { Db, Executor, Tx } from "../storage/db.js";

export interface TimerTable {
  /** Which handler fires it, e.g. "presence.clear-custom-status". */
  kind: string;
  /** What it is about within its kind, e.g. a user ID; one pending timer per (kind, key). */
  key: string;
  /** Unix ms. */
  due_time: number;
  payload: string;
}

export interface TimerTables {
  timer: TimerTable;
}

export interface StoredTimer {
  kind: string;
  key: string;
  due: number;
  payload: string;
}

export interface TimerStore {
  /** Sets (or moves) the timer of (kind, key). Resolves once durable. */
  set(timer: StoredTimer, trx?: Tx): Promise<void>;
  /** Removes the timer of (kind, key), whatever its due time. */
  clear(kind: string, key: string, trx?: Tx): Promise<void>;
  /** Timers due before `before`, earliest first, at most `limit`. */
  dueBefore(before: number, limit: number): Promise<StoredTimer[]>;
  /** Removes the timer if it is still the one due at `due`; true when this call removed it (it may fire). */
  claim(trx: Tx, kind: string, key: string, due: number): Promise<boolean>;
}

export function createTimerStore(db: Db): TimerStore {
  const write = <T>(trx: Tx | undefined, fn: (e: Executor) => Promise<T>) => (trx ? fn(trx) : db.batch(fn));
  return {
    async set(timer, trx) {
      await write(trx, (e) =>
        e
          .insertInto("timer")
          .values({ kind: timer.kind, key: timer.key, due_time: timer.due, payload: timer.payload })
          .onConflict((oc) =>
            oc.columns(["kind", "key"]).doUpdateSet((eb) => ({ due_time: eb.ref("excluded.due_time"), payload: eb.ref("excluded.payload") })),
          )
          .execute(),
      );
    },
    async clear(kind, key, trx) {
      await write(trx, (e) => e.deleteFrom("timer").where("kind", "=", kind).where("key", "=", key).execute());
    },
    async dueBefore(before, limit) {
      const rows = await db.kysely
        .selectFrom("timer")
        .selectAll()
        .where("due_time", "<", before)
        .orderBy("due_time")
        .orderBy("kind")
        .orderBy("key")
        .limit(limit)
        .execute();
      return rows.map((r) => ({ kind: r.kind, key: r.key, due: r.due_time, payload: r.payload }));
    },
    async claim(trx, kind, key, due) {
      const result = await trx
        .deleteFrom("timer")
        .where("kind", "=", kind)
        .where("key", "=", key)
        .where("due_time", "=", due)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

// What /readyz and /metrics see of storage, without reaching into it: the database's `ping()`, and the latency of
// its transactions, group-commit batches and prepared queries, timed by wrapping the Db handle the stores share.
import type { Db } from "../storage/db.js";

/** What /readyz needs of storage. */
export interface StorageProbe {
  /** Resolves when the database answers; rejects when it cannot be reached. */
  ping(): Promise<void>;
}

export type StorageObserver = (operation: string, seconds: number, failed: boolean) => void;

function timed<T>(operation: string, observe: StorageObserver, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  return run().then(
    (value) => {
      observe(operation, (performance.now() - started) / 1000, false);
      return value;
    },
    (err: unknown) => {
      observe(operation, (performance.now() - started) / 1000, true);
      throw err;
    },
  );
}

/**
 * Returns a Db that reports how long each `transact`, `batch` (one caller's wait for its group commit) and prepared
 * query takes; everything else, reads through `kysely` included, is the original's.
 */
export function instrumentDb(db: Db, observe: StorageObserver): Db {
  const wrapped: Db = Object.create(db) as Db;
  return Object.assign(wrapped, {
    transact: (fn: Parameters<Db["transact"]>[0]) => timed("transact", observe, () => db.transact(fn)),
    batch: (fn: Parameters<Db["batch"]>[0]) => timed("batch", observe, () => db.batch(fn)),
    prepare: (build: Parameters<Db["prepare"]>[0]) => {
      const prepared = db.prepare(build);
      return { execute: (executor: Parameters<typeof prepared.execute>[0], params: object) => timed("prepared", observe, () => prepared.execute(executor, params)) };
    },
  }) as Db;
}

/** Whether the storage answers within `timeoutMs`: ok, or why not. */
export async function probeStorage(storage: StorageProbe, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      storage.ping(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))),
    ]);
    return { ok: true, detail: "ok" };
  } catch (err) {
    return { ok: false, detail: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}

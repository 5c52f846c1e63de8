// What /readyz and /metrics see of the storage layer, without reaching into it: an optional `ping()` the storage
// object may implement (a trivial query, e.g. SELECT 1), and the latency of every operation of its stores, timed
// by wrapping the methods of its sub-objects (storage.presence.put → "presence.put") that return promises.

/** Optional capabilities of a storage object. */
export interface StorageProbe {
  /** Resolves when the database answers; rejects when it cannot be reached. */
  ping?(): Promise<void>;
}

export type StorageObserver = (operation: string, seconds: number, failed: boolean) => void;

function timed(target: object, name: string, fn: (...args: unknown[]) => unknown, observe: StorageObserver) {
  return (...args: unknown[]): unknown => {
    const started = performance.now();
    const result = fn.apply(target, args);
    if (!(result instanceof Promise)) return result;
    return result.then(
      (value: unknown) => {
        observe(name, (performance.now() - started) / 1000, false);
        return value;
      },
      (err: unknown) => {
        observe(name, (performance.now() - started) / 1000, true);
        throw err;
      },
    );
  };
}

/** Returns `storage` with each store's asynchronous methods timed; the storage object itself is left as it is. */
export function instrumentStorage<S extends object>(storage: S, observe: StorageObserver): S {
  const stores = new Map<PropertyKey, object>();
  for (const key of Object.keys(storage)) {
    const store = (storage as Record<string, unknown>)[key];
    if (typeof store !== "object" || store === null || store instanceof Promise) continue;
    const wrapped = new Map<PropertyKey, unknown>();
    stores.set(
      key,
      new Proxy(store, {
        get(target, prop) {
          const value = Reflect.get(target, prop, target) as unknown;
          if (typeof value !== "function" || typeof prop !== "string") return value;
          if (!wrapped.has(prop)) wrapped.set(prop, timed(target, `${key}.${prop}`, value as (...args: unknown[]) => unknown, observe));
          return wrapped.get(prop);
        },
      }),
    );
  }
  return new Proxy(storage, {
    get(target, prop) {
      return stores.get(prop) ?? Reflect.get(target, prop, target);
    },
  });
}

/** Whether the storage answers, within `timeoutMs`: "ok", "unchecked" (no ping), or why not. */
export async function probeStorage(storage: StorageProbe, timeoutMs: number): Promise<{ ok: boolean; detail: string }> {
  if (typeof storage.ping !== "function") return { ok: true, detail: "unchecked" };
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

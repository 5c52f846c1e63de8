// The one database handle every store is written against: a Kysely instance over SQLite (better-sqlite3) or
// PostgreSQL (pg), and the three ways to use it —
// - `kysely` for reads (outside a transaction);
// - `transact(fn)`: fn in a transaction of its own, retried when PostgreSQL reports a serialization conflict;
// - `batch(fn)`: group commit. Every fn queued in the same tick runs in one shared transaction, and each caller's
//   promise settles once that transaction has committed, so a burst of writes costs one commit (one WAL append,
//   one fsync), not one per call. Batches never overlap, so a later write is never overtaken by an earlier one.
//   If any fn of a batch fails, the batch is rolled back and each fn is run again in a transaction of its own, so
//   one bad write fails only its own caller.
// Functions given to `transact` and `batch` must only touch the database: they may run twice, and nothing may be
// announced before the promise resolves (nothing is announced before it is durable).
// `prepare` builds a query once and binds new parameters per call, for hot paths.
import { CompiledQuery, Kysely, type Compilable, type Transaction } from "kysely";
import type { Database } from "./database.js";
import { StorageUnavailableError } from "./storage-errors.js";

export type Engine = "sqlite" | "postgres";
export type Tx = Transaction<Database>;
/** Reads may run on the database or inside a transaction. */
export type Executor = Kysely<Database> | Tx;

/** A parameter slot of a prepared query; `p<string>("userId")` stands for the value bound at execution. */
export type ParamFn = <T>(name: string) => T;

export interface Prepared<P extends object, R> {
  /** Runs the query with `params` on the database or a transaction; returns its rows. */
  execute(executor: Executor, params: P): Promise<R[]>;
}

export interface Db {
  readonly engine: Engine;
  /** Where the data lives, for logs: a file path, ":memory:", or a URL without its password. */
  readonly location: string;
  readonly kysely: Kysely<Database>;
  transact<T>(fn: (trx: Tx) => Promise<T>): Promise<T>;
  batch<T>(fn: (trx: Tx) => Promise<T>): Promise<T>;
  prepare<P extends object, R>(build: (db: Kysely<Database>, p: ParamFn) => Compilable<R>): Prepared<P, R>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Waits for queued writes, then closes the connections. */
  close(): Promise<void>;
}

class Param {
  constructor(readonly name: string) {}
}

/** PostgreSQL SQLSTATEs after which running the transaction again can succeed. */
const RETRYABLE_PG = new Set(["40001", "40P01"]);
const MAX_ATTEMPTS = 5;

function isRetryable(err: unknown): boolean {
  return RETRYABLE_PG.has(String((err as { code?: unknown } | null)?.code ?? ""));
}

interface QueuedWrite {
  fn: (trx: Tx) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export function createDb(engine: Engine, location: string, kysely: Kysely<Database>): Db {
  let queue: QueuedWrite[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  let inFlight: Promise<void> | undefined;
  let closed = false;

  async function transact<T>(fn: (trx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await kysely.transaction().execute(fn);
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(err)) throw err;
      }
    }
  }

  async function runBatch(batch: QueuedWrite[]): Promise<void> {
    let results: unknown[];
    try {
      results = await transact(async (trx) => {
        const out: unknown[] = [];
        for (const write of batch) out.push(await write.fn(trx));
        return out;
      });
    } catch (err) {
      if (batch.length === 1 || err instanceof StorageUnavailableError) {
        for (const write of batch) write.reject(err);
        return;
      }
      // Find the culprit: each write alone, in order.
      for (const write of batch) {
        try {
          write.resolve(await transact(write.fn));
        } catch (single) {
          write.reject(single);
        }
      }
      return;
    }
    batch.forEach((write, i) => write.resolve(results[i]));
  }

  function flush(): void {
    scheduled = undefined;
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    inFlight = runBatch(batch).finally(() => {
      inFlight = undefined;
      if (queue.length > 0) schedule();
    });
  }

  function schedule(): void {
    if (!scheduled && !inFlight) scheduled = setImmediate(flush);
  }

  return {
    engine,
    location,
    kysely,
    transact,
    batch<T>(fn: (trx: Tx) => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(new StorageUnavailableError("storage is closed"));
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },
    prepare<P extends object, R>(build: (db: Kysely<Database>, p: ParamFn) => Compilable<R>): Prepared<P, R> {
      let compiled: CompiledQuery<R> | undefined;
      let slots: (string | undefined)[] = [];
      return {
        async execute(executor, params) {
          if (!compiled) {
            compiled = build(kysely, ((name: string) => new Param(name)) as ParamFn).compile();
            slots = compiled.parameters.map((v) => (v instanceof Param ? v.name : undefined));
          }
          const parameters = compiled.parameters.map((v, i) => (slots[i] === undefined ? v : (params as Record<string, unknown>)[slots[i]!]));
          const result = await executor.executeQuery<R>({ ...compiled, parameters });
          return result.rows;
        },
      };
    },
    async ping() {
      await kysely.selectNoFrom((eb) => eb.lit(1).as("one")).execute();
    },
    async close() {
      if (closed) return;
      closed = true;
      while (scheduled || inFlight || queue.length > 0) {
        if (inFlight) await inFlight;
        else {
          if (scheduled) clearImmediate(scheduled);
          flush();
        }
      }
      await kysely.destroy();
    },
  };
}

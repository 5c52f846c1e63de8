// Timers that survive a restart and fire once. A timer is a row (kind, key, due time, payload); the process arms
// the ones due within the next `horizonMs` on its clock and looks again every half horizon, so a million far-off
// timers cost rows, not memory. Firing hands the handler a `claim(trx)`: run inside the transaction that makes the
// timer's effect, it deletes the row and answers whether this firing owns it — so the effect is applied exactly
// once even if two processes (or a restart) arm the same timer, and a timer moved or cancelled meanwhile does not
// fire. Handlers re-check the state they act on: the timer says "look now", not "this is still true".
import type { Clock, TimerHandle } from "../clock.js";
import type { Tx } from "../storage/db.js";
import type { StoredTimer, TimerStore } from "./timer-store.js";

export interface TimerFiring {
  key: string;
  payload: string;
  /** Unix ms the timer was due. */
  due: number;
  /** Deletes the timer inside `trx`; true when this firing owns it and may apply its effect. */
  claim(trx: Tx): Promise<boolean>;
}

export type TimerHandler = (firing: TimerFiring) => Promise<void>;

export interface DurableTimersOptions {
  /** Timers due within this much time are armed in memory. Default 10 min. */
  horizonMs?: number;
  /** Reports a handler's failure (it is retried at the next look). */
  onError?(kind: string, key: string, err: unknown): void;
}

const LOAD_LIMIT = 10_000;

export class DurableTimers {
  private readonly handlers = new Map<string, TimerHandler>();
  private readonly armed = new Map<string, { due: number; handle: TimerHandle }>();
  private readonly horizonMs: number;
  /** Firings and looks in progress. */
  private readonly work = new Set<Promise<void>>();
  private poll: TimerHandle | undefined;
  private stopped = false;

  constructor(
    private readonly store: TimerStore,
    private readonly clock: Clock,
    private readonly options: DurableTimersOptions = {},
  ) {
    this.horizonMs = options.horizonMs ?? 600_000;
  }

  /** Registers the handler of a kind; call before start(). */
  on(kind: string, handler: TimerHandler): void {
    this.handlers.set(kind, handler);
  }

  /**
   * Arms the stored timers due soon, and keeps looking every half horizon. Timers that fell due while no server ran
   * have fired when it resolves, so the server answers nothing from before them.
   */
  async start(): Promise<void> {
    await this.look();
    await this.settled();
  }

  /** Sets (or moves) the timer of (kind, key) to fire at `due`; resolves once it is durable. */
  async schedule(kind: string, key: string, due: number, payload = "", trx?: Tx): Promise<void> {
    await this.store.set({ kind, key, due, payload }, trx);
    if (due < this.clock.now() + this.horizonMs) this.arm({ kind, key, due, payload });
  }

  /** Cancels the timer of (kind, key). */
  async cancel(kind: string, key: string, trx?: Tx): Promise<void> {
    this.disarm(kind, key);
    await this.store.clear(kind, key, trx);
  }

  /** Whether this process has the timer of (kind, key) armed. */
  isArmed(kind: string, key: string): boolean {
    return this.armed.has(id(kind, key));
  }

  /** Resolves once every firing and look that has started has finished (tests; shutdown). */
  async settled(): Promise<void> {
    while (this.work.size > 0) await Promise.all([...this.work]);
  }

  private track(promise: Promise<void>): void {
    const tracked = promise.catch(() => {}).finally(() => this.work.delete(tracked));
    this.work.add(tracked);
  }

  stop(): void {
    this.stopped = true;
    this.poll?.cancel();
    for (const { handle } of this.armed.values()) handle.cancel();
    this.armed.clear();
  }

  private async look(): Promise<void> {
    if (this.stopped) return;
    try {
      for (const timer of await this.store.dueBefore(this.clock.now() + this.horizonMs, LOAD_LIMIT)) this.arm(timer);
    } finally {
      if (!this.stopped) this.poll = this.clock.schedule(this.horizonMs / 2, () => this.track(this.look()));
    }
  }

  private disarm(kind: string, key: string): void {
    const key_ = id(kind, key);
    this.armed.get(key_)?.handle.cancel();
    this.armed.delete(key_);
  }

  private arm(timer: StoredTimer): void {
    const key_ = id(timer.kind, timer.key);
    const existing = this.armed.get(key_);
    if (existing?.due === timer.due) return;
    existing?.handle.cancel();
    if (timer.due <= this.clock.now()) {
      // Overdue (due while no server ran, or just now): fire at once rather than at the clock's next tick.
      this.armed.delete(key_);
      this.track(this.fire(timer));
      return;
    }
    const handle = this.clock.schedule(timer.due - this.clock.now(), () => {
      if (this.armed.get(key_)?.handle !== handle) return;
      this.armed.delete(key_);
      this.track(this.fire(timer));
    });
    this.armed.set(key_, { due: timer.due, handle });
  }

  private async fire(timer: StoredTimer): Promise<void> {
    const handler = this.handlers.get(timer.kind);
    if (!handler || this.stopped) return;
    try {
      await handler({
        key: timer.key,
        payload: timer.payload,
        due: timer.due,
        claim: (trx) => this.store.claim(trx, timer.kind, timer.key, timer.due),
      });
    } catch (err) {
      // The row is still there (its claim rolled back with the handler's transaction): the next look retries it.
      this.options.onError?.(timer.kind, timer.key, err);
    }
  }
}

function id(kind: string, key: string): string {
  return `${kind}\u0000${key}`;
}

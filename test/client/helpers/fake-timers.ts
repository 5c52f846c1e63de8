// Timers and a clock driven by hand: advance() runs due callbacks in time order, letting promise chains settle
// between them. Nothing waits on real time.
import type { TimerHandle, Timers } from "../../../client/timers.js";

interface Task {
  at: number;
  callback: () => void;
  interval?: number;
}

/** Yields to the event loop so pending promise chains (and in-memory transport work) settle. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export class FakeTimers implements Timers {
  time: number;
  private nextId = 1;
  private readonly tasks = new Map<number, Task>();

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  readonly now = (): number => this.time;

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.tasks.set(id, { at: this.time + ms, callback });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.tasks.delete(handle as number);
  }

  setInterval(callback: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.tasks.set(id, { at: this.time + ms, callback, interval: ms });
    return id;
  }

  clearInterval(handle: TimerHandle): void {
    this.tasks.delete(handle as number);
  }

  /** The delays of pending timers, relative to now, ascending. */
  pending(): number[] {
    return [...this.tasks.values()].map((t) => t.at - this.time).sort((a, b) => a - b);
  }

  /** Moves the clock forward by `ms`, running every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.time + ms;
    for (;;) {
      await settle();
      let nextId: number | undefined;
      let next: Task | undefined;
      for (const [id, task] of this.tasks) {
        if (task.at <= target && (!next || task.at < next.at)) {
          next = task;
          nextId = id;
        }
      }
      if (!next || nextId === undefined) break;
      this.time = Math.max(this.time, next.at);
      if (next.interval !== undefined) next.at += next.interval;
      else this.tasks.delete(nextId);
      next.callback();
    }
    this.time = target;
    await settle();
  }
}

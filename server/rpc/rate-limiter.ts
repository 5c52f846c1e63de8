// Request budgets (e.g. 20 requests per 5 s per user, login attempts per address), counted in a sliding window on
// the injected clock. Keys whose window has passed are dropped, so memory follows recent callers, not all callers.
import type { Clock } from "../clock.js";

export interface RateLimit {
  readonly bucket: string;
  readonly requests: number;
  readonly windowMs: number;
}

export class RateLimiter {
  private readonly log = new Map<string, { times: number[]; windowMs: number }>();
  private sweepAt = 1024;

  constructor(private readonly clock: Clock) {}

  /** Counts one request; returns false (and counts nothing) when the budget of the window is spent. */
  tryTake(key: string, limit: RateLimit): boolean {
    const id = `${limit.bucket}\u0000${key}`;
    const now = this.clock.now();
    const entry = this.log.get(id) ?? { times: [], windowMs: limit.windowMs };
    entry.times = entry.times.filter((t) => t > now - limit.windowMs);
    if (entry.times.length >= limit.requests) {
      this.log.set(id, entry);
      return false;
    }
    entry.times.push(now);
    this.log.set(id, entry);
    if (this.log.size >= this.sweepAt) this.sweep(now);
    return true;
  }

  /** Drops every key with nothing left in its window; amortised by sweeping when the map has doubled. */
  private sweep(now: number): void {
    for (const [id, entry] of this.log) if (!entry.times.some((t) => t > now - entry.windowMs)) this.log.delete(id);
    this.sweepAt = Math.max(1024, this.log.size * 2);
  }

  /** The number of keys held (for tests of memory bounds). */
  get size(): number {
    return this.log.size;
  }
}

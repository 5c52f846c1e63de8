// Per-user request budgets (e.g. 20 requests per 5 s), counted in a sliding window on the injected clock.
import type { Clock } from "../clock.js";

export interface RateLimit {
  readonly bucket: string;
  readonly requests: number;
  readonly windowMs: number;
}

export class RateLimiter {
  private readonly log = new Map<string, number[]>();

  constructor(private readonly clock: Clock) {}

  /** Counts one request; returns false (and counts nothing) when the budget of the window is spent. */
  tryTake(userId: string, limit: RateLimit): boolean {
    const key = `${limit.bucket}\u0000${userId}`;
    const now = this.clock.now();
    const times = (this.log.get(key) ?? []).filter((t) => t > now - limit.windowMs);
    if (times.length >= limit.requests) {
      this.log.set(key, times);
      return false;
    }
    times.push(now);
    this.log.set(key, times);
    return true;
  }
}

// Time as a dependency: every timeout of the server (offline detection, custom-status clearing, UserSig expiry,
// rate-limit windows) reads and schedules through a Clock, so tests move time instead of waiting for it.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Unix milliseconds. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds of this clock's time. */
  schedule(ms: number, fn: () => void): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(ms, fn) {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref?.();
    return { cancel: () => clearTimeout(timer) };
  },
};

/** A clock that only moves when told to; timers due on an advance run in due order. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(nowMs: number): void;
  /** The number of timers still pending. */
  pending(): number;
}

export function createManualClock(startMs = Date.UTC(2026, 0, 1)): ManualClock {
  let current = startMs;
  let nextId = 0;
  const timers = new Map<number, { due: number; id: number; fn: () => void }>();
  const runDue = (until: number) => {
    for (;;) {
      let next: { due: number; id: number; fn: () => void } | undefined;
      for (const t of timers.values()) {
        if (t.due <= until && (!next || t.due < next.due || (t.due === next.due && t.id < next.id))) next = t;
      }
      if (!next) break;
      timers.delete(next.id);
      current = Math.max(current, next.due);
      next.fn();
    }
    current = Math.max(current, until);
  };
  return {
    now: () => current,
    schedule(ms, fn) {
      const id = nextId++;
      timers.set(id, { due: current + Math.max(0, ms), id, fn });
      return { cancel: () => void timers.delete(id) };
    },
    advance: (ms) => runDue(current + ms),
    set: (nowMs) => runDue(nowMs),
    pending: () => timers.size,
  };
}

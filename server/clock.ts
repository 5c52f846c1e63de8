// Time as a dependency: every timeout of the server (offline detection, custom-status clearing, UserSig expiry,
// rate-limit windows) reads and schedules through a Clock, so tests move time instead of waiting for it.
//
// Any delay is safe: `setTimeout` takes at most 2^31-1 ms (~24.8 days) and fires a longer one after 1 ms, so both
// clocks schedule through `scheduleAt`, which waits in steps no longer than that and re-reads the clock at each step.
// The manual clock's timers clamp like Node's, so a test on it catches a delay that skipped the chaining.

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Unix milliseconds. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds of this clock's time (any length; Infinity never fires). */
  schedule(ms: number, fn: () => void): TimerHandle;
}

/** The longest delay `setTimeout` honours; a longer one fires after 1 ms. */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

type SetTimer = (ms: number, fn: () => void) => TimerHandle;

/** Runs `fn` when `now()` reaches `due`, in steps of at most MAX_TIMER_DELAY_MS of `setTimer`. */
function scheduleAt(now: () => number, setTimer: SetTimer, due: number, fn: () => void): TimerHandle {
  let cancelled = false;
  let current: TimerHandle | undefined;
  const step = () => {
    if (cancelled) return;
    const remaining = due - now();
    if (remaining > MAX_TIMER_DELAY_MS) current = setTimer(MAX_TIMER_DELAY_MS, step);
    else if (remaining > 0) current = setTimer(remaining, step);
    else {
      cancelled = true;
      fn();
    }
  };
  current = setTimer(Math.min(Math.max(0, due - now()), MAX_TIMER_DELAY_MS), step);
  return {
    cancel() {
      cancelled = true;
      current?.cancel();
    },
  };
}

function dueTime(nowMs: number, ms: number): number {
  return nowMs + (Number.isNaN(ms) ? 0 : Math.max(0, ms));
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(ms, fn) {
    return scheduleAt(Date.now, nodeTimer, dueTime(Date.now(), ms), fn);
  },
};

function nodeTimer(ms: number, fn: () => void): TimerHandle {
  const timer = setTimeout(fn, ms);
  timer.unref?.();
  return { cancel: () => clearTimeout(timer) };
}

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
  // The primitive timer behaves as setTimeout does: a delay past its maximum fires after 1 ms.
  const setTimer: SetTimer = (ms, fn) => {
    const id = nextId++;
    timers.set(id, { due: current + (ms > MAX_TIMER_DELAY_MS ? 1 : ms), id, fn });
    return { cancel: () => void timers.delete(id) };
  };
  return {
    now: () => current,
    schedule: (ms, fn) => scheduleAt(() => current, setTimer, dueTime(current, ms), fn),
    advance: (ms) => runDue(current + ms),
    set: (nowMs) => runDue(nowMs),
    pending: () => timers.size,
  };
}

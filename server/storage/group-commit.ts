// Group commit: writes requested in the same tick share one transaction, and each caller's promise settles once
// that transaction has committed (nothing is announced before it is durable). Flushes never overlap, so a later
// write can never be overtaken by an earlier one.

export interface GroupCommit<T> {
  /** Queues items for the next flush; resolves once they are durable. */
  add(items: readonly T[]): Promise<void>;
  /** Flushes everything queued and waits for it. */
  drain(): Promise<void>;
}

/** `write` stores one batch (all items queued in a tick) in one transaction. */
export function createGroupCommit<T>(write: (batch: readonly T[]) => void | Promise<void>): GroupCommit<T> {
  let pending: { items: readonly T[]; resolve: () => void; reject: (err: unknown) => void }[] = [];
  let timer: NodeJS.Immediate | undefined;
  let inFlight: Promise<void> | undefined;

  const schedule = () => {
    if (!timer && !inFlight) timer = setImmediate(flush);
  };
  function flush(): void {
    if (timer) clearImmediate(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    inFlight = (async () => write(batch.flatMap((p) => p.items)))().then(
      () => batch.forEach((p) => p.resolve()),
      (err: unknown) => batch.forEach((p) => p.reject(err)),
    );
    // Writes that arrived during this flush go out together as soon as it ends.
    void inFlight.finally(() => {
      inFlight = undefined;
      if (pending.length > 0) schedule();
    });
  }

  return {
    add(items) {
      return new Promise<void>((resolve, reject) => {
        pending.push({ items, resolve, reject });
        schedule();
      });
    },
    async drain() {
      // inFlight never rejects (both outcomes are handled above), and its finally() runs before this loop resumes.
      while (timer || inFlight || pending.length > 0) {
        if (inFlight) await inFlight;
        else flush();
      }
    },
  };
}

// The events one device received, in order, and waiting for one without sleeping: a waiter is woken by each
// arrival and gives up only at its deadline.

export interface ReceivedEvent {
  /** Position in the device's log. */
  index: number;
  /** The key of TencentCloudChat.EVENT, e.g. USER_STATUS_UPDATED. */
  name: string;
  /** The payload in the official shape. */
  data: unknown;
  /** Milliseconds since the case started. */
  at: number;
  /** Set on barrier events, which no expectation may match. */
  hidden?: boolean;
}

export class EventLog {
  readonly events: ReceivedEvent[] = [];
  /** Expectations look at events from here on; a matched expectation moves it past the event. */
  cursor = 0;
  private readonly waiters = new Set<() => void>();

  push(name: string, data: unknown, at: number): void {
    this.events.push({ index: this.events.length, name, data, at });
    for (const wake of [...this.waiters]) wake();
  }

  /** The first visible event from `from` on that satisfies `test`. */
  find(test: (e: ReceivedEvent) => boolean, from = this.cursor, until = this.events.length): ReceivedEvent | undefined {
    for (let i = from; i < until; i++) {
      const e = this.events[i]!;
      if (!e.hidden && test(e)) return e;
    }
    return undefined;
  }

  /** Waits for the first visible event from `from` on that satisfies `test`; undefined after `timeoutMs`. */
  waitFor(test: (e: ReceivedEvent) => boolean, timeoutMs: number, from = this.cursor): Promise<ReceivedEvent | undefined> {
    const found = this.find(test, from);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      let checked = this.events.length;
      const wake = () => {
        const hit = this.find(test, Math.max(from, checked));
        checked = this.events.length;
        if (hit) finish(hit);
      };
      const finish = (result: ReceivedEvent | undefined) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(result);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      this.waiters.add(wake);
    });
  }
}

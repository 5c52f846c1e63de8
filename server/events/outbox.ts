// The per-session queue between event fan-out and the session's stream: events wait here until the stream's next
// frame, so a burst becomes one frame, and the most recent ones stay for a resumed stream to replay.
import type { EncodedEvent } from "./encoded-event.js";

export interface OutboxTake {
  events: EncodedEvent[];
  /** Set when the stream should close after writing these events (the session ended). */
  closed: boolean;
}

export class Outbox {
  private pending: EncodedEvent[] = [];
  private readonly recent: EncodedEvent[] = [];
  private wake: (() => void) | undefined;
  private closed = false;

  constructor(private readonly replayCapacity = 512) {}

  push(event: EncodedEvent): void {
    if (this.closed) return;
    this.pending.push(event);
    this.recent.push(event);
    if (this.recent.length > this.replayCapacity) this.recent.splice(0, this.recent.length - this.replayCapacity);
    this.signal();
  }

  /** Ends the outbox: the stream drains what is pending and closes. */
  close(): void {
    this.closed = true;
    this.signal();
  }

  isClosed(): boolean {
    return this.closed;
  }

  /** Events after `sequence` still held for replay, and whether some were already dropped. */
  replayAfter(sequence: bigint): { events: EncodedEvent[]; gap: boolean } {
    const events = this.recent.filter((e) => e.sequence > sequence);
    const oldest = this.recent[0];
    const gap = oldest !== undefined && oldest.sequence > sequence + 1n && this.recent.length >= this.replayCapacity;
    return { events, gap };
  }

  /** Drops pending events (they were replayed another way). */
  discardPending(): void {
    this.pending = [];
  }

  /**
   * Waits until events are pending, the outbox closes, `timeoutMs` passes (a keep-alive is due) or `signal`
   * aborts; then takes everything pending.
   */
  async take(timeoutMs: number, signal: AbortSignal): Promise<OutboxTake> {
    if (this.pending.length === 0 && !this.closed && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          this.wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        signal.addEventListener("abort", done);
        this.wake = done;
      });
    }
    const events = this.pending;
    this.pending = [];
    return { events, closed: this.closed };
  }

  private signal(): void {
    // Deferred so that every event published in this tick lands in the same frame.
    const wake = this.wake;
    if (wake) {
      this.wake = undefined;
      setImmediate(wake);
    }
  }
}

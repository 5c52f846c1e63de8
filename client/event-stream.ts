// The session's event stream: one EventService.StreamEvents call at a time, reopened after any failure with
// exponential backoff, resuming after the last sequence number seen (replayed duplicates are dropped).
import type { Event, StreamEventsResponse } from "../gen/chatwire/v1/event_pb.js";
import type { TimerHandle, Timers } from "./timers.js";

/** Reconnect delays: `initial` after the first failure, doubling up to `max`, in milliseconds. */
export interface Backoff {
  initial: number;
  max: number;
}

/** What the stream needs from its owner. */
export interface EventStreamDeps {
  /** Opens StreamEvents after `afterSequence`; the server sends a first (possibly empty) frame at once. */
  open(afterSequence: bigint, signal: AbortSignal): Promise<AsyncIterable<StreamEventsResponse>>;
  timers: Timers;
  backoff: Backoff;
  /** The first frame of a (re)connected stream arrived. */
  onOpen(): void;
  /** A frame arrived (before its events are delivered). */
  onFrame(frame: StreamEventsResponse): void;
  onEvent(event: Event): void;
  /** The stream failed or ended and will be reopened after a delay. */
  onInterrupted(error: unknown): void;
  /** Whether `error` ends the stream for good (no reopen); `onFatal` then gets it. */
  isFatal(error: unknown): boolean;
  onFatal(error: unknown): void;
}

/** Delivers a session's events until stopped; reconnects on its own. */
export class EventStream {
  private stopped = false;
  private controller: AbortController | undefined;
  private retryTimer: TimerHandle | undefined;
  private wake: (() => void) | undefined;
  private sequence: bigint;

  constructor(
    private readonly deps: EventStreamDeps,
    afterSequence: bigint,
  ) {
    this.sequence = afterSequence;
  }

  /** The last sequence number delivered (or the starting point). */
  get lastSequence(): bigint {
    return this.sequence;
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
    if (this.retryTimer !== undefined) this.deps.timers.clearTimeout(this.retryTimer);
    this.wake?.();
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      const controller = new AbortController();
      this.controller = controller;
      let failure: unknown = new Error("the event stream ended");
      try {
        const frames = await this.deps.open(this.sequence, controller.signal);
        let opened = false;
        for await (const frame of frames) {
          if (this.stopped) return;
          if (!opened) {
            // Connect answers a refused stream with headers too; only a frame proves it open.
            opened = true;
            attempt = 0;
            this.deps.onOpen();
          }
          this.deps.onFrame(frame);
          for (const event of frame.events) {
            if (event.sequence !== 0n && event.sequence <= this.sequence) continue;
            if (event.sequence > this.sequence) this.sequence = event.sequence;
            this.deps.onEvent(event);
            if (this.stopped) return;
          }
        }
      } catch (err) {
        failure = err;
      } finally {
        controller.abort();
      }
      if (this.stopped) return;
      if (this.deps.isFatal(failure)) {
        this.stopped = true;
        this.deps.onFatal(failure);
        return;
      }
      this.deps.onInterrupted(failure);
      await this.sleep(Math.min(this.deps.backoff.max, this.deps.backoff.initial * 2 ** attempt));
      attempt++;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.retryTimer = this.deps.timers.setTimeout(() => {
        this.retryTimer = undefined;
        resolve();
      }, ms);
    });
  }
}

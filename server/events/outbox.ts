// The per-session queue between event fan-out and the session's stream. Pushes only append; one flush per tick,
// shared by every outbox with something pending, hands each attached stream all of its events at once — so a burst
// becomes one frame, and a fan-out to a thousand sessions costs one scheduled callback, not a thousand.
import type { EncodedEvent } from "./encoded-event.js";

/**
 * Receives a session's events; `closed` means the session ended and the stream should finish; `gap` that events were
 * dropped before these (the session held more than it may while no stream read them), so the client must resync.
 */
export type OutboxSink = (events: EncodedEvent[], closed: boolean, gap: boolean) => void;

const dirty = new Set<Outbox>();
let flushScheduled = false;

function flushAll(): void {
  flushScheduled = false;
  const outboxes = [...dirty];
  dirty.clear();
  for (const outbox of outboxes) outbox.flush();
}

function markDirty(outbox: Outbox): void {
  dirty.add(outbox);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushAll);
  }
}

export class Outbox {
  private pending: EncodedEvent[] = [];
  private readonly recent: EncodedEvent[] = [];
  private sink: OutboxSink | undefined;
  private closed = false;
  /** The sequence of the oldest event dropped from the replay buffer (0 = none dropped). */
  private droppedUpTo = 0n;
  /** Whether pending events were dropped since the last flush. */
  private pendingGap = false;

  constructor(
    private readonly replayCapacity = 512,
    // With no stream reading, a session should hold no more than it could replay: the client must resync past that.
    private readonly pendingCapacity = replayCapacity,
  ) {}

  push(event: EncodedEvent): void {
    if (this.closed) return;
    this.recent.push(event);
    if (this.recent.length > this.replayCapacity) this.droppedUpTo = this.recent.shift()!.sequence;
    // With no stream attached the session keeps only so much: a resumed stream replays from `recent`.
    if (this.pending.length < this.pendingCapacity) this.pending.push(event);
    else this.pendingGap = true;
    if (this.sink) markDirty(this);
  }

  /** Ends the outbox: an attached stream gets what is pending and finishes. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    markDirty(this);
  }

  /** Attaches a stream; events pending since login (or since the last stream) are delivered on the next flush. */
  attach(sink: OutboxSink): void {
    this.sink = sink;
    if (this.pending.length > 0 || this.closed || this.pendingGap) markDirty(this);
  }

  detach(sink: OutboxSink): void {
    if (this.sink === sink) this.sink = undefined;
  }

  /** Events after `sequence` still held for replay, and whether some after it were already dropped. */
  replayAfter(sequence: bigint): { events: EncodedEvent[]; gap: boolean } {
    return { events: this.recent.filter((e) => e.sequence > sequence), gap: this.droppedUpTo > sequence };
  }

  /** Drops pending events (a resumed stream replays them from `recent` instead). */
  discardPending(): void {
    this.pending = [];
    this.pendingGap = false;
  }

  /** Hands everything pending to the attached stream. */
  flush(): void {
    const sink = this.sink;
    if (!sink) return;
    const events = this.pending;
    const gap = this.pendingGap;
    this.pending = [];
    this.pendingGap = false;
    if (events.length > 0 || this.closed || gap) sink(events, this.closed, gap);
  }
}

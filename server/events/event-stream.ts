// One open event stream of a session, whatever carries it (the raw Connect writer or the Connect router): replay on
// resume, a first frame at once, then the session's events as the outbox flushes them, keep-alives while idle.
// A session has one live stream: a newer one ends the older (990007). A stream whose reader falls more than
// `streamBufferBytes` behind is ended (990006); the client resumes from its last sequence on reconnect.
import type { Clock } from "../clock.js";
import type { SessionRegistry } from "../sessions/session-registry.js";
import type { Session } from "../sessions/session.js";
import type { EncodedEvent } from "./encoded-event.js";
import type { OutboxSink } from "./outbox.js";

export interface FrameFields {
  serverTime?: number;
  resyncRequired?: boolean;
  keepaliveMs?: number;
}

export interface StreamOutput {
  /** Writes one frame. Event frames carry no fields, so their bytes can be shared between recipients. */
  send(events: readonly EncodedEvent[], fields?: FrameFields): void;
  /** Bytes written but not yet taken by the client. */
  buffered(): number;
  /** Ends the stream normally (the session ended). */
  finish(): void;
  /** Ends the stream with an official code (replaced, too slow); the client reconnects. */
  fail(code: number): void;
}

export interface EventStreamDeps {
  sessions: SessionRegistry;
  clock: Clock;
  keepaliveMs: number;
  /** Output a stream may hold for a reader that does not keep up. */
  streamBufferBytes: number;
  /** How long a stream ended for falling behind may take to drain before its transport is reset. */
  streamDrainTimeoutMs: number;
  /** Told of each frame of events written (for metrics), with the number of events in it. */
  onDelivered?: ((events: number) => void) | undefined;
}

export const STREAM_TOO_SLOW = 990006;
export const STREAM_REPLACED = 990007;

const liveStreams = new WeakMap<Session, (code: number) => void>();

/** Starts streaming a session's events to `out`; returns the function that stops it (on disconnect). */
export function runEventStream(deps: EventStreamDeps, session: Session, afterSequence: bigint, out: StreamOutput): () => void {
  liveStreams.get(session)?.(STREAM_REPLACED);
  deps.sessions.streamOpened(session);
  let first: EncodedEvent[] = [];
  let resyncRequired = false;
  if (afterSequence > 0n) {
    const replay = session.outbox.replayAfter(afterSequence);
    first = replay.events;
    resyncRequired = replay.gap;
    session.outbox.discardPending();
  }

  let stopped = false;
  let keepalive: NodeJS.Timeout | undefined;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(keepalive);
    session.outbox.detach(sink);
    if (liveStreams.get(session) === end) liveStreams.delete(session);
    deps.sessions.streamClosed(session);
  };
  const end = (code: number) => {
    if (stopped) return;
    stop();
    out.fail(code);
  };
  const send = (events: readonly EncodedEvent[], fields?: FrameFields) => {
    out.send(events, fields);
    if (out.buffered() > deps.streamBufferBytes) end(STREAM_TOO_SLOW);
  };
  const sink: OutboxSink = (events, closed, gap) => {
    if (stopped) return;
    if (gap) send(events, { resyncRequired: true });
    else if (events.length > 0) send(events);
    if (events.length > 0) deps.onDelivered?.(events.length);
    if (closed && !stopped) {
      stop();
      out.finish();
    }
  };
  liveStreams.set(session, end);
  // The first frame tells the client the stream is open (the facade's SDK_READY waits for it).
  send(first, { serverTime: deps.clock.now(), resyncRequired, keepaliveMs: deps.keepaliveMs });
  if (!stopped) {
    keepalive = setInterval(() => send([], { serverTime: deps.clock.now() }), deps.keepaliveMs);
    keepalive.unref?.();
    session.outbox.attach(sink);
  }
  return stop;
}

// One open event stream of a session, whatever carries it (the raw Connect writer or the Connect router): replay on
// resume, a first frame at once, then the session's events as the outbox flushes them, keep-alives while idle.
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
  /** Ends the stream normally (the session ended). */
  finish(): void;
}

export interface EventStreamDeps {
  sessions: SessionRegistry;
  clock: Clock;
  keepaliveMs: number;
  /** Told of each frame of events written (for metrics), with the number of events in it. */
  onDelivered?: ((events: number) => void) | undefined;
}

/** Starts streaming a session's events to `out`; returns the function that stops it (on disconnect). */
export function runEventStream(deps: EventStreamDeps, session: Session, afterSequence: bigint, out: StreamOutput): () => void {
  deps.sessions.streamOpened(session);
  let first: EncodedEvent[] = [];
  let resyncRequired = false;
  if (afterSequence > 0n) {
    const replay = session.outbox.replayAfter(afterSequence);
    first = replay.events;
    resyncRequired = replay.gap;
    session.outbox.discardPending();
  }
  // The first frame tells the client the stream is open (the facade's SDK_READY waits for it).
  out.send(first, { serverTime: deps.clock.now(), resyncRequired, keepaliveMs: deps.keepaliveMs });

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(keepalive);
    session.outbox.detach(sink);
    deps.sessions.streamClosed(session);
  };
  const sink: OutboxSink = (events, closed) => {
    if (stopped) return;
    if (events.length > 0) {
      out.send(events);
      deps.onDelivered?.(events.length);
    }
    if (closed) {
      stop();
      out.finish();
    }
  };
  const keepalive = setInterval(() => out.send([], { serverTime: deps.clock.now() }), deps.keepaliveMs);
  keepalive.unref?.();
  session.outbox.attach(sink);
  return stop;
}

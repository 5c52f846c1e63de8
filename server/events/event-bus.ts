// Where events go after a domain decides who should see them. The bus interface is what a multi-node deployment
// swaps for a real message bus; the in-process bus delivers straight to the sessions of this process.
//
// The contract every domain's events rely on (see README.md beside this file): an event is published at the commit
// point of the change it reports, with a payload built from the committed state and the promise of its write. It is
// numbered there, in commit order, and delivered once durable and after every event numbered before it, so each
// session receives each event once, in sequence order, and never an event whose write failed.
import { encodeEvent, type EncodedEvent, type EventPayload } from "./encoded-event.js";

/** Delivers an encoded event to every live session of a user, except the session `exceptSessionId` names. */
export type DeliverToUser = (userId: string, event: EncodedEvent, exceptSessionId?: string) => void;

export interface PublishOptions {
  /** The promise of the change's write: the event is delivered once it resolves, and dropped if it rejects. */
  durable?: Promise<unknown>;
  /** A session to skip, e.g. the one that sent a message (its response tells it); the event is still encoded once. */
  exceptSessionId?: string;
}

/** What the bus needs of a session to address an event to it alone. */
export interface EventTarget {
  readonly outbox: { push(event: EncodedEvent): void };
}

export interface EventBus {
  /**
   * Publishes the event of a change to every session of each recipient user. Call it synchronously where the change
   * is applied: `payload` must be built from the committed state (a snapshot, never an object that later changes)
   * and `options.durable` is the promise of the change's write (or publish once the write has resolved). The event
   * is stamped and encoded once, now; it is delivered once `durable` resolves and all earlier events are delivered,
   * and dropped if `durable` rejects.
   */
  publish(recipients: Iterable<string>, payload: EventPayload, options?: PublishOptions): void;
  /**
   * Publishes an event addressed to one session (KICKED_OUT), in order with every other event; `delivered` runs once
   * it is in the session's outbox (at once when no earlier event is waiting on its write).
   */
  publishToSession(target: EventTarget, payload: EventPayload, delivered?: () => void): void;
  /** The sequence number of the latest event delivered. */
  lastSequence(): bigint;
  /** Waits for the events still waiting on their writes. */
  close(): Promise<void>;
}

interface Pending {
  readonly event: EncodedEvent;
  readonly deliver: (event: EncodedEvent) => void;
  state: "waiting" | "ready" | "dropped";
  readonly settled?: Promise<unknown>;
}

export function createInProcessBus(deliver: DeliverToUser, now: () => number): EventBus {
  let sequence = 0n;
  let delivered = 0n;
  // Events in sequence order; the head is the oldest not yet delivered.
  const queue: Pending[] = [];
  let head = 0;

  const drain = () => {
    while (head < queue.length && queue[head]!.state !== "waiting") {
      const entry = queue[head]!;
      queue[head++] = undefined as never;
      if (entry.state === "ready") {
        entry.deliver(entry.event);
        delivered = entry.event.sequence;
      }
    }
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
  };

  const enqueue = (payload: EventPayload, send: (event: EncodedEvent) => void, durable?: Promise<unknown>) => {
    sequence += 1n;
    const event = encodeEvent(sequence, now(), payload);
    if (!durable) {
      queue.push({ event, deliver: send, state: "ready" });
      drain();
      return;
    }
    const entry: Pending = {
      event,
      deliver: send,
      state: "waiting",
      settled: durable.then(
        () => void (entry.state = "ready"),
        () => void (entry.state = "dropped"),
      ).finally(drain),
    };
    queue.push(entry);
  };

  return {
    publish(recipients, payload, options = {}) {
      const users = [...new Set(recipients)];
      const { exceptSessionId, durable } = options;
      enqueue(payload, (event) => {
        for (const userId of users) deliver(userId, event, exceptSessionId);
      }, durable);
    },
    publishToSession(target, payload, delivered) {
      enqueue(payload, (event) => {
        target.outbox.push(event);
        delivered?.();
      });
    },
    lastSequence: () => delivered,
    async close() {
      await Promise.all(queue.slice(head).map((entry) => entry.settled));
    },
  };
}

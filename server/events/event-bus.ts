// Where events go after a domain decides who should see them. The bus interface is what a multi-node deployment
// swaps for a real message bus; the in-process bus delivers straight to the sessions of this process.
import { encodeEvent, type EncodedEvent, type EventPayload } from "./encoded-event.js";

/** Delivers an encoded event to every live session of a user. */
export type DeliverToUser = (userId: string, event: EncodedEvent) => void;

export interface EventBus {
  /**
   * Publishes one event to every session of each recipient user. The event is stamped and encoded once.
   * `exceptSessionId` skips one session (rarely needed: the official SDK notifies the acting device too).
   */
  publish(recipients: Iterable<string>, payload: EventPayload): EncodedEvent;
  /** Stamps and encodes an event without delivering it, for events addressed to one session. */
  stamp(payload: EventPayload): EncodedEvent;
  /** The sequence number of the latest event published. */
  lastSequence(): bigint;
  close(): Promise<void>;
}

export function createInProcessBus(deliver: DeliverToUser, now: () => number): EventBus {
  let sequence = 0n;
  return {
    publish(recipients, payload) {
      const encoded = this.stamp(payload);
      for (const userId of recipients) deliver(userId, encoded);
      return encoded;
    },
    stamp(payload) {
      sequence += 1n;
      return encodeEvent(sequence, now(), payload);
    },
    lastSequence: () => sequence,
    close: async () => {},
  };
}

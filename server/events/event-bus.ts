// Where events go after a domain decides who should see them. The bus interface is what a multi-node deployment
// swaps for a real message bus; the in-process bus delivers straight to the sessions of this process.
import { encodeEvent, type EncodedEvent, type EventPayload } from "./encoded-event.js";

/** Delivers an encoded event to every live session of a user, except the session `exceptSessionId` names. */
export type DeliverToUser = (userId: string, event: EncodedEvent, exceptSessionId?: string) => void;

export interface EventBus {
  /**
   * Publishes one event to every session of each recipient user. The event is stamped and encoded once.
   * `exceptSessionId` skips one session, e.g. the one that sent a message (it is told by the response, not by
   * MESSAGE_RECEIVED); the event is still encoded once.
   */
  publish(recipients: Iterable<string>, payload: EventPayload, exceptSessionId?: string): EncodedEvent;
  /** Stamps and encodes an event without delivering it, for events addressed to one session. */
  stamp(payload: EventPayload): EncodedEvent;
  /** The sequence number of the latest event published. */
  lastSequence(): bigint;
  close(): Promise<void>;
}

export function createInProcessBus(deliver: DeliverToUser, now: () => number): EventBus {
  let sequence = 0n;
  return {
    publish(recipients, payload, exceptSessionId) {
      const encoded = this.stamp(payload);
      for (const userId of recipients) deliver(userId, encoded, exceptSessionId);
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

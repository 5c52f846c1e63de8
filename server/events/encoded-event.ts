// An event encoded once for all of its recipients. `bytes` is the length-prefixed body of one
// `StreamEventsResponse.events` entry, so a frame for any recipient is a concatenation of shared buffers; the
// common one-event frame is built once and written as is to every stream that carries it.
import { create, toBinary } from "@bufbuild/protobuf";
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { EventSchema, type Event } from "../../gen/chatwire/v1/event_pb.js";

export interface EncodedEvent {
  readonly sequence: bigint;
  readonly event: Event;
  /** Varint length + Event bytes: the payload of field 1 (`events`) of StreamEventsResponse. */
  readonly bytes: Uint8Array;
  /** The whole Connect envelope of a frame holding only this event, built on first use and then shared. */
  soloEnvelope?: Uint8Array;
}

export type EventPayload = Event["payload"];

/** Stamps and encodes an event; called once per event, whatever the number of recipients. */
export function encodeEvent(sequence: bigint, time: number, payload: EventPayload): EncodedEvent {
  const event = create(EventSchema, { sequence, time: BigInt(time), payload });
  const body = toBinary(EventSchema, event);
  const bytes = new BinaryWriter().bytes(body).finish();
  return { sequence, event, bytes };
}

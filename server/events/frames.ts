// StreamEventsResponse frames built from pre-encoded events, as binary protobuf and as enveloped stream messages
// (1 flag byte + 4-byte big-endian length + message, as the Connect and gRPC streaming protocols frame them).
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import type { EncodedEvent } from "./encoded-event.js";

const EVENTS_TAG = (1 << 3) | WireType.LengthDelimited; // field 1, events

/** The binary StreamEventsResponse: events spliced in, then the frame fields (server_time, resync, keep-alive). */
export function frameMessage(events: readonly EncodedEvent[], fields?: { serverTime?: number; resyncRequired?: boolean; keepaliveMs?: number }): Uint8Array {
  let size = 0;
  for (const e of events) size += 1 + e.bytes.length;
  let tail: Uint8Array | undefined;
  if (fields) {
    const w = new BinaryWriter();
    if (fields.serverTime) w.tag(2, WireType.Varint).int64(fields.serverTime);
    if (fields.resyncRequired) w.tag(3, WireType.Varint).bool(true);
    if (fields.keepaliveMs) w.tag(4, WireType.Varint).uint32(fields.keepaliveMs);
    tail = w.finish();
    size += tail.length;
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const e of events) {
    out[offset++] = EVENTS_TAG;
    out.set(e.bytes, offset);
    offset += e.bytes.length;
  }
  if (tail) out.set(tail, offset);
  return out;
}

/** Wraps a message in a stream envelope. */
export function envelope(message: Uint8Array, flags = 0): Uint8Array {
  const out = new Uint8Array(5 + message.length);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, message.length);
  out.set(message, 5);
  return out;
}

/** The envelope of a frame, sharing the one-event envelope across every recipient of that event. */
export function eventsEnvelope(events: readonly EncodedEvent[]): Uint8Array {
  if (events.length === 1) {
    const only = events[0]!;
    return (only.soloEnvelope ??= envelope(frameMessage(events)));
  }
  return envelope(frameMessage(events));
}

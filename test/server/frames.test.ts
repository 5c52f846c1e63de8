// Encode once, deliver many: frames built by splicing pre-encoded events decode to the events, and a one-event
// frame is the same bytes for every recipient.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { fromBinary } from "@bufbuild/protobuf";
import { StreamEventsResponseSchema } from "../../gen/chatwire/v1/event_pb.js";
import { encodeEvent } from "../../server/events/encoded-event.js";
import { eventsEnvelope, frameMessage } from "../../server/events/frames.js";

const status = (userId: string, customStatus: string) =>
  encodeEvent(7n, 1_700_000_000_000, {
    case: "userStatusUpdated",
    value: {
      $typeName: "chatwire.v1.UserStatusUpdated",
      userStatusList: [{ $typeName: "chatwire.v1.UserStatus", userId, statusType: 1, customStatus, devices: [], lastActiveTime: 0n }],
    },
  });

describe("event frames", () => {
  it("decode to the spliced events and frame fields", () => {
    const a = status("alice", "busy");
    const b = status("bob", "away");
    const frame = fromBinary(StreamEventsResponseSchema, frameMessage([a, b], { serverTime: 42, keepaliveMs: 15000, resyncRequired: true }));
    assert.equal(frame.events.length, 2);
    assert.equal(frame.events[0]!.payload.case, "userStatusUpdated");
    assert.equal(frame.events[1]!.payload.value && "userStatusList" in frame.events[1]!.payload.value ? frame.events[1]!.payload.value.userStatusList[0]!.customStatus : "", "away");
    assert.equal(frame.events[0]!.sequence, 7n);
    assert.equal(frame.serverTime, 42n);
    assert.equal(frame.keepaliveMs, 15000);
    assert.equal(frame.resyncRequired, true);
  });

  it("shares one envelope for a one-event frame across recipients", () => {
    const e = status("alice", "busy");
    const first = eventsEnvelope([e]);
    assert.equal(eventsEnvelope([e]), first, "the second recipient gets the very same buffer");
    assert.equal(first[0], 0);
    assert.equal(new DataView(first.buffer, first.byteOffset).getUint32(1), first.length - 5);
    assert.equal(fromBinary(StreamEventsResponseSchema, first.subarray(5)).events[0]!.sequence, 7n);
  });
});

// EventService.StreamEvents: drains the session's outbox into frames. Events were encoded once at publish time;
// a frame splices their bytes in as field 1 (`events`), so a frame costs a copy per recipient, not an encode.
import { create } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { StreamEventsResponseSchema, type EventService, type StreamEventsResponse } from "../../gen/chatwire/v1/event_pb.js";
import type { Clock } from "../clock.js";
import { sessionOf } from "../rpc/context.js";
import type { SessionRegistry } from "../sessions/session-registry.js";
import type { EncodedEvent } from "./encoded-event.js";

export interface StreamEventsDeps {
  sessions: SessionRegistry;
  clock: Clock;
  keepaliveMs: number;
}

/** JSON clients cannot take spliced bytes (unknown fields are binary-only), so they get the decoded events. */
function isJson(ctx: HandlerContext): boolean {
  return (ctx.requestHeader.get("content-type") ?? "").includes("json");
}

function frame(events: readonly EncodedEvent[], json: boolean, now: number, extra: { resyncRequired?: boolean; keepaliveMs?: number } = {}): StreamEventsResponse {
  const response = create(StreamEventsResponseSchema, { serverTime: BigInt(now), ...extra });
  if (json) response.events = events.map((e) => e.event);
  else response.$unknown = events.map((e) => ({ no: 1, wireType: WireType.LengthDelimited, data: e.bytes }));
  return response;
}

export function createStreamEventsHandlers(deps: StreamEventsDeps): ServiceImpl<typeof EventService> {
  return {
    async *streamEvents(req, ctx) {
      const session = sessionOf(ctx);
      const json = isJson(ctx);
      deps.sessions.streamOpened(session);
      try {
        let first: EncodedEvent[] = [];
        let resyncRequired = false;
        if (req.afterSequence > 0n) {
          const replay = session.outbox.replayAfter(req.afterSequence);
          first = replay.events;
          resyncRequired = replay.gap;
          session.outbox.discardPending();
        }
        // The first frame tells the client the stream is open (the facade's SDK_READY waits for it).
        yield frame(first, json, deps.clock.now(), { resyncRequired, keepaliveMs: deps.keepaliveMs });
        for (;;) {
          const { events, closed } = await session.outbox.take(deps.keepaliveMs, ctx.signal);
          if (ctx.signal.aborted) return;
          if (events.length > 0 || !closed) yield frame(events, json, deps.clock.now());
          if (closed) return;
        }
      } finally {
        deps.sessions.streamClosed(session);
      }
    },
  };
}

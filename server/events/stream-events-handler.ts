// EventService.StreamEvents through the Connect router: the path for gRPC, gRPC-Web and JSON clients (binary
// Connect clients take the raw writer in raw-event-stream.ts). Binary frames splice the pre-encoded events in as
// unknown fields of `events`; JSON frames carry the decoded events, since unknown fields are binary-only.
import { create } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { StreamEventsResponseSchema, type EventService, type StreamEventsResponse } from "../../gen/chatwire/v1/event_pb.js";
import { sessionOf } from "../rpc/context.js";
import type { EncodedEvent } from "./encoded-event.js";
import { runEventStream, type EventStreamDeps, type FrameFields } from "./event-stream.js";

function isJson(ctx: HandlerContext): boolean {
  return (ctx.requestHeader.get("content-type") ?? "").includes("json");
}

function frame(events: readonly EncodedEvent[], json: boolean, fields: FrameFields = {}): StreamEventsResponse {
  const response = create(StreamEventsResponseSchema, {
    serverTime: BigInt(fields.serverTime ?? 0),
    resyncRequired: fields.resyncRequired ?? false,
    keepaliveMs: fields.keepaliveMs ?? 0,
  });
  if (json) response.events = events.map((e) => e.event);
  else response.$unknown = events.map((e) => ({ no: 1, wireType: WireType.LengthDelimited, data: e.bytes }));
  return response;
}

export function createStreamEventsHandlers(deps: EventStreamDeps): ServiceImpl<typeof EventService> {
  return {
    async *streamEvents(req, ctx) {
      const session = sessionOf(ctx);
      const json = isJson(ctx);
      const queue: StreamEventsResponse[] = [];
      let finished = false;
      let wake: (() => void) | undefined;
      const signal = () => {
        wake?.();
        wake = undefined;
      };
      const stop = runEventStream(deps, session, req.afterSequence, {
        send: (events, fields) => {
          queue.push(frame(events, json, fields));
          signal();
        },
        finish: () => {
          finished = true;
          signal();
        },
      });
      ctx.signal.addEventListener("abort", signal);
      try {
        for (;;) {
          while (queue.length > 0) yield queue.shift()!;
          if (finished || ctx.signal.aborted) return;
          await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        ctx.signal.removeEventListener("abort", signal);
        stop();
      }
    },
  };
}

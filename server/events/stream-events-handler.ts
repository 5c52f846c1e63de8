// EventService.StreamEvents through the Connect router: the path for gRPC, gRPC-Web and JSON clients (binary
// Connect clients take the raw writer in raw-event-stream.ts). Binary frames splice the pre-encoded events in as
// unknown fields of `events`; JSON frames carry the decoded events, since unknown fields are binary-only.
//
// Connect pulls the next frame only once the transport has taken the last one, so frames wait in `queue` while the
// client does not read; what the queue and the transport hold together is bounded by `streamBufferBytes`, past
// which the stream ends with 990006 (and its transport is reset if the end itself is not taken in time).
import { create } from "@bufbuild/protobuf";
import { WireType } from "@bufbuild/protobuf/wire";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import { StreamEventsResponseSchema, type EventService, type StreamEventsResponse } from "../../gen/chatwire/v1/event_pb.js";
import { resetUnlessDrained } from "../http/unread-body.js";
import { chatError } from "../rpc/chat-error.js";
import { transportKey } from "../rpc/connect-adapter.js";
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

/** Bytes queued below Connect, in the socket or the HTTP/2 stream. */
function transportBuffered(ctx: HandlerContext): number {
  const req = ctx.values.get(transportKey)?.req;
  if (!req) return 0;
  return "stream" in req ? req.stream.writableLength : (req.socket?.writableLength ?? 0);
}

export function createStreamEventsHandlers(deps: EventStreamDeps): ServiceImpl<typeof EventService> {
  return {
    async *streamEvents(req, ctx) {
      const session = sessionOf(ctx);
      const json = isJson(ctx);
      const queue: { frame: StreamEventsResponse; bytes: number }[] = [];
      let queuedBytes = 0;
      let finished = false;
      let failure: number | undefined;
      let wake: (() => void) | undefined;
      const signal = () => {
        wake?.();
        wake = undefined;
      };
      const stop = runEventStream(deps, session, req.afterSequence, {
        send: (events, fields) => {
          let bytes = 16;
          for (const e of events) bytes += e.bytes.length;
          queue.push({ frame: frame(events, json, fields), bytes });
          queuedBytes += bytes;
          signal();
        },
        buffered: () => queuedBytes + transportBuffered(ctx),
        finish: () => {
          finished = true;
          signal();
        },
        fail: (code) => {
          failure = code;
          queue.length = 0;
          queuedBytes = 0;
          const transport = ctx.values.get(transportKey);
          if (transport) resetUnlessDrained(transport.req, transport.res, deps.streamDrainTimeoutMs);
          signal();
        },
      });
      ctx.signal.addEventListener("abort", signal);
      try {
        for (;;) {
          while (queue.length > 0 && failure === undefined) {
            const next = queue.shift()!;
            queuedBytes -= next.bytes;
            yield next.frame;
          }
          if (failure !== undefined) throw chatError(failure);
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

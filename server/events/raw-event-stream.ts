// The hot path of event delivery: EventService.StreamEvents for binary Connect clients, written straight to the
// HTTP response. Each frame is a prebuilt envelope — for a one-event frame the very same bytes go to every
// recipient — so a delivery costs one write, with no per-recipient serialization. Anything this path does not
// handle (gRPC, JSON, compression, a bad token) goes to the Connect router, which answers with the same semantics.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { fromBinary } from "@bufbuild/protobuf";
import { EventService, StreamEventsRequestSchema } from "../../gen/chatwire/v1/event_pb.js";
import { bearerToken } from "../http/bearer-token.js";
import { envelope, eventsEnvelope, frameMessage } from "./frames.js";
import { runEventStream, type EventStreamDeps } from "./event-stream.js";

const PATH = `/${EventService.typeName}/${EventService.method.streamEvents.name}`;
const END_OK = envelope(new TextEncoder().encode("{}"), 0b10);
/** A stream whose client stopped reading is cut past this much buffered output; the client resumes later. */
const MAX_BUFFERED_BYTES = 8 << 20;

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

/** Whether this request is one the raw writer serves. */
export function isRawEventStream(req: Request): boolean {
  const encoding = req.headers["connect-content-encoding"];
  return (
    req.method === "POST" &&
    req.url === PATH &&
    req.headers["content-type"] === "application/connect+proto" &&
    (encoding === undefined || encoding === "identity")
  );
}

function readRequest(req: Request): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > 1 << 16) req.destroy(new Error("request too large"));
      else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * Serves the stream when the bearer token names a live session; returns false (without touching the request) so
 * the caller can hand it to the Connect router otherwise.
 */
export function serveRawEventStream(req: Request, res: Response, deps: EventStreamDeps): boolean {
  const session = deps.sessions.get(bearerToken(req.headers["authorization"]));
  if (!session) return false;
  deps.sessions.touch(session);
  void readRequest(req).then(
    (body) => {
      let afterSequence = 0n;
      if (body.length >= 5) {
        const length = new DataView(body.buffer, body.byteOffset).getUint32(1);
        afterSequence = fromBinary(StreamEventsRequestSchema, body.subarray(5, 5 + length)).afterSequence;
      }
      const out = res as ServerResponse;
      out.writeHead(200, { "content-type": "application/connect+proto" });
      let open = true;
      const stop = runEventStream(deps, session, afterSequence, {
        send(events, fields) {
          if (!open) return;
          out.write(fields ? envelope(frameMessage(events, fields)) : eventsEnvelope(events));
          if (out.writableLength > MAX_BUFFERED_BYTES) out.destroy();
        },
        finish() {
          if (!open) return;
          open = false;
          out.end(END_OK);
        },
      });
      out.on("close", () => {
        open = false;
        stop();
      });
    },
    () => res.destroy(),
  );
  return true;
}

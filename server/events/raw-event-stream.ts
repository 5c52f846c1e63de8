// The hot path of event delivery: EventService.StreamEvents for binary Connect clients, written straight to the
// HTTP response. Each frame is a prebuilt envelope — for a one-event frame the very same bytes go to every
// recipient — so a delivery costs one write, with no per-recipient serialization. Anything this path does not
// handle (gRPC, JSON, compression, a bad token) goes to the Connect router, which answers with the same semantics.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { fromBinary } from "@bufbuild/protobuf";
import { ConnectError } from "@connectrpc/connect";
import { createEndStreamSerialization, endStreamFlag } from "@connectrpc/connect/protocol-connect";
import { EventService, StreamEventsRequestSchema } from "../../gen/chatwire/v1/event_pb.js";
import { bearerToken } from "../http/bearer-token.js";
import { declaredLength, endWithoutReadingBody, resetUnlessDrained } from "../http/unread-body.js";
import { chatError } from "../rpc/chat-error.js";
import { envelope, eventsEnvelope, frameMessage } from "./frames.js";
import { runEventStream, type EventStreamDeps } from "./event-stream.js";

export const RAW_STREAM_PATH = `/${EventService.typeName}/${EventService.method.streamEvents.name}`;
const END_OK = envelope(new TextEncoder().encode("{}"), endStreamFlag);
/** A StreamEventsRequest is a few bytes; anything larger is not one. */
const MAX_REQUEST_BYTES = 1024;
const INVALID_PARAMETER = 70402;
const REQUEST_TOO_LARGE = 990005;
const endStream = createEndStreamSerialization({});

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

/** Whether this request (already routed to RAW_STREAM_PATH) is one the raw writer serves. */
export function isRawEventStream(req: Request): boolean {
  const encoding = req.headers["connect-content-encoding"];
  return (
    req.method === "POST" &&
    req.headers["content-type"] === "application/connect+proto" &&
    (encoding === undefined || encoding === "identity")
  );
}

/** Reads the request body, refusing (without reading the rest) one over MAX_REQUEST_BYTES. */
function readRequest(req: Request, res: Response): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const tooLarge = () => {
      endWithoutReadingBody(req, res);
      req.removeListener("data", onData);
      req.pause();
      reject(chatError(REQUEST_TOO_LARGE, `a StreamEventsRequest is at most ${MAX_REQUEST_BYTES} bytes`));
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > MAX_REQUEST_BYTES) tooLarge();
      else chunks.push(c);
    };
    if (declaredLength(req) > MAX_REQUEST_BYTES) return tooLarge();
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** The `after_sequence` of a request body: empty, or exactly one uncompressed envelope of a StreamEventsRequest. */
function afterSequenceOf(body: Uint8Array): bigint {
  if (body.length === 0) return 0n;
  if (body.length < 5) throw chatError(INVALID_PARAMETER, "the request is not a Connect envelope");
  const length = new DataView(body.buffer, body.byteOffset).getUint32(1);
  if (body[0] !== 0 || 5 + length !== body.length) throw chatError(INVALID_PARAMETER, "the request is not one uncompressed Connect envelope");
  try {
    return fromBinary(StreamEventsRequestSchema, body.subarray(5)).afterSequence;
  } catch (err) {
    throw chatError(INVALID_PARAMETER, `the request is not a valid StreamEventsRequest (${(err as Error).message})`);
  }
}

/** Ends a stream that has not started with an error, as a Connect end-stream message. */
function endWithError(res: Response, err: ConnectError): void {
  if (res.headersSent) return void res.destroy();
  const out = res as ServerResponse;
  out.writeHead(200, { "content-type": "application/connect+proto" });
  out.end(envelope(endStream.serialize({ metadata: new Headers(), error: err }), endStreamFlag));
}

/** The bytes the client has not taken yet, on either transport. */
function writableLength(res: Response): number {
  return "stream" in res ? res.stream.writableLength : res.writableLength;
}

/**
 * Serves the stream when the bearer token names a live session; returns false (without touching the request) so
 * the caller can hand it to the Connect router otherwise.
 */
export function serveRawEventStream(req: Request, res: Response, deps: EventStreamDeps): boolean {
  const session = deps.sessions.get(bearerToken(req.headers["authorization"]));
  if (!session) return false;
  deps.sessions.touch(session);
  readRequest(req, res).then(
    (body) => {
      let afterSequence: bigint;
      try {
        afterSequence = afterSequenceOf(body);
      } catch (err) {
        return endWithError(res, err as ConnectError);
      }
      if (session.ended || res.destroyed) return endWithError(res, chatError(990003));
      const out = res as ServerResponse;
      out.writeHead(200, { "content-type": "application/connect+proto" });
      let open = true;
      const stop = runEventStream(deps, session, afterSequence, {
        send(events, fields) {
          if (open) out.write(fields ? envelope(frameMessage(events, fields)) : eventsEnvelope(events));
        },
        buffered: () => writableLength(res),
        finish() {
          if (!open) return;
          open = false;
          out.end(END_OK);
        },
        fail(code) {
          if (!open) return;
          open = false;
          out.end(envelope(endStream.serialize({ metadata: new Headers(), error: chatError(code) }), endStreamFlag));
          // A reader that is not reading will not take the end either: reset once the drain time is up.
          resetUnlessDrained(req, res, deps.streamDrainTimeoutMs);
        },
      });
      out.on("close", () => {
        open = false;
        stop();
      });
    },
    (err: unknown) => (err instanceof ConnectError ? endWithError(res, err) : res.destroy()),
  );
  return true;
}

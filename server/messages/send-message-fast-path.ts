// The hot path of sending: MessageService.SendMessage for binary Connect clients (unary, application/proto), read
// and answered straight on the HTTP request, as raw-event-stream.ts serves the event stream. It does what the
// Connect router and its interceptors do for this method — authentication by session token, the spec's generated
// limits, rate limits, official error codes in Connect's error JSON — without the router's per-call machinery,
// and answers with the stored message's bytes, never re-encoded. Anything else (JSON, gRPC, compression, no live
// session) goes to the router, which answers with the same semantics.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { fromBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { codeToHttpStatus, errorToJsonBytes } from "@connectrpc/connect/protocol-connect";
import { MessageService, SendMessageRequestSchema } from "../../gen/chatwire/v1/message_pb.js";
import { methodPolicies } from "../generated/services.js";
import { validators } from "../generated/validators.js";
import { bearerToken } from "../http/bearer-token.js";
import { declaredLength, endWithoutReadingBody } from "../http/unread-body.js";
import type { RateLimiter } from "../rpc/rate-limiter.js";
import { chatError, officialCodeOf } from "../rpc/chat-error.js";
import type { SessionRegistry } from "../sessions/session-registry.js";
import { StorageUnavailableError } from "../storage/storage-errors.js";
import type { Messages } from "./messages.js";

const METHOD = `${MessageService.typeName}.${MessageService.method.sendMessage.name}`;
const PATH = `/${MessageService.typeName}/${MessageService.method.sendMessage.name}`;
/** A SendMessageRequest holds at most a 12 KB message plus options; anything much larger is refused unread. */
const MAX_REQUEST_BYTES = 64 * 1024;
const MESSAGE_TOO_LONG = 80002;

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

export interface SendFastPathDeps {
  sessions: SessionRegistry;
  messages: Messages;
  limiter: RateLimiter;
  /** Logs what is answered as 990002. */
  onUnexpected(err: unknown): void;
}

/** Whether this request is one the fast path serves. */
export function isSendMessageRequest(req: Request): boolean {
  const encoding = req.headers["content-encoding"];
  return (
    req.method === "POST" &&
    req.url === PATH &&
    req.headers["content-type"] === "application/proto" &&
    (encoding === undefined || encoding === "identity")
  );
}

function answerError(res: Response, err: ConnectError): void {
  const body = errorToJsonBytes(err, {});
  (res as ServerResponse).writeHead(codeToHttpStatus(err.code), { "content-type": "application/json", "content-length": body.length }).end(body);
}

/** Serves SendMessage when the bearer token names a live session; returns false (request untouched) otherwise. */
export function serveSendMessage(req: Request, res: Response, deps: SendFastPathDeps): boolean {
  const session = deps.sessions.get(bearerToken(req.headers["authorization"]));
  if (!session) return false;
  deps.sessions.touch(session);
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  // Over the limit: answered at once, the rest never read (limits.ts, server/http/unread-body.ts).
  const refuse = () => {
    refused = true;
    req.removeListener("data", onData);
    req.pause();
    endWithoutReadingBody(req, res);
    answerError(res, chatError(MESSAGE_TOO_LONG));
  };
  const onData = (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size > MAX_REQUEST_BYTES) return refuse();
    chunks.push(chunk);
  };
  if (declaredLength(req) > MAX_REQUEST_BYTES) {
    refuse();
    return true;
  }
  req.on("data", onData);
  req.on("error", () => res.destroy());
  req.on("end", () => {
    if (refused) return;
    void (async () => {
      try {
        let request;
        try {
          request = fromBinary(SendMessageRequestSchema, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
        } catch {
          throw chatError(70402, "the request is not a valid SendMessageRequest");
        }
        const violation = validators[SendMessageRequestSchema.typeName]?.(request);
        if (violation) throw chatError(violation.code, violation.message);
        const limit = methodPolicies[METHOD]?.rateLimit;
        if (limit && !deps.limiter.tryTake(session.userId, limit)) throw chatError(limit.errorCode);
        const body = await deps.messages.sendForWire(session, request);
        (res as ServerResponse).writeHead(200, { "content-type": "application/proto", "content-length": body.length }).end(body);
      } catch (err) {
        if (err instanceof ConnectError && (officialCodeOf(err) !== undefined || err.code === Code.InvalidArgument)) answerError(res, err);
        else if (err instanceof StorageUnavailableError) answerError(res, chatError(990004));
        else {
          deps.onUnexpected(err);
          answerError(res, chatError(990002));
        }
      }
    })();
  });
  return true;
}

// The edge between Node's HTTP servers and the Connect router (in place of connect-node's adapter), where three
// things happen that Connect leaves to its host:
// - body limits chosen by caller: who may send a large body is decided from the bearer token before a byte of the
//   body is read; a body over its limit (by content-length, or as it arrives) is refused without reading the rest,
//   and the decompressed size is capped by the router's readMaxBytes (a gzip bomb stops at the limit);
// - every error a client sees carries an official code (ErrorDetail): errors Connect raises itself, outside the
//   interceptors — a truncated protobuf ("parse binary", which Connect reports as `internal`), an over-long body —
//   are rewritten here on every protocol (Connect unary and streaming, gRPC, gRPC-Web);
// - the node request and the remote address travel in context values, for login limits and stream control.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { Code, ConnectError, createConnectRouter, createContextKey, createContextValues, type ConnectRouter, type Interceptor } from "@connectrpc/connect";
import { compressionBrotli, compressionGzip, universalRequestFromNodeRequest, universalResponseToNodeResponse } from "@connectrpc/connect-node";
import type { UniversalHandler, UniversalServerResponse } from "@connectrpc/connect/protocol";
import { encodeEnvelope } from "@connectrpc/connect/protocol";
import { codeToHttpStatus, createEndStreamSerialization, endStreamFlag, errorFromJsonBytes, errorToJsonBytes } from "@connectrpc/connect/protocol-connect";
import { findTrailerError, setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { trailerFlag, trailerParse, trailerSerialize } from "@connectrpc/connect/protocol-grpc-web";
import type { Logger } from "pino";
import { ErrorDetailSchema } from "../../gen/chatwire/v1/error_code_pb.js";
import { bearerToken } from "../http/bearer-token.js";
import { closeIfUnread, declaredLength, endWithoutReadingBody } from "../http/unread-body.js";
import type { ServerLimits } from "../limits.js";
import { chatError } from "./chat-error.js";
import { identifyCaller, type CallerDeps } from "./caller.js";

type NodeRequest = IncomingMessage | Http2ServerRequest;
type NodeResponse = ServerResponse | Http2ServerResponse;

/** The remote address of the caller ("" when unknown). */
export const remoteAddressKey = createContextKey<string>("", { description: "chatwire remote address" });
/** The node request and response, to end a stream below the Connect layer (a reader too far behind). */
export const transportKey = createContextKey<{ req: NodeRequest; res: NodeResponse } | undefined>(undefined, { description: "chatwire transport" });

export interface ConnectAdapterOptions {
  routes: (router: ConnectRouter) => void;
  interceptors: Interceptor[];
  limits: ServerLimits;
  caller: CallerDeps;
  logger: Logger;
}

const REQUEST_TOO_LARGE = 990005;
const INVALID_PARAMETER = 70402;
const INTERNAL = 990002;

type Protocol = "connect" | "connect-stream" | "grpc" | "grpc-web";

function protocolOf(contentType: string): Protocol {
  if (contentType.startsWith("application/grpc-web")) return "grpc-web";
  if (contentType.startsWith("application/grpc")) return "grpc";
  if (contentType.startsWith("application/connect+")) return "connect-stream";
  return "connect";
}

export function createConnectAdapter(options: ConnectAdapterOptions): (req: NodeRequest, res: NodeResponse) => void {
  const { limits, logger } = options;
  const router = createConnectRouter({
    interceptors: options.interceptors,
    acceptCompression: [compressionGzip, compressionBrotli],
    readMaxBytes: limits.maxBodyBytes,
    writeMaxBytes: 64 << 20,
  });
  options.routes(router);
  const handlers = new Map<string, UniversalHandler>();
  for (const handler of router.handlers) handlers.set(handler.requestPath, handler);

  /** An error without an official code gets one; undefined when it already has one. */
  const normalise = (err: ConnectError): ConnectError | undefined => {
    if (err.findDetails(ErrorDetailSchema).length > 0) return undefined;
    if (err.code === Code.Internal && err.rawMessage.startsWith("parse binary")) {
      return chatError(INVALID_PARAMETER, `the request is not a valid protobuf message (${err.rawMessage})`);
    }
    if (err.code === Code.InvalidArgument) return chatError(INVALID_PARAMETER, err.rawMessage);
    // A body that does not inflate (truncated or not gzip at all) is the client's; Connect reports some as internal.
    if (err.rawMessage === "decompression failed") return chatError(INVALID_PARAMETER, "the request body does not decompress");
    if (err.code === Code.ResourceExhausted) return chatError(REQUEST_TOO_LARGE, err.rawMessage);
    if (err.code === Code.Internal || err.code === Code.Unknown) {
      logger.error({ err }, "RPC failed outside its handler");
      return chatError(INTERNAL);
    }
    return undefined;
  };

  return function handle(req, res) {
    const path = (req.url ?? "").split("?", 1)[0]!;
    const handler = handlers.get(path);
    if (!handler) {
      (res as ServerResponse).writeHead(404).end();
      return;
    }
    const caller = identifyCaller(handler.service.typeName, handler.method.name, bearerToken(req.headers["authorization"]), options.caller);
    const limit = caller.kind === "admin" || caller.kind === "session" ? limits.maxBodyBytes : limits.maxUnauthenticatedBodyBytes;
    // Connect refuses a body whose content-length is over the limit without reading it; either way the connection
    // must then not be reused.
    if (declaredLength(req) > limit) endWithoutReadingBody(req, res);
    else closeIfUnread(req, res, limit);
    const contextValues = createContextValues().set(remoteAddressKey, remoteAddressOf(req)).set(transportKey, { req, res });
    const uReq = universalRequestFromNodeRequest(req, res, undefined, contextValues);
    uReq.body = limitBody(uReq.body as AsyncIterable<Uint8Array>, limit, declaredLength(req), () => endWithoutReadingBody(req, res));
    const protocol = protocolOf(String(req.headers["content-type"] ?? ""));
    handler(uReq)
      .then((uRes) => universalResponseToNodeResponse(normaliseResponse(uRes, protocol, normalise), res))
      .catch((reason: unknown) => {
        if (ConnectError.from(reason).code === Code.Aborted || ConnectError.from(reason).code === Code.Canceled) return;
        logger.error({ err: reason, method: handler.method.name }, "RPC response failed");
        if (!res.headersSent) (res as ServerResponse).writeHead(500).end();
        else res.destroy();
      });
  };
}

function remoteAddressOf(req: NodeRequest): string {
  return req.socket?.remoteAddress ?? "";
}

/**
 * The request body, refused past `limit` bytes: at once when content-length says so, else as chunks arrive. The
 * rest is never read (`onRefused` arranges for the connection not to be reused), and the node request is not
 * destroyed, so the error still reaches the client.
 */
function limitBody(source: AsyncIterable<Uint8Array>, limit: number, declared: number, onRefused: () => void): AsyncIterable<Uint8Array> {
  const refuse = (what: string) => {
    onRefused();
    return chatError(REQUEST_TOO_LARGE, `the request body ${what} the limit of ${limit} bytes`);
  };
  return {
    [Symbol.asyncIterator]() {
      const it = source[Symbol.asyncIterator]();
      let size = 0;
      return {
        async next() {
          if (declared > limit) throw refuse(`(${declared} bytes) exceeds`);
          const result = await it.next();
          if (!result.done) {
            size += result.value.byteLength;
            if (size > limit) throw refuse("exceeds");
          }
          return result;
        },
        async return() {
          return { done: true, value: undefined };
        },
      };
    },
  };
}

/** Rewrites an error the response carries, in the form its protocol carries it, when `normalise` gives a new one. */
function normaliseResponse(uRes: UniversalServerResponse, protocol: Protocol, normalise: (err: ConnectError) => ConnectError | undefined): UniversalServerResponse {
  const body = uRes.body;
  if (body === undefined || body instanceof Uint8Array) return uRes;
  switch (protocol) {
    case "connect": {
      if (uRes.status === 200 || uRes.header?.get("content-encoding")) return uRes;
      const out = { ...uRes };
      out.body = mapChunks(body, (chunk) => {
        const fixed = normalise(errorFromJsonBytes(chunk, new Headers(), new ConnectError("unreadable error", Code.Unknown)));
        if (!fixed) return chunk;
        const bytes = errorToJsonBytes(fixed, {});
        out.header?.set("content-length", String(bytes.byteLength));
        out.status = codeToHttpStatus(fixed.code);
        return bytes;
      });
      return out;
    }
    case "connect-stream": {
      const serialization = createEndStreamSerialization({});
      return {
        ...uRes,
        body: mapChunks(body, (chunk) => {
          if (chunk[0] !== endStreamFlag) return chunk; // a message, or a compressed end-stream left as is
          const end = serialization.parse(chunk.subarray(5));
          const fixed = end.error && normalise(end.error);
          return fixed ? encodeEnvelope(endStreamFlag, serialization.serialize({ metadata: end.metadata, error: fixed })) : chunk;
        }),
      };
    }
    case "grpc-web":
      return {
        ...uRes,
        body: mapChunks(body, (chunk) => {
          if (chunk[0] !== trailerFlag) return chunk;
          const trailer = trailerParse(chunk.subarray(5));
          return fixTrailer(trailer, normalise) ? encodeEnvelope(trailerFlag, trailerSerialize(trailer)) : chunk;
        }),
      };
    case "grpc":
      return {
        ...uRes,
        body: mapChunks(body, (chunk) => chunk, () => {
          if (uRes.trailer) fixTrailer(uRes.trailer, normalise);
          if (uRes.header) fixTrailer(uRes.header, normalise);
        }),
      };
  }
}

function fixTrailer(trailer: Headers, normalise: (err: ConnectError) => ConnectError | undefined): boolean {
  const err = findTrailerError(trailer);
  const fixed = err && normalise(err);
  if (!fixed) return false;
  trailer.delete("grpc-status-details-bin");
  setTrailerStatus(trailer, fixed);
  return true;
}

async function* mapChunks(body: AsyncIterable<Uint8Array>, map: (chunk: Uint8Array) => Uint8Array, atEnd?: () => void): AsyncIterable<Uint8Array> {
  for await (const chunk of body) yield map(chunk);
  atEnd?.();
}

// Answering before the request body is read to its end (a body over its limit, a refused caller): the rest must
// not be read, and the connection must not carry a next request that would start in the middle of this body.
import { constants as h2 } from "node:http2";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

/**
 * Arranges for the response to end the exchange: HTTP/1.1 answers `connection: close` (Node closes the socket once
 * the response is out), HTTP/2 resets the stream with NO_ERROR once the response is complete (RFC 9113 §8.1).
 */
export function endWithoutReadingBody(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void {
  if (req.complete) return;
  if ("stream" in req) {
    res.once("finish", () => {
      if (!req.stream.destroyed && !req.complete) req.stream.close(h2.NGHTTP2_NO_ERROR);
    });
  } else if (!res.headersSent) {
    (res as ServerResponse).setHeader("connection", "close");
  }
}

/** A body over its limit, announced by its content-length header. */
export function declaredLength(req: IncomingMessage | Http2ServerRequest): number {
  const value = req.headers["content-length"];
  const n = typeof value === "string" ? Number(value) : NaN;
  return Number.isFinite(n) ? n : 0;
}

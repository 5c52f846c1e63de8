// Answering before the request body is read to its end (a body over its limit, a refused caller): the rest must
// not be read, and the connection must not carry a next request that would start in the middle of this body.
import { constants as h2 } from "node:http2";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

/**
 * Once the response is out, ends what is left of a request body nobody read to its end: an HTTP/2 stream is reset
 * with NO_ERROR (RFC 9113 §8.1), so the client stops sending it; an HTTP/1.1 body announced within `limit` is read
 * and discarded so the connection can carry the next request, any other closes the connection (the next request
 * would otherwise start inside this body). Register it before answering.
 */
export function closeIfUnread(req: Request, res: Response, limit: number): void {
  res.once("finish", () => {
    if (req.complete) return;
    if ("stream" in req) {
      if (!req.stream.destroyed) req.stream.close(h2.NGHTTP2_NO_ERROR);
    } else if (req.headers["content-length"] !== undefined && declaredLength(req) <= limit) {
      req.resume();
    } else req.socket?.destroySoon();
  });
}

/**
 * For an answer given without reading a body that must not be read (over its limit, or a refused caller): HTTP/1.1
 * says `connection: close` (Node closes the socket once the response is out, rather than reading the rest), HTTP/2
 * resets the stream as closeIfUnread does.
 */
export function endWithoutReadingBody(req: Request, res: Response): void {
  if (req.complete) return;
  if ("stream" in req) closeIfUnread(req, res, 0);
  else if (!res.headersSent) (res as ServerResponse).setHeader("connection", "close");
}

/** The body length its content-length header announces (0 when absent). */
export function declaredLength(req: Request): number {
  const value = req.headers["content-length"];
  const n = typeof value === "string" ? Number(value) : NaN;
  return Number.isFinite(n) ? n : 0;
}

/**
 * Resets an exchange whose client stopped taking the response: HTTP/2 cancels the stream (RST_STREAM CANCEL, so the
 * client drops what it buffered and learns at once), HTTP/1.1 destroys the socket. Armed for `ms`; a response that
 * is out by then is left alone.
 */
export function resetUnlessDrained(req: Request, res: Response, ms: number): void {
  const timer = setTimeout(() => {
    if ("stream" in req) {
      if (!req.stream.destroyed) req.stream.close(h2.NGHTTP2_CANCEL);
    } else req.socket?.destroy();
  }, ms);
  timer.unref();
  res.once("close", () => clearTimeout(timer));
  res.once("finish", () => clearTimeout(timer));
}

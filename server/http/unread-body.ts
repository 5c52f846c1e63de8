// Answering before the request body is read to its end (a body over its limit, a refused caller): the rest must
// not be read, and the connection must not carry a next request that would start in the middle of this body.
import { constants as h2 } from "node:http2";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

/**
 * Once the response is out, ends an exchange whose request body was not read to its end: HTTP/2 resets the stream
 * with NO_ERROR (RFC 9113 §8.1), HTTP/1.1 closes the connection. Register it before answering.
 */
export function closeIfUnread(req: Request, res: Response): void {
  res.once("finish", () => {
    if (req.complete) return;
    if ("stream" in req) {
      if (!req.stream.destroyed) req.stream.close(h2.NGHTTP2_NO_ERROR);
    } else req.socket?.destroySoon();
  });
}

/** As closeIfUnread, and an HTTP/1.1 response says `connection: close`, for an answer given without the body. */
export function endWithoutReadingBody(req: Request, res: Response): void {
  if (req.complete) return;
  if (!("stream" in req) && !res.headersSent) (res as ServerResponse).setHeader("connection", "close");
  closeIfUnread(req, res);
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

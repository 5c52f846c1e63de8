// One port for every client: HTTP/1.1 (browsers, curl, REST) and HTTP/2 cleartext with prior knowledge (Node
// clients, gRPC). The first bytes of a connection decide: the HTTP/2 preface goes to the h2c server.
//
// Every socket is bounded in time and every HTTP/2 connection in streams, whatever it sends (limits.ts):
// - a socket that sends nothing is closed after `headersTimeoutMs` (before any protocol is chosen);
// - HTTP/1.1: header, request and keep-alive timeouts, and an idle timeout. The HTTP servers never `listen()`
//   (sockets are handed to them), and Node only checks header and request timeouts on servers that do, so the
//   checks are started here the way `listen()` starts them;
// - HTTP/2: an idle timeout per connection and per stream, a request deadline per stream, a first request within
//   `headersTimeoutMs`, SETTINGS_MAX_CONCURRENT_STREAMS, a memory cap, and a reset-flood guard: a client that resets
//   more than `http2MaxResetsPerWindow` streams in `http2ResetWindowMs` gets GOAWAY (ENHANCE_YOUR_CALM).
import { createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from "node:http";
import {
  constants as h2,
  createServer as createHttp2Server,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
  type ServerHttp2Stream,
} from "node:http2";
import type { ServerLimits } from "../limits.js";

export type RequestListener = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => void;

export interface Listening {
  port: number;
  host: string;
  /** Takes no new connections: idle HTTP/1.1 connections close, HTTP/2 sessions get GOAWAY; requests in flight go on. */
  stopAccepting(): void;
  /** Stops accepting, waits up to `waitMs` for connections to close by themselves, then closes the rest. */
  close(waitMs?: number): Promise<void>;
}

const H2_PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

export async function listen(handler: RequestListener, port: number, host: string, limits: ServerLimits): Promise<Listening> {
  const http1 = createHttp1Server(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
      // Node checks header and request deadlines on this interval; a tenth of the shortest keeps them within 10%.
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 10))),
    },
    handler as never,
  );
  http1.timeout = limits.idleTimeoutMs;
  // What listen() would do: start the header and request timeout checks (and the connection list they scan).
  http1.emit("listening");

  const http2 = createHttp2Server(
    {
      settings: { maxConcurrentStreams: limits.http2MaxConcurrentStreams, maxHeaderListSize: limits.maxHeaderBytes },
      maxSessionMemory: limits.http2MaxSessionMemoryMiB,
      maxHeaderListPairs: 256,
    },
    handler as never,
  );
  http2.setTimeout(limits.idleTimeoutMs);
  const sockets = new Set<Socket>();
  const sessions = new Set<Http2Session>();
  http2.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
    guardSession(session, limits);
  });
  http2.on("stream", (stream: ServerHttp2Stream) => guardStream(stream, limits));

  const net = createNetServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.setNoDelay(true);
    // A socket that says nothing is closed before it costs more than a descriptor for long.
    const silent = setTimeout(() => socket.destroy(), limits.headersTimeoutMs);
    silent.unref();
    // Peek without consuming: read what has arrived, put it back, and hand the socket over untouched.
    const onReadable = () => {
      const chunk = socket.read() as Buffer | null;
      if (chunk === null) return;
      clearTimeout(silent);
      socket.removeListener("readable", onReadable);
      socket.unshift(chunk);
      const n = Math.min(chunk.length, H2_PREFACE.length);
      const isH2 = chunk.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      (isH2 ? http2 : http1).emit("connection", socket);
    };
    socket.on("readable", onReadable);
  });
  net.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    net.once("error", reject);
    net.listen(port, host, () => resolve());
  });
  const address = net.address() as AddressInfo;
  const closed = new Promise<void>((resolve) => net.once("close", resolve));
  const stopAccepting = () => {
    if (net.listening) net.close();
    http1.closeIdleConnections();
    for (const s of sessions) s.close();
  };
  return {
    port: address.port,
    host,
    stopAccepting,
    close: async (waitMs = 0) => {
      stopAccepting(); // again: connections that went idle since are closed now
      if (sessions.size > 0 && waitMs > 0) {
        // HTTP/2 sessions told GOAWAY close by themselves once their streams end, after flushing their last frames.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, waitMs);
          const check = () => sessions.size === 0 && (clearTimeout(timer), resolve());
          for (const session of sessions) session.once("close", () => setImmediate(check));
        });
      }
      for (const s of sessions) s.destroy();
      for (const s of sockets) s.destroy();
      http1.closeAllConnections();
      // Stops the timeout checks started above (the server itself was never listening).
      http1.close(() => {});
      await closed;
    },
  };
}

/** A first request within the header timeout, and no more resets than the flood guard allows. */
function guardSession(session: Http2Session, limits: ServerLimits): void {
  let sawStream = false;
  const firstRequest = setTimeout(() => {
    if (!sawStream) session.destroy();
  }, limits.headersTimeoutMs);
  firstRequest.unref();
  const resets: number[] = [];
  session.on("stream", (stream: ServerHttp2Stream) => {
    sawStream = true;
    clearTimeout(firstRequest);
    stream.once("close", () => {
      // A stream the client reset before it was answered: the cost of a rapid-reset flood.
      if (stream.rstCode === h2.NGHTTP2_NO_ERROR || stream.headersSent) return;
      const now = Date.now();
      resets.push(now);
      while (resets.length > 0 && resets[0]! <= now - limits.http2ResetWindowMs) resets.shift();
      if (resets.length > limits.http2MaxResetsPerWindow && !session.destroyed) {
        // GOAWAY, then a graceful close: destroying at once could reset the socket before the GOAWAY is read.
        session.goaway(h2.NGHTTP2_ENHANCE_YOUR_CALM);
        session.close();
        setTimeout(() => session.destroy(), limits.headersTimeoutMs).unref();
      }
    });
  });
  session.on("close", () => clearTimeout(firstRequest));
  session.on("error", () => session.destroy());
}

/** An HTTP/2 stream goes idle no longer than a connection may, and its request must arrive in time. */
function guardStream(stream: ServerHttp2Stream, limits: ServerLimits): void {
  stream.setTimeout(limits.idleTimeoutMs, () => stream.close(h2.NGHTTP2_CANCEL));
  const deadline = setTimeout(() => {
    // The client has sent its whole request once it closed its side, whether or not the body was read.
    if (!stream.destroyed && !stream.readableEnded && !stream.state.remoteClose) stream.close(h2.NGHTTP2_CANCEL);
  }, limits.requestTimeoutMs);
  deadline.unref();
  stream.once("end", () => clearTimeout(deadline));
  stream.once("close", () => clearTimeout(deadline));
  stream.on("error", () => {});
}

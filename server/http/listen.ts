// One port for every client: HTTP/1.1 (browsers, curl, REST) and HTTP/2 cleartext with prior knowledge (Node
// clients, gRPC). The first bytes of a connection decide: the HTTP/2 preface goes to the h2c server.
import { createServer as createNetServer, type AddressInfo, type Socket } from "node:net";
import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse } from "node:http2";

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

export async function listen(handler: RequestListener, port: number, host: string): Promise<Listening> {
  const http1 = createHttp1Server({ keepAliveTimeout: 65_000 }, handler as never);
  const http2 = createHttp2Server({}, handler as never);
  const sockets = new Set<Socket>();
  const sessions = new Set<import("node:http2").Http2Session>();
  http2.on("session", (s) => {
    sessions.add(s);
    s.on("close", () => sessions.delete(s));
  });
  const net = createNetServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.setNoDelay(true);
    // Peek without consuming: read what has arrived, put it back, and hand the socket over untouched.
    const onReadable = () => {
      const chunk = socket.read() as Buffer | null;
      if (chunk === null) return;
      socket.removeListener("readable", onReadable);
      socket.unshift(chunk);
      const n = Math.min(chunk.length, H2_PREFACE.length);
      const isH2 = chunk.subarray(0, n).equals(H2_PREFACE.subarray(0, n));
      (isH2 ? http2 : http1).emit("connection", socket);
    };
    socket.on("readable", onReadable);
  });
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
      await closed;
    },
  };
}

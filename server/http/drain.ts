// Graceful shutdown's bookkeeping: which requests are in flight and which are event streams, so `close()` can let
// calls finish within a grace period, then end the streams and wait (briefly) for their last frame to be written.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

export interface Drain {
  /** Records a request until its response closes; on a draining HTTP/1.1 connection, asks the client to close it. */
  track(req: Request, res: Response, kind: "call" | "stream"): void;
  /** Marks the start of shutdown. */
  begin(): void;
  readonly draining: boolean;
  /** Resolves when no call (or, with "stream", no stream) is in flight, or after `timeoutMs`. */
  idle(kind: "call" | "stream", timeoutMs: number): Promise<void>;
}

export function createDrain(): Drain {
  const open = { call: 0, stream: 0 };
  const waiters = new Set<() => void>();
  let draining = false;
  const settle = () => {
    for (const wake of waiters) wake();
  };
  return {
    track(req, res, kind) {
      open[kind]++;
      if (draining && req.httpVersionMajor === 1) (res as ServerResponse).setHeader("connection", "close");
      res.once("close", () => {
        open[kind]--;
        settle();
      });
    },
    begin() {
      draining = true;
    },
    get draining() {
      return draining;
    },
    idle(kind, timeoutMs) {
      if (open[kind] === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        const check = () => open[kind] === 0 && done();
        const timer = setTimeout(done, timeoutMs);
        waiters.add(check);
      });
    },
  };
}

// The operator's HTTP endpoints, on the server's own port: /healthz (liveness: the process answers), /readyz
// (readiness: storage answers and the server is not shutting down; 503 otherwise) and /metrics (Prometheus text).
// GET and HEAD alike; JSON bodies.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { ServerMetrics } from "./metrics.js";
import { probeStorage, type StorageProbe } from "./storage-probe.js";

export const OPS_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);
const READY_PROBE_TIMEOUT_MS = 2_000;

export interface OpsDeps {
  version: string;
  storage: StorageProbe;
  /** Absent when metrics are turned off (/metrics then answers 404). */
  metrics: ServerMetrics | undefined;
  /** True once shutdown has begun: /readyz answers 503 so load balancers stop sending traffic. */
  draining(): boolean;
}

type Request = IncomingMessage | Http2ServerRequest;
type Response = ServerResponse | Http2ServerResponse;

function send(req: Request, res: Response, status: number, contentType: string, body: string): void {
  const out = res as ServerResponse;
  if (out.destroyed || out.writableEnded) return; // the client left while storage or metrics were asked
  out.writeHead(status, { "content-type": contentType, "cache-control": "no-store", "content-length": Buffer.byteLength(body) });
  out.end(req.method === "HEAD" ? undefined : body);
}

/** Answers an ops endpoint; returns false (touching nothing) when the request is not one. */
export function serveOps(req: Request, res: Response, path: string, deps: OpsDeps): boolean {
  if (!OPS_PATHS.has(path) || (req.method !== "GET" && req.method !== "HEAD")) return false;
  const json = (status: number, body: unknown) => send(req, res, status, "application/json", JSON.stringify(body));
  switch (path) {
    case "/healthz":
      json(200, { status: "ok", version: deps.version });
      break;
    case "/readyz":
      if (deps.draining()) json(503, { status: "shutting down" });
      else {
        void probeStorage(deps.storage, READY_PROBE_TIMEOUT_MS).then(({ ok, detail }) =>
          json(ok ? 200 : 503, { status: ok ? "ready" : "storage unreachable", storage: detail }),
        );
      }
      break;
    case "/metrics":
      if (!deps.metrics) json(404, { status: "metrics are turned off" });
      else {
        void deps.metrics.render().then(
          ({ contentType, body }) => send(req, res, 200, contentType, body),
          (err: unknown) => send(req, res, 500, "text/plain", `metrics failed: ${String(err)}\n`),
        );
      }
  }
  return true;
}

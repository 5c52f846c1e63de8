// Which part of the server answers a request, decided once from the one parsed path: CORS preflights, the health
// check, the raw event stream, the REST routes, and else the Connect router.
import type { ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { isRawEventStream, RAW_STREAM_PATH, serveRawEventStream } from "../events/raw-event-stream.js";
import type { EventStreamDeps } from "../events/event-stream.js";
import { findRoute, handleRest, sendBadPath, type RestDeps } from "../rest/rest-router.js";
import { applyCors, type CorsOrigins } from "./cors.js";
import type { RequestListener } from "./listen.js";
import { parseRequestPath } from "./request-path.js";

export interface DispatchDeps {
  corsOrigins: CorsOrigins;
  clock: Clock;
  logger: Logger;
  streams: EventStreamDeps;
  rest: RestDeps;
  rpc: RequestListener;
}

export function createDispatcher(deps: DispatchDeps): RequestListener {
  return (req, res) => {
    const parsed = parseRequestPath(req.url);
    if (applyCors(req, res, deps.corsOrigins)) return; // a preflight, answered
    if (!parsed.ok) return sendBadPath(req, res, parsed.reason, deps.clock.now());
    if (req.method === "GET" && parsed.segments.length === 1 && parsed.segments[0] === "healthz") {
      (res as ServerResponse).writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
      return;
    }
    if (parsed.path === RAW_STREAM_PATH && isRawEventStream(req) && serveRawEventStream(req, res, deps.streams)) return;
    const route = findRoute(req.method ?? "GET", parsed.segments);
    if (route) {
      handleRest(req, res, route, parsed.query, deps.rest).catch((err: unknown) => {
        deps.logger.error({ err }, "REST response failed");
        res.destroy();
      });
      return;
    }
    deps.rpc(req, res);
  };
}

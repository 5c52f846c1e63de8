// Which part of the server answers a request, decided once from the one parsed path: CORS preflights, the special
// handlers (ops endpoints, uploads, the hot paths of sending and streaming), the REST routes, and else the Connect
// router. A path that is not canonical is answered 400 before any of them sees it.
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { findRoute, handleRest, sendBadPath, type RestDeps } from "../rest/rest-router.js";
import { applyCors, type CorsOrigins } from "./cors.js";
import type { RequestListener } from "./listen.js";
import { parseRequestPath } from "./request-path.js";

type Request = Parameters<RequestListener>[0];
type Response = Parameters<RequestListener>[1];

/** A handler that answers a request it serves and returns true, or returns false without touching it. */
export type SpecialHandler = (req: Request, res: Response, path: string) => boolean;

export interface DispatchDeps {
  corsOrigins: CorsOrigins;
  clock: Clock;
  logger: Logger;
  /** Tried in order before the REST routes and the RPC router. */
  special: readonly SpecialHandler[];
  rest: RestDeps;
  rpc: RequestListener;
  /** Told of every request the REST routes or the RPC router take (for graceful shutdown). */
  track?: (req: Request, res: Response, kind: "call" | "stream") => void;
}

export function createDispatcher(deps: DispatchDeps): RequestListener {
  return (req, res) => {
    const parsed = parseRequestPath(req.url);
    if (applyCors(req, res, deps.corsOrigins)) return; // a preflight, answered
    if (!parsed.ok) return sendBadPath(req, res, parsed.reason, deps.clock.now());
    for (const special of deps.special) if (special(req, res, parsed.path)) return;
    const route = findRoute(req.method ?? "GET", parsed.segments);
    if (route) {
      deps.track?.(req, res, "call");
      handleRest(req, res, route, parsed.query, deps.rest).catch((err: unknown) => {
        deps.logger.error({ err }, "REST response failed");
        res.destroy();
      });
      return;
    }
    deps.track?.(req, res, parsed.path.endsWith("/StreamEvents") ? "stream" : "call");
    deps.rpc(req, res);
  };
}

// The outermost interceptor: counts and times every RPC by method and outcome, writes the access log at `debug`
// and logs refused credentials at `info` with their official code (70xxx; never the UserSig or token itself).
import { ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import type { ServerMetrics } from "../observability/metrics.js";
import { officialCodeOf } from "./chat-error.js";
import { sessionKey } from "./context.js";

/** Whether an official code means the caller's credentials were refused. */
export function isAuthFailure(code: number): boolean {
  return (code >= 70000 && code < 71000) || code === 990003;
}

export function createObserveInterceptor(deps: { metrics: ServerMetrics; logger: Logger }): Interceptor {
  return (next) => async (req) => {
    const method = `${req.service.typeName}.${req.method.name}`;
    const started = performance.now();
    let code = "0";
    try {
      return await next(req);
    } catch (err) {
      const official = officialCodeOf(err);
      code = official !== undefined ? String(official) : err instanceof ConnectError ? `connect_${err.code}` : "unknown";
      if (official !== undefined && isAuthFailure(official)) {
        deps.metrics.authFailure(official);
        if (official !== 990003) {
          const userId = req.method.name === "Login" ? (req.message as { userId?: string }).userId : undefined;
          deps.logger.info({ method, code: official, userId, peer: req.header.get("x-forwarded-for") ?? undefined }, "auth failed");
        }
      }
      throw err;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      deps.metrics.rpc(method, code, seconds);
      if (deps.logger.isLevelEnabled("debug")) {
        deps.logger.debug({ method, code: Number(code) || code, ms: Math.round(seconds * 1e4) / 10, userId: req.contextValues.get(sessionKey)?.userId }, "rpc");
      }
    }
  };
}

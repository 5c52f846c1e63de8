// Cross-cutting request handling, in the order a request meets it: error normalisation, authentication,
// validation of documented limits (generated from the spec), and per-user rate limits (from the spec).
import { ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import { methodPolicies } from "../generated/services.js";
import { validators } from "../generated/validators.js";
import type { Clock } from "../clock.js";
import type { RateLimiter } from "../presence/rate-limiter.js";
import type { SessionRegistry } from "../sessions/session-registry.js";
import type { Session } from "../sessions/session.js";
import { chatError, officialCodeOf } from "./chat-error.js";
import { adminKey, sessionKey } from "./context.js";
import { verifyAdmin } from "./admin-auth.js";
import { bearerToken } from "../http/bearer-token.js";
import { StorageUnavailableError } from "../storage/storage-errors.js";

/** Methods callable without a session. */
const PUBLIC_METHODS = new Set(["chatwire.v1.SessionService.Login", "chatwire.v1.SessionService.GetServerTime"]);
/** Services that take the administrator's UserSig instead of a session. */
const ADMIN_SERVICES = new Set(["chatwire.v1.PresenceAdminService", "chatwire.v1.AccountAdminService"]);

export interface InterceptorDeps {
  sessions: SessionRegistry;
  limiter: RateLimiter;
  clock: Clock;
  sdkAppId: number;
  secretKey: string;
  logger: Logger;
  /** Requests a method's rate limit does not count, e.g. a status query of oneself. */
  rateLimitExemptions: Readonly<Record<string, (message: unknown, session: Session) => boolean>>;
}

export function createInterceptors(deps: InterceptorDeps): Interceptor[] {
  const normaliseErrors: Interceptor = (next) => async (req) => {
    try {
      return await next(req);
    } catch (err) {
      if (officialCodeOf(err) !== undefined) throw err;
      if (err instanceof StorageUnavailableError) {
        deps.logger.warn({ method: req.method.name, reason: err.message }, "storage unavailable");
        throw chatError(990004);
      }
      if (err instanceof ConnectError && err.code !== undefined && !(err.cause instanceof Error)) {
        // Connect's own errors (bad framing, deadline) keep their code; give them a generic official one.
        throw err;
      }
      deps.logger.error({ err, method: req.method.name }, "unexpected error");
      throw chatError(990002);
    }
  };

  const authenticate: Interceptor = (next) => async (req) => {
    const methodName = `${req.service.typeName}.${req.method.name}`;
    if (ADMIN_SERVICES.has(req.service.typeName)) {
      const code = verifyAdmin(bearerToken(req.header.get("authorization")), deps);
      if (code !== 0) throw chatError(code);
      req.contextValues.set(adminKey, true);
    } else if (!PUBLIC_METHODS.has(methodName)) {
      const session = deps.sessions.get(bearerToken(req.header.get("authorization")));
      if (!session) throw chatError(990003);
      deps.sessions.touch(session);
      req.contextValues.set(sessionKey, session);
    }
    return next(req);
  };

  const validate: Interceptor = (next) => async (req) => {
    if (!req.stream) {
      const violation = validators[req.method.input.typeName]?.(req.message);
      if (violation) throw chatError(violation.code, violation.message);
    }
    return next(req);
  };

  const limitRate: Interceptor = (next) => async (req) => {
    const methodName = `${req.service.typeName}.${req.method.name}`;
    const limit = methodPolicies[methodName]?.rateLimit;
    const session = req.contextValues.get(sessionKey);
    if (limit && session && !req.stream) {
      const exempt = deps.rateLimitExemptions[methodName]?.(req.message, session) ?? false;
      if (!exempt && !deps.limiter.tryTake(session.userId, limit)) throw chatError(limit.errorCode);
    }
    return next(req);
  };

  return [normaliseErrors, authenticate, validate, limitRate];
}

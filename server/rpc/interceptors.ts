// Cross-cutting request handling, in the order a request meets it: error normalisation, authentication, login
// attempt limits, validation of documented limits (generated from the spec), and per-user rate limits (from the spec).
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import { methodPolicies } from "../generated/services.js";
import { validators } from "../generated/validators.js";
import type { RateBudget } from "../limits.js";
import type { Session } from "../sessions/session.js";
import { bearerToken } from "../http/bearer-token.js";
import { chatError, officialCodeOf } from "./chat-error.js";
import { identifyCaller, type CallerDeps } from "./caller.js";
import { remoteAddressKey } from "./connect-adapter.js";
import { adminKey, sessionKey } from "./context.js";
import type { RateLimiter } from "./rate-limiter.js";
import { StorageUnavailableError } from "../storage/storage-errors.js";

const LOGIN = "chatwire.v1.SessionService.Login";
const TOO_MANY_LOGINS = 990008;
const INVALID_PARAMETER = 70402;

/** Connect codes that say the client's request was at fault: answered with an official code, never logged. */
const CLIENT_CODES = new Set([Code.InvalidArgument, Code.OutOfRange, Code.FailedPrecondition, Code.ResourceExhausted, Code.Canceled, Code.DeadlineExceeded, Code.Unauthenticated, Code.PermissionDenied, Code.NotFound]);

export interface InterceptorDeps extends CallerDeps {
  limiter: RateLimiter;
  logger: Logger;
  loginAttemptsPerUser: RateBudget;
  loginAttemptsPerAddress: RateBudget;
  /** Requests a method's rate limit does not count, e.g. a status query of oneself. */
  rateLimitExemptions: Readonly<Record<string, (message: unknown, session: Session) => boolean>>;
}

export function createInterceptors(deps: InterceptorDeps): Interceptor[] {
  // The one place a handler's unexpected throw becomes an answer: an official code as is; a client fault Connect
  // raised (a JSON that does not decode, an out-of-range number) as 70402 without a log; anything else 990002,
  // logged with its stack.
  const normaliseErrors: Interceptor = (next) => async (req) => {
    try {
      return await next(req);
    } catch (err) {
      if (officialCodeOf(err) !== undefined) throw err;
      if (err instanceof StorageUnavailableError) {
        deps.logger.warn({ method: req.method.name, reason: err.message }, "storage unavailable");
        throw chatError(990004);
      }
      if (err instanceof ConnectError && CLIENT_CODES.has(err.code)) {
        throw err.code === Code.InvalidArgument ? chatError(INVALID_PARAMETER, err.rawMessage) : err;
      }
      if (err instanceof ConnectError && (err.code === Code.Aborted || err.code === Code.Unavailable)) throw err;
      deps.logger.error({ err, method: req.method.name }, "unexpected error");
      throw chatError(990002);
    }
  };

  const authenticate: Interceptor = (next) => async (req) => {
    const caller = identifyCaller(req.service.typeName, req.method.name, bearerToken(req.header.get("authorization")), deps);
    if (caller.kind === "denied") throw chatError(caller.code);
    if (caller.kind === "admin") req.contextValues.set(adminKey, true);
    if (caller.kind === "session") {
      deps.sessions.touch(caller.session);
      req.contextValues.set(sessionKey, caller.session);
    }
    return next(req);
  };

  const limitLogins: Interceptor = (next) => async (req) => {
    if (`${req.service.typeName}.${req.method.name}` === LOGIN && !req.stream) {
      const userId = (req.message as { userId?: string }).userId ?? "";
      const address = req.contextValues.get(remoteAddressKey);
      const byUser = { bucket: "login-user", ...deps.loginAttemptsPerUser };
      const byAddress = { bucket: "login-address", ...deps.loginAttemptsPerAddress };
      if (!deps.limiter.tryTake(address, byAddress) || !deps.limiter.tryTake(userId, byUser)) throw chatError(TOO_MANY_LOGINS);
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

  return [normaliseErrors, authenticate, limitLogins, validate, limitRate];
}

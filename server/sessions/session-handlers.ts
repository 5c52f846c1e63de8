// SessionService: login by UserSig, logout, heartbeat, server time.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { LoginResponseSchema, type SessionService } from "../../gen/chatwire/v1/session_pb.js";
import { verifyUserSig } from "../auth/user-sig.js";
import type { Clock } from "../clock.js";
import type { EventBus } from "../events/event-bus.js";
import type { Presence } from "../presence/presence.js";
import { chatError } from "../rpc/chat-error.js";
import { isReservedMapKey } from "../validation/violation.js";
import { sessionOf } from "../rpc/context.js";
import type { SessionRegistry } from "./session-registry.js";
import type { Session } from "./session.js";

export interface SessionHandlerDeps {
  sessions: SessionRegistry;
  presence: Presence;
  bus: EventBus;
  clock: Clock;
  sdkAppId: number;
  secretKey: string;
  /** Runs once a login's answer is ready: what it pushes is sequenced after the answer's `eventSequence`. */
  afterLogin?: (session: Session) => void;
}

export function createSessionHandlers(deps: SessionHandlerDeps): ServiceImpl<typeof SessionService> {
  return {
    async login(req) {
      const result = verifyUserSig({
        userSig: req.userSig,
        sdkAppId: deps.sdkAppId,
        secretKey: deps.secretKey,
        nowMs: deps.clock.now(),
        userId: req.userId,
      });
      if (!result.ok) throw chatError(result.code, result.message);
      // Stryker disable next-line StringLiteral: an error's message is prose for people; the suite pins its code
      if (isReservedMapKey(req.deviceId)) throw chatError(70402, `device_id "${req.deviceId}" is reserved`);
      await deps.presence.ensureAccounts([req.userId]);
      const { session, repeat } = deps.sessions.open(req.userId, req.deviceId, req.platform, result.expireAt * 1000);
      // Durable before acknowledged, and the login's own status event is sequenced before the stream's start.
      try {
        await session.started;
      } catch (err) {
        if (!repeat) void deps.sessions.end(session, "shutdown");
        throw err;
      }
      const [status] = (await deps.presence.query(req.userId, [req.userId])).statuses;
      const response = create(LoginResponseSchema, {
        sessionToken: session.token,
        deviceId: session.deviceId,
        serverTime: BigInt(deps.clock.now()),
        userSigExpireTime: BigInt(session.userSigExpireAt),
        repeatLogin: repeat,
        eventSequence: deps.bus.lastSequence(),
        // Stryker disable next-line OptionalChaining: a query of oneself always answers one's own status
        statusType: status?.statusType,
      });
      deps.afterLogin?.(session);
      return response;
    },
    async logout(_req, ctx) {
      // Answered once the logout's presence change (UNLOGINED) is durable.
      await deps.sessions.end(sessionOf(ctx), "logout");
      return {};
    },
    async heartbeat() {
      return { serverTime: BigInt(deps.clock.now()) };
    },
    async getServerTime() {
      return { serverTime: BigInt(deps.clock.now()) };
    },
  };
}

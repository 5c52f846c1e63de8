// Who is calling: one decision for the RPC interceptors and for the transport edge, which must know before it reads
// a body whether the caller may send a large one.
import type { Clock } from "../clock.js";
import type { SessionRegistry } from "../sessions/session-registry.js";
import type { Session } from "../sessions/session.js";
import { verifyAdmin } from "./admin-auth.js";

/** Methods callable without a session. */
export const PUBLIC_METHODS: ReadonlySet<string> = new Set(["chatwire.v1.SessionService.Login", "chatwire.v1.SessionService.GetServerTime"]);
/** Services that take the administrator's UserSig instead of a session. */
export const ADMIN_SERVICES: ReadonlySet<string> = new Set([
  "chatwire.v1.PresenceAdminService",
  "chatwire.v1.AccountAdminService",
  "chatwire.v1.RelationshipAdminService",
]);

export interface CallerDeps {
  sessions: SessionRegistry;
  clock: Clock;
  sdkAppId: number;
  secretKey: string;
}

export type Caller = { kind: "public" } | { kind: "admin" } | { kind: "session"; session: Session } | { kind: "denied"; code: number };

/** The caller of `service.method` with bearer `token`. */
export function identifyCaller(serviceName: string, methodName: string, token: string, deps: CallerDeps): Caller {
  if (ADMIN_SERVICES.has(serviceName)) {
    const code = verifyAdmin(token, deps);
    return code === 0 ? { kind: "admin" } : { kind: "denied", code };
  }
  if (PUBLIC_METHODS.has(`${serviceName}.${methodName}`)) return { kind: "public" };
  const session = deps.sessions.get(token);
  return session ? { kind: "session", session } : { kind: "denied", code: 990003 };
}

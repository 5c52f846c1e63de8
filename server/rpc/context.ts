// Identity travels in context values: the auth interceptor sets them, handlers read them.
import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import type { Session } from "../sessions/session.js";
import { chatError } from "./chat-error.js";

/** The session of the caller, for session-bound RPCs. */
export const sessionKey = createContextKey<Session | undefined>(undefined, { description: "chatwire session" });

/** Set when the caller proved to be the application administrator. */
export const adminKey = createContextKey<boolean>(false, { description: "chatwire administrator" });

export function sessionOf(ctx: HandlerContext): Session {
  const session = ctx.values.get(sessionKey);
  if (!session) throw chatError(990003);
  return session;
}

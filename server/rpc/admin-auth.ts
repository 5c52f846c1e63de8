// Administrator authentication: `authorization: Bearer <UserSig of "administrator">`, for the admin RPCs and the
// Easemob-compatible REST routes alike.
import { verifyUserSig } from "../auth/user-sig.js";
import type { Clock } from "../clock.js";

export const ADMIN_USER_ID = "administrator";
const ADMIN_REQUIRED = 70403;

/** Returns 0 when the token is a valid UserSig of the administrator, else the official code of the failure. */
export function verifyAdmin(token: string, deps: { clock: Clock; sdkAppId: number; secretKey: string }): number {
  const result = verifyUserSig({ userSig: token, sdkAppId: deps.sdkAppId, secretKey: deps.secretKey, nowMs: deps.clock.now() });
  if (!result.ok) return result.code;
  return result.identifier === ADMIN_USER_ID ? 0 : ADMIN_REQUIRED;
}

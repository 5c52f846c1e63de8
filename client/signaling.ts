// The signaling methods the facade implements itself: TSignaling listeners, getSignalingInfo (parses a message the
// application holds) and inviteSync / inviteInGroupSync (the invite ID chosen here, returned at once, the call's
// outcome reported through callbacks). invite, cancel, accept, reject and modifyInvitation are plain RPCs.
import { rpcBinding } from "./bindings.js";
import type { ChatCore } from "./chat-core.js";
import type { ChatEventHandler } from "./emitter.js";
import { toChatError } from "./errors.js";
import type { MethodImpl } from "./local-methods.js";

/** The official `Signaling` object getSignalingInfo returns. */
export interface SignalingInfo {
  inviteID: string;
  groupID: string;
  inviter: string;
  inviteeList: string[];
  data: string;
  actionType: number;
  timeout: number;
}

/** The signaling record a message carries (a custom message whose payload.data has businessID 1), or null. */
export function getSignalingInfo(message: unknown): SignalingInfo | null {
  const payload = (message as { payload?: { data?: unknown } } | null | undefined)?.payload;
  if (typeof payload?.data !== "string") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.data);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const o = parsed as Record<string, unknown>;
  if (Number(o.businessID) !== 1 || typeof o.inviteID !== "string") return null;
  return {
    inviteID: o.inviteID,
    groupID: typeof o.groupID === "string" ? o.groupID : "",
    inviter: typeof o.inviter === "string" ? o.inviter : "",
    inviteeList: Array.isArray(o.inviteeList) ? o.inviteeList.filter((u): u is string => typeof u === "string") : [],
    data: typeof o.data === "string" ? o.data : "",
    actionType: typeof o.actionType === "number" ? o.actionType : 0,
    timeout: typeof o.timeout === "number" ? o.timeout : 0,
  };
}

function newInviteId(): string {
  return globalThis.crypto.randomUUID();
}

/** inviteSync / inviteInGroupSync over the RPC of `method`: returns the invite ID before the call settles. */
function syncInvite(core: ChatCore, method: "invite" | "inviteInGroup"): MethodImpl {
  return (options, successCb, errorCb) => {
    const inviteID = newInviteId();
    core.runtime.invoke(rpcBinding(method), [{ ...(options as object), inviteID }]).then(
      () => (successCb as ((r: { inviteID: string }) => void) | undefined)?.({ inviteID }),
      (err: unknown) => {
        const e = toChatError(err);
        (errorCb as ((code: number, message: string) => void) | undefined)?.(e.code, e.message);
      },
    );
    return inviteID;
  };
}

export function signalingMethods(core: ChatCore): Readonly<Record<string, MethodImpl>> {
  return {
    addSignalingListener: (eventName, handler, context) =>
      core.signalingEmitter.on(eventName as string, handler as ChatEventHandler, context),
    removeSignalingListener: (eventName, handler, context) =>
      core.signalingEmitter.off(eventName as string, handler as ChatEventHandler, context),
    getSignalingInfo: (message) => getSignalingInfo(message),
    inviteSync: syncInvite(core, "invite"),
    inviteInGroupSync: syncInvite(core, "inviteInGroup"),
  };
}

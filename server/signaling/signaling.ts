// The signaling domain: invitations from one inviter to one user (or to members of a group), answered by each
// invitee, cancelled by the inviter or timed out by the server. The invitation and its invitees' answers are rows;
// each action is also a custom message in the C2C conversation (payload.data = the SignalingInvitation JSON, as the
// official SDK stores it) unless the invitation is `online_user_only`, and a TSignaling event for the parties.
// Timeouts are durable timers on the server's clock, claimed in the transaction that times the invitees out.
// Order of every action: its rows commit, then its message is stored, then the parties hear of it.
import { create } from "@bufbuild/protobuf";
import { createHash, randomUUID } from "node:crypto";
import { MessageControlInfoSchema, MessageSchema, SendMessageRequestSchema, type OfflinePushInfo } from "../../gen/chatwire/v1/message_pb.js";
import { ConversationType, MessageElemType, SignalingActionType } from "../../gen/chatwire/v1/types_pb.js";
import type { Accounts } from "../accounts/accounts.js";
import type { Clock } from "../clock.js";
import { c2cKey } from "../conversations/conversation-id.js";
import type { GroupDirectory } from "../conversations/conversations.js";
import type { EventBus } from "../events/event-bus.js";
import type { EventPayload } from "../events/encoded-event.js";
import { decodeMessage } from "../messages/message-view.js";
import type { MessageStore } from "../messages/message-store.js";
import type { Messages } from "../messages/messages.js";
import { chatError } from "../rpc/chat-error.js";
import type { Session } from "../sessions/session.js";
import type { Db } from "../storage/db.js";
import type { DurableTimers } from "../timers/durable-timers.js";
import { InviteeState, type Invitation, type SignalingStore } from "./signaling-store.js";

export const TIMEOUT_TIMER = "signaling.timeout";

const INVALID_INVITE_ID = 8010;
const NO_PERMISSION = 8011;
const ALREADY_EXISTS = 8012;
const INVALID_CANCEL = 8020;
const GROUP_NOT_FOUND = 10010;
const NOT_GROUP_MEMBER = 10007;
const MEMBER_NOT_IN_GROUP = 2623;
const USER_NOT_FOUND = 70107;
const INVALID_PARAMETER = 70402;
const MESSAGE_TOO_LONG = 80002;
/** A signaling message's JSON may hold at most 12 KB (the message body limit). */
const MAX_SIGNALING_BYTES = 12 * 1024;
/** The most invitees one InviteInGroup may name. */
export const MAX_GROUP_INVITEES = 100;
/** The longest group ID accepted (as in conversation IDs). */
const MAX_GROUP_ID_BYTES = 48;
/** The longest timeout accepted, in seconds (a day; a call invitation is seconds to minutes). */
export const MAX_TIMEOUT_SECONDS = 86_400;
/** The most pending invitations shown again at login, newest first. */
const MAX_PENDING_AT_LOGIN = 20;

export interface SignalingDeps {
  db: Db;
  store: SignalingStore;
  messages: Messages;
  messageStore: MessageStore;
  accounts: Accounts;
  groups: GroupDirectory;
  timers: DurableTimers;
  bus: EventBus;
  clock: Clock;
  isOnline(userId: string): boolean;
  /** Reports a signaling message that could not be stored after its action was committed. */
  onError(err: unknown, what: string): void;
}

export interface InviteInput {
  inviteId: string;
  groupId: string;
  invitees: readonly string[];
  data: string;
  timeout: number;
  onlineUserOnly: boolean;
  offlinePushInfo: OfflinePushInfo | undefined;
}

/** The JSON of a signaling message's payload.data, in the official SDK's key order. */
function signalingJson(inv: Invitation, action: SignalingActionType, inviteeList: readonly string[], data: string): string {
  return JSON.stringify({
    businessID: 1,
    inviteID: inv.inviteId,
    inviter: inv.inviter,
    actionType: action,
    inviteeList,
    data,
    timeout: inv.timeout,
    groupID: inv.groupId,
  });
}

/** What the invitation's data says about history: every action excluded, or only the timeout. */
function exclusions(data: string): { all: boolean; timeout: boolean } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return { all: false, timeout: false };
  }
  if (typeof parsed !== "object" || parsed === null) return { all: false, timeout: false };
  const o = parsed as Record<string, unknown>;
  const all = o.excludeFromHistoryMessage === true || o.excludeOriginalSignalingFromHistoryMessage === true;
  return { all, timeout: all || o.excludeTimeoutSignalingFromHistoryMessage === true };
}

export class Signaling {
  constructor(private readonly deps: SignalingDeps) {
    deps.timers.on(TIMEOUT_TIMER, async (firing) => {
      const outcome = await deps.db.transact(async (trx) => {
        if (!(await firing.claim(trx))) return undefined;
        const inv = await deps.store.get(firing.key, trx);
        if (!inv || inv.ended) return undefined;
        const pending = inv.invitees.filter((i) => i.state === InviteeState.pending).map((i) => i.userId);
        const timedOut = await deps.store.answer(trx, inv.inviteId, pending, InviteeState.timedOut);
        await deps.store.endIfSettled(trx, inv.inviteId);
        return { inv, timedOut };
      });
      if (outcome && outcome.timedOut.length > 0) await this.timedOut(outcome.inv, outcome.timedOut);
    });
  }

  // ---- inviting

  async invite(session: Session, input: InviteInput): Promise<{ inviteId: string; messageId: string }> {
    const inviter = session.userId;
    const { deps } = this;
    if (input.timeout > MAX_TIMEOUT_SECONDS) throw chatError(INVALID_PARAMETER, `timeout may be at most ${MAX_TIMEOUT_SECONDS} s`);
    const invitees = [...new Set(input.invitees)].sort();
    if (input.groupId) {
      if (invitees.length > MAX_GROUP_INVITEES) throw chatError(INVALID_PARAMETER, `at most ${MAX_GROUP_INVITEES} invitees`);
      if (Buffer.byteLength(input.groupId) > MAX_GROUP_ID_BYTES) throw chatError(INVALID_PARAMETER, `a group ID holds at most ${MAX_GROUP_ID_BYTES} bytes`);
      if (!(await deps.groups.exists(input.groupId))) throw chatError(GROUP_NOT_FOUND);
      if (!(await deps.groups.isMember(input.groupId, inviter))) throw chatError(NOT_GROUP_MEMBER);
      for (const userId of invitees) if (!(await deps.groups.isMember(input.groupId, userId))) throw chatError(MEMBER_NOT_IN_GROUP, `${userId} is not a member`);
      if (!input.onlineUserOnly) throw chatError(990001, "stored group invitations come with the groups domain's group messages");
    } else {
      const invitee = invitees[0]!;
      if (invitee === inviter) throw chatError(INVALID_PARAMETER, "an invitation cannot invite its inviter");
      if (!(await deps.accounts.existing([invitee])).has(invitee)) throw chatError(USER_NOT_FOUND);
      // Whoever may not message the invitee (blacklisted: 20007, not friends: 20009) may not ring it either.
      const refused = await deps.messages.refusal(inviter, invitee);
      if (refused !== 0) throw chatError(refused);
    }
    if (invitees.length === 0 || invitees.includes(inviter)) throw chatError(INVALID_PARAMETER, "the invitees must be other users");
    const now = deps.clock.now();
    const inv: Invitation = {
      inviteId: input.inviteId || randomUUID(),
      inviter,
      groupId: input.groupId,
      data: input.data,
      timeout: input.timeout,
      onlineOnly: input.onlineUserOnly,
      messageId: "",
      createTime: now,
      ended: false,
      invitees: invitees.map((userId) => ({ userId, state: InviteeState.pending })),
    };
    const json = signalingJson(inv, SignalingActionType.INVITE, invitees, inv.data);
    if (Buffer.byteLength(json) > MAX_SIGNALING_BYTES) throw chatError(MESSAGE_TOO_LONG);
    if (!inv.onlineOnly) inv.messageId = messageIdOf(inv.inviteId, "invite", "");
    const inserted = await deps.db.transact(async (trx) => {
      if (!(await deps.store.insert(trx, inv))) return false;
      if (inv.timeout > 0) await deps.timers.schedule(TIMEOUT_TIMER, inv.inviteId, now + inv.timeout * 1000, "", trx);
      return true;
    });
    if (!inserted) throw chatError(ALREADY_EXISTS);
    if (!inv.onlineOnly) {
      try {
        await this.store(inv, inviter, invitees[0]!, SignalingActionType.INVITE, invitees, inv.data, inv.messageId, session.id, input.offlinePushInfo);
      } catch (err) {
        // Nobody heard of it: the invitation ends before anyone can answer it, and the call fails.
        await deps.db.transact(async (trx) => {
          await deps.store.answer(trx, inv.inviteId, invitees, InviteeState.cancelled);
          await deps.store.endIfSettled(trx, inv.inviteId);
          await deps.timers.cancel(TIMEOUT_TIMER, inv.inviteId, trx);
        });
        throw err;
      }
    }
    const event: EventPayload = {
      case: "newInvitationReceived",
      value: { $typeName: "chatwire.v1.NewInvitationReceived", inviteId: inv.inviteId, inviter, groupId: inv.groupId, data: inv.data, inviteeList: invitees },
    };
    const reach = inv.onlineOnly ? invitees.filter((u) => deps.isOnline(u)) : invitees;
    if (reach.length > 0) deps.bus.publish(reach, event);
    return { inviteId: inv.inviteId, messageId: inv.messageId };
  }

  // ---- answering

  async cancel(session: Session, inviteId: string, data: string): Promise<{ inviteId: string; messageId: string }> {
    const inv = await this.deps.store.get(inviteId);
    if (!inv || inv.ended) throw chatError(INVALID_CANCEL);
    if (inv.inviter !== session.userId) throw chatError(NO_PERMISSION, "only the inviter may cancel");
    this.checkSize(inv, SignalingActionType.CANCEL_INVITE, data);
    const cancelled = await this.deps.db.transact(async (trx) => {
      const moved = await this.deps.store.answer(trx, inviteId, inv.invitees.map((i) => i.userId), InviteeState.cancelled);
      if (moved.length === 0) return moved;
      await this.deps.store.endIfSettled(trx, inviteId);
      await this.deps.timers.cancel(TIMEOUT_TIMER, inviteId, trx);
      return moved;
    });
    if (cancelled.length === 0) throw chatError(INVALID_CANCEL);
    const messageId = inv.onlineOnly ? "" : messageIdOf(inviteId, "cancel", "");
    if (!inv.onlineOnly) await this.record(() => this.store(inv, inv.inviter, cancelled[0]!, SignalingActionType.CANCEL_INVITE, cancelled, data, messageId, session.id));
    this.deps.bus.publish(this.reach(inv, cancelled), {
      case: "invitationCancelled",
      value: { $typeName: "chatwire.v1.InvitationCancelled", inviteId, inviter: inv.inviter, groupId: inv.groupId, data },
    });
    return { inviteId, messageId };
  }

  async answer(session: Session, inviteId: string, data: string, accept: boolean): Promise<{ inviteId: string; messageId: string }> {
    const invitee = session.userId;
    const inv = await this.deps.store.get(inviteId);
    if (!inv || inv.ended) throw chatError(INVALID_INVITE_ID);
    const own = inv.invitees.find((i) => i.userId === invitee);
    if (!own || own.state !== InviteeState.pending) throw chatError(NO_PERMISSION, "only an invitee that has not answered may answer");
    const action = accept ? SignalingActionType.ACCEPT_INVITE : SignalingActionType.REJECT_INVITE;
    this.checkSize(inv, action, data);
    const moved = await this.deps.db.transact(async (trx) => {
      const done = await this.deps.store.answer(trx, inviteId, [invitee], accept ? InviteeState.accepted : InviteeState.rejected);
      if (done.length > 0 && (await this.deps.store.endIfSettled(trx, inviteId))) await this.deps.timers.cancel(TIMEOUT_TIMER, inviteId, trx);
      return done.length > 0;
    });
    if (!moved) {
      // Timed out or cancelled meanwhile.
      const now = await this.deps.store.get(inviteId);
      throw now?.ended ? chatError(INVALID_INVITE_ID) : chatError(NO_PERMISSION, "already answered");
    }
    const messageId = inv.onlineOnly ? "" : messageIdOf(inviteId, accept ? "accept" : "reject", invitee);
    if (!inv.onlineOnly) await this.record(() => this.store(inv, invitee, inv.inviter, action, [invitee], data, messageId, session.id));
    const others = [inv.inviter, ...inv.invitees.map((i) => i.userId)];
    const value = { inviteId, inviter: inv.inviter, groupId: inv.groupId, data, invitee };
    const event: EventPayload = accept
      ? { case: "inviteeAccepted", value: { $typeName: "chatwire.v1.InviteeAccepted", ...value } }
      : { case: "inviteeRejected", value: { $typeName: "chatwire.v1.InviteeRejected", ...value } };
    this.deps.bus.publish(this.reach(inv, others), event, { exceptSessionId: session.id });
    return { inviteId, messageId };
  }

  async modify(session: Session, inviteId: string, data: string): Promise<{ inviteId: string; messageId: string }> {
    const userId = session.userId;
    const inv = await this.deps.store.get(inviteId);
    if (!inv || inv.ended) throw chatError(INVALID_INVITE_ID);
    if (userId !== inv.inviter && !inv.invitees.some((i) => i.userId === userId)) throw chatError(NO_PERMISSION, "only the inviter or an invitee may modify");
    if (inv.onlineOnly) throw chatError(NO_PERMISSION, "an online-only invitation cannot be modified");
    const next: Invitation = { ...inv, data };
    const json = signalingJson(next, SignalingActionType.INVITE, inv.invitees.map((i) => i.userId), data);
    if (Buffer.byteLength(json) > MAX_SIGNALING_BYTES) throw chatError(MESSAGE_TOO_LONG);
    const changed = await this.deps.db.transact((trx) => this.deps.store.setData(trx, inviteId, data));
    if (!changed) throw chatError(INVALID_INVITE_ID);
    // The invitation message, modified in place by its sender (MESSAGE_MODIFIED to both sides).
    await this.record(async () => {
      const stored = await this.deps.messageStore.byId(c2cKey(inv.inviter, inv.invitees[0]!.userId), inv.messageId);
      const current = stored && decodeMessage(stored);
      if (current?.payload.case !== "custom") return;
      await this.deps.messages.modify({ userId: inv.inviter }, { ...current, payload: { case: "custom", value: { ...current.payload.value, data: json } } });
    });
    this.deps.bus.publish(
      [inv.inviter, ...inv.invitees.map((i) => i.userId)],
      { case: "invitationModified", value: { $typeName: "chatwire.v1.InvitationModified", inviteId, data } },
      { exceptSessionId: session.id },
    );
    return { inviteId, messageId: inv.messageId };
  }

  // ---- login

  /** Tells a session that has just logged in of the invitations still waiting for its user's answer. */
  async greet(session: Session): Promise<void> {
    const now = this.deps.clock.now();
    const pending = await this.deps.store.pendingFor(session.userId, MAX_PENDING_AT_LOGIN);
    for (const inv of pending.reverse()) {
      if (inv.timeout > 0 && inv.createTime + inv.timeout * 1000 <= now) continue;
      this.deps.bus.publishToSession(session, {
        case: "newInvitationReceived",
        value: {
          $typeName: "chatwire.v1.NewInvitationReceived",
          inviteId: inv.inviteId,
          inviter: inv.inviter,
          groupId: inv.groupId,
          data: inv.data,
          inviteeList: inv.invitees.map((i) => i.userId),
        },
      });
    }
  }

  // ---- helpers

  private async timedOut(inv: Invitation, timedOut: string[]): Promise<void> {
    if (!inv.onlineOnly) {
      const messageId = messageIdOf(inv.inviteId, "timeout", "");
      await this.record(() =>
        this.store(inv, inv.inviter, timedOut[0]!, SignalingActionType.INVITE_TIMEOUT, timedOut, inv.data, messageId, "", undefined, exclusions(inv.data).timeout),
      );
    }
    const base = { inviteId: inv.inviteId, inviter: inv.inviter, groupId: inv.groupId, data: inv.data };
    this.deps.bus.publish([inv.inviter], {
      case: "invitationTimeout",
      value: { $typeName: "chatwire.v1.InvitationTimeout", ...base, inviteeList: timedOut, isSelfTimeout: false },
    });
    for (const userId of this.reach(inv, timedOut)) {
      this.deps.bus.publish([userId], {
        case: "invitationTimeout",
        value: { $typeName: "chatwire.v1.InvitationTimeout", ...base, inviteeList: [userId], isSelfTimeout: true },
      });
    }
  }

  /**
   * Stores the message of an action already committed. The action stands whatever happens to its message (a policy
   * that now refuses the pair, storage trouble): the parties are still told, the failure is reported.
   */
  private async record(store: () => Promise<void>): Promise<void> {
    try {
      await store();
    } catch (err) {
      this.deps.onError(err, "signaling: the message of a committed action was not stored");
    }
  }

  /** Who hears of an action: for an online-only invitation, only the users online now. */
  private reach(inv: Invitation, users: readonly string[]): string[] {
    const unique = [...new Set(users)];
    return inv.onlineOnly ? unique.filter((u) => this.deps.isOnline(u)) : unique;
  }

  private checkSize(inv: Invitation, action: SignalingActionType, data: string): void {
    if (Buffer.byteLength(signalingJson(inv, action, inv.invitees.map((i) => i.userId), data)) > MAX_SIGNALING_BYTES) throw chatError(MESSAGE_TOO_LONG);
  }

  /** Stores one action's custom message in the C2C conversation of `from` and `to` (a resend stores nothing twice). */
  private async store(
    inv: Invitation,
    from: string,
    to: string,
    action: SignalingActionType,
    inviteeList: readonly string[],
    data: string,
    messageId: string,
    exceptSessionId: string,
    offlinePushInfo?: OfflinePushInfo,
    excluded = exclusions(inv.data).all,
  ): Promise<void> {
    const message = create(MessageSchema, {
      messageId,
      type: MessageElemType.CUSTOM,
      conversationType: ConversationType.C2C,
      to,
      payload: { case: "custom", value: { data: signalingJson(inv, action, inviteeList, data), description: "", extension: "" } },
    });
    await this.deps.messages.sendAs(
      from,
      create(SendMessageRequestSchema, {
        message,
        offlinePushInfo,
        messageControlInfo: excluded ? create(MessageControlInfoSchema, { excludedFromUnreadCount: true, excludedFromLastMessage: true }) : undefined,
      }),
      exceptSessionId,
    );
  }
}

/** A stable message ID per invitation and action, so a retried action stores its message once. */
function messageIdOf(inviteId: string, action: string, userId: string): string {
  return `sig-${createHash("sha256").update(`${inviteId}\u0000${action}\u0000${userId}`).digest("hex").slice(0, 32)}`;
}

// The messages domain: sending (C2C and group messages: a group message is stored once and fanned out with one
// encoding to the members' sessions), history, revoke, delete,
// modify, read reports and C2C read receipts, merger downloads. A message is stored (with its sequence allocated in
// the database and its conversations updated, in one group-committed transaction) before SendMessage answers and
// before any recipient hears of it; every event is built from what was committed.
import { create, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { randomBytes, randomInt } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorDetailSchema } from "../../gen/chatwire/v1/error_code_pb.js";
import {
  GroupSystemNoticeGroupProfileSchema,
  GroupSystemNoticePayloadSchema,
  GroupTipGroupProfileSchema,
  GroupTipPayloadSchema,
  MergerPayloadSchema,
  MessageControlInfoSchema,
  MessageSchema,
  ReadReceiptInfoSchema,
  UserInfoSchema,
  type GetMessageListHoppingRequest,
  type Message,
  type SendMessageRequest,
} from "../../gen/chatwire/v1/message_pb.js";
import { MessageReadReceiptSchema } from "../../gen/chatwire/v1/message_reaction_pb.js";
import { ConversationType, MessageElemType, MessagePriority, MessageRemindType, ReadAllType } from "../../gen/chatwire/v1/types_pb.js";
import type { Accounts } from "../accounts/accounts.js";
import type { Clock } from "../clock.js";
import { c2cConversationId, groupKey, keyOf, parseConversationId, SYSTEM_CONVERSATION_ID, systemKey, type ConversationRef } from "../conversations/conversation-id.js";
import { rowKey, unreadOf, type Allocation, type ConversationRecord, type ParticipantRow } from "../conversations/conversation-store.js";
import type { Conversations, ProfileSource } from "../conversations/conversations.js";
import type { EventBus } from "../events/event-bus.js";
import type { EventPayload } from "../events/encoded-event.js";
import { chatError, messageOf } from "../rpc/chat-error.js";
import type { Session } from "../sessions/session.js";
import type { Db, Tx } from "../storage/db.js";
import { MessageFlag, type MessageStore, type StoredMessage } from "./message-store.js";
import { decodeMessage, elemTypeOfPayload, messageForShow, viewFor, type ViewContext } from "./message-view.js";

const INVALID_CONV_TYPE = 2106;
const REVOKE_FAILED = 2110;
const CANNOT_DELETE_SYSTEM_NOTICE = 2116;
const MERGER_TYPE_INVALID = 2450;
const MERGER_KEY_INVALID = 2451;
const MODIFY_CONFLICT = 2480;
const INVALID_CONV_ID = 2503;
const MESSAGE_NOT_FOUND = 20026;
const INVALID_PARAMETER = 70402;
const USER_NOT_FOUND = 70107;
const MESSAGE_TOO_LONG = 80002;
const MAX_BODY_BYTES = 12 * 1024;
const PAGE_SIZE = 15;
/** The most messages a MESSAGE_READ_BY_PEER event lists (the newest ones; the conversation's peer read time covers the rest). */
const MAX_READ_BY_PEER = 100;
const MAX_MESSAGE_ID_BYTES = 128;
/** The most messages one GetMessageReadReceiptList may ask about (the spec sets no limit; a page of history is 15). */
const MAX_RECEIPT_QUERY = 100;

/**
 * Whether a user may send a C2C message to another (the relationships domain implements it): 0 when allowed, else
 * the official code, e.g. 20007 (blacklisted by the receiver) or 20009 (not friends while the friend check is on).
 */
export interface SendPolicy {
  check(senderId: string, receiverId: string): Promise<number>;
}

export const allowAll: SendPolicy = { check: async () => 0 };

/** A group's next message sequence and last message, for group profiles. */
export interface GroupHead {
  nextSeq: number;
  last?: { time: number; seq: number; from: string; forShow: string };
}

/** A group system notice (GroupSystemNoticePayload; operation types as the proto numbers them). */
export interface GroupSystemNotice {
  operationType: number;
  groupId: string;
  groupName: string;
  groupType: number;
  operatorId: string;
  handleMessage?: string;
}

/** What sending to a group needs of the groups domain (server/groups/). */
export interface GroupMessaging {
  /** Whether `userId` may send to the group: code 0 with its name card, else the official code (10010, 10007, 10017). */
  senderOf(groupId: string, userId: string): Promise<{ code: number; nameCard: string }>;
  /** Every member's user ID: who receives a group message. */
  memberIds(groupId: string): Promise<string[]>;
  isMember(groupId: string, userId: string): Promise<boolean>;
  /** Whether the user owns or administers the group (may revoke others' messages). */
  isManager(groupId: string, userId: string): Promise<boolean>;
}

/** No group exists (servers without the groups domain). */
export const noGroups: GroupMessaging = {
  senderOf: async () => ({ code: 10010, nameCard: "" }),
  memberIds: async () => [],
  isMember: async () => false,
  isManager: async () => false,
};

const GROUP_NOT_FOUND = 10010;
const GROUP_NO_PERMISSION = 10007;

export interface MessageOptions {
  /** How long after sending a message may be revoked, in ms. Default 2 minutes (the official default). */
  revokeWindowMs: number;
  /** A merger message whose merged list encodes to more than this many bytes is stored apart (download_key). */
  mergerInlineBytes: number;
}

export const defaultMessageOptions: MessageOptions = { revokeWindowMs: 120_000, mergerInlineBytes: 4096 };

export interface MessageDeps {
  db: Db;
  store: MessageStore;
  conversations: Conversations;
  accounts: Accounts;
  profiles: ProfileSource;
  policy: SendPolicy;
  /** Group membership and mutes, for group messages. */
  groups?: GroupMessaging;
  bus: EventBus;
  clock: Clock;
  /** Whether a user has a live session (online-only delivery). */
  isOnline(userId: string): boolean;
  /** Whether a user has a live session besides `sessionId` (whether the sender's other sessions need the event). */
  hasOtherSessions(userId: string, sessionId: string): boolean;
  options: MessageOptions;
}

/** The payload variants a client may send (tips and system notices come from the server). */
const SENDABLE = new Set(["text", "textAt", "image", "audio", "video", "file", "custom", "face", "location", "merger"]);
/** Types whose payload ModifyMessage may change (and change between). */
const MODIFIABLE = new Set([MessageElemType.TEXT, MessageElemType.CUSTOM, MessageElemType.LOCATION, MessageElemType.FACE]);

function received(list: Message[]): EventPayload {
  return { case: "messageReceived", value: { $typeName: "chatwire.v1.MessageReceived", messageList: list } };
}

/** A message the server makes (a group tip or system notice) at `now`: received, sent, normal priority, system. */
function serverMessage(now: number, init: MessageInitShape<typeof MessageSchema>): Message {
  const seconds = BigInt(Math.floor(now / 1000));
  return create(MessageSchema, {
    flow: "in",
    time: seconds,
    status: "success",
    priority: MessagePriority.NORMAL,
    random: randomInt(2 ** 31),
    clientTime: seconds,
    isSystemMessage: true,
    ...init,
  });
}

function bodyBytes(m: Message): number {
  return toBinary(MessageSchema, m).length;
}

/** A message waiting for its batch's transaction. */
interface PendingWrite {
  conv: string;
  /** The message as stored, without its sequence. */
  message: Message;
  sender: string;
  /** The C2C peer; "" for a group message. */
  peer: string;
  /** The group conversation ID (GROUP<groupID>) of a group message; only its sender's row changes. */
  groupConversationId?: string;
  /** A system notice: the one row it changes, its recipient's system conversation (instead of the sender's). */
  systemRecipient?: string;
  countable: boolean;
  asLast: boolean;
  flags: number;
  time: number;
  mergerBody?: Uint8Array;
  resolve(result: WriteResult): void;
  reject(err: unknown): void;
}

interface WriteResult {
  stored: StoredMessage;
  /** False when the ID was stored already (a resend): nothing was written, nobody is told again. */
  fresh: boolean;
  peerRemindType: number;
}

export class Messages {
  /** The messages queued for the next batch; undefined once its transaction started. */
  private pending: PendingWrite[] | undefined;

  constructor(private readonly deps: MessageDeps) {}

  // ---- sending

  /** Stores and delivers a C2C message; returns it as stored (the sender's view). */
  async send(session: Session, req: SendMessageRequest): Promise<Message> {
    return (await this.sendStored(session, req)).message;
  }

  /** The same, answering the encoded SendMessageResponse: the stored body framed as field 1, never re-encoded. */
  async sendForWire(session: Session, req: SendMessageRequest): Promise<Uint8Array> {
    const { body } = await this.sendStored(session, req);
    const writer = new BinaryWriter();
    writer.tag(1, WireType.LengthDelimited).bytes(body);
    return writer.finish();
  }

  /** Why `senderId` may not message `receiverId` (the SendPolicy's code), or 0: for domains that send on a user's behalf. */
  refusal(senderId: string, receiverId: string): Promise<number> {
    return this.deps.policy.check(senderId, receiverId);
  }

  /**
   * Sends a message on a user's behalf from another domain (signaling's invitation messages): as SendMessage from a
   * session of `senderId`, every session of the sender hearing of it except `exceptSessionId` ("" for none).
   */
  async sendAs(senderId: string, req: SendMessageRequest, exceptSessionId = ""): Promise<Message> {
    return (await this.sendStored({ userId: senderId, id: exceptSessionId }, req)).message;
  }

  private async sendStored(session: Pick<Session, "userId" | "id">, req: SendMessageRequest): Promise<{ message: Message; body: Uint8Array }> {
    const input = req.message;
    if (!input) throw chatError(INVALID_PARAMETER, "message is required");
    const sender = session.userId;
    const ref = this.targetOf(input);
    if (ref.kind === "system") throw chatError(INVALID_CONV_TYPE);
    if (req.onlineUserOnly && req.messageControlInfo) throw chatError(INVALID_PARAMETER, "onlineUserOnly and messageControlInfo cannot be used together");
    const payloadCase = input.payload.case;
    if (!payloadCase || !SENDABLE.has(payloadCase)) throw chatError(INVALID_PARAMETER, "the message has no sendable payload");
    if (payloadCase === "textAt" && ref.kind !== "group") throw chatError(INVALID_PARAMETER, "@-mentions are for group messages");
    if (input.type !== MessageElemType.UNSPECIFIED && input.type !== elemTypeOfPayload[payloadCase]) {
      throw chatError(INVALID_PARAMETER, "type does not match the payload");
    }
    if (payloadCase === "text" && input.payload.value.text === "") throw chatError(INVALID_PARAMETER, "text must not be empty");
    if (Buffer.byteLength(input.messageId) > MAX_MESSAGE_ID_BYTES) throw chatError(INVALID_PARAMETER, "message ID too long");
    const groupId = ref.kind === "group" ? ref.groupId : undefined;
    const peer = ref.kind === "c2c" ? ref.peer : "";
    let nameCard = "";
    if (groupId !== undefined) {
      if (groupId.includes("@TOPIC#")) throw chatError(990001, "topic messages come with communities");
      if (input.receiverList.length > 0) throw chatError(990001, "targeted group messages (receiverList) are not served yet");
      const check = await (this.deps.groups ?? noGroups).senderOf(groupId, sender);
      if (check.code !== 0) throw chatError(check.code);
      nameCard = check.nameCard;
    } else {
      if (peer !== sender && !(await this.deps.accounts.existing([peer])).has(peer)) throw chatError(USER_NOT_FOUND);
      const refused = await this.deps.policy.check(sender, peer);
      if (refused !== 0) throw chatError(refused);
    }
    const profile = (await this.deps.profiles.getProfiles([sender])).get(sender);

    const now = this.deps.clock.now();
    const control = req.messageControlInfo;
    const message = create(MessageSchema, {
      ...input,
      messageId: input.messageId || `${sender}-${Math.floor(now / 1000)}-${randomInt(2 ** 31)}`,
      type: elemTypeOfPayload[payloadCase],
      conversationId: groupId !== undefined ? ref.conversationId : c2cConversationId(peer),
      conversationType: groupId !== undefined ? ConversationType.GROUP : ConversationType.C2C,
      to: groupId ?? peer,
      from: sender,
      flow: "out",
      time: BigInt(Math.floor(now / 1000)),
      status: "success",
      isRevoked: false,
      priority: input.priority || MessagePriority.NORMAL,
      nick: profile?.nick ?? "",
      avatar: profile?.avatar ?? "",
      isPeerRead: false,
      nameCard,
      atUserList: payloadCase === "textAt" ? [...input.payload.value.atUserList] : [],
      isDeleted: false,
      isModified: false,
      readReceiptInfo: input.needReadReceipt ? create(ReadReceiptInfoSchema, {}) : undefined,
      isBroadcastMessage: false,
      revoker: "",
      revokerInfo: undefined,
      revokeReason: "",
      sequence: 0n,
      hasRiskContent: false,
      random: input.random || randomInt(2 ** 31),
      clientTime: input.clientTime || BigInt(Math.floor(now / 1000)),
      isRead: true,
      isSystemMessage: false,
      version: 0n,
      receiverList: [],
      customModerationConfigurationId: "",
      onlineUserOnly: req.onlineUserOnly,
      pinnerInfo: undefined,
      messageControlInfo: control ? create(MessageControlInfoSchema, control) : undefined,
    });

    if (req.onlineUserOnly && groupId !== undefined) {
      const members = (await (this.deps.groups ?? noGroups).memberIds(groupId)).filter((id) => id !== sender && this.deps.isOnline(id));
      if (members.length > 0) this.deps.bus.publish(members, received([viewFor(message, "")]));
      this.deps.bus.publish([sender], received([message]), { exceptSessionId: session.id });
      return { message, body: toBinary(MessageSchema, message) };
    }
    if (req.onlineUserOnly) {
      // Never stored: no sequence, no unread count, no last message; only sessions online now receive it.
      if (peer !== sender && this.deps.isOnline(peer)) this.deps.bus.publish([peer], received([viewFor(message, peer)]));
      this.deps.bus.publish([sender], received([message]), { exceptSessionId: session.id });
      return { message, body: toBinary(MessageSchema, message) };
    }

    let mergerBody: Uint8Array | undefined;
    if (message.payload.case === "merger" && message.payload.value.messageList.length > 0) {
      const full = toBinary(MergerPayloadSchema, message.payload.value);
      if (full.length > this.deps.options.mergerInlineBytes) {
        mergerBody = full;
        message.payload = {
          case: "merger",
          value: { ...message.payload.value, messageList: [], downloadKey: `mrg_${randomBytes(16).toString("hex")}` },
        };
      }
    }

    const countable = !control?.excludedFromUnreadCount;
    const asLast = !control?.excludedFromLastMessage;
    const flags =
      (control?.excludedFromUnreadCount ? MessageFlag.excludedFromUnread : 0) |
      (control?.excludedFromLastMessage ? MessageFlag.excludedFromLast : 0) |
      (message.needReadReceipt ? MessageFlag.needReadReceipt : 0) |
      (message.isSupportExtension ? MessageFlag.supportExtension : 0);
    const result = await this.write({
      conv: keyOf(sender, ref),
      message,
      sender,
      peer,
      groupConversationId: groupId !== undefined ? ref.conversationId : undefined,
      countable,
      asLast,
      flags,
      time: now,
      mergerBody,
    });
    if (!result.fresh) {
      // A resend of a stored message: answered with what was stored, delivered to nobody again.
      if (result.stored.senderId !== sender) throw chatError(INVALID_PARAMETER, "the message ID is in use");
      return { message: decodeMessage(result.stored), body: result.stored.body };
    }
    const sent: Message = { ...message, sequence: BigInt(result.stored.seq) };
    if (groupId !== undefined) {
      // Stored once; one encoding reaches every other member's sessions (but those of members who set
      // MSG_REMIND_DISCARD: the message is in their history only), another the sender's other sessions.
      const [all, discarding] = await Promise.all([
        (this.deps.groups ?? noGroups).memberIds(groupId),
        this.deps.conversations.store.usersWithRemind(ref.conversationId, MessageRemindType.DISCARD),
      ]);
      const members = all.filter((id) => id !== sender && !discarding.has(id));
      if (members.length > 0) this.deps.bus.publish(members, received([viewFor(sent, "")]));
      if (this.deps.hasOtherSessions(sender, session.id)) this.deps.bus.publish([sender], received([sent]), { exceptSessionId: session.id });
      return { message: sent, body: result.stored.body };
    }
    if (peer !== sender && result.peerRemindType !== MessageRemindType.DISCARD) {
      this.deps.bus.publish([peer], received([viewFor(sent, peer)]));
    }
    if (this.deps.hasOtherSessions(sender, session.id)) this.deps.bus.publish([sender], received([sent]), { exceptSessionId: session.id });
    return { message: sent, body: result.stored.body };
  }

  /**
   * Adds a group tip (a member joined, left, was removed, a role, mute or the profile changed) to the group's history
   * and delivers it to the members named (those who discard the group's messages excepted). Tips do not count
   * toward unread; the operator's conversation row takes them as its last message.
   */
  async groupTip(groupId: string, operatorId: string, tip: Omit<MessageInitShape<typeof GroupTipPayloadSchema>, "operatorId" | "groupProfile">, recipients: readonly string[]): Promise<Message> {
    const now = this.deps.clock.now();
    const conversationId = `GROUP${groupId}`;
    const message = serverMessage(now, {
      messageId: `tip-${groupId}-${now}-${randomInt(2 ** 31)}`,
      type: MessageElemType.GRP_TIP,
      conversationId,
      conversationType: ConversationType.GROUP,
      to: groupId,
      from: operatorId,
      payload: { case: "groupTip", value: { ...create(GroupTipPayloadSchema, tip as MessageInitShape<typeof GroupTipPayloadSchema>), operatorId, groupProfile: create(GroupTipGroupProfileSchema, { groupId }) } },
    });
    const result = await this.write({
      conv: groupKey(groupId),
      message,
      sender: operatorId,
      peer: "",
      groupConversationId: conversationId,
      countable: false,
      asLast: true,
      flags: MessageFlag.excludedFromUnread,
      time: now,
    });
    const sent: Message = { ...message, sequence: BigInt(result.stored.seq) };
    const discarding = await this.deps.conversations.store.usersWithRemind(conversationId, MessageRemindType.DISCARD);
    const to = recipients.filter((id) => !discarding.has(id));
    if (to.length > 0) this.deps.bus.publish(to, received([sent]));
    return sent;
  }

  /** Each group's next message sequence and last message (groups without messages are left out). */
  async groupHeads(groupIds: readonly string[]): Promise<Map<string, GroupHead>> {
    const heads = await this.deps.conversations.store.heads(groupIds.map(groupKey));
    const lasts = await this.deps.store.bySeqs([...heads].filter(([, h]) => h.lastMsgSeq > 0).map(([conv, h]) => ({ conv, seq: h.lastMsgSeq })));
    const lastByConv = new Map(lasts.map((m) => [m.conv, m]));
    const out = new Map<string, GroupHead>();
    for (const [conv, head] of heads) {
      const stored = lastByConv.get(conv);
      const last = stored && decodeMessage(stored);
      out.set(conv.slice("grp:".length), {
        nextSeq: head.lastSeq + 1,
        last: last && { time: Number(last.time), seq: stored!.seq, from: last.from, forShow: messageForShow(last) },
      });
    }
    return out;
  }

  /** A stored group message by its sequence, as members see it; undefined when there is none. */
  async groupMessage(groupId: string, seq: number): Promise<Message | undefined> {
    const stored = await this.deps.store.bySeq(groupKey(groupId), seq);
    return stored && viewFor(decodeMessage(stored), "");
  }

  /**
   * Sends a group system notice to each user's system conversation (@TIM#SYSTEM): one message per recipient, all
   * written in one batch, each delivered to its recipient's sessions as MESSAGE_RECEIVED.
   */
  async groupSystemNotice(userIds: readonly string[], notice: GroupSystemNotice): Promise<void> {
    const recipients = [...new Set(userIds)];
    if (recipients.length === 0) return;
    const now = this.deps.clock.now();
    const payload = create(GroupSystemNoticePayloadSchema, {
      operationType: notice.operationType,
      operatorId: notice.operatorId,
      handleMessage: notice.handleMessage ?? "",
      groupProfile: create(GroupSystemNoticeGroupProfileSchema, { groupId: notice.groupId, name: notice.groupName, groupType: notice.groupType }),
    });
    const writes = recipients.map((userId) => {
      const message = serverMessage(now, {
        messageId: `sys-${notice.groupId}-${now}-${randomInt(2 ** 31)}`,
        type: MessageElemType.GRP_SYS_NOTICE,
        conversationId: SYSTEM_CONVERSATION_ID,
        conversationType: ConversationType.SYSTEM,
        to: userId,
        from: SYSTEM_CONVERSATION_ID,
        payload: { case: "groupSystemNotice", value: payload },
      });
      return this.write({
        conv: systemKey(userId),
        message,
        sender: SYSTEM_CONVERSATION_ID,
        peer: "",
        systemRecipient: userId,
        countable: true,
        asLast: true,
        flags: 0,
        time: now,
      }).then((result) => ({ userId, sent: { ...message, sequence: BigInt(result.stored.seq) } }));
    });
    for (const { userId, sent } of await Promise.all(writes)) this.deps.bus.publish([userId], received([sent]));
  }

  /** Queues a message to store; every message queued in the same tick is written in one transaction. */
  private write(item: Omit<PendingWrite, "resolve" | "reject">): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      if (!this.pending) {
        const batch: PendingWrite[] = (this.pending = []);
        this.deps.db
          .batch((trx) => {
            if (this.pending === batch) this.pending = undefined;
            return this.writeBatch(trx, batch);
          })
          .then(
            (results) => batch.forEach((w, i) => w.resolve(results[i]!)),
            (err: unknown) => batch.forEach((w) => w.reject(err)),
          );
      }
      this.pending.push({ ...item, resolve, reject });
    });
  }

  /**
   * Stores a batch of messages with a fixed number of statements however large it is: which IDs are stored already,
   * the sequences of every conversation at once (allocated in the database), the messages, their participants' rows.
   * It only touches the database, so it may run again after a failed attempt.
   */
  private async writeBatch(trx: Tx, batch: readonly PendingWrite[]): Promise<WriteResult[]> {
    const { store } = this.deps;
    const conversations = this.deps.conversations.store;
    const key = (conv: string, id: string) => `${conv}\u0000${id}`;
    const stored = new Map((await store.byIds(batch.map((w) => ({ conv: w.conv, msgId: w.message.messageId })), trx)).map((m) => [key(m.conv, m.msgId), m]));
    // The first of the batch's messages with an ID not yet stored is written; later ones with its ID are resends.
    const fresh: PendingWrite[] = [];
    const firstOf = new Map<string, PendingWrite>();
    for (const w of batch) {
      const k = key(w.conv, w.message.messageId);
      if (!stored.has(k) && !firstOf.has(k)) {
        firstOf.set(k, w);
        fresh.push(w);
      }
    }
    const byConv = new Map<string, PendingWrite[]>();
    for (const w of fresh) byConv.set(w.conv, [...(byConv.get(w.conv) ?? []), w]);
    const allocations: Allocation[] = [...byConv].map(([conv, list]) => {
      const lastOffset = list.findLastIndex((w) => w.asLast) + 1;
      return { conv, count: list.length, countable: list.filter((w) => w.countable).length, lastOffset, time: lastOffset > 0 ? list[lastOffset - 1]!.time : 0 };
    });
    const heads = allocations.length > 0 ? await conversations.allocateMany(trx, allocations) : new Map();
    const written = new Map<PendingWrite, StoredMessage>();
    const rows = new Map<string, ParticipantRow>();
    for (const [conv, list] of byConv) {
      const head = heads.get(conv)!;
      let seq = head.lastSeq - list.length;
      let ordinal = head.countable - list.filter((w) => w.countable).length;
      for (const w of list) {
        seq += 1;
        if (w.countable) ordinal += 1;
        const decoded = { ...w.message, sequence: BigInt(seq) };
        const body = toBinary(MessageSchema, decoded);
        written.set(w, { conv, seq, msgId: w.message.messageId, senderId: w.sender, time: w.time, ordinal, flags: w.flags, version: 0, revoked: false, receiptTime: 0, body, decoded });
        const sides: [string, string, boolean][] = w.systemRecipient
          ? [[w.systemRecipient, SYSTEM_CONVERSATION_ID, false]]
          : [[w.sender, w.groupConversationId ?? c2cConversationId(w.peer), true]];
        if (!w.groupConversationId && !w.systemRecipient && w.peer !== w.sender) sides.push([w.peer, c2cConversationId(w.sender), false]);
        for (const [userId, conversationId, own] of sides) {
          const row = rows.get(rowKey(userId, conversationId)) ?? { userId, conversationId, conv, lastSeq: 0, sortTime: w.time, ownCount: 0 };
          if (w.asLast) {
            row.lastSeq = seq;
            row.sortTime = w.time;
          }
          if (own && w.countable) row.ownCount += 1;
          rows.set(rowKey(userId, conversationId), row);
        }
      }
    }
    await store.insertMany(trx, [...written.values()]);
    for (const w of fresh) {
      if (w.mergerBody && w.message.payload.case === "merger") await store.putMerger(trx, w.message.payload.value.downloadKey, w.sender, w.mergerBody, w.time);
    }
    const remind = rows.size > 0 ? await conversations.recordMany(trx, [...rows.values()]) : new Map<string, number>();
    return batch.map((w) => {
      const mine = written.get(w);
      if (mine) return { stored: mine, fresh: true, peerRemindType: remind.get(rowKey(w.peer, c2cConversationId(w.sender))) ?? 0 };
      const k = key(w.conv, w.message.messageId);
      return { stored: stored.get(k) ?? written.get(firstOf.get(k)!)!, fresh: false, peerRemindType: 0 };
    });
  }

  // ---- history

  async list(userId: string, conversationId: string, nextReqMessageId: string, count: number) {
    const { ref, conv, record } = await this.open(userId, conversationId, true);
    const limit = count > 0 && count < PAGE_SIZE ? count : PAGE_SIZE;
    let beforeSeq: number | undefined;
    if (nextReqMessageId) {
      const from = await this.deps.store.byId(conv, nextReqMessageId);
      if (!from) throw chatError(INVALID_PARAMETER, "nextReqMessageID names no message of this conversation");
      beforeSeq = from.seq;
    }
    const rows = await this.deps.store.page({ conv, userId, beforeSeq, afterSeq: record?.clearedSeq ?? 0, direction: "older", limit: limit + 1 });
    const isCompleted = rows.length <= limit;
    const page = rows.slice(0, limit).reverse();
    return {
      messageList: page.map((m) => this.present(m, userId, context(record))),
      nextReqMessageId: isCompleted ? "" : page[0]!.msgId,
      isCompleted,
      ref,
    };
  }

  async hopping(userId: string, req: GetMessageListHoppingRequest) {
    const { conv, record } = await this.open(userId, req.conversationId, true);
    const limit = req.count > 0 && req.count < PAGE_SIZE ? req.count : PAGE_SIZE;
    const older = req.direction === 0;
    const cleared = record?.clearedSeq ?? 0;
    const bySeq = req.sequence > 0n;
    const byTime = !bySeq && req.time > 0n;
    if (!bySeq && !byTime && !older) return { messageList: [], isCompleted: true, nextMessageSeq: 0n, nextMessageTime: 0n };
    const q = { conv, userId, afterSeq: cleared, direction: older ? ("older" as const) : ("newer" as const), limit: limit + 1 };
    const rows = await this.deps.store.page(
      bySeq
        ? older
          ? { ...q, beforeSeq: Number(req.sequence) + 1 }
          : { ...q, afterSeq: Math.max(cleared, Number(req.sequence) - 1) }
        : byTime
          ? older
            ? { ...q, beforeTime: (Number(req.time) + 1) * 1000 }
            : { ...q, afterTime: Number(req.time) * 1000 - 1 }
          : q,
    );
    const isCompleted = rows.length <= limit;
    const next = isCompleted ? undefined : rows[limit]!;
    const page = rows.slice(0, limit);
    if (older) page.reverse();
    return {
      messageList: page.map((m) => this.present(m, userId, context(record))),
      isCompleted,
      nextMessageSeq: next ? BigInt(next.seq) : 0n,
      nextMessageTime: next ? BigInt(Math.floor(next.time / 1000)) : 0n,
    };
  }

  // ---- revoke, delete, modify

  async revoke(session: Session, input: Message): Promise<Message> {
    const userId = session.userId;
    const { ref, conv } = this.locate(userId, input.conversationId, true);
    if (ref.kind === "system") throw chatError(INVALID_PARAMETER, "system conversation messages cannot be revoked");
    await this.requireGroupReader(userId, ref);
    const stored = await this.deps.store.byId(conv, input.messageId);
    if (!stored) throw chatError(MESSAGE_NOT_FOUND);
    // In a group the owner and admins revoke anyone's message at any time; otherwise the sender, within the window.
    const manager = ref.kind === "group" && (await (this.deps.groups ?? noGroups).isManager(ref.groupId, userId));
    if (stored.senderId !== userId && !manager) throw chatError(REVOKE_FAILED, "only the sender (or a group's owner and admins) may revoke a message");
    if (stored.revoked) throw chatError(REVOKE_FAILED, "the message is already revoked");
    if (!manager && this.deps.clock.now() - stored.time > this.deps.options.revokeWindowMs) throw chatError(REVOKE_FAILED, "the revoke window has passed");
    const profile = (await this.deps.profiles.getProfiles([userId])).get(userId);
    const message = decodeMessage(stored);
    message.isRevoked = true;
    message.revoker = userId;
    message.revokerInfo = create(UserInfoSchema, { userId, nick: profile?.nick ?? "", avatar: profile?.avatar ?? "" });
    message.revokeReason = "";
    const done = await this.deps.db.transact((trx) =>
      this.deps.store.rewrite(trx, conv, stored.seq, stored.version, { body: toBinary(MessageSchema, message), revoked: true }),
    );
    if (!done) throw chatError(REVOKE_FAILED, "the message is already revoked");
    const payload = (m: Message): EventPayload => ({ case: "messageRevoked", value: { $typeName: "chatwire.v1.MessageRevoked", messageList: [m] } });
    if (ref.kind === "group") {
      const members = (await (this.deps.groups ?? noGroups).memberIds(ref.groupId)).filter((id) => id !== userId);
      if (members.length > 0) this.deps.bus.publish(members, payload(viewFor(message, "")));
      const mine = viewFor(message, userId);
      this.deps.bus.publish([userId], payload(mine), { exceptSessionId: session.id });
      return mine;
    }
    const peer = ref.kind === "c2c" ? ref.peer : undefined;
    if (peer && peer !== userId) this.deps.bus.publish([peer], payload(viewFor(message, peer)));
    this.deps.bus.publish([userId], payload(message), { exceptSessionId: session.id });
    return message;
  }

  async delete(userId: string, list: readonly Message[]): Promise<Message[]> {
    const first = list[0]!;
    const { ref, conv, record } = await this.open(userId, first.conversationId);
    if (ref.kind === "system") throw chatError(CANNOT_DELETE_SYSTEM_NOTICE);
    const ids = [...new Set(list.slice(0, 30).filter((m) => m.conversationId === first.conversationId).map((m) => m.messageId))];
    const found: StoredMessage[] = [];
    for (const id of ids) {
      const stored = await this.deps.store.byId(conv, id);
      if (stored && stored.seq > (record?.clearedSeq ?? 0)) found.push(stored);
    }
    if (found.length === 0) throw chatError(MESSAGE_NOT_FOUND);
    const seqs = found.map((m) => m.seq);
    await this.deps.db.transact(async (trx) => {
      await this.deps.store.hide(trx, userId, conv, seqs);
      if (record && seqs.includes(record.lastSeq)) {
        // The last message is gone for this user: the newest one left takes its place (no event: not synced).
        const [newest] = await this.deps.store.page({ conv, userId, afterSeq: record.clearedSeq, direction: "older", limit: 1 }, trx);
        await this.deps.conversations.store.update(trx, userId, first.conversationId, { lastSeq: newest?.seq ?? 0 });
      }
    });
    return found.map((m) => ({ ...this.present(m, userId, context(record)), isDeleted: true }));
  }

  async modify(session: Pick<Session, "userId">, input: Message): Promise<Message> {
    const userId = session.userId;
    const { ref, conv, record } = await this.open(userId, input.conversationId);
    if (ref.kind === "system") throw chatError(INVALID_PARAMETER, "system conversation messages cannot be modified");
    const stored = await this.deps.store.byId(conv, input.messageId);
    if (!stored) throw chatError(MESSAGE_NOT_FOUND);
    const current = decodeMessage(stored);
    if (input.version !== BigInt(stored.version)) throw this.conflict(this.present(stored, userId, context(record)));
    if ((input.sequence !== 0n && input.sequence !== current.sequence) || (input.time !== 0n && input.time !== current.time)) {
      throw chatError(INVALID_PARAMETER, "sequence and time cannot be modified");
    }
    if (input.random !== 0 && input.random !== current.random) throw chatError(INVALID_PARAMETER, "random cannot be modified");
    const next: Message = { ...current, cloudCustomData: input.cloudCustomData, version: current.version + 1n, isModified: true };
    const newCase = input.payload.case;
    if (MODIFIABLE.has(current.type) && newCase && newCase !== "textAt") {
      const newType = elemTypeOfPayload[newCase]!;
      if (!MODIFIABLE.has(newType)) throw chatError(INVALID_PARAMETER, "a text, custom, location or face message can only become one of those");
      next.type = newType;
      next.payload = input.payload;
    }
    if (bodyBytes(next) > MAX_BODY_BYTES) throw chatError(MESSAGE_TOO_LONG);
    const done = await this.deps.db.transact((trx) =>
      this.deps.store.rewrite(trx, conv, stored.seq, stored.version, { body: toBinary(MessageSchema, next), version: Number(next.version) }),
    );
    if (!done) {
      const latest = await this.deps.store.byId(conv, input.messageId);
      throw this.conflict(this.present(latest ?? stored, userId, context(record)));
    }
    const payload = (m: Message): EventPayload => ({ case: "messageModified", value: { $typeName: "chatwire.v1.MessageModified", messageList: [m] } });
    const peer = ref.kind === "c2c" ? ref.peer : undefined;
    if (peer && peer !== userId) this.deps.bus.publish([peer], payload(viewFor(next, peer)));
    const mine = viewFor(next, userId, context(record));
    this.deps.bus.publish([userId], payload(mine));
    return mine;
  }

  /** 2480 with the latest message as a second error detail, as the official error carries it in `data.message`. */
  private conflict(latest: Message): ConnectError {
    return new ConnectError(messageOf(MODIFY_CONFLICT), Code.Aborted, undefined, [
      { desc: ErrorDetailSchema, value: create(ErrorDetailSchema, { code: MODIFY_CONFLICT, message: messageOf(MODIFY_CONFLICT) }) },
      { desc: MessageSchema, value: latest },
    ]);
  }

  // ---- reading

  /** Marks a conversation read; the C2C peer learns which of its messages were read. */
  async setRead(userId: string, conversationId: string): Promise<void> {
    this.parse(conversationId, true);
    const [record] = await this.deps.conversations.store.get(userId, [conversationId]);
    if (record) await this.readAll(userId, [record]);
  }

  async setAllRead(userId: string, scope: ReadAllType): Promise<void> {
    const records = await this.deps.conversations.unreadIn(userId, scope === ReadAllType.UNSPECIFIED ? ReadAllType.MSG : scope);
    if (records.length > 0) await this.readAll(userId, records);
  }

  private async readAll(userId: string, records: ConversationRecord[]): Promise<void> {
    const results = await this.deps.db.transact((trx) => this.deps.conversations.markRead(trx, userId, records));
    // Only conversations that had unread messages change for the reader's sessions.
    const changed = results.filter((r) => unreadOf(r.record) > 0).map((r) => r.record.conversationId);
    if (changed.length > 0) {
      await this.deps.conversations.announce(userId, { changed: await this.deps.conversations.reload(userId, changed), deleted: [], unread: true });
    }
    for (const r of results) {
      const ref = parseConversationId(r.record.conversationId);
      if (ref?.kind !== "c2c" || ref.peer === userId || r.after <= r.before) continue;
      const read = await this.deps.store.sentBetween(r.record.conv, ref.peer, r.before, r.after, MAX_READ_BY_PEER);
      if (read.length === 0) continue;
      const list = read.reverse().map((m) => ({ ...viewFor(decodeMessage(m), ref.peer, { readSeq: 0, peerReadSeq: r.after }), isPeerRead: true }));
      this.deps.bus.publish([ref.peer], { case: "messageReadByPeer", value: { $typeName: "chatwire.v1.MessageReadByPeer", messageList: list } });
    }
  }

  // ---- C2C read receipts

  async sendReceipts(userId: string, list: readonly Message[]): Promise<void> {
    const first = list[0];
    if (!first) throw chatError(INVALID_PARAMETER, "messageList is required");
    const { ref, conv } = await this.open(userId, first.conversationId);
    if (ref.kind !== "c2c") throw chatError(INVALID_PARAMETER, "read receipts are served for one-to-one messages");
    const found: StoredMessage[] = [];
    for (const m of list.filter((m) => m.conversationId === first.conversationId)) {
      const stored = await this.deps.store.byId(conv, m.messageId);
      if (stored && stored.senderId !== userId && stored.flags & MessageFlag.needReadReceipt) found.push(stored);
    }
    const fresh = found.filter((m) => m.receiptTime === 0);
    if (fresh.length === 0) return;
    const now = this.deps.clock.now();
    await this.deps.db.transact((trx) => this.deps.store.setReceipts(trx, conv, fresh.map((m) => m.seq), now));
    this.deps.bus.publish([ref.peer], {
      case: "messageReadReceiptReceived",
      value: {
        $typeName: "chatwire.v1.MessageReadReceiptReceived",
        receiptList: fresh.map((m) =>
          create(MessageReadReceiptSchema, { messageId: m.msgId, userId, isPeerRead: true, timestamp: BigInt(Math.floor(now / 1000)) }),
        ),
      },
    });
  }

  async receipts(userId: string, list: readonly Message[]): Promise<Message[]> {
    const first = list[0];
    if (!first) return [];
    if (list.length > MAX_RECEIPT_QUERY) throw chatError(INVALID_PARAMETER, `at most ${MAX_RECEIPT_QUERY} messages a call`);
    const { ref, conv, record } = await this.open(userId, first.conversationId);
    if (ref.kind !== "c2c") throw chatError(INVALID_PARAMETER, "read receipts are served for one-to-one messages");
    const out: Message[] = [];
    for (const m of list.filter((m) => m.conversationId === first.conversationId)) {
      const stored = await this.deps.store.byId(conv, m.messageId);
      if (stored && stored.senderId === userId) out.push(this.present(stored, userId, context(record)));
    }
    return out;
  }

  // ---- merger

  async downloadMerger(userId: string, input: Message): Promise<Message> {
    if (input.payload.case !== "merger") throw chatError(MERGER_TYPE_INVALID);
    const key = input.payload.value.downloadKey;
    if (!key) throw chatError(MERGER_KEY_INVALID);
    const body = await this.deps.store.getMerger(key);
    if (!body) throw chatError(MERGER_KEY_INVALID);
    const full = fromBinary(MergerPayloadSchema, body);
    // As the official SDK leaves it: the merged messages filled in, the download keys spent.
    return { ...input, payload: { case: "merger", value: { ...input.payload.value, messageList: full.messageList, downloadKey: "", pbDownloadKey: "" } } };
  }

  // ---- helpers

  /** A stored message as the viewer sees it, with C2C read-receipt state for its sender. */
  present(stored: StoredMessage, viewerId: string, ctx: ViewContext): Message {
    const view = viewFor(decodeMessage(stored), viewerId, ctx);
    if (view.from === viewerId && stored.flags & MessageFlag.needReadReceipt) {
      view.readReceiptInfo = create(ReadReceiptInfoSchema, { isPeerRead: stored.receiptTime > 0, timestamp: BigInt(Math.floor(stored.receiptTime / 1000)) });
    }
    return view;
  }

  private parse(conversationId: string, groupsServed = false): ConversationRef {
    const ref = parseConversationId(conversationId);
    if (!ref) throw chatError(INVALID_CONV_ID);
    if (ref.kind === "group" && (!groupsServed || ref.groupId.includes("@TOPIC#"))) {
      throw chatError(990001, "this call is not served for group conversations yet");
    }
    return ref;
  }

  /** A group conversation's history is for its members (10007); unknown groups answer 10010. */
  private async requireGroupReader(userId: string, ref: ConversationRef): Promise<void> {
    if (ref.kind !== "group") return;
    const groups = this.deps.groups ?? noGroups;
    if (await groups.isMember(ref.groupId, userId)) return;
    const { code } = await groups.senderOf(ref.groupId, userId);
    throw chatError(code === GROUP_NOT_FOUND ? GROUP_NOT_FOUND : GROUP_NO_PERMISSION);
  }

  private locate(userId: string, conversationId: string, groupsServed = false): { ref: ConversationRef; conv: string } {
    const ref = this.parse(conversationId, groupsServed);
    return { ref, conv: keyOf(userId, ref) };
  }

  /** The conversation as the user holds it (its row may not exist yet). */
  private async open(userId: string, conversationId: string, groupsServed = false) {
    const { ref, conv } = this.locate(userId, conversationId, groupsServed);
    await this.requireGroupReader(userId, ref);
    const [record] = await this.deps.conversations.store.get(userId, [conversationId]);
    return { ref, conv, record };
  }

  /** The conversation a message to send names: its conversation type and `to`, or its conversation ID. */
  private targetOf(m: Message): Extract<ConversationRef, { kind: "c2c" }> | Exclude<ConversationRef, { kind: "c2c" }> {
    if (m.conversationType === ConversationType.SYSTEM || m.conversationId === "@TIM#SYSTEM") return { kind: "system", conversationId: "@TIM#SYSTEM" };
    if (m.conversationType === ConversationType.C2C || m.conversationType === ConversationType.GROUP || m.conversationType === ConversationType.TOPIC) {
      const id = (m.conversationType === ConversationType.C2C ? "C2C" : "GROUP") + m.to;
      const ref = parseConversationId(id);
      if (!ref) throw chatError(INVALID_PARAMETER, "to is required");
      return ref;
    }
    const ref = parseConversationId(m.conversationId);
    if (!ref) throw chatError(INVALID_PARAMETER, "conversationType and to are required");
    return ref;
  }
}

function context(record: ConversationRecord | undefined): ViewContext {
  return { readSeq: record?.readSeq ?? 0, peerReadSeq: record?.peerReadSeq ?? 0 };
}

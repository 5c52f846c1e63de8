// The conversations domain: each user's conversation list (last message, unread count, pin, marks, custom data,
// remind types, conversation groups), the global do-not-disturb, and the events that keep a user's sessions in
// step. Unread counts derive from read positions (conversation-store.ts). Every change is committed before the
// event announcing it is built from the committed rows.
import { create } from "@bufbuild/protobuf";
import {
  ConversationLastMessageSchema,
  ConversationSchema,
  ConversationUserProfileSchema,
  type Conversation,
  type ConversationOperationFailure,
  type GetConversationListRequest,
} from "../../gen/chatwire/v1/conversation_pb.js";
import { ConversationOperationFailureSchema } from "../../gen/chatwire/v1/conversation_pb.js";
import type { Profile } from "../../gen/chatwire/v1/profile_pb.js";
import { ConversationType, MessageRemindType, ReadAllType } from "../../gen/chatwire/v1/types_pb.js";
import type { Accounts } from "../accounts/accounts.js";
import type { Clock } from "../clock.js";
import type { EventBus } from "../events/event-bus.js";
import type { EventPayload } from "../events/encoded-event.js";
import { decodeMessage, messageForShow, officialPayload } from "../messages/message-view.js";
import type { MessageStore, StoredMessage } from "../messages/message-store.js";
import { chatError, messageOf } from "../rpc/chat-error.js";
import type { Session } from "../sessions/session.js";
import type { Db, Tx } from "../storage/db.js";
import { conversationTypeOf, keyOf, parseConversationId, type ConversationRef } from "./conversation-id.js";
import { newRow, unreadOf, type ConversationRecord, type ConversationStore, type ReceiveOpt } from "./conversation-store.js";

const CONV_NOT_FOUND = 2500;
const USER_OR_GROUP_NOT_FOUND = 2501;
const UNRECORDED_TYPE = 2502;
const INVALID_CONV_ID = 2503;
const INVALID_PARAMETER = 70402;
const USER_NOT_FOUND = 70107;
const GROUP_NOT_FOUND = 10010;
const GROUP_NO_PERMISSION = 10007;
const GROUP_REMIND_TYPES = new Set([
  MessageRemindType.ACPT_AND_NOTE,
  MessageRemindType.ACPT_NOT_NOTE,
  MessageRemindType.DISCARD,
  MessageRemindType.RECEIVE_WITH_OFFLINE_PUSH_EXCEPT_AT,
]);
const SDK_MARKS = new Set([1n, 2n, 4n, 8n]);

export interface ConversationOptions {
  /** How many conversations GetConversationList returns besides pinned ones. Default 100 (the official default). */
  maxConversations: number;
  /** Whether DeleteConversation reaches the caller's other sessions (the console switch; off by default). */
  deletionSync: boolean;
  /** The most conversation groups a user may have. */
  maxConversationGroups: number;
}

export const defaultConversationOptions: ConversationOptions = { maxConversations: 100, deletionSync: false, maxConversationGroups: 20 };

/** Profiles of users (the relationships domain's seam); users without a profile have only their ID. */
export interface ProfileSource {
  getProfiles(userIds: readonly string[]): Promise<Map<string, Pick<Profile, "userId" | "nick" | "avatar">>>;
}

/** Whether a group exists and the user belongs to it (the groups domain's seam; no group exists until it lands). */
export interface GroupDirectory {
  exists(groupId: string): Promise<boolean>;
  /** Whether the user is a member of the group (false for a group that does not exist). */
  isMember(groupId: string, userId: string): Promise<boolean>;
}

export interface ConversationDeps {
  db: Db;
  store: ConversationStore;
  messages: MessageStore;
  accounts: Accounts;
  profiles: ProfileSource;
  groups: GroupDirectory;
  bus: EventBus;
  clock: Clock;
  options: ConversationOptions;
}

/** What a change did, to announce: changed conversations, deleted IDs, and whether the total unread may differ. */
interface Change {
  changed: ConversationRecord[];
  deleted: string[];
  unread: boolean;
}

export class Conversations {
  constructor(private readonly deps: ConversationDeps) {}

  get store(): ConversationStore {
    return this.deps.store;
  }

  // ---- reading

  /** Parses an ID or fails with 2503. */
  parse(conversationId: string): ConversationRef {
    const ref = parseConversationId(conversationId);
    if (!ref) throw chatError(INVALID_CONV_ID);
    return ref;
  }

  async list(userId: string, req: GetConversationListRequest): Promise<Conversation[]> {
    const filtered =
      req.conversationIdList.length > 0 ||
      req.type !== ConversationType.UNSPECIFIED ||
      req.groupName !== undefined ||
      req.markType !== undefined ||
      req.hasUnreadCount ||
      req.hasGroupAtInfo;
    let records: ConversationRecord[];
    if (req.conversationIdList.length > 0) {
      records = (await this.deps.store.get(userId, [...new Set(req.conversationIdList)].slice(0, 1000))).filter((r) => r.visible);
    } else if (filtered) {
      records = await this.deps.store.all(userId);
    } else {
      records = await this.deps.store.list(userId, this.deps.options.maxConversations);
    }
    let folders = await this.deps.store.foldersOf(userId, records.map((r) => r.conversationId));
    if (filtered && req.conversationIdList.length === 0) {
      records = records.filter((r) => {
        if (req.type !== ConversationType.UNSPECIFIED && conversationTypeOf(parseConversationId(r.conversationId)!) !== req.type) return false;
        if (req.groupName !== undefined) {
          const names = folders.get(r.conversationId) ?? [];
          if (req.groupName === "" ? names.length > 0 : !names.includes(req.groupName)) return false;
        }
        if (req.markType !== undefined && (req.markType === 0n ? r.marks.length > 0 : !r.marks.includes(req.markType))) return false;
        if (req.hasUnreadCount && unreadOf(r) === 0) return false;
        if (req.hasGroupAtInfo) return false; // C2C and system conversations carry no @-mentions
        return true;
      });
      records = sortRecords(records).slice(0, this.deps.options.maxConversations + records.filter((r) => r.pinned).length);
      folders = new Map([...folders].filter(([id]) => records.some((r) => r.conversationId === id)));
    }
    return this.build(userId, sortRecords(records), folders);
  }

  /** One conversation; an existing peer without history yields an empty one (not stored). */
  async profile(userId: string, conversationId: string): Promise<Conversation> {
    const ref = this.parse(conversationId);
    const [record] = await this.deps.store.get(userId, [conversationId]);
    if (record?.visible) return (await this.build(userId, [record]))[0]!;
    await this.requireTarget(userId, ref, USER_OR_GROUP_NOT_FOUND);
    const empty = this.emptyRecord(userId, ref, record);
    return (await this.build(userId, [empty]))[0]!;
  }

  /** The total unread count: conversations notified normally, the system conversation excluded. */
  async totalUnread(userId: string): Promise<number> {
    const records = await this.deps.store.all(userId);
    return records.reduce((sum, r) => (countsTowardTotal(r) ? sum + unreadOf(r) : sum), 0);
  }

  /** The users holding a C2C conversation with `userId` (PROFILE_UPDATED fan-out), at most `limit`. */
  conversationPeersOf(userId: string, limit: number): Promise<string[]> {
    return this.deps.store.peersOf(userId, limit);
  }

  /** Pushes the total unread count to one session (after login). */
  async greet(session: Session): Promise<void> {
    const total = await this.totalUnread(session.userId);
    this.deps.bus.publishToSession(session, totalPayload(total));
  }

  // ---- changing

  async delete(session: Session, conversationIds: readonly string[], clearHistory: boolean): Promise<string[]> {
    const userId = session.userId;
    const ids = [...new Set(conversationIds)];
    for (const id of ids) this.parse(id);
    const records = (await this.deps.store.get(userId, ids)).filter((r) => r.visible);
    if (records.length === 0) throw chatError(CONV_NOT_FOUND);
    await this.deps.db.transact(async (trx) => {
      for (const r of records) {
        await this.deps.store.markRead(trx, userId, r.conversationId, this.deps.clock.now());
        await this.deps.store.update(trx, userId, r.conversationId, {
          visible: false,
          pinned: false,
          ...(clearHistory ? { clearedSeq: r.head.lastSeq, lastSeq: 0 } : {}),
        });
      }
    });
    const deleted = records.map((r) => r.conversationId);
    const unread = records.some((r) => unreadOf(r) > 0);
    const payloads: EventPayload[] = [listPayload([], deleted)];
    if (unread) payloads.push(totalPayload(await this.totalUnread(userId)));
    for (const payload of payloads) {
      if (this.deps.options.deletionSync) this.deps.bus.publish([userId], payload);
      else this.deps.bus.publishToSession(session, payload);
    }
    return ids.filter((id) => deleted.includes(id));
  }

  async clearHistory(userId: string, conversationId: string): Promise<void> {
    const ref = this.parse(conversationId);
    if (ref.kind === "group" && ref.groupId.includes("@TOPIC#")) throw chatError(UNRECORDED_TYPE);
    const [record] = await this.deps.store.get(userId, [conversationId]);
    if (!record?.visible) throw chatError(CONV_NOT_FOUND);
    await this.deps.db.transact(async (trx) => {
      const head = await this.deps.store.head(record.conv, trx);
      await this.deps.store.markRead(trx, userId, conversationId, this.deps.clock.now());
      await this.deps.store.update(trx, userId, conversationId, { clearedSeq: head.lastSeq, lastSeq: 0 });
    });
    await this.announce(userId, { changed: await this.reload(userId, [conversationId]), deleted: [], unread: unreadOf(record) > 0 });
  }

  async pin(userId: string, conversationId: string, pinned: boolean): Promise<void> {
    const ref = this.parse(conversationId);
    if (ref.kind === "system") throw chatError(INVALID_CONV_ID);
    const [record] = await this.deps.store.get(userId, [conversationId]);
    if (record?.visible && record.pinned === pinned) return;
    if (!record?.visible) {
      if (!pinned) return;
      await this.requireTarget(userId, ref, USER_OR_GROUP_NOT_FOUND);
    }
    const now = this.deps.clock.now();
    await this.deps.db.transact(async (trx) => {
      await this.deps.store.ensure(trx, newRow(userId, conversationId, keyOf(userId, ref), now));
      await this.deps.store.update(trx, userId, conversationId, { visible: true, pinned, pinTime: pinned ? now : 0 });
    });
    await this.announce(userId, { changed: await this.reload(userId, [conversationId]), deleted: [], unread: !record?.visible && unreadOf(record ?? ZERO) > 0 });
  }

  /** Marks conversations read in one transaction; returns their read positions before and after. */
  async markRead(
    trx: Tx,
    userId: string,
    records: readonly ConversationRecord[],
  ): Promise<{ record: ConversationRecord; before: number; after: number }[]> {
    const now = this.deps.clock.now();
    const out: { record: ConversationRecord; before: number; after: number }[] = [];
    for (const record of records) {
      const read = await this.deps.store.markRead(trx, userId, record.conversationId, now);
      if (!read) continue;
      const ref = parseConversationId(record.conversationId);
      if (ref?.kind === "c2c" && read.after > read.before) await this.deps.store.setPeerRead(trx, ref.peer, `C2C${userId}`, read.after, now);
      out.push({ record, ...read });
    }
    return out;
  }

  /** The visible conversations of a user in a scope that have unread messages. */
  async unreadIn(userId: string, scope: ReadAllType): Promise<ConversationRecord[]> {
    const records = await this.deps.store.all(userId);
    return records.filter((r) => {
      if (unreadOf(r) === 0) return false;
      const kind = parseConversationId(r.conversationId)?.kind;
      if (scope === ReadAllType.C2C_MSG) return kind === "c2c";
      if (scope === ReadAllType.GROUP_MSG) return kind === "group";
      return true;
    });
  }

  async setC2CRemindType(userId: string, peers: readonly string[], remindType: MessageRemindType) {
    // @-mention remind types are for groups and topics.
    const c2c = [MessageRemindType.ACPT_AND_NOTE, MessageRemindType.ACPT_NOT_NOTE, MessageRemindType.DISCARD];
    if (!c2c.includes(remindType)) throw chatError(INVALID_PARAMETER, "a C2C remind type is MSG_REMIND_ACPT_AND_NOTE, MSG_REMIND_ACPT_NOT_NOTE or MSG_REMIND_DISCARD");
    const unique = [...new Set(peers)];
    const known = await this.deps.accounts.existing(unique);
    const ok = unique.filter((p) => known.has(p));
    const ids = ok.map((p) => `C2C${p}`);
    const before = await this.deps.store.get(userId, ids);
    const now = this.deps.clock.now();
    await this.deps.db.transact(async (trx) => {
      for (const peer of ok) {
        const id = `C2C${peer}`;
        // A setting for a peer without history is kept on a hidden row; the first message shows the conversation.
        await this.deps.store.ensure(trx, { ...newRow(userId, id, keyOf(userId, { kind: "c2c", conversationId: id, peer }), now), visible: 0 });
        await this.deps.store.update(trx, userId, id, { remindType });
      }
    });
    const changed = (await this.reload(userId, ids)).filter((r) => r.visible);
    const unread = before.some((r) => r.visible && unreadOf(r) > 0 && r.remindType !== remindType);
    if (changed.length > 0) await this.announce(userId, { changed, deleted: [], unread });
    return {
      success: ok,
      failures: unique.filter((p) => !known.has(p)).map((p) => ({ userId: p, code: USER_NOT_FOUND, message: messageOf(USER_NOT_FOUND) })),
    };
  }

  /**
   * Sets how a member receives a group's messages, on its row of the group conversation (made at its join):
   * members only (10007), unknown groups 10010; topics are not served yet.
   */
  async setGroupRemindType(userId: string, groupId: string, remindType: MessageRemindType): Promise<void> {
    if (!GROUP_REMIND_TYPES.has(remindType)) throw chatError(INVALID_PARAMETER, "messageRemindType is not a group remind type");
    if (groupId.includes("@TOPIC#")) throw chatError(990001, "topic remind types come with communities");
    if (!(await this.deps.groups.exists(groupId))) throw chatError(GROUP_NOT_FOUND);
    if (!(await this.deps.groups.isMember(groupId, userId))) throw chatError(GROUP_NO_PERMISSION);
    const conversationId = `GROUP${groupId}`;
    const [before] = await this.deps.store.get(userId, [conversationId]);
    await this.deps.db.transact(async (trx) => {
      if (!before) await this.deps.store.joinGroup(trx, groupId, [userId], this.deps.clock.now());
      await this.deps.store.update(trx, userId, conversationId, { remindType });
    });
    const changed = await this.reload(userId, [conversationId]);
    const unread = before !== undefined && before.visible && unreadOf(before) > 0 && before.remindType !== remindType;
    if (changed.length > 0 || unread) await this.announce(userId, { changed, deleted: [], unread });
  }

  async setReceiveOpt(userId: string, opt: ReceiveOpt): Promise<ReceiveOpt> {
    await this.deps.db.transact((trx) => this.deps.store.setReceiveOpt(trx, userId, opt));
    this.deps.bus.publish([userId], {
      case: "allReceiveMessageOptUpdated",
      value: {
        $typeName: "chatwire.v1.AllReceiveMessageOptUpdated",
        messageRemindType: opt.remindType,
        startTime: BigInt(opt.startTime),
        endTime: BigInt(opt.endTime),
        isRepeated: opt.isRepeated,
      },
    });
    return opt;
  }

  async receiveOpt(userId: string): Promise<ReceiveOpt> {
    return (await this.deps.store.receiveOpt(userId)) ?? { remindType: MessageRemindType.ACPT_AND_NOTE, startTime: 0, endTime: 0, isRepeated: false };
  }

  async setCustomData(userId: string, conversationIds: readonly string[], customData: string) {
    return this.perConversation(userId, conversationIds, (r) => (r.customData === customData ? undefined : { customData }));
  }

  async mark(userId: string, conversationIds: readonly string[], markType: bigint, enable: boolean) {
    const custom = markType >= 1n << 32n && markType < 1n << 64n && (markType & (markType - 1n)) === 0n;
    if (!SDK_MARKS.has(markType) && !custom) throw chatError(INVALID_PARAMETER, "markType must be 1, 2, 4, 8 or 2^n with 32 <= n < 64");
    return this.perConversation(userId, conversationIds, (r) => {
      const has = r.marks.includes(markType);
      if (has === enable) return {};
      const marks = enable ? [...r.marks, markType].sort((a, b) => (a < b ? -1 : 1)) : r.marks.filter((m) => m !== markType);
      return { marks };
    });
  }

  // ---- conversation groups

  async folderNames(userId: string): Promise<string[]> {
    return (await this.deps.store.folders(userId)).map((f) => f.name);
  }

  async createFolder(userId: string, name: string, conversationIds: readonly string[]) {
    const folders = await this.folderNames(userId);
    if (folders.includes(name)) throw chatError(INVALID_PARAMETER, "a conversation group with this name exists");
    if (folders.length >= this.deps.options.maxConversationGroups) {
      throw chatError(INVALID_PARAMETER, `at most ${this.deps.options.maxConversationGroups} conversation groups`);
    }
    const { ok, failures } = await this.held(userId, conversationIds);
    await this.deps.db.transact(async (trx) => {
      await this.deps.store.createFolder(trx, userId, name, this.deps.clock.now());
      await this.deps.store.addToFolder(trx, userId, name, ok);
    });
    this.deps.bus.publish([userId], folderListPayload([...folders, name]));
    await this.announce(userId, { changed: await this.reload(userId, ok), deleted: [], unread: false });
    return { success: ok, failures };
  }

  async deleteFolder(userId: string, name: string): Promise<void> {
    const folders = await this.folderNames(userId);
    if (!folders.includes(name)) throw chatError(INVALID_PARAMETER, "no conversation group with this name");
    const members = await this.deps.store.folderMembers(userId, name);
    await this.deps.db.transact((trx) => this.deps.store.deleteFolder(trx, userId, name));
    this.deps.bus.publish([userId], folderListPayload(folders.filter((f) => f !== name)));
    await this.announce(userId, { changed: await this.reload(userId, members), deleted: [], unread: false });
  }

  async renameFolder(userId: string, oldName: string, newName: string): Promise<void> {
    const folders = await this.folderNames(userId);
    if (!folders.includes(oldName)) throw chatError(INVALID_PARAMETER, "no conversation group with this name");
    if (oldName === newName) return;
    if (folders.includes(newName)) throw chatError(INVALID_PARAMETER, "a conversation group with the new name exists");
    const members = await this.deps.store.folderMembers(userId, oldName);
    await this.deps.db.transact((trx) => this.deps.store.renameFolder(trx, userId, oldName, newName));
    this.deps.bus.publish([userId], folderListPayload(folders.map((f) => (f === oldName ? newName : f))));
    await this.announce(userId, { changed: await this.reload(userId, members), deleted: [], unread: false });
  }

  async changeFolder(userId: string, name: string, conversationIds: readonly string[], add: boolean) {
    if (!(await this.folderNames(userId)).includes(name)) throw chatError(INVALID_PARAMETER, "no conversation group with this name");
    const { ok, failures } = await this.held(userId, conversationIds);
    await this.deps.db.transact((trx) =>
      add ? this.deps.store.addToFolder(trx, userId, name, ok) : this.deps.store.removeFromFolder(trx, userId, name, ok),
    );
    const inFolder = await this.deps.store.folderMembers(userId, name);
    const records = sortRecords((await this.deps.store.get(userId, inFolder)).filter((r) => r.visible));
    this.deps.bus.publish([userId], {
      case: "conversationInGroupUpdated",
      value: { $typeName: "chatwire.v1.ConversationInGroupUpdated", groupName: name, conversationList: await this.build(userId, records) },
    });
    await this.announce(userId, { changed: await this.reload(userId, ok), deleted: [], unread: false });
    return { success: ok, failures };
  }

  // ---- shared helpers

  /** Publishes changed conversations (built from the committed rows) and, when it may differ, the total unread. */
  async announce(userId: string, change: Change): Promise<void> {
    if (change.changed.length > 0 || change.deleted.length > 0) {
      this.deps.bus.publish([userId], listPayload(await this.build(userId, sortRecords(change.changed)), change.deleted));
    }
    if (change.unread) this.deps.bus.publish([userId], totalPayload(await this.totalUnread(userId)));
  }

  async reload(userId: string, conversationIds: readonly string[]): Promise<ConversationRecord[]> {
    return (await this.deps.store.get(userId, conversationIds)).filter((r) => r.visible);
  }

  /** Applies a per-conversation change to each ID on its own: 2503 malformed, 2500 not held; announces the changed. */
  private async perConversation(
    userId: string,
    conversationIds: readonly string[],
    change: (r: ConversationRecord) => { customData?: string; marks?: bigint[] } | undefined,
  ) {
    const { ok, failures, records } = await this.held(userId, conversationIds);
    const patches = records.map((r) => ({ r, patch: change(r) })).filter((x) => x.patch && Object.keys(x.patch).length > 0);
    if (patches.length > 0) {
      await this.deps.db.transact(async (trx) => {
        for (const { r, patch } of patches) await this.deps.store.update(trx, userId, r.conversationId, patch!);
      });
      await this.announce(userId, { changed: await this.reload(userId, patches.map((x) => x.r.conversationId)), deleted: [], unread: false });
    }
    return { success: ok, failures };
  }

  /** Splits IDs into those the user holds and failures (2503 malformed, 2500 not held), keeping the request order. */
  private async held(userId: string, conversationIds: readonly string[]) {
    const unique = [...new Set(conversationIds)].slice(0, 1000);
    const wellFormed = unique.filter((id) => parseConversationId(id));
    const records = (await this.deps.store.get(userId, wellFormed)).filter((r) => r.visible);
    const have = new Set(records.map((r) => r.conversationId));
    const failures: ConversationOperationFailure[] = unique
      .filter((id) => !have.has(id))
      .map((id) => {
        const code = parseConversationId(id) ? CONV_NOT_FOUND : INVALID_CONV_ID;
        return create(ConversationOperationFailureSchema, { conversationId: id, code, message: messageOf(code) });
      });
    return { ok: unique.filter((id) => have.has(id)), failures, records };
  }

  private async requireTarget(userId: string, ref: ConversationRef, code: number): Promise<void> {
    if (ref.kind === "c2c" && ref.peer !== userId && !(await this.deps.accounts.existing([ref.peer])).has(ref.peer)) throw chatError(code);
    if (ref.kind === "group" && !(await this.deps.groups.exists(ref.groupId))) throw chatError(code);
  }

  private emptyRecord(userId: string, ref: ConversationRef, existing?: ConversationRecord): ConversationRecord {
    const now = this.deps.clock.now();
    return {
      ...(existing ?? {
        userId,
        conversationId: ref.conversationId,
        conv: keyOf(userId, ref),
        readSeq: 0,
        readOrdinal: 0,
        ownCount: 0,
        clearedSeq: 0,
        pinned: false,
        pinTime: 0,
        customData: "",
        marks: [],
        remindType: 0,
        peerReadSeq: 0,
        peerReadTime: 0,
        createTime: now,
        head: { lastSeq: 0, countable: 0, lastMsgSeq: 0, lastTime: 0 },
      }),
      visible: true,
      lastSeq: 0,
      sortTime: now,
      readOrdinal: existing?.head.countable ?? 0,
      ownCount: 0,
    };
  }

  /** Conversation objects for records: last messages in one query, peer profiles in one call, folders. */
  async build(userId: string, records: readonly ConversationRecord[], folders?: Map<string, string[]>): Promise<Conversation[]> {
    if (records.length === 0) return [];
    const lastKeys = records.filter((r) => r.lastSeq > 0).map((r) => ({ conv: r.conv, seq: r.lastSeq }));
    const [lasts, profiles, folderMap] = await Promise.all([
      this.deps.messages.bySeqs(lastKeys),
      this.deps.profiles.getProfiles(
        records.flatMap((r) => {
          const ref = parseConversationId(r.conversationId);
          return ref?.kind === "c2c" ? [ref.peer] : [];
        }),
      ),
      folders ?? this.deps.store.foldersOf(userId, records.map((r) => r.conversationId)),
    ]);
    const lastByKey = new Map(lasts.map((m) => [`${m.seq}\u0000${m.conv}`, m]));
    return records.map((r) => {
      const ref = parseConversationId(r.conversationId)!;
      const last = r.lastSeq > 0 ? lastByKey.get(`${r.lastSeq}\u0000${r.conv}`) : undefined;
      const profile = ref.kind === "c2c" ? profiles.get(ref.peer) : undefined;
      return create(ConversationSchema, {
        conversationId: r.conversationId,
        type: conversationTypeOf(ref),
        unreadCount: unreadOf(r),
        lastMessage: last ? lastMessageOf(last, userId, r) : create(ConversationLastMessageSchema, {}),
        peerReadTime: BigInt(Math.floor(r.peerReadTime / 1000)),
        isPinned: r.pinned,
        messageRemindType: r.remindType,
        markList: r.marks,
        customData: r.customData,
        conversationGroupList: folderMap.get(r.conversationId) ?? [],
        userProfile:
          ref.kind === "c2c"
            ? create(ConversationUserProfileSchema, { userId: ref.peer, nick: profile?.nick ?? "", avatar: profile?.avatar ?? "" })
            : undefined,
      });
    });
  }
}

const ZERO = { head: { countable: 0 }, readOrdinal: 0, ownCount: 0 } as ConversationRecord;

function countsTowardTotal(r: ConversationRecord): boolean {
  if (r.conversationId.startsWith("@TIM#SYSTEM")) return false;
  return r.remindType === MessageRemindType.UNSPECIFIED || r.remindType === MessageRemindType.ACPT_AND_NOTE;
}

/** Pinned first, then the most recent; ties by ID so the order is stable. */
export function sortRecords(records: readonly ConversationRecord[]): ConversationRecord[] {
  return [...records].sort(
    (a, b) =>
      Number(b.pinned) - Number(a.pinned) ||
      b.sortTime - a.sortTime ||
      (a.conversationId < b.conversationId ? 1 : a.conversationId > b.conversationId ? -1 : 0),
  );
}

function lastMessageOf(stored: StoredMessage, viewerId: string, record: ConversationRecord) {
  const m = decodeMessage(stored);
  const payload = officialPayload(m);
  return create(ConversationLastMessageSchema, {
    lastTime: m.time,
    lastSequence: BigInt(stored.seq),
    fromAccount: m.from,
    messageForShow: messageForShow(m),
    payload,
    type: m.type,
    isRevoked: m.isRevoked,
    cloudCustomData: m.cloudCustomData,
    onlineOnlyFlag: false,
    nick: m.nick,
    nameCard: m.nameCard,
    version: Number(m.version),
    isPeerRead: m.from === viewerId && stored.seq <= record.peerReadSeq,
    revoker: m.isRevoked ? (m.revokerInfo?.userId ?? m.revoker) : "",
  });
}

export function listPayload(conversationList: Conversation[], deleted: string[]): EventPayload {
  return {
    case: "conversationListUpdated",
    value: { $typeName: "chatwire.v1.ConversationListUpdated", conversationList, deletedConversationIdList: deleted, isSyncCompleted: true },
  };
}

export function totalPayload(total: number): EventPayload {
  return { case: "totalUnreadMessageCountUpdated", value: { $typeName: "chatwire.v1.TotalUnreadMessageCountUpdated", totalUnreadCount: total } };
}

function folderListPayload(names: string[]): EventPayload {
  return { case: "conversationGroupListUpdated", value: { $typeName: "chatwire.v1.ConversationGroupListUpdated", groupNameList: names } };
}

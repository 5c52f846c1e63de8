// Reactions and extensions of messages (C2C today; group conversations come with the groups domain). A request
// names its message by the Message object the client holds: its conversation (as the caller sees it) and ID. The
// caller must be a participant of the conversation, the message stored and sent ("success"). Every change of one
// message runs in a transaction that first locks the message's head row; it is announced once committed, to every
// session of both participants, each event built for its recipient (`reactedByMyself`, the conversation ID).
import { create } from "@bufbuild/protobuf";
import { UserInfoSchema, type Message, type UserInfo } from "../../gen/chatwire/v1/message_pb.js";
import {
  MessageExtensionResultSchema,
  MessageExtensionSchema,
  MessageReactionSchema,
  type MessageExtension,
  type MessageExtensionResult,
  type MessageReaction,
  type MessageReactionResult,
} from "../../gen/chatwire/v1/message_reaction_pb.js";
import { c2cConversationId, keyOf, parseConversationId } from "../conversations/conversation-id.js";
import type { ProfileSource } from "../conversations/conversations.js";
import type { EventBus } from "../events/event-bus.js";
import { MessageFlag, type MessageStore, type StoredMessage } from "../messages/message-store.js";
import { chatError } from "../rpc/chat-error.js";
import type { Db } from "../storage/db.js";
import type { InteractionStore, ReactionRow } from "./interaction-store.js";

const INVALID_CONV_ID = 2503;
const MESSAGE_NOT_FOUND = 20026;
const INVALID_PARAMETER = 70402;
const EXTENSION_CONFLICT = 23001;
const REACTION_COUNT_LIMIT = 23005;
const REACTION_USER_LIMIT = 23006;
const REACTION_ALREADY_ADDED = 23007;
const REACTION_NOT_FOUND = 23008;
const REACTION_USER_NOT_FOUND = 23009;

/** Official limits (seed 004 L1904-1905, L1774). */
export const MAX_REACTIONS_PER_MESSAGE = 10;
export const MAX_USERS_PER_REACTION = 100;
export const MAX_EXTENSIONS_PER_MESSAGE = 300;
/** Chatwire bounds: a reaction ID's bytes, messages per GetMessageReactions, users per page and per sample. */
export const MAX_REACTION_ID_BYTES = 128;
export const MAX_REACTION_MESSAGES = 20;
export const MAX_USERS_PER_PAGE = 100;
const DEFAULT_USERS_PER_PAGE = 100;
/** The most users GetMessageReactions samples per reaction (a larger maxUserCountPerReaction is clamped). */
export const MAX_SAMPLE_PER_REACTION = 10;
/** Users a MESSAGE_REACTIONS_UPDATED event samples per reaction. */
export const EVENT_USERS_PER_REACTION = 10;

export interface InteractionDeps {
  db: Db;
  store: InteractionStore;
  messages: MessageStore;
  profiles: ProfileSource;
  bus: EventBus;
}

/** The message a request names, located for the caller. */
interface Located {
  conv: string;
  stored: StoredMessage;
  /** The users of the conversation: the caller and its C2C peer. */
  participants: string[];
  /** The conversation ID each participant sees. */
  conversationIdOf(userId: string): string;
}

export class Interactions {
  /**
   * Extension keys being changed now, by message and key, each with the change's completion: a change of the same
   * key arriving meanwhile loses (23001) and answers the value the first one committed.
   */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly deps: InteractionDeps) {}

  // ---- reactions

  async addReaction(userId: string, message: Message, reactionId: string): Promise<void> {
    checkReactionId(reactionId);
    const at = await this.locate(userId, message);
    const rows = await this.deps.db.transact(async (trx) => {
      const seq = await this.deps.store.bump(trx, at.conv, at.stored.msgId);
      const current = await this.deps.store.reactions(at.conv, [at.stored.msgId], trx);
      const users = current.filter((r) => r.reactionId === reactionId);
      if (users.some((r) => r.userId === userId)) throw chatError(REACTION_ALREADY_ADDED);
      if (users.length === 0 && new Set(current.map((r) => r.reactionId)).size >= MAX_REACTIONS_PER_MESSAGE) throw chatError(REACTION_COUNT_LIMIT);
      if (users.length >= MAX_USERS_PER_REACTION) throw chatError(REACTION_USER_LIMIT);
      const row = { msgId: at.stored.msgId, reactionId, userId, seq };
      await this.deps.store.addReaction(trx, { ...row, conv: at.conv });
      return [...current, row];
    });
    await this.announceReactions(at, rows);
  }

  async removeReaction(userId: string, message: Message, reactionId: string): Promise<void> {
    checkReactionId(reactionId);
    const at = await this.locate(userId, message);
    const rows = await this.deps.db.transact(async (trx) => {
      await this.deps.store.bump(trx, at.conv, at.stored.msgId);
      const current = await this.deps.store.reactions(at.conv, [at.stored.msgId], trx);
      if (!current.some((r) => r.reactionId === reactionId)) throw chatError(REACTION_NOT_FOUND);
      if (!(await this.deps.store.removeReaction(trx, at.conv, at.stored.msgId, reactionId, userId))) throw chatError(REACTION_USER_NOT_FOUND);
      return current.filter((r) => !(r.reactionId === reactionId && r.userId === userId));
    });
    await this.announceReactions(at, rows);
  }

  async getReactions(userId: string, list: readonly Message[], maxUsers: number): Promise<MessageReactionResult[]> {
    if (list.length === 0) throw chatError(INVALID_PARAMETER, "messageList is required");
    if (list.length > MAX_REACTION_MESSAGES) throw chatError(INVALID_PARAMETER, `at most ${MAX_REACTION_MESSAGES} messages a call`);
    const conversationId = list[0]!.conversationId;
    if (list.some((m) => m.conversationId !== conversationId)) throw chatError(INVALID_PARAMETER, "the messages must be of one conversation");
    const sample = Math.min(maxUsers, MAX_SAMPLE_PER_REACTION);
    const located: Located[] = [];
    for (const m of list) located.push(await this.locate(userId, m));
    const conv = located[0]!.conv;
    const rows = await this.deps.store.reactions(
      conv,
      located.map((l) => l.stored.msgId),
    );
    const infos = await this.userInfos(rows, sample);
    return located.map((l) => ({
      $typeName: "chatwire.v1.MessageReactionResult",
      messageId: l.stored.msgId,
      reactionList: reactionList(
        rows.filter((r) => r.msgId === l.stored.msgId),
        userId,
        sample,
        infos,
      ),
    }));
  }

  async reactionUsers(userId: string, message: Message, reactionId: string, nextSeq: bigint, count: number) {
    checkReactionId(reactionId);
    if (count > MAX_USERS_PER_PAGE) throw chatError(INVALID_PARAMETER, `count may be at most ${MAX_USERS_PER_PAGE}`);
    const limit = count > 0 ? count : DEFAULT_USERS_PER_PAGE;
    const at = await this.locate(userId, message);
    const after = nextSeq > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(nextSeq);
    const rows = await this.deps.store.reactionUsers(at.conv, at.stored.msgId, reactionId, after, limit + 1);
    const page = rows.slice(0, limit);
    const isCompleted = rows.length <= limit;
    const infos = await this.userInfos(page, page.length);
    return {
      userList: page.map((r) => infos.get(r.userId)!),
      nextSeq: isCompleted ? 0n : BigInt(page[page.length - 1]!.seq),
      isCompleted,
    };
  }

  // ---- extensions

  async setExtensions(userId: string, message: Message, extensions: readonly MessageExtension[]): Promise<MessageExtensionResult[]> {
    if (extensions.length === 0) throw chatError(INVALID_PARAMETER, "extensions is required");
    const at = await this.locateExtensible(userId, message);
    // The last value of a key repeated in one call wins.
    const wanted = new Map(extensions.map((x) => [x.key, x.value]));
    const { mine, lost, waits, release } = this.claimKeys(at, [...wanted.keys()]);
    try {
      await Promise.all(waits);
      const list = mine.map((key) => ({ key, value: wanted.get(key)! }));
      const latest = await this.deps.db.transact(async (trx) => {
        await this.deps.store.bump(trx, at.conv, at.stored.msgId);
        if (list.length > 0) {
          const existing = await this.deps.store.extensions(at.conv, at.stored.msgId, mine, trx);
          const total = (await this.deps.store.countExtensions(trx, at.conv, at.stored.msgId)) + list.length - existing.length;
          if (total > MAX_EXTENSIONS_PER_MESSAGE) throw chatError(INVALID_PARAMETER, `a message holds at most ${MAX_EXTENSIONS_PER_MESSAGE} extensions`);
          await this.deps.store.putExtensions(trx, at.conv, at.stored.msgId, list);
        }
        return lost.length > 0 ? await this.deps.store.extensions(at.conv, at.stored.msgId, lost, trx) : [];
      });
      if (list.length > 0) {
        for (const user of at.participants) {
          this.deps.bus.publish([user], {
            case: "messageExtensionsUpdated",
            value: {
              $typeName: "chatwire.v1.MessageExtensionsUpdated",
              messageId: at.stored.msgId,
              extensions: list.map((x) => create(MessageExtensionSchema, x)),
              conversationId: at.conversationIdOf(user),
            },
          });
        }
      }
      const won = new Map(latest.map((x) => [x.key, x.value]));
      return [...wanted.keys()].map((key) =>
        create(MessageExtensionResultSchema, mine.includes(key) ? { code: 0, key, value: wanted.get(key)! } : { code: EXTENSION_CONFLICT, key, value: won.get(key) ?? "" }),
      );
    } finally {
      release();
    }
  }

  async getExtensions(userId: string, message: Message, keyList: readonly string[]): Promise<MessageExtension[]> {
    if (keyList.length > MAX_EXTENSIONS_PER_MESSAGE) throw chatError(INVALID_PARAMETER, `at most ${MAX_EXTENSIONS_PER_MESSAGE} keys`);
    const at = await this.locateExtensible(userId, message);
    const found = await this.deps.store.extensions(at.conv, at.stored.msgId, keyList.length > 0 ? [...new Set(keyList)] : undefined);
    return found.map((x) => create(MessageExtensionSchema, x));
  }

  async deleteExtensions(userId: string, message: Message, keyList: readonly string[]): Promise<MessageExtensionResult[]> {
    const at = await this.locateExtensible(userId, message);
    const keys = keyList.length > 0 ? [...new Set(keyList)] : undefined;
    const claimed = keys ? this.claimKeys(at, keys) : undefined;
    const busy = claimed?.lost ?? [];
    const mine = claimed?.mine;
    try {
      await Promise.all(claimed?.waits ?? []);
      const { deleted, latest } = await this.deps.db.transact(async (trx) => {
        await this.deps.store.bump(trx, at.conv, at.stored.msgId);
        const deleted = await this.deps.store.deleteExtensions(trx, at.conv, at.stored.msgId, mine);
        const latest = busy.length > 0 ? await this.deps.store.extensions(at.conv, at.stored.msgId, busy, trx) : [];
        return { deleted, latest };
      });
      if (deleted.length > 0) {
        for (const user of at.participants) {
          this.deps.bus.publish([user], {
            case: "messageExtensionsDeleted",
            value: { $typeName: "chatwire.v1.MessageExtensionsDeleted", messageId: at.stored.msgId, keyList: deleted, conversationId: at.conversationIdOf(user) },
          });
        }
      }
      const won = new Map(latest.map((x) => [x.key, x.value]));
      const results = (keys ?? deleted).map((key) =>
        create(MessageExtensionResultSchema, busy.includes(key) ? { code: EXTENSION_CONFLICT, key, value: won.get(key) ?? "" } : { code: 0, key, value: "" }),
      );
      return results;
    } finally {
      claimed?.release();
    }
  }

  // ---- helpers

  /** Marks the keys this change owns; the others are in flight in an earlier change, whose end it waits for. */
  private claimKeys(at: Located, keys: readonly string[]) {
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const mine: string[] = [];
    const lost: string[] = [];
    const waits: Promise<void>[] = [];
    for (const key of keys) {
      const earlier = this.inFlight.get(flightKey(at, key));
      if (earlier) {
        lost.push(key);
        waits.push(earlier);
      } else {
        this.inFlight.set(flightKey(at, key), done);
        mine.push(key);
      }
    }
    const release = () => {
      for (const key of mine) if (this.inFlight.get(flightKey(at, key)) === done) this.inFlight.delete(flightKey(at, key));
      finish();
    };
    return { mine, lost, waits, release };
  }

  private async locate(userId: string, message: Message): Promise<Located> {
    const ref = parseConversationId(message.conversationId);
    if (!ref) throw chatError(INVALID_CONV_ID);
    if (ref.kind === "group") throw chatError(990001, "group messages come with the groups domain");
    if (ref.kind === "system") throw chatError(INVALID_PARAMETER, "system notices take no reactions or extensions");
    if (message.status !== "success") throw chatError(INVALID_PARAMETER, "the message must have been sent successfully");
    if (!message.messageId || Buffer.byteLength(message.messageId) > 128) throw chatError(INVALID_PARAMETER, "the message ID is invalid");
    const conv = keyOf(userId, ref);
    const stored = await this.deps.messages.byId(conv, message.messageId);
    if (!stored) throw chatError(MESSAGE_NOT_FOUND);
    const peer = ref.peer;
    const participants = peer === userId ? [userId] : [userId, peer];
    return { conv, stored, participants, conversationIdOf: (u) => c2cConversationId(u === userId ? peer : userId) };
  }

  private async locateExtensible(userId: string, message: Message): Promise<Located> {
    const at = await this.locate(userId, message);
    if (!(at.stored.flags & MessageFlag.supportExtension)) throw chatError(INVALID_PARAMETER, "the message was not sent with isSupportExtension");
    return at;
  }

  private async userInfos(rows: readonly ReactionRow[], perReaction: number): Promise<Map<string, UserInfo>> {
    const ids = new Set<string>();
    const taken = new Map<string, number>();
    for (const r of rows) {
      const k = `${r.msgId}\u0000${r.reactionId}`;
      const n = taken.get(k) ?? 0;
      if (n < perReaction) {
        ids.add(r.userId);
        taken.set(k, n + 1);
      }
    }
    const profiles = await this.deps.profiles.getProfiles([...ids]);
    return new Map(
      [...ids].map((id) => {
        const p = profiles.get(id);
        return [id, create(UserInfoSchema, { userId: id, nick: p?.nick ?? "", avatar: p?.avatar ?? "" })];
      }),
    );
  }

  private async announceReactions(at: Located, rows: readonly ReactionRow[]): Promise<void> {
    const infos = await this.userInfos(rows, EVENT_USERS_PER_REACTION);
    for (const user of at.participants) {
      this.deps.bus.publish([user], {
        case: "messageReactionsUpdated",
        value: {
          $typeName: "chatwire.v1.MessageReactionsUpdated",
          messageId: at.stored.msgId,
          reactionList: reactionList(rows, user, EVENT_USERS_PER_REACTION, infos),
          conversationId: at.conversationIdOf(user),
        },
      });
    }
  }
}

function checkReactionId(reactionId: string): void {
  if (reactionId === "" || Buffer.byteLength(reactionId) > MAX_REACTION_ID_BYTES) throw chatError(INVALID_PARAMETER, `a reaction ID holds 1 to ${MAX_REACTION_ID_BYTES} bytes`);
}

function flightKey(at: Located, key: string): string {
  return `${at.conv}\u0000${at.stored.msgId}\u0000${key}`;
}

/** A message's reactions in the order each was first used, each with its first `sample` users. */
function reactionList(rows: readonly ReactionRow[], viewer: string, sample: number, infos: Map<string, UserInfo>): MessageReaction[] {
  const byReaction = new Map<string, ReactionRow[]>();
  for (const r of [...rows].sort((a, b) => a.seq - b.seq)) byReaction.set(r.reactionId, [...(byReaction.get(r.reactionId) ?? []), r]);
  return [...byReaction].map(([reactionId, users]) =>
    create(MessageReactionSchema, {
      reactionId,
      reactedByMyself: users.some((u) => u.userId === viewer),
      totalUserCount: users.length,
      partialUserList: users.slice(0, sample).map((u) => infos.get(u.userId) ?? create(UserInfoSchema, { userId: u.userId })),
    }),
  );
}

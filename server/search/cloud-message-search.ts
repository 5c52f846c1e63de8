// searchCloudMessages: the caller's messages found by keywords (substrings, OR or AND), senders, element types and
// a time window, in one conversation or all of them, through the index of message-search-store.ts. Searching all
// conversations answers one result per conversation (newest match first) with its match count, holding the
// message only when exactly one matched; searching one answers that conversation's matching messages, newest first.
// Both page with an opaque cursor: a keyset on (newest match time, conversation ID) or on the sequence.
import type { Message } from "../../gen/chatwire/v1/message_pb.js";
import type { SearchCloudMessagesRequest } from "../../gen/chatwire/v1/message_pb.js";
import { MessageElemType } from "../../gen/chatwire/v1/types_pb.js";
import type { Clock } from "../clock.js";
import { parseConversationId } from "../conversations/conversation-id.js";
import type { ConversationStore } from "../conversations/conversation-store.js";
import type { MessageStore } from "../messages/message-store.js";
import { decodeMessage, viewFor } from "../messages/message-view.js";
import { chatError } from "../rpc/chat-error.js";
import type { MessageSearchStore, SearchCriteria } from "./message-search-store.js";

const INVALID_PARAMETER = 70402;
const INVALID_CONV_ID = 2503;
const DEFAULT_COUNT = 20;
const MAX_COUNT = 100;
/** Longest keyword, in characters. */
const MAX_KEYWORD_CHARS = 100;
/** The element types a search may name (the official list: no tips, notices or faces). */
const SEARCHABLE_TYPES = new Set<number>([
  MessageElemType.TEXT,
  MessageElemType.IMAGE,
  MessageElemType.AUDIO,
  MessageElemType.FILE,
  MessageElemType.VIDEO,
  MessageElemType.LOCATION,
  MessageElemType.CUSTOM,
  MessageElemType.MERGER,
]);

export interface CloudMessageSearchDeps {
  index: MessageSearchStore;
  messages: MessageStore;
  conversations: ConversationStore;
  clock: Clock;
}

export interface SearchCloudMessagesResult {
  totalCount: number;
  cursor: string;
  searchResultList: { conversationId: string; messageCount: number; messageList: Message[] }[];
}

function invalid(message: string): never {
  throw chatError(INVALID_PARAMETER, message);
}

function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function decodeCursor(cursor: string): unknown {
  if (cursor.length > 512) invalid("cursor is not one this server returned");
  try {
    return JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return invalid("cursor is not one this server returned");
  }
}

export class CloudMessageSearch {
  constructor(private readonly deps: CloudMessageSearchDeps) {}

  async search(userId: string, req: SearchCloudMessagesRequest): Promise<SearchCloudMessagesResult> {
    const criteria = this.criteria(userId, req);
    const count = req.count === 0 ? DEFAULT_COUNT : req.count;
    if (count > MAX_COUNT) invalid(`count must be 1 to ${MAX_COUNT}`);
    return req.conversationId ? this.inOne(criteria, req.conversationId, req.cursor, count) : this.inAll(criteria, req.cursor, count);
  }

  private criteria(userId: string, req: SearchCloudMessagesRequest): SearchCriteria {
    const keywords = [...new Set(req.keywordList)];
    for (const k of keywords) {
      if (k.trim() === "") invalid("a keyword cannot be empty");
      if ([...k].length > MAX_KEYWORD_CHARS) invalid(`a keyword is at most ${MAX_KEYWORD_CHARS} characters`);
    }
    const match = req.keywordListMatchType;
    if (match !== "" && match !== "or" && match !== "and") invalid("keywordListMatchType must be 'or' or 'and'");
    const types = [...new Set(req.messageTypeList)];
    for (const t of types) if (!SEARCHABLE_TYPES.has(t)) invalid("messageTypeList names a type that cannot be searched");
    const senders = [...new Set(req.senderUserIdList)];
    if (keywords.length === 0 && senders.length === 0 && types.length === 0) {
      invalid("keywordList is required unless senderUserIDList or messageTypeList is given");
    }
    let fromMs: number | undefined;
    let toMs: number | undefined;
    const position = Number(req.timePosition);
    const period = Number(req.timePeriod);
    if (position > 0xffffffff || period > 0xffffffff) invalid("timePosition and timePeriod are Unix seconds");
    if (position > 0) toMs = position * 1000 + 999;
    if (period > 0) fromMs = ((position > 0 ? position : Math.floor(this.deps.clock.now() / 1000)) - period) * 1000;
    return { userId, keywords, matchAll: match === "and", senders, types, fromMs, toMs };
  }

  private async inAll(criteria: SearchCriteria, cursor: string, count: number): Promise<SearchCloudMessagesResult> {
    let after: { t: number; c: string } | undefined;
    if (cursor) {
      const c = decodeCursor(cursor) as { t?: unknown; c?: unknown } | null;
      if (!c || typeof c.t !== "number" || typeof c.c !== "string") invalid("cursor is not one this server returned");
      after = { t: c.t as number, c: c.c as string };
    }
    const all = await this.deps.index.byConversation(criteria);
    const rest = after ? all.filter((h) => h.topTime < after.t || (h.topTime === after.t && h.conversationId < after.c)) : all;
    const page = rest.slice(0, count);
    const last = page.at(-1);
    const singles = page.filter((h) => h.count === 1);
    const messages = await this.present(criteria.userId, singles.map((h) => ({ conv: h.conv, seq: h.topSeq })));
    return {
      totalCount: all.length,
      cursor: rest.length > count && last ? encodeCursor({ t: last.topTime, c: last.conversationId }) : "",
      searchResultList: page.map((h) => ({
        conversationId: h.conversationId,
        messageCount: h.count,
        messageList: h.count === 1 ? messages.filter((m) => m.conversationId === h.conversationId) : [],
      })),
    };
  }

  private async inOne(criteria: SearchCriteria, conversationId: string, cursor: string, count: number): Promise<SearchCloudMessagesResult> {
    const ref = parseConversationId(conversationId);
    if (!ref) throw chatError(INVALID_CONV_ID);
    if (ref.kind === "system") invalid("the system conversation cannot be searched");
    if (ref.kind === "group" && (ref.groupId.startsWith("@TGS#_") || ref.groupId.includes("@TOPIC#"))) {
      invalid("communities and topics cannot be searched");
    }
    let beforeSeq: number | undefined;
    if (cursor) {
      const c = decodeCursor(cursor) as { s?: unknown } | null;
      if (!c || typeof c.s !== "number" || !Number.isSafeInteger(c.s)) invalid("cursor is not one this server returned");
      beforeSeq = c.s as number;
    }
    const { total, hits } = await this.deps.index.inConversation(criteria, conversationId, beforeSeq, count + 1);
    const page = hits.slice(0, count);
    const messages = await this.present(criteria.userId, page);
    return {
      totalCount: total,
      cursor: hits.length > count ? encodeCursor({ s: page.at(-1)!.seq }) : "",
      searchResultList: page.length > 0 || total > 0 ? [{ conversationId, messageCount: total, messageList: messages }] : [],
    };
  }

  /** The messages at these keys as the caller sees them, in the keys' order. */
  private async present(userId: string, keys: readonly { conv: string; seq: number }[]): Promise<Message[]> {
    if (keys.length === 0) return [];
    const stored = await this.deps.messages.bySeqs(keys);
    const byKey = new Map(stored.map((m) => [`${m.conv}\u0000${m.seq}`, m]));
    const views = keys.flatMap((k) => {
      const m = byKey.get(`${k.conv}\u0000${k.seq}`);
      return m ? [viewFor(decodeMessage(m), userId)] : [];
    });
    const records = await this.deps.conversations.get(userId, [...new Set(views.map((v) => v.conversationId))]);
    const byId = new Map(records.map((r) => [r.conversationId, r]));
    return views.map((v) => {
      const r = byId.get(v.conversationId);
      return r ? viewFor(v, userId, { readSeq: r.readSeq, peerReadSeq: r.peerReadSeq }) : v;
    });
  }
}

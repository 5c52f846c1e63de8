// The cloud message search index (migration 20261206T000000Z-search): one row per stored message with the text a
// keyword may match, written by the message store in the transaction that stores the message, rewritten when the
// message is modified, deleted when it is revoked. Queries see a message only through the caller's conversation rows
// (so only conversations it holds, never what it cleared or deleted for itself).
//
// Keywords match as case-insensitive substrings. On SQLite a keyword of 3 characters or more is looked up in the
// FTS5 trigram table; a shorter one ("你好" is two) cannot be (a trigram index has no entry shorter than 3), so it
// is a LIKE over the candidate rows the other conditions already narrowed to the caller's conversations: a scan
// bounded by the caller's own messages. On PostgreSQL every keyword is an ILIKE the pg_trgm GIN index serves when
// it is 3 characters or more (the planner falls back the same way for shorter ones).
import { fromBinary } from "@bufbuild/protobuf";
import { sql, type RawBuilder } from "kysely";
import { MessageSchema, type Message } from "../../gen/chatwire/v1/message_pb.js";
import { keywordMatch } from "./keyword-sql.js";
import type { Db, Engine, Executor, Tx } from "../storage/db.js";
import { inList, rowsOf } from "../storage/sql-helpers.js";

export interface MessageSearchTable {
  /** SQLite only: the FTS5 rowid. */
  id?: number;
  conv: string;
  seq: number;
  sender_id: string;
  time: number;
  /** MessageElemType. */
  type: number;
  text: string;
}

export interface MessageSearchTables {
  message_search: MessageSearchTable;
}

/** What is indexed of one message. */
export interface SearchEntry {
  conv: string;
  seq: number;
  senderId: string;
  time: number;
  type: number;
  text: string;
}

/** Longest text indexed per message (a message body is at most 12 KB anyway). */
const MAX_TEXT_CHARS = 4096;

/** The searchable text of a message: text, custom data/description/extension, file name, merger title, place. */
export function searchTextOf(message: Message): string {
  const p = message.payload;
  let text = "";
  switch (p.case) {
    case "text":
    case "textAt":
      text = p.value.text;
      break;
    case "custom":
      text = [p.value.data, p.value.description, p.value.extension].filter((s) => s).join("\n");
      break;
    case "file":
      text = p.value.fileName;
      break;
    case "merger":
      text = p.value.title;
      break;
    case "location":
      text = p.value.description;
      break;
    default:
      break;
  }
  return text.length > MAX_TEXT_CHARS ? text.slice(0, MAX_TEXT_CHARS) : text;
}

/** The index entry of a stored message (`time` in Unix ms, as stored). */
export function searchEntryOf(stored: { conv: string; seq: number; senderId: string; time: number }, message: Message): SearchEntry {
  return { conv: stored.conv, seq: stored.seq, senderId: stored.senderId, time: stored.time, type: message.type, text: searchTextOf(message) };
}

export interface SearchCriteria {
  userId: string;
  keywords: readonly string[];
  matchAll: boolean;
  senders: readonly string[];
  types: readonly number[];
  /** Inclusive lower and upper bounds on the stored time (Unix ms); undefined for none. */
  fromMs?: number;
  toMs?: number;
}

export interface ConversationHits {
  conversationId: string;
  conv: string;
  count: number;
  topSeq: number;
  topTime: number;
}

export interface MessageSearchStore {
  /** Indexes stored messages (inside the transaction that stores them). */
  index(trx: Tx, entries: readonly SearchEntry[]): Promise<void>;
  /** Reindexes a modified message's text and type. */
  reindex(trx: Tx, conv: string, seq: number, body: Uint8Array): Promise<void>;
  /** Drops a message from the index (revoked). */
  remove(trx: Tx, conv: string, seq: number): Promise<void>;
  /** Every conversation of the caller with a match: its match count and newest match. */
  byConversation(c: SearchCriteria, e?: Executor): Promise<ConversationHits[]>;
  /** Matches in one of the caller's conversations, newest first, below `beforeSeq`; and how many match in all. */
  inConversation(c: SearchCriteria, conversationId: string, beforeSeq: number | undefined, limit: number, e?: Executor): Promise<{ total: number; hits: { conv: string; seq: number }[] }>;
}

function conditions(engine: Engine, c: SearchCriteria): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [sql`c.user_id = ${c.userId}`, sql`s.seq > c.cleared_seq`];
  if (c.fromMs !== undefined) parts.push(sql`s.time >= ${c.fromMs}`);
  if (c.toMs !== undefined) parts.push(sql`s.time <= ${c.toMs}`);
  if (c.senders.length > 0) parts.push(sql`${inList(engine, "s.sender_id", c.senders)}`);
  if (c.types.length > 0) parts.push(sql`s.type in (${sql.join(c.types.map((t) => sql.lit(t)))})`);
  if (c.keywords.length > 0) {
    const each = c.keywords.map((k) => sql`${keywordMatch(engine, k, "s", "message_fts")}`);
    parts.push(sql`(${sql.join(each, c.matchAll ? sql` and ` : sql` or `)})`);
  }
  parts.push(sql`not exists (select 1 from message_hidden h where h.user_id = c.user_id and h.conv = s.conv and h.seq = s.seq)`);
  return sql.join(parts, sql` and `);
}

export function createMessageSearchStore(db: Db): MessageSearchStore {
  return {
    async index(trx, entries) {
      if (entries.length === 0) return;
      const source = rowsOf(
        db.engine,
        ["text", "bigint", "text", "bigint", "bigint", "text"],
        entries.map((m) => [m.conv, m.seq, m.senderId, m.time, m.type, m.text]),
      );
      await sql`insert into message_search (conv, seq, sender_id, time, type, text)
        select c0, c1, c2, c3, c4, c5 from (${source}) as batch`.execute(trx);
    },
    async reindex(trx, conv, seq, body) {
      const message: Message = fromBinary(MessageSchema, body);
      await trx.updateTable("message_search").set({ text: searchTextOf(message), type: message.type }).where("conv", "=", conv).where("seq", "=", seq).execute();
    },
    async remove(trx, conv, seq) {
      await trx.deleteFrom("message_search").where("conv", "=", conv).where("seq", "=", seq).execute();
    },
    async byConversation(c, e = db.kysely) {
      const { rows } = await sql<{ conversation_id: string; conv: string; n: number; top_seq: number; top_time: number }>`
        select c.conversation_id, c.conv, count(*) as n, max(s.seq) as top_seq, max(s.time) as top_time
        from conversation c join message_search s on s.conv = c.conv
        where ${conditions(db.engine, c)}
        group by c.conversation_id, c.conv`.execute(e);
      return rows
        .map((r) => ({ conversationId: r.conversation_id, conv: r.conv, count: Number(r.n), topSeq: Number(r.top_seq), topTime: Number(r.top_time) }))
        .sort((a, b) => b.topTime - a.topTime || (a.conversationId < b.conversationId ? 1 : a.conversationId > b.conversationId ? -1 : 0));
    },
    async inConversation(c, conversationId, beforeSeq, limit, e = db.kysely) {
      const where = sql`c.conversation_id = ${conversationId} and ${conditions(db.engine, c)}`;
      const { rows: counted } = await sql<{ n: number }>`
        select count(*) as n from conversation c join message_search s on s.conv = c.conv where ${where}`.execute(e);
      const below = beforeSeq === undefined ? sql`` : sql` and s.seq < ${beforeSeq}`;
      const { rows } = await sql<{ conv: string; seq: number }>`
        select s.conv, s.seq from conversation c join message_search s on s.conv = c.conv
        where ${where}${below} order by s.seq desc limit ${limit}`.execute(e);
      return { total: Number(counted[0]?.n ?? 0), hits: rows.map((r) => ({ conv: r.conv, seq: Number(r.seq) })) };
    },
  };
}

// Messages' tables: every stored message once, keyed by its conversation's storage key and its sequence in it (a
// group message will be one row for all members, like a C2C message is one row for both sides), the messages a
// user deleted for itself, and merger bodies stored apart. The message itself is its protobuf encoding as the
// sender sees it; what differs per viewer (flow, conversation ID, read flags) is derived when it is read.
import { sql, type Expression, type SqlBool } from "kysely";
import type { Db, Engine, Executor, Tx } from "../storage/db.js";
import { fromBinary } from "@bufbuild/protobuf";
import { MessageSchema, type Message } from "../../gen/chatwire/v1/message_pb.js";
import { createMessageSearchStore, searchEntryOf } from "../search/message-search-store.js";
import { rowsOf } from "../storage/sql-helpers.js";

export interface MessageTable {
  conv: string;
  seq: number;
  msg_id: string;
  sender_id: string;
  /** Unix ms the server stored it. */
  time: number;
  /** The conversation head's `countable` after this message (unread accounting). */
  ordinal: number;
  /** MessageFlag bits. */
  flags: number;
  /** Modification version; 0 until modified. */
  version: number;
  /** 1 once revoked. */
  revoked: number;
  /** C2C: Unix ms the receiver sent a read receipt; 0 when none. */
  receipt_time: number;
  /** The Message, protobuf-encoded, as its sender sees it. */
  body: Uint8Array;
}

export interface MessageHiddenTable {
  user_id: string;
  conv: string;
  seq: number;
}

export interface MergerBodyTable {
  download_key: string;
  sender_id: string;
  body: Uint8Array;
  create_time: number;
}

export interface MessageTables {
  message: MessageTable;
  message_hidden: MessageHiddenTable;
  merger_body: MergerBodyTable;
}

export const MessageFlag = {
  excludedFromUnread: 1,
  excludedFromLast: 2,
  needReadReceipt: 4,
  supportExtension: 8,
} as const;

export interface StoredMessage {
  conv: string;
  seq: number;
  msgId: string;
  senderId: string;
  time: number;
  ordinal: number;
  flags: number;
  version: number;
  revoked: boolean;
  receiptTime: number;
  body: Uint8Array;
  /** The message `body` encodes, when the writer has it decoded (spares the search index a decode). */
  decoded?: Message;
}

function searchEntry(m: StoredMessage) {
  return searchEntryOf(m, m.decoded ?? fromBinary(MessageSchema, m.body));
}

function toStored(row: MessageTable): StoredMessage {
  return {
    conv: row.conv,
    seq: Number(row.seq),
    msgId: row.msg_id,
    senderId: row.sender_id,
    time: Number(row.time),
    ordinal: Number(row.ordinal),
    flags: Number(row.flags),
    version: Number(row.version),
    revoked: Number(row.revoked) !== 0,
    receiptTime: Number(row.receipt_time),
    body: row.body,
  };
}

/** A page of one user's view of a conversation, newest first, never older than `afterSeq`. */
export interface PageQuery {
  conv: string;
  userId: string;
  /** Exclusive bounds; the user's cleared position is a lower bound. */
  beforeSeq?: number;
  afterSeq: number;
  /** Exclusive time bounds in Unix ms (hopping by time). */
  beforeTime?: number;
  afterTime?: number;
  /** "older": newest first from the upper bound; "newer": oldest first from the lower bound. */
  direction: "older" | "newer";
  limit: number;
}

export interface MessageStore {
  byId(conv: string, msgId: string, e?: Executor): Promise<StoredMessage | undefined>;
  bySeq(conv: string, seq: number, e?: Executor): Promise<StoredMessage | undefined>;
  /** Messages by (conv, seq) pairs, in one query. */
  bySeqs(keys: readonly { conv: string; seq: number }[], e?: Executor): Promise<StoredMessage[]>;
  insert(trx: Tx, message: StoredMessage): Promise<void>;
  /** Inserts a batch of messages in one statement. */
  insertMany(trx: Tx, messages: readonly StoredMessage[]): Promise<void>;
  /** The stored messages among (conv, message ID) pairs, in one query. */
  byIds(keys: readonly { conv: string; msgId: string }[], e?: Executor): Promise<StoredMessage[]>;
  /**
   * Rewrites a message's body (revoke, modify) and its state columns, only while it is still at `expectVersion` and
   * not revoked; returns whether it did.
   */
  rewrite(trx: Tx, conv: string, seq: number, expectVersion: number, change: { body: Uint8Array; version?: number; revoked?: boolean }): Promise<boolean>;
  /** C2C read receipts: records when the receiver acknowledged these messages (first receipt wins). */
  setReceipts(trx: Tx, conv: string, seqs: readonly number[], nowMs: number): Promise<void>;
  /** One user's page of a conversation: keyset on the sequence (or time), skipping what the user deleted. */
  page(query: PageQuery, e?: Executor): Promise<StoredMessage[]>;
  hide(trx: Tx, userId: string, conv: string, seqs: readonly number[]): Promise<void>;
  /** The sequences among `seqs` the user deleted. */
  hidden(userId: string, conv: string, seqs: readonly number[], e?: Executor): Promise<Set<number>>;
  /** The user's messages of a C2C conversation sent by `senderId` with a sequence in (after, upTo], newest first. */
  sentBetween(conv: string, senderId: string, after: number, upTo: number, limit: number, e?: Executor): Promise<StoredMessage[]>;
  putMerger(trx: Tx, key: string, senderId: string, body: Uint8Array, nowMs: number): Promise<void>;
  getMerger(key: string): Promise<Uint8Array | undefined>;
}

/** `(conv, seq) IN (pairs)` with one bound parameter, so the statement text does not vary with the count. */
function pairList(engine: Engine, keys: readonly { conv: string; seq: number }[]): Expression<SqlBool> {
  if (engine === "sqlite") {
    const json = JSON.stringify(keys.map((k) => [k.conv, k.seq]));
    return sql<SqlBool>`(conv, seq) in (select json_extract(value, '$[0]'), json_extract(value, '$[1]') from json_each(${json}))`;
  }
  return sql<SqlBool>`(conv, seq) in (select * from unnest(${keys.map((k) => k.conv)}::text[], ${keys.map((k) => k.seq)}::bigint[]))`;
}

/** pg binds Buffers as bytea; a plain Uint8Array would be sent as JSON. */
function asBytes(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

export function createMessageStore(db: Db): MessageStore {
  // The cloud search index is written with the messages, in their transaction (server/search/).
  const search = createMessageSearchStore(db);
  const insert = db.prepare<MessageTable, never>((k, p) =>
    k.insertInto("message").values({
      conv: p("conv"),
      seq: p("seq"),
      msg_id: p("msg_id"),
      sender_id: p("sender_id"),
      time: p("time"),
      ordinal: p("ordinal"),
      flags: p("flags"),
      version: p("version"),
      revoked: p("revoked"),
      receipt_time: p("receipt_time"),
      body: p("body"),
    }),
  );
  const byId = db.prepare<{ conv: string; msg_id: string }, MessageTable>((k, p) =>
    k.selectFrom("message").selectAll().where("conv", "=", p<string>("conv")).where("msg_id", "=", p<string>("msg_id")),
  );
  const notHidden = (userId: string) => (eb: any) =>
    eb.not(
      eb.exists(
        eb
          .selectFrom("message_hidden as h")
          .select("h.seq")
          .whereRef("h.conv", "=", "message.conv")
          .whereRef("h.seq", "=", "message.seq")
          .where("h.user_id", "=", userId),
      ),
    );

  return {
    async byId(conv, msgId, e = db.kysely) {
      const [row] = await byId.execute(e, { conv, msg_id: msgId });
      return row ? toStored(row) : undefined;
    },
    async bySeq(conv, seq, e = db.kysely) {
      const row = await e.selectFrom("message").selectAll().where("conv", "=", conv).where("seq", "=", seq).executeTakeFirst();
      return row ? toStored(row) : undefined;
    },
    async bySeqs(keys, e = db.kysely) {
      if (keys.length === 0) return [];
      const rows = await e.selectFrom("message").selectAll().where(pairList(db.engine, keys)).execute();
      return rows.map(toStored);
    },
    async insert(trx, m) {
      await insert.execute(trx, {
        conv: m.conv,
        seq: m.seq,
        msg_id: m.msgId,
        sender_id: m.senderId,
        time: m.time,
        ordinal: m.ordinal,
        flags: m.flags,
        version: m.version,
        revoked: m.revoked ? 1 : 0,
        receipt_time: m.receiptTime,
        body: asBytes(m.body),
      });
      await search.index(trx, [searchEntry(m)]);
    },
    async insertMany(trx, messages) {
      if (messages.length === 0) return;
      const source = rowsOf(
        db.engine,
        ["text", "bigint", "text", "text", "bigint", "bigint", "bigint", "bigint", "bytes"],
        messages.map((m) => [m.conv, m.seq, m.msgId, m.senderId, m.time, m.ordinal, m.flags, m.receiptTime, m.body]),
      );
      await sql`
        insert into message (conv, seq, msg_id, sender_id, time, ordinal, flags, version, revoked, receipt_time, body)
        select c0, c1, c2, c3, c4, c5, c6, 0, 0, c7, c8 from (${source}) as batch`.execute(trx);
      await search.index(trx, messages.map(searchEntry));
    },
    async byIds(keys, e = db.kysely) {
      if (keys.length === 0) return [];
      const source = rowsOf(db.engine, ["text", "text"], keys.map((k) => [k.conv, k.msgId]));
      const rows = await e
        .selectFrom("message")
        .selectAll()
        .where(sql<boolean>`(conv, msg_id) in (select c0, c1 from (${source}) as wanted)`)
        .execute();
      return rows.map(toStored);
    },
    async rewrite(trx, conv, seq, expectVersion, change) {
      const result = await trx
        .updateTable("message")
        .set({
          body: asBytes(change.body),
          ...(change.version !== undefined ? { version: change.version } : {}),
          ...(change.revoked !== undefined ? { revoked: change.revoked ? 1 : 0 } : {}),
        })
        .where("conv", "=", conv)
        .where("seq", "=", seq)
        .where("version", "=", expectVersion)
        .where("revoked", "=", 0)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return false;
      if (change.revoked) await search.remove(trx, conv, seq);
      else await search.reindex(trx, conv, seq, change.body);
      return true;
    },
    async setReceipts(trx, conv, seqs, nowMs) {
      for (const seq of seqs) {
        await trx.updateTable("message").set({ receipt_time: nowMs }).where("conv", "=", conv).where("seq", "=", seq).where("receipt_time", "=", 0).execute();
      }
    },
    async page(q, e = db.kysely) {
      const byTime = q.beforeTime !== undefined || q.afterTime !== undefined;
      let query = e.selectFrom("message").selectAll().where("conv", "=", q.conv).where("seq", ">", q.afterSeq);
      if (q.beforeSeq !== undefined) query = query.where("seq", "<", q.beforeSeq);
      if (q.beforeTime !== undefined) query = query.where("time", "<", q.beforeTime);
      if (q.afterTime !== undefined) query = query.where("time", ">", q.afterTime);
      query = query.where(notHidden(q.userId));
      const dir = q.direction === "older" ? "desc" : "asc";
      query = byTime ? query.orderBy("time", dir).orderBy("seq", dir) : query.orderBy("seq", dir);
      const rows = await query.limit(q.limit).execute();
      return rows.map(toStored);
    },
    async hide(trx, userId, conv, seqs) {
      if (seqs.length === 0) return;
      await trx
        .insertInto("message_hidden")
        .values(seqs.map((seq) => ({ user_id: userId, conv, seq })))
        .onConflict((oc) => oc.columns(["user_id", "conv", "seq"]).doNothing())
        .execute();
    },
    async hidden(userId, conv, seqs, e = db.kysely) {
      if (seqs.length === 0) return new Set();
      const rows = await e
        .selectFrom("message_hidden")
        .select("seq")
        .where("user_id", "=", userId)
        .where("conv", "=", conv)
        .where("seq", ">=", Math.min(...seqs))
        .where("seq", "<=", Math.max(...seqs))
        .execute();
      const wanted = new Set(seqs);
      return new Set(rows.map((r) => Number(r.seq)).filter((s) => wanted.has(s)));
    },
    async sentBetween(conv, senderId, after, upTo, limit, e = db.kysely) {
      const rows = await e
        .selectFrom("message")
        .selectAll()
        .where("conv", "=", conv)
        .where("seq", ">", after)
        .where("seq", "<=", upTo)
        .where("sender_id", "=", senderId)
        .orderBy("seq", "desc")
        .limit(limit)
        .execute();
      return rows.map(toStored);
    },
    async putMerger(trx, key, senderId, body, nowMs) {
      await trx.insertInto("merger_body").values({ download_key: key, sender_id: senderId, body: asBytes(body), create_time: nowMs }).execute();
    },
    async getMerger(key) {
      const row = await db.kysely.selectFrom("merger_body").select("body").where("download_key", "=", key).executeTakeFirst();
      return row?.body;
    },
  };
}

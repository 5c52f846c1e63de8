// Conversations' tables: the head of each conversation (shared by its participants: the sequence counter and the
// counters unread counts derive from), each user's row per conversation (read position, pin, marks, custom data,
// remind type, cleared history), conversation groups, and the global do-not-disturb.
//
// Unread counts come from positions, not from rows per message or per member: `countable` in the head counts the
// conversation's messages that count toward unread; a user's unread count is `countable - read_ordinal -
// own_count` (`read_ordinal`: `countable` when the user last read; `own_count`: the user's own countable messages
// since). A message never writes a row per member; a C2C message updates its two participants' rows (the list is
// ordered by them), a group message only the sender's: every member's group row follows the shared head (toRecord).
import { sql } from "kysely";
import type { Db, Executor, Tx } from "../storage/db.js";
import { inList, rowsOf } from "../storage/sql-helpers.js";

export interface ConversationHeadTable {
  conv: string;
  /** The last sequence allocated in the conversation (0 before the first message). */
  last_seq: number;
  /** How many of its messages count toward unread (not excluded by messageControlInfo). */
  countable: number;
  /** The sequence of the latest message that may be a last message (not excludedFromLastMessage). */
  last_msg_seq: number;
  /** Unix ms of that message. */
  last_time: number;
}

export interface ConversationTable {
  user_id: string;
  /** The ID as this user sees it: C2C<peer>, GROUP<group>, @TIM#SYSTEM. */
  conversation_id: string;
  /** The conversation's storage key (conversation-id.ts). */
  conv: string;
  /** 0 once the user deleted the conversation; a new message or a pin shows it again. */
  visible: number;
  /** The sequence of the user's last message in it (0: none, e.g. after clearing history). */
  last_seq: number;
  /** Unix ms the list orders by: the last message's time, or when the conversation appeared. */
  sort_time: number;
  read_seq: number;
  read_ordinal: number;
  own_count: number;
  /** Messages up to this sequence are gone for this user (ClearHistoryMessage, DeleteConversation). */
  cleared_seq: number;
  pinned: number;
  pin_time: number;
  custom_data: string;
  /** JSON array of the marks set, as decimal strings (values up to 2^63). */
  marks: string;
  /** MessageRemindType; 0 when never set. */
  remind_type: number;
  /** C2C: the peer's read position in this conversation, and when it was reported (Unix ms). */
  peer_read_seq: number;
  peer_read_time: number;
  create_time: number;
}

export interface ConversationFolderTable {
  user_id: string;
  name: string;
  create_time: number;
}

export interface ConversationFolderItemTable {
  user_id: string;
  name: string;
  conversation_id: string;
}

export interface ReceiveOptTable {
  user_id: string;
  remind_type: number;
  start_time: number;
  end_time: number;
  is_repeated: number;
}

export interface ConversationTables {
  conversation_head: ConversationHeadTable;
  conversation: ConversationTable;
  conversation_folder: ConversationFolderTable;
  conversation_folder_item: ConversationFolderItemTable;
  receive_opt: ReceiveOptTable;
}

export interface ConversationHead {
  lastSeq: number;
  countable: number;
  lastMsgSeq: number;
  lastTime: number;
}

/** A user's conversation with its head, as stored. */
export interface ConversationRecord {
  userId: string;
  conversationId: string;
  conv: string;
  visible: boolean;
  lastSeq: number;
  sortTime: number;
  readSeq: number;
  readOrdinal: number;
  ownCount: number;
  clearedSeq: number;
  pinned: boolean;
  pinTime: number;
  customData: string;
  marks: bigint[];
  remindType: number;
  peerReadSeq: number;
  peerReadTime: number;
  createTime: number;
  head: ConversationHead;
}

export function unreadOf(record: ConversationRecord): number {
  return Math.max(0, record.head.countable - record.readOrdinal - record.ownCount);
}

/** What a stored message does to one participant's row. */
export interface ParticipantUpdate {
  userId: string;
  conversationId: string;
  conv: string;
  seq: number;
  time: number;
  /** The participant sent it (its own countable messages do not count toward its unread). */
  own: boolean;
  countable: boolean;
  /** It becomes the participant's last message (not excludedFromLastMessage). */
  asLast: boolean;
}

export interface Allocation {
  conv: string;
  count: number;
  countable: number;
  lastOffset: number;
  /** Unix ms of the message at `lastOffset`. */
  time: number;
}

/** What a batch of messages does to one participant's row. */
export interface ParticipantRow {
  userId: string;
  conversationId: string;
  conv: string;
  /** The new last message's sequence; 0 leaves it. */
  lastSeq: number;
  /** Unix ms the list orders by (the new last message's, or when the row appears). */
  sortTime: number;
  /** The participant's own countable messages in the batch. */
  ownCount: number;
}

export function rowKey(userId: string, conversationId: string): string {
  return `${userId}\n${conversationId}`;
}

export type ConversationPatch = Partial<
  Pick<ConversationRecord, "visible" | "lastSeq" | "clearedSeq" | "pinned" | "pinTime" | "customData" | "marks" | "remindType" | "sortTime">
>;

export interface ReceiveOpt {
  remindType: number;
  startTime: number;
  endTime: number;
  isRepeated: boolean;
}

type Row = ConversationTable & { h_last_seq: number | null; h_countable: number | null; h_last_msg_seq: number | null; h_last_time: number | null };

/** Group conversation rows: `GROUP…` IDs, stored under `grp:` keys. */
const GROUP_IDS_FROM = "GROUP";
const GROUP_IDS_TO = "GROUQ";
/** The most group conversations a list reads besides the recent ones (a user's joined groups are bounded lower). */
const GROUP_ROWS_MAX = 1000;

function toRecord(row: Row): ConversationRecord {
  const record = plainRecord(row);
  if (!row.conv.startsWith("grp:")) return record;
  // A group message updates only its sender's row: every member's view of the group conversation follows the
  // shared head. It shows once a message came after the member's read position (joining sets it), its last
  // message is the group's, and it orders by the group's last message time.
  const head = record.head;
  if (head.lastSeq > record.readSeq) record.visible = true;
  if (head.lastMsgSeq > record.clearedSeq) {
    record.lastSeq = head.lastMsgSeq;
    record.sortTime = Math.max(record.sortTime, head.lastTime);
  }
  return record;
}

function plainRecord(row: Row): ConversationRecord {
  return {
    userId: row.user_id,
    conversationId: row.conversation_id,
    conv: row.conv,
    visible: Number(row.visible) !== 0,
    lastSeq: Number(row.last_seq),
    sortTime: Number(row.sort_time),
    readSeq: Number(row.read_seq),
    readOrdinal: Number(row.read_ordinal),
    ownCount: Number(row.own_count),
    clearedSeq: Number(row.cleared_seq),
    pinned: Number(row.pinned) !== 0,
    pinTime: Number(row.pin_time),
    customData: row.custom_data,
    marks: (JSON.parse(row.marks) as string[]).map((m) => BigInt(m)),
    remindType: Number(row.remind_type),
    peerReadSeq: Number(row.peer_read_seq),
    peerReadTime: Number(row.peer_read_time),
    createTime: Number(row.create_time),
    head: {
      lastSeq: Number(row.h_last_seq ?? 0),
      countable: Number(row.h_countable ?? 0),
      lastMsgSeq: Number(row.h_last_msg_seq ?? 0),
      lastTime: Number(row.h_last_time ?? 0),
    },
  };
}

/** A fresh row: nothing read, nothing cleared, visible. */
export function newRow(userId: string, conversationId: string, conv: string, nowMs: number): ConversationTable {
  return {
    user_id: userId,
    conversation_id: conversationId,
    conv,
    visible: 1,
    last_seq: 0,
    sort_time: nowMs,
    read_seq: 0,
    read_ordinal: 0,
    own_count: 0,
    cleared_seq: 0,
    pinned: 0,
    pin_time: 0,
    custom_data: "",
    marks: "[]",
    remind_type: 0,
    peer_read_seq: 0,
    peer_read_time: 0,
    create_time: nowMs,
  };
}

export interface ConversationStore {
  /** Allocates the next sequence of `conv` inside `trx` (the database allocates it); returns it and the ordinal. */
  allocate(trx: Tx, conv: string, countable: boolean, asLast: boolean, time: number): Promise<{ seq: number; ordinal: number }>;
  /**
   * Allocates the sequences of a batch of messages, one statement for all conversations: `count` messages each,
   * `countable` of them counting toward unread, the one that becomes the last message at 1-based `lastOffset` (0:
   * none). Returns each conversation's head afterwards: its messages hold `lastSeq - count + 1 … lastSeq`.
   */
  allocateMany(trx: Tx, allocations: readonly Allocation[]): Promise<Map<string, { lastSeq: number; countable: number }>>;
  /**
   * Applies a batch of stored messages to their participants' rows, one statement, one entry per row (creating it or
   * showing it again); returns each row's remind type by `rowKey(userId, conversationId)`.
   */
  recordMany(trx: Tx, rows: readonly ParticipantRow[]): Promise<Map<string, number>>;
  /** The heads of several conversations (those without a message are left out). */
  heads(convs: readonly string[]): Promise<Map<string, ConversationHead>>;
  /** The head of a conversation (all zero before its first message). */
  head(conv: string, e?: Executor): Promise<ConversationHead>;
  /**
   * Applies a stored message to its participants' rows (creating them, showing deleted ones again); returns each
   * participant's remind type.
   */
  recordMessage(trx: Tx, updates: readonly ParticipantUpdate[]): Promise<Map<string, number>>;
  /** The user's rows with these IDs (deleted ones too), in no particular order. */
  get(userId: string, conversationIds: readonly string[], e?: Executor): Promise<ConversationRecord[]>;
  /** The user's visible conversations: every pinned one, then the `limit` most recent others. */
  list(userId: string, limit: number): Promise<ConversationRecord[]>;
  /** Every visible conversation of the user, for totals and filters (bounded by what the user holds). */
  all(userId: string): Promise<ConversationRecord[]>;
  /**
   * Gives users who joined a group their row of its conversation, read up to the group's current head (hidden until
   * a message comes); a rejoining user's read position moves to now.
   */
  joinGroup(trx: Tx, groupId: string, userIds: readonly string[], nowMs: number): Promise<void>;
  /** The users holding conversation `conversationId` with this remind type (a group's members who discard it). */
  usersWithRemind(conversationId: string, remindType: number): Promise<Set<string>>;
  /** Creates the row if missing (visible), else leaves it; returns it. */
  ensure(trx: Tx, row: ConversationTable): Promise<void>;
  update(trx: Tx, userId: string, conversationId: string, patch: ConversationPatch): Promise<void>;
  /** Marks the whole conversation read for the user; returns the read sequence before and after. */
  markRead(trx: Tx, userId: string, conversationId: string, nowMs: number): Promise<{ before: number; after: number; conv: string } | undefined>;
  /** C2C: records the peer's read position on the other participant's row. */
  setPeerRead(trx: Tx, userId: string, conversationId: string, seq: number, nowMs: number): Promise<void>;
  /** The users holding a C2C conversation with `userId`, at most `limit`. */
  peersOf(userId: string, limit: number): Promise<string[]>;
  folders(userId: string, e?: Executor): Promise<{ name: string; createTime: number }[]>;
  foldersOf(userId: string, conversationIds: readonly string[], e?: Executor): Promise<Map<string, string[]>>;
  folderMembers(userId: string, name: string, e?: Executor): Promise<string[]>;
  createFolder(trx: Tx, userId: string, name: string, nowMs: number): Promise<void>;
  deleteFolder(trx: Tx, userId: string, name: string): Promise<void>;
  renameFolder(trx: Tx, userId: string, oldName: string, newName: string): Promise<void>;
  addToFolder(trx: Tx, userId: string, name: string, conversationIds: readonly string[]): Promise<void>;
  removeFromFolder(trx: Tx, userId: string, name: string, conversationIds: readonly string[]): Promise<void>;
  receiveOpt(userId: string): Promise<ReceiveOpt | undefined>;
  setReceiveOpt(trx: Tx, userId: string, opt: ReceiveOpt): Promise<void>;
}

export function createConversationStore(db: Db): ConversationStore {
  const allocate = db.prepare<{ conv: string; countable: number; as_last: number; time: number }, { last_seq: number; countable: number }>((k, p) =>
    k
      .insertInto("conversation_head")
      .values({
        conv: p("conv"),
        last_seq: 1,
        countable: p("countable"),
        last_msg_seq: sql<number>`case when ${p("as_last")} = 1 then 1 else 0 end`,
        last_time: p("time"),
      })
      .onConflict((oc) =>
        oc.column("conv").doUpdateSet((eb) => ({
          last_seq: sql<number>`${eb.ref("conversation_head.last_seq")} + 1`,
          countable: sql<number>`${eb.ref("conversation_head.countable")} + ${eb.ref("excluded.countable")}`,
          last_msg_seq: sql<number>`case when ${eb.ref("excluded.last_msg_seq")} = 1 then ${eb.ref("conversation_head.last_seq")} + 1 else ${eb.ref("conversation_head.last_msg_seq")} end`,
          last_time: sql<number>`case when ${eb.ref("excluded.last_msg_seq")} = 1 then ${eb.ref("excluded.last_time")} else ${eb.ref("conversation_head.last_time")} end`,
        })),
      )
      .returning(["last_seq", "countable"]),
  );
  type Participant = {
    user_id: string;
    conversation_id: string;
    conv: string;
    seq: number;
    time: number;
    own: number;
    as_last: number;
  };
  // One statement per participant: create the row (visible) or show it again, move its last message and order, and
  // count the participant's own countable message.
  const participant = db.prepare<Participant, { remind_type: number }>((k, p) =>
    k
      .insertInto("conversation")
      .values({
        ...newRow(p<string>("user_id"), p<string>("conversation_id"), p<string>("conv"), p<number>("time")),
        last_seq: sql<number>`case when ${p("as_last")} = 1 then ${p("seq")} else 0 end`,
        own_count: p("own"),
      })
      .onConflict((oc) =>
        oc.columns(["user_id", "conversation_id"]).doUpdateSet((eb) => ({
          visible: 1,
          last_seq: sql<number>`case when ${p("as_last")} = 1 then ${eb.ref("excluded.last_seq")} else ${eb.ref("conversation.last_seq")} end`,
          sort_time: sql<number>`case when ${p("as_last")} = 1 then ${eb.ref("excluded.sort_time")} else ${eb.ref("conversation.sort_time")} end`,
          own_count: sql<number>`${eb.ref("conversation.own_count")} + ${eb.ref("excluded.own_count")}`,
        })),
      )
      .returning("remind_type"),
  );
  const selectRows = (e: Executor) =>
    e
      .selectFrom("conversation as c")
      .leftJoin("conversation_head as h", "h.conv", "c.conv")
      .selectAll("c")
      .select(["h.last_seq as h_last_seq", "h.countable as h_countable", "h.last_msg_seq as h_last_msg_seq", "h.last_time as h_last_time"]);

  return {
    async allocate(trx, conv, countable, asLast, time) {
      const [row] = await allocate.execute(trx, { conv, countable: countable ? 1 : 0, as_last: asLast ? 1 : 0, time });
      return { seq: Number(row!.last_seq), ordinal: Number(row!.countable) };
    },
    async allocateMany(trx, allocations) {
      const source = rowsOf(
        db.engine,
        ["text", "bigint", "bigint", "bigint", "bigint"],
        allocations.map((a) => [a.conv, a.count, a.countable, a.lastOffset, a.time]),
      );
      const { rows } = await sql<{ conv: string; last_seq: number; countable: number }>`
        insert into conversation_head (conv, last_seq, countable, last_msg_seq, last_time)
        select c0, c1, c2, c3, c4 from (${source}) as batch where true
        on conflict (conv) do update set
          last_seq = conversation_head.last_seq + excluded.last_seq,
          countable = conversation_head.countable + excluded.countable,
          last_msg_seq = case when excluded.last_msg_seq > 0 then conversation_head.last_seq + excluded.last_msg_seq else conversation_head.last_msg_seq end,
          last_time = case when excluded.last_msg_seq > 0 then excluded.last_time else conversation_head.last_time end
        returning conv, last_seq, countable`.execute(trx);
      return new Map(rows.map((r) => [r.conv, { lastSeq: Number(r.last_seq), countable: Number(r.countable) }]));
    },
    async recordMany(trx, participants) {
      const source = rowsOf(
        db.engine,
        ["text", "text", "text", "bigint", "bigint", "bigint"],
        participants.map((r) => [r.userId, r.conversationId, r.conv, r.lastSeq, r.sortTime, r.ownCount]),
      );
      const { rows } = await sql<{ user_id: string; conversation_id: string; remind_type: number }>`
        insert into conversation (user_id, conversation_id, conv, visible, last_seq, sort_time, read_seq, read_ordinal,
          own_count, cleared_seq, pinned, pin_time, custom_data, marks, remind_type, peer_read_seq, peer_read_time, create_time)
        select c0, c1, c2, 1, c3, c4, 0, 0, c5, 0, 0, 0, '', '[]', 0, 0, 0, c4 from (${source}) as batch where true
        on conflict (user_id, conversation_id) do update set
          visible = 1,
          last_seq = case when excluded.last_seq > 0 then excluded.last_seq else conversation.last_seq end,
          sort_time = case when excluded.last_seq > 0 then excluded.sort_time else conversation.sort_time end,
          own_count = conversation.own_count + excluded.own_count
        returning user_id, conversation_id, remind_type`.execute(trx);
      return new Map(rows.map((r) => [rowKey(r.user_id, r.conversation_id), Number(r.remind_type)]));
    },
    async heads(convs) {
      if (convs.length === 0) return new Map();
      const rows = await db.kysely.selectFrom("conversation_head").selectAll().where(inList(db.engine, "conv", convs)).execute();
      return new Map(
        rows.map((row) => [
          row.conv,
          { lastSeq: Number(row.last_seq), countable: Number(row.countable), lastMsgSeq: Number(row.last_msg_seq), lastTime: Number(row.last_time) },
        ]),
      );
    },
    async head(conv, e = db.kysely) {
      const row = await e.selectFrom("conversation_head").selectAll().where("conv", "=", conv).executeTakeFirst();
      return row
        ? { lastSeq: Number(row.last_seq), countable: Number(row.countable), lastMsgSeq: Number(row.last_msg_seq), lastTime: Number(row.last_time) }
        : { lastSeq: 0, countable: 0, lastMsgSeq: 0, lastTime: 0 };
    },
    async recordMessage(trx, updates) {
      const remind = new Map<string, number>();
      for (const u of updates) {
        const [row] = await participant.execute(trx, {
          user_id: u.userId,
          conversation_id: u.conversationId,
          conv: u.conv,
          seq: u.seq,
          time: u.time,
          own: u.own && u.countable ? 1 : 0,
          as_last: u.asLast ? 1 : 0,
        });
        remind.set(u.userId, Number(row?.remind_type ?? 0));
      }
      return remind;
    },
    async get(userId, conversationIds, e = db.kysely) {
      if (conversationIds.length === 0) return [];
      const rows = await selectRows(e)
        .where("c.user_id", "=", userId)
        .where(inList(db.engine, "c.conversation_id", conversationIds))
        .execute();
      return (rows as Row[]).map(toRecord);
    },
    async list(userId, limit) {
      const [pinned, recent, groups] = await Promise.all([
        selectRows(db.kysely).where("c.user_id", "=", userId).where("c.pinned", "=", 1).where("c.visible", "=", 1).execute(),
        selectRows(db.kysely)
          .where("c.user_id", "=", userId)
          .where("c.visible", "=", 1)
          .orderBy("c.sort_time", "desc")
          .orderBy("c.conversation_id", "desc")
          .limit(limit)
          .execute(),
        // Group conversations order by their group's head, not by the row: read them all (bounded by the groups a
        // user may join) and merge.
        selectRows(db.kysely)
          .where("c.user_id", "=", userId)
          .where("c.conversation_id", ">=", GROUP_IDS_FROM)
          .where("c.conversation_id", "<", GROUP_IDS_TO)
          .limit(GROUP_ROWS_MAX)
          .execute(),
      ]);
      const byId = new Map<string, ConversationRecord>();
      for (const row of [...(pinned as Row[]), ...(recent as Row[]), ...(groups as Row[])]) {
        if (!byId.has(row.conversation_id)) byId.set(row.conversation_id, toRecord(row));
      }
      const visible = [...byId.values()].filter((r) => r.visible);
      const others = visible
        .filter((r) => !r.pinned)
        .sort((a, b) => b.sortTime - a.sortTime || (a.conversationId < b.conversationId ? 1 : a.conversationId > b.conversationId ? -1 : 0))
        .slice(0, limit);
      return [...visible.filter((r) => r.pinned), ...others];
    },
    async all(userId) {
      const rows = await selectRows(db.kysely)
        .where("c.user_id", "=", userId)
        .where((eb) => eb.or([eb("c.visible", "=", 1), eb.and([eb("c.conversation_id", ">=", GROUP_IDS_FROM), eb("c.conversation_id", "<", GROUP_IDS_TO)])]))
        .execute();
      return (rows as Row[]).map(toRecord).filter((r) => r.visible);
    },
    async usersWithRemind(conversationId, remindType) {
      // conversation_peer serves the lookup by conversation; a group's rows number its members.
      const rows = await db.kysely
        .selectFrom("conversation")
        .select("user_id")
        .where("conversation_id", "=", conversationId)
        .where("remind_type", "=", remindType)
        .execute();
      return new Set(rows.map((r) => r.user_id));
    },
    async joinGroup(trx, groupId, userIds, nowMs) {
      if (userIds.length === 0) return;
      const conv = `grp:${groupId}`;
      const head = await this.head(conv, trx);
      // Read up to now: a member's unread count starts at its join.
      const rows = userIds.map((userId) => ({
        ...newRow(userId, `GROUP${groupId}`, conv, nowMs),
        visible: 0,
        read_seq: head.lastSeq,
        read_ordinal: head.countable,
      }));
      for (let i = 0; i < rows.length; i += 500) {
        await trx
          .insertInto("conversation")
          .values(rows.slice(i, i + 500))
          .onConflict((oc) => oc.columns(["user_id", "conversation_id"]).doUpdateSet({ read_seq: head.lastSeq, read_ordinal: head.countable, own_count: 0 }))
          .execute();
      }
    },
    async ensure(trx, row) {
      await trx.insertInto("conversation").values(row).onConflict((oc) => oc.columns(["user_id", "conversation_id"]).doNothing()).execute();
    },
    async update(trx, userId, conversationId, patch) {
      const set: Partial<ConversationTable> = {};
      if (patch.visible !== undefined) set.visible = patch.visible ? 1 : 0;
      if (patch.lastSeq !== undefined) set.last_seq = patch.lastSeq;
      if (patch.clearedSeq !== undefined) set.cleared_seq = patch.clearedSeq;
      if (patch.pinned !== undefined) set.pinned = patch.pinned ? 1 : 0;
      if (patch.pinTime !== undefined) set.pin_time = patch.pinTime;
      if (patch.customData !== undefined) set.custom_data = patch.customData;
      if (patch.marks !== undefined) set.marks = JSON.stringify(patch.marks.map(String));
      if (patch.remindType !== undefined) set.remind_type = patch.remindType;
      if (patch.sortTime !== undefined) set.sort_time = patch.sortTime;
      if (Object.keys(set).length === 0) return;
      await trx.updateTable("conversation").set(set).where("user_id", "=", userId).where("conversation_id", "=", conversationId).execute();
    },
    async markRead(trx, userId, conversationId) {
      const row = await trx
        .selectFrom("conversation as c")
        .leftJoin("conversation_head as h", "h.conv", "c.conv")
        .select(["c.read_seq", "c.conv", "h.last_seq", "h.countable"])
        .where("c.user_id", "=", userId)
        .where("c.conversation_id", "=", conversationId)
        .executeTakeFirst();
      if (!row) return undefined;
      const after = Number(row.last_seq ?? 0);
      // A group conversation shown by its head (toRecord) stays shown once read.
      const shown = row.conv.startsWith("grp:") && after > Number(row.read_seq) ? { visible: 1 } : {};
      await trx
        .updateTable("conversation")
        .set({ read_seq: after, read_ordinal: Number(row.countable ?? 0), own_count: 0, ...shown })
        .where("user_id", "=", userId)
        .where("conversation_id", "=", conversationId)
        .execute();
      return { before: Number(row.read_seq), after, conv: row.conv };
    },
    async setPeerRead(trx, userId, conversationId, seq, nowMs) {
      await trx
        .updateTable("conversation")
        .set({ peer_read_seq: seq, peer_read_time: nowMs })
        .where("user_id", "=", userId)
        .where("conversation_id", "=", conversationId)
        .where("peer_read_seq", "<", seq)
        .execute();
    },
    async peersOf(userId, limit) {
      const rows = await db.kysely.selectFrom("conversation").select("user_id").where("conversation_id", "=", `C2C${userId}`).limit(limit).execute();
      return rows.map((r) => r.user_id);
    },
    async folders(userId, e = db.kysely) {
      const rows = await e.selectFrom("conversation_folder").selectAll().where("user_id", "=", userId).orderBy("create_time").orderBy("name").execute();
      return rows.map((r) => ({ name: r.name, createTime: Number(r.create_time) }));
    },
    async foldersOf(userId, conversationIds, e = db.kysely) {
      const out = new Map<string, string[]>();
      if (conversationIds.length === 0) return out;
      const rows = await e
        .selectFrom("conversation_folder_item as i")
        .innerJoin("conversation_folder as f", (j) => j.onRef("f.user_id", "=", "i.user_id").onRef("f.name", "=", "i.name"))
        .select(["i.conversation_id", "i.name"])
        .where("i.user_id", "=", userId)
        .where(inList(db.engine, "i.conversation_id", conversationIds))
        .orderBy("f.create_time")
        .orderBy("f.name")
        .execute();
      for (const r of rows) {
        const list = out.get(r.conversation_id) ?? [];
        list.push(r.name);
        out.set(r.conversation_id, list);
      }
      return out;
    },
    async folderMembers(userId, name, e = db.kysely) {
      const rows = await e
        .selectFrom("conversation_folder_item")
        .select("conversation_id")
        .where("user_id", "=", userId)
        .where("name", "=", name)
        .orderBy("conversation_id")
        .execute();
      return rows.map((r) => r.conversation_id);
    },
    async createFolder(trx, userId, name, nowMs) {
      await trx.insertInto("conversation_folder").values({ user_id: userId, name, create_time: nowMs }).execute();
    },
    async deleteFolder(trx, userId, name) {
      await trx.deleteFrom("conversation_folder_item").where("user_id", "=", userId).where("name", "=", name).execute();
      await trx.deleteFrom("conversation_folder").where("user_id", "=", userId).where("name", "=", name).execute();
    },
    async renameFolder(trx, userId, oldName, newName) {
      await trx.updateTable("conversation_folder").set({ name: newName }).where("user_id", "=", userId).where("name", "=", oldName).execute();
      await trx.updateTable("conversation_folder_item").set({ name: newName }).where("user_id", "=", userId).where("name", "=", oldName).execute();
    },
    async addToFolder(trx, userId, name, conversationIds) {
      if (conversationIds.length === 0) return;
      await trx
        .insertInto("conversation_folder_item")
        .values(conversationIds.map((conversation_id) => ({ user_id: userId, name, conversation_id })))
        .onConflict((oc) => oc.columns(["user_id", "name", "conversation_id"]).doNothing())
        .execute();
    },
    async removeFromFolder(trx, userId, name, conversationIds) {
      if (conversationIds.length === 0) return;
      await trx
        .deleteFrom("conversation_folder_item")
        .where("user_id", "=", userId)
        .where("name", "=", name)
        .where(inList(db.engine, "conversation_id", conversationIds))
        .execute();
    },
    async receiveOpt(userId) {
      const row = await db.kysely.selectFrom("receive_opt").selectAll().where("user_id", "=", userId).executeTakeFirst();
      return row
        ? { remindType: Number(row.remind_type), startTime: Number(row.start_time), endTime: Number(row.end_time), isRepeated: Number(row.is_repeated) !== 0 }
        : undefined;
    },
    async setReceiveOpt(trx, userId, opt) {
      const row = { user_id: userId, remind_type: opt.remindType, start_time: opt.startTime, end_time: opt.endTime, is_repeated: opt.isRepeated ? 1 : 0 };
      await trx
        .insertInto("receive_opt")
        .values(row)
        .onConflict((oc) =>
          oc.column("user_id").doUpdateSet({ remind_type: row.remind_type, start_time: row.start_time, end_time: row.end_time, is_repeated: row.is_repeated }),
        )
        .execute();
    },
  };
}

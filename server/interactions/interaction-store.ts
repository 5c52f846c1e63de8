// The tables of reactions and extensions, keyed by the message's conversation key (`conv`) and message ID. Every
// change of one message first upserts its head row (`bump`), which serialises changes of that message across
// processes and hands out the sequence a reaction's user keeps for paging.
import type { Db, Executor, Tx } from "../storage/db.js";

export interface MessageInteractionHeadTable {
  conv: string;
  msg_id: string;
  /** Bumped by every change of the message's reactions or extensions. */
  seq: number;
}

export interface MessageReactionTable {
  conv: string;
  msg_id: string;
  reaction_id: string;
  user_id: string;
  /** The head's seq when the user reacted: the order of the reaction's users. */
  seq: number;
}

export interface MessageExtensionTable {
  conv: string;
  msg_id: string;
  ext_key: string;
  value: string;
}

export interface InteractionTables {
  message_interaction_head: MessageInteractionHeadTable;
  message_reaction: MessageReactionTable;
  message_extension: MessageExtensionTable;
}

export interface ReactionRow {
  msgId: string;
  reactionId: string;
  userId: string;
  seq: number;
}

export interface InteractionStore {
  /** Locks the message for this transaction and returns its next change number. */
  bump(trx: Tx, conv: string, msgId: string): Promise<number>;
  /** Every reaction user of the messages, by message, reaction and seq. At most 1,000 per message (10 × 100). */
  reactions(conv: string, msgIds: readonly string[], e?: Executor): Promise<ReactionRow[]>;
  addReaction(trx: Tx, row: ReactionRow & { conv: string }): Promise<void>;
  /** Removes the user from the reaction; false when the user was not in it. */
  removeReaction(trx: Tx, conv: string, msgId: string, reactionId: string, userId: string): Promise<boolean>;
  /** A page of a reaction's users after `afterSeq`. */
  reactionUsers(conv: string, msgId: string, reactionId: string, afterSeq: number, limit: number): Promise<ReactionRow[]>;
  /** The message's extensions, by key; only `keys` when given. */
  extensions(conv: string, msgId: string, keys?: readonly string[], e?: Executor): Promise<{ key: string; value: string }[]>;
  countExtensions(trx: Tx, conv: string, msgId: string): Promise<number>;
  putExtensions(trx: Tx, conv: string, msgId: string, list: readonly { key: string; value: string }[]): Promise<void>;
  /** Deletes the keys (every key when undefined); returns the keys deleted. */
  deleteExtensions(trx: Tx, conv: string, msgId: string, keys: readonly string[] | undefined): Promise<string[]>;
}

export function createInteractionStore(db: Db): InteractionStore {
  return {
    async bump(trx, conv, msgId) {
      const row = await trx
        .insertInto("message_interaction_head")
        .values({ conv, msg_id: msgId, seq: 1 })
        .onConflict((oc) => oc.columns(["conv", "msg_id"]).doUpdateSet((eb) => ({ seq: eb(eb.ref("message_interaction_head.seq"), "+", 1) })))
        .returning("seq")
        .executeTakeFirstOrThrow();
      return Number(row.seq);
    },
    async reactions(conv, msgIds, e = db.kysely) {
      if (msgIds.length === 0) return [];
      const rows = await e
        .selectFrom("message_reaction")
        .select(["msg_id", "reaction_id", "user_id", "seq"])
        .where("conv", "=", conv)
        .where("msg_id", "in", [...msgIds])
        .orderBy("msg_id")
        .orderBy("reaction_id")
        .orderBy("seq")
        .execute();
      return rows.map((r) => ({ msgId: r.msg_id, reactionId: r.reaction_id, userId: r.user_id, seq: Number(r.seq) }));
    },
    async addReaction(trx, row) {
      await trx
        .insertInto("message_reaction")
        .values({ conv: row.conv, msg_id: row.msgId, reaction_id: row.reactionId, user_id: row.userId, seq: row.seq })
        .execute();
    },
    async removeReaction(trx, conv, msgId, reactionId, userId) {
      const result = await trx
        .deleteFrom("message_reaction")
        .where("conv", "=", conv)
        .where("msg_id", "=", msgId)
        .where("reaction_id", "=", reactionId)
        .where("user_id", "=", userId)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async reactionUsers(conv, msgId, reactionId, afterSeq, limit) {
      const rows = await db.kysely
        .selectFrom("message_reaction")
        .select(["msg_id", "reaction_id", "user_id", "seq"])
        .where("conv", "=", conv)
        .where("msg_id", "=", msgId)
        .where("reaction_id", "=", reactionId)
        .where("seq", ">", afterSeq)
        .orderBy("seq")
        .limit(limit)
        .execute();
      return rows.map((r) => ({ msgId: r.msg_id, reactionId: r.reaction_id, userId: r.user_id, seq: Number(r.seq) }));
    },
    async extensions(conv, msgId, keys, e = db.kysely) {
      if (keys && keys.length === 0) return [];
      let q = e.selectFrom("message_extension").select(["ext_key", "value"]).where("conv", "=", conv).where("msg_id", "=", msgId);
      if (keys) q = q.where("ext_key", "in", [...keys]);
      const rows = await q.orderBy("ext_key").execute();
      return rows.map((r) => ({ key: r.ext_key, value: r.value }));
    },
    async countExtensions(trx, conv, msgId) {
      const row = await trx
        .selectFrom("message_extension")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("conv", "=", conv)
        .where("msg_id", "=", msgId)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async putExtensions(trx, conv, msgId, list) {
      if (list.length === 0) return;
      await trx
        .insertInto("message_extension")
        .values(list.map((x) => ({ conv, msg_id: msgId, ext_key: x.key, value: x.value })))
        .onConflict((oc) => oc.columns(["conv", "msg_id", "ext_key"]).doUpdateSet((eb) => ({ value: eb.ref("excluded.value") })))
        .execute();
    },
    async deleteExtensions(trx, conv, msgId, keys) {
      if (keys && keys.length === 0) return [];
      let q = trx.deleteFrom("message_extension").where("conv", "=", conv).where("msg_id", "=", msgId);
      if (keys) q = q.where("ext_key", "in", [...keys]);
      const rows = await q.returning("ext_key").execute();
      return rows.map((r) => r.ext_key).sort();
    },
  };
}

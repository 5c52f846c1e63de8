// Signaling's tables: an invitation (who invited, where, its data and timeout, whether it has ended) and its
// invitees, each with its answer. Answers are conditional updates (`state = pending`), so an accept racing a
// timeout or a cancel has one winner, decided in the database.
import type { Db, Executor, Tx } from "../storage/db.js";

export interface SignalingInvitationTable {
  invite_id: string;
  inviter: string;
  /** "" for a one-to-one invitation. */
  group_id: string;
  data: string;
  /** Seconds; 0 never times out. */
  timeout: number;
  /** 1 for an `online_user_only` invitation (no stored message, not shown at login). */
  online_only: number;
  /** The ID of the stored invitation message; "" when none. */
  message_id: string;
  /** Unix ms. */
  create_time: number;
  /** 1 once cancelled, or once every invitee has answered or timed out. */
  ended: number;
}

export interface SignalingInviteeTable {
  invite_id: string;
  user_id: string;
  /** InviteeState. */
  state: number;
}

export interface SignalingTables {
  signaling_invitation: SignalingInvitationTable;
  signaling_invitee: SignalingInviteeTable;
}

export const InviteeState = { pending: 0, accepted: 1, rejected: 2, timedOut: 3, cancelled: 4 } as const;

export interface Invitation {
  inviteId: string;
  inviter: string;
  groupId: string;
  data: string;
  timeout: number;
  onlineOnly: boolean;
  messageId: string;
  createTime: number;
  ended: boolean;
  /** Every invitee with its state, in user ID order. */
  invitees: { userId: string; state: number }[];
}

export interface SignalingStore {
  /** Stores a new invitation; false when its invite ID is taken. */
  insert(trx: Tx, invitation: Invitation): Promise<boolean>;
  get(inviteId: string, executor?: Executor): Promise<Invitation | undefined>;
  /** Moves the invitees still pending to `state`; returns those it moved. */
  answer(trx: Tx, inviteId: string, userIds: readonly string[], state: number): Promise<string[]>;
  /** Marks the invitation ended when no invitee is pending; true when it is (now) ended. */
  endIfSettled(trx: Tx, inviteId: string): Promise<boolean>;
  setData(trx: Tx, inviteId: string, data: string): Promise<boolean>;
  /** A user's pending invitations (newest first, at most `limit`) that were stored as messages. */
  pendingFor(userId: string, limit: number): Promise<Invitation[]>;
}

function fromRows(row: SignalingInvitationTable, invitees: SignalingInviteeTable[]): Invitation {
  return {
    inviteId: row.invite_id,
    inviter: row.inviter,
    groupId: row.group_id,
    data: row.data,
    timeout: Number(row.timeout),
    onlineOnly: Number(row.online_only) !== 0,
    messageId: row.message_id,
    createTime: Number(row.create_time),
    ended: Number(row.ended) !== 0,
    invitees: invitees.map((i) => ({ userId: i.user_id, state: Number(i.state) })),
  };
}

export function createSignalingStore(db: Db): SignalingStore {
  const get = async (inviteId: string, e: Executor = db.kysely) => {
    const row = await e.selectFrom("signaling_invitation").selectAll().where("invite_id", "=", inviteId).executeTakeFirst();
    if (!row) return undefined;
    const invitees = await e.selectFrom("signaling_invitee").selectAll().where("invite_id", "=", inviteId).orderBy("user_id").execute();
    return fromRows(row, invitees);
  };
  return {
    async insert(trx, inv) {
      const result = await trx
        .insertInto("signaling_invitation")
        .values({
          invite_id: inv.inviteId,
          inviter: inv.inviter,
          group_id: inv.groupId,
          data: inv.data,
          timeout: inv.timeout,
          online_only: inv.onlineOnly ? 1 : 0,
          message_id: inv.messageId,
          create_time: inv.createTime,
          ended: 0,
        })
        .onConflict((oc) => oc.column("invite_id").doNothing())
        .executeTakeFirst();
      if (Number(result.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
      await trx
        .insertInto("signaling_invitee")
        .values(inv.invitees.map((i) => ({ invite_id: inv.inviteId, user_id: i.userId, state: i.state })))
        .execute();
      return true;
    },
    get,
    async answer(trx, inviteId, userIds, state) {
      if (userIds.length === 0) return [];
      const rows = await trx
        .updateTable("signaling_invitee")
        .set({ state })
        .where("invite_id", "=", inviteId)
        .where("user_id", "in", [...userIds])
        .where("state", "=", InviteeState.pending)
        .returning("user_id")
        .execute();
      return rows.map((r) => r.user_id).sort();
    },
    async endIfSettled(trx, inviteId) {
      const pending = await trx
        .selectFrom("signaling_invitee")
        .select("user_id")
        .where("invite_id", "=", inviteId)
        .where("state", "=", InviteeState.pending)
        .limit(1)
        .executeTakeFirst();
      if (pending) return false;
      await trx.updateTable("signaling_invitation").set({ ended: 1 }).where("invite_id", "=", inviteId).execute();
      return true;
    },
    async setData(trx, inviteId, data) {
      const result = await trx
        .updateTable("signaling_invitation")
        .set({ data })
        .where("invite_id", "=", inviteId)
        .where("ended", "=", 0)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    async pendingFor(userId, limit) {
      const rows = await db.kysely
        .selectFrom("signaling_invitee as i")
        .innerJoin("signaling_invitation as v", "v.invite_id", "i.invite_id")
        .selectAll("v")
        .where("i.user_id", "=", userId)
        .where("i.state", "=", InviteeState.pending)
        .where("v.ended", "=", 0)
        .where("v.online_only", "=", 0)
        .orderBy("v.create_time", "desc")
        .orderBy("v.invite_id", "desc")
        .limit(limit)
        .execute();
      const out: Invitation[] = [];
      for (const row of rows) {
        const invitees = await db.kysely.selectFrom("signaling_invitee").selectAll().where("invite_id", "=", row.invite_id).orderBy("user_id").execute();
        out.push(fromRows(row, invitees));
      }
      return out;
    },
  };
}

// Profiles' and blacklists' tables: one row per user who ever set a profile field (the protobuf Profile as stored),
// and one row per blacklisted user. Friendships a blacklist ends are removed in the same transaction (friend-store).
import type { Db, Executor, Tx } from "../storage/db.js";
import { inList } from "../storage/sql-helpers.js";

export interface ProfileTable {
  user_id: string;
  /** The Profile, protobuf-encoded. */
  body: Uint8Array;
  /** Unix ms of the last change. */
  update_time: number;
}

export interface BlacklistTable {
  /** The user whose blacklist it is. */
  user_id: string;
  /** The blacklisted user. */
  target_id: string;
  /** Unix ms. */
  add_time: number;
}

export interface ProfileTables {
  profile: ProfileTable;
  blacklist: BlacklistTable;
}

export interface ProfileStore {
  /** The stored profile bodies of the users that have one. */
  get(userIds: readonly string[], e?: Executor): Promise<Map<string, Uint8Array>>;
  put(trx: Tx, userId: string, body: Uint8Array, nowMs: number): Promise<void>;
  /** The user's blacklist, oldest first. */
  blacklist(userId: string, e?: Executor): Promise<string[]>;
  /** Whether `userId` blacklisted `targetId`. */
  isBlacklisted(userId: string, targetId: string, e?: Executor): Promise<boolean>;
  addToBlacklist(trx: Tx, userId: string, targetIds: readonly string[], nowMs: number): Promise<void>;
  removeFromBlacklist(trx: Tx, userId: string, targetIds: readonly string[]): Promise<void>;
}

/** pg binds Buffers as bytea; a plain Uint8Array would be sent as JSON. */
function asBytes(body: Uint8Array): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

export function createProfileStore(db: Db): ProfileStore {
  return {
    async get(userIds, e = db.kysely) {
      if (userIds.length === 0) return new Map();
      const rows = await e.selectFrom("profile").select(["user_id", "body"]).where(inList(db.engine, "user_id", userIds)).execute();
      return new Map(rows.map((r) => [r.user_id, r.body]));
    },
    async put(trx, userId, body, nowMs) {
      await trx
        .insertInto("profile")
        .values({ user_id: userId, body: asBytes(body), update_time: nowMs })
        .onConflict((oc) => oc.column("user_id").doUpdateSet({ body: asBytes(body), update_time: nowMs }))
        .execute();
    },
    async blacklist(userId, e = db.kysely) {
      const rows = await e.selectFrom("blacklist").select("target_id").where("user_id", "=", userId).orderBy("add_time").orderBy("target_id").execute();
      return rows.map((r) => r.target_id);
    },
    async isBlacklisted(userId, targetId, e = db.kysely) {
      const row = await e.selectFrom("blacklist").select("target_id").where("user_id", "=", userId).where("target_id", "=", targetId).executeTakeFirst();
      return row !== undefined;
    },
    async addToBlacklist(trx, userId, targetIds, nowMs) {
      if (targetIds.length === 0) return;
      await trx
        .insertInto("blacklist")
        .values(targetIds.map((target_id) => ({ user_id: userId, target_id, add_time: nowMs })))
        .onConflict((oc) => oc.columns(["user_id", "target_id"]).doNothing())
        .execute();
    },
    async removeFromBlacklist(trx, userId, targetIds) {
      if (targetIds.length === 0) return;
      await trx.deleteFrom("blacklist").where("user_id", "=", userId).where(inList(db.engine, "target_id", targetIds)).execute();
    },
  };
}

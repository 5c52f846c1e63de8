// Friends' tables: one row per (user, friend) — a two-way friendship is two rows —, pending friend applications
// (one per applicant and target), when each user last read its received applications, and friend group names
// (membership is the friend row's group list). Every list here is bounded by the per-user caps of friends.ts.
import type { Db, Executor, Tx } from "../storage/db.js";
import { inList } from "../storage/sql-helpers.js";
import type { CustomField } from "./custom-fields.js";

export interface FriendTable {
  user_id: string;
  friend_id: string;
  remark: string;
  /** JSON array of friend group names. */
  group_list: string;
  source: string;
  /** JSON array of {key, value}. */
  custom: string;
  /** Unix ms. */
  add_time: number;
}

export interface FriendApplicationTable {
  to_id: string;
  from_id: string;
  wording: string;
  source: string;
  /** The remark and group the applicant asked for the target (applied when accepted). */
  remark: string;
  group_name: string;
  /** Unix ms. */
  time: number;
}

export interface FriendApplicationReadTable {
  user_id: string;
  /** Unix ms; received applications after it are unread. */
  read_time: number;
}

export interface FriendGroupTable {
  user_id: string;
  name: string;
  create_time: number;
}

export interface FriendTables {
  friend: FriendTable;
  friend_application: FriendApplicationTable;
  friend_application_read: FriendApplicationReadTable;
  friend_group: FriendGroupTable;
}


export interface FriendRecord {
  userId: string;
  friendId: string;
  remark: string;
  groupList: string[];
  source: string;
  custom: CustomField[];
  addTime: number;
}

export interface ApplicationRecord {
  toId: string;
  fromId: string;
  wording: string;
  source: string;
  remark: string;
  groupName: string;
  time: number;
}

export interface FriendStore {
  /** The user's friends, oldest first. */
  friends(userId: string, e?: Executor): Promise<FriendRecord[]>;
  /** The user's friend rows for these IDs. */
  friendsAmong(userId: string, friendIds: readonly string[], e?: Executor): Promise<Map<string, FriendRecord>>;
  /** The users among `userIds` that have `userId` as a friend. */
  friendOf(userId: string, userIds: readonly string[], e?: Executor): Promise<Set<string>>;
  /** Users who have `userId` in their friend list (at most `limit`). */
  haveAsFriend(userId: string, limit: number, e?: Executor): Promise<string[]>;
  isFriend(userId: string, friendId: string, e?: Executor): Promise<boolean>;
  countFriends(userId: string, e?: Executor): Promise<number>;
  putFriend(trx: Tx, friend: FriendRecord): Promise<void>;
  /** Deletes user→friend rows; returns the friend IDs deleted. */
  deleteFriends(trx: Tx, userId: string, friendIds: readonly string[]): Promise<string[]>;
  /** Deletes the rows of `userIds` that have `friendId` as a friend; returns the user IDs whose row went. */
  deleteFriendOf(trx: Tx, friendId: string, userIds: readonly string[]): Promise<string[]>;
  /** Applications the user received, newest first. */
  applicationsTo(userId: string, limit: number, e?: Executor): Promise<ApplicationRecord[]>;
  /** Applications the user sent, newest first. */
  applicationsFrom(userId: string, limit: number, e?: Executor): Promise<ApplicationRecord[]>;
  application(toId: string, fromId: string, e?: Executor): Promise<ApplicationRecord | undefined>;
  putApplication(trx: Tx, application: ApplicationRecord): Promise<void>;
  deleteApplication(trx: Tx, toId: string, fromId: string): Promise<boolean>;
  readTime(userId: string, e?: Executor): Promise<number>;
  setReadTime(trx: Tx, userId: string, nowMs: number): Promise<void>;
  groups(userId: string, e?: Executor): Promise<string[]>;
  putGroup(trx: Tx, userId: string, name: string, nowMs: number): Promise<boolean>;
  deleteGroup(trx: Tx, userId: string, name: string): Promise<boolean>;
}

function toFriend(row: FriendTable): FriendRecord {
  return {
    userId: row.user_id,
    friendId: row.friend_id,
    remark: row.remark,
    groupList: JSON.parse(row.group_list) as string[],
    source: row.source,
    custom: JSON.parse(row.custom) as CustomField[],
    addTime: Number(row.add_time),
  };
}

function toApplication(row: FriendApplicationTable): ApplicationRecord {
  return {
    toId: row.to_id,
    fromId: row.from_id,
    wording: row.wording,
    source: row.source,
    remark: row.remark,
    groupName: row.group_name,
    time: Number(row.time),
  };
}

export function createFriendStore(db: Db): FriendStore {
  return {
    async friends(userId, e = db.kysely) {
      const rows = await e.selectFrom("friend").selectAll().where("user_id", "=", userId).execute();
      return rows.map(toFriend).sort((a, b) => a.addTime - b.addTime || (a.friendId < b.friendId ? -1 : 1));
    },
    async friendsAmong(userId, friendIds, e = db.kysely) {
      if (friendIds.length === 0) return new Map();
      const rows = await e.selectFrom("friend").selectAll().where("user_id", "=", userId).where(inList(db.engine, "friend_id", friendIds)).execute();
      return new Map(rows.map((r) => [r.friend_id, toFriend(r)]));
    },
    async friendOf(userId, userIds, e = db.kysely) {
      if (userIds.length === 0) return new Set();
      const rows = await e.selectFrom("friend").select("user_id").where("friend_id", "=", userId).where(inList(db.engine, "user_id", userIds)).execute();
      return new Set(rows.map((r) => r.user_id));
    },
    async haveAsFriend(userId, limit, e = db.kysely) {
      const rows = await e.selectFrom("friend").select("user_id").where("friend_id", "=", userId).limit(limit).execute();
      return rows.map((r) => r.user_id);
    },
    async isFriend(userId, friendId, e = db.kysely) {
      const row = await e.selectFrom("friend").select("friend_id").where("user_id", "=", userId).where("friend_id", "=", friendId).executeTakeFirst();
      return row !== undefined;
    },
    async countFriends(userId, e = db.kysely) {
      const row = await e.selectFrom("friend").select((eb) => eb.fn.countAll<number>().as("n")).where("user_id", "=", userId).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async putFriend(trx, f) {
      const values = {
        user_id: f.userId,
        friend_id: f.friendId,
        remark: f.remark,
        group_list: JSON.stringify(f.groupList),
        source: f.source,
        custom: JSON.stringify(f.custom),
        add_time: f.addTime,
      };
      await trx
        .insertInto("friend")
        .values(values)
        .onConflict((oc) => oc.columns(["user_id", "friend_id"]).doUpdateSet({ remark: values.remark, group_list: values.group_list, source: values.source, custom: values.custom }))
        .execute();
    },
    async deleteFriends(trx, userId, friendIds) {
      if (friendIds.length === 0) return [];
      const rows = await trx.deleteFrom("friend").where("user_id", "=", userId).where(inList(db.engine, "friend_id", friendIds)).returning("friend_id").execute();
      return rows.map((r) => r.friend_id);
    },
    async deleteFriendOf(trx, friendId, userIds) {
      if (userIds.length === 0) return [];
      const rows = await trx.deleteFrom("friend").where("friend_id", "=", friendId).where(inList(db.engine, "user_id", userIds)).returning("user_id").execute();
      return rows.map((r) => r.user_id);
    },
    async applicationsTo(userId, limit, e = db.kysely) {
      const rows = await e.selectFrom("friend_application").selectAll().where("to_id", "=", userId).orderBy("time", "desc").orderBy("from_id", "desc").limit(limit).execute();
      return rows.map(toApplication);
    },
    async applicationsFrom(userId, limit, e = db.kysely) {
      const rows = await e.selectFrom("friend_application").selectAll().where("from_id", "=", userId).orderBy("time", "desc").orderBy("to_id", "desc").limit(limit).execute();
      return rows.map(toApplication);
    },
    async application(toId, fromId, e = db.kysely) {
      const row = await e.selectFrom("friend_application").selectAll().where("to_id", "=", toId).where("from_id", "=", fromId).executeTakeFirst();
      return row && toApplication(row);
    },
    async putApplication(trx, a) {
      const values = { to_id: a.toId, from_id: a.fromId, wording: a.wording, source: a.source, remark: a.remark, group_name: a.groupName, time: a.time };
      await trx
        .insertInto("friend_application")
        .values(values)
        .onConflict((oc) => oc.columns(["to_id", "from_id"]).doUpdateSet({ wording: a.wording, source: a.source, remark: a.remark, group_name: a.groupName, time: a.time }))
        .execute();
    },
    async deleteApplication(trx, toId, fromId) {
      const rows = await trx.deleteFrom("friend_application").where("to_id", "=", toId).where("from_id", "=", fromId).returning("to_id").execute();
      return rows.length > 0;
    },
    async readTime(userId, e = db.kysely) {
      const row = await e.selectFrom("friend_application_read").select("read_time").where("user_id", "=", userId).executeTakeFirst();
      return row ? Number(row.read_time) : 0;
    },
    async setReadTime(trx, userId, nowMs) {
      await trx
        .insertInto("friend_application_read")
        .values({ user_id: userId, read_time: nowMs })
        .onConflict((oc) => oc.column("user_id").doUpdateSet({ read_time: nowMs }))
        .execute();
    },
    async groups(userId, e = db.kysely) {
      const rows = await e.selectFrom("friend_group").select(["name", "create_time"]).where("user_id", "=", userId).execute();
      return rows.sort((a, b) => Number(a.create_time) - Number(b.create_time) || (a.name < b.name ? -1 : 1)).map((r) => r.name);
    },
    async putGroup(trx, userId, name, nowMs) {
      const rows = await trx
        .insertInto("friend_group")
        .values({ user_id: userId, name, create_time: nowMs })
        .onConflict((oc) => oc.columns(["user_id", "name"]).doNothing())
        .returning("name")
        .execute();
      return rows.length > 0;
    },
    async deleteGroup(trx, userId, name) {
      const rows = await trx.deleteFrom("friend_group").where("user_id", "=", userId).where("name", "=", name).returning("name").execute();
      return rows.length > 0;
    },
  };
}

// Follows' tables: one row per follower and followee (`mutual` set on both rows while both directions exist), and
// per-user counters kept in the transaction that changes an edge, so counts never scan a user's followers. The
// three lists are keyset-paged newest first on their own index: a page costs the same for the first follower as
// for the 100,000th.
import { sql } from "kysely";
import type { Db, Executor, Tx } from "../storage/db.js";
import { inList } from "../storage/sql-helpers.js";

export interface FollowTable {
  follower_id: string;
  followee_id: string;
  /** Unix ms. */
  time: number;
  /** 1 while followee_id follows follower_id too. */
  mutual: number;
}

export interface FollowCountTable {
  user_id: string;
  following: number;
  followers: number;
  mutual: number;
}

export interface FollowTables {
  follow: FollowTable;
  follow_count: FollowCountTable;
}

export type FollowListKind = "followers" | "following" | "mutual";

/** A position in a list: the last entry of the previous page. */
export interface FollowCursor {
  time: number;
  userId: string;
}

export interface FollowEntry {
  userId: string;
  /** Unix ms. */
  time: number;
}

export interface FollowCounts {
  followers: number;
  following: number;
  mutual: number;
}

export interface FollowStore {
  /** Makes `followerId` follow `followeeId`; returns whether it is new and whether the two now follow each other. */
  follow(trx: Tx, followerId: string, followeeId: string, nowMs: number): Promise<{ added: boolean; mutual: boolean }>;
  /** Removes the follow; returns whether there was one and whether it was mutual. */
  unfollow(trx: Tx, followerId: string, followeeId: string): Promise<{ removed: boolean; wasMutual: boolean }>;
  /** One page of a user's list, newest first, after `cursor`. */
  page(userId: string, kind: FollowListKind, cursor: FollowCursor | undefined, limit: number, e?: Executor): Promise<FollowEntry[]>;
  counts(userIds: readonly string[], e?: Executor): Promise<Map<string, FollowCounts>>;
  /** Of `userIds`: the ones `userId` follows, and the ones that follow `userId`. */
  relations(userId: string, userIds: readonly string[], e?: Executor): Promise<{ following: Set<string>; followers: Set<string> }>;
}

export function createFollowStore(db: Db): FollowStore {
  async function bump(trx: Tx, userId: string, change: Partial<FollowCounts>): Promise<void> {
    const following = change.following ?? 0;
    const followers = change.followers ?? 0;
    const mutual = change.mutual ?? 0;
    await trx
      .insertInto("follow_count")
      .values({ user_id: userId, following, followers, mutual })
      .onConflict((oc) =>
        oc.column("user_id").doUpdateSet({
          following: sql`follow_count.following + ${following}`,
          followers: sql`follow_count.followers + ${followers}`,
          mutual: sql`follow_count.mutual + ${mutual}`,
        }),
      )
      .execute();
  }

  return {
    async follow(trx, followerId, followeeId, nowMs) {
      const reverse = await trx.selectFrom("follow").select("mutual").where("follower_id", "=", followeeId).where("followee_id", "=", followerId).executeTakeFirst();
      const mutual = reverse !== undefined;
      const inserted = await trx
        .insertInto("follow")
        .values({ follower_id: followerId, followee_id: followeeId, time: nowMs, mutual: mutual ? 1 : 0 })
        .onConflict((oc) => oc.columns(["follower_id", "followee_id"]).doNothing())
        .returning("time")
        .execute();
      if (inserted.length === 0) return { added: false, mutual };
      if (mutual) await trx.updateTable("follow").set({ mutual: 1 }).where("follower_id", "=", followeeId).where("followee_id", "=", followerId).execute();
      await bump(trx, followerId, { following: 1, mutual: mutual ? 1 : 0 });
      await bump(trx, followeeId, { followers: 1, mutual: mutual ? 1 : 0 });
      return { added: true, mutual };
    },
    async unfollow(trx, followerId, followeeId) {
      const rows = await trx.deleteFrom("follow").where("follower_id", "=", followerId).where("followee_id", "=", followeeId).returning("mutual").execute();
      if (rows.length === 0) return { removed: false, wasMutual: false };
      const wasMutual = Number(rows[0]!.mutual) === 1;
      if (wasMutual) await trx.updateTable("follow").set({ mutual: 0 }).where("follower_id", "=", followeeId).where("followee_id", "=", followerId).execute();
      await bump(trx, followerId, { following: -1, mutual: wasMutual ? -1 : 0 });
      await bump(trx, followeeId, { followers: -1, mutual: wasMutual ? -1 : 0 });
      return { removed: true, wasMutual };
    },
    async page(userId, kind, cursor, limit, e = db.kysely) {
      if (kind === "followers") {
        let q = e.selectFrom("follow").select(["follower_id as id", "time"]).where("followee_id", "=", userId);
        if (cursor) q = q.where(sql<boolean>`(time, follower_id) < (${cursor.time}, ${cursor.userId})`);
        const rows = await q.orderBy("time", "desc").orderBy("follower_id", "desc").limit(limit).execute();
        return rows.map((r) => ({ userId: r.id, time: Number(r.time) }));
      }
      let q = e.selectFrom("follow").select(["followee_id as id", "time"]).where("follower_id", "=", userId);
      if (kind === "mutual") q = q.where("mutual", "=", 1);
      if (cursor) q = q.where(sql<boolean>`(time, followee_id) < (${cursor.time}, ${cursor.userId})`);
      const rows = await q.orderBy("time", "desc").orderBy("followee_id", "desc").limit(limit).execute();
      return rows.map((r) => ({ userId: r.id, time: Number(r.time) }));
    },
    async counts(userIds, e = db.kysely) {
      if (userIds.length === 0) return new Map();
      const rows = await e.selectFrom("follow_count").selectAll().where(inList(db.engine, "user_id", userIds)).execute();
      return new Map(rows.map((r) => [r.user_id, { followers: Number(r.followers), following: Number(r.following), mutual: Number(r.mutual) }]));
    },
    async relations(userId, userIds, e = db.kysely) {
      if (userIds.length === 0) return { following: new Set(), followers: new Set() };
      const [out, into] = await Promise.all([
        e.selectFrom("follow").select("followee_id as id").where("follower_id", "=", userId).where(inList(db.engine, "followee_id", userIds)).execute(),
        e.selectFrom("follow").select("follower_id as id").where("followee_id", "=", userId).where(inList(db.engine, "follower_id", userIds)).execute(),
      ]);
      return { following: new Set(out.map((r) => r.id)), followers: new Set(into.map((r) => r.id)) };
    },
  };
}

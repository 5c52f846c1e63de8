// Follows: any user but oneself can be followed, a user follows at most 5000 users, followers are unlimited. Lists
// page newest first through opaque keyset cursors (500 a page, the official page size); counts come from counters
// kept with each edge. Every change is committed before the call answers and before the three list events go out.
import { create } from "@bufbuild/protobuf";
import { FollowInfoSchema, FollowResultSchema, FollowType, FollowTypeResultSchema, FollowUserInfoSchema, type FollowResult, type FollowUserInfo } from "../../gen/chatwire/v1/follow_pb.js";
import type { Accounts } from "../accounts/accounts.js";
import type { Clock } from "../clock.js";
import type { EventBus } from "../events/event-bus.js";
import type { EventPayload } from "../events/encoded-event.js";
import { chatError, messageOf } from "../rpc/chat-error.js";
import type { Session } from "../sessions/session.js";
import { lockKeys } from "../storage/sql-helpers.js";
import type { Db } from "../storage/db.js";
import type { FollowCursor, FollowEntry, FollowListKind, FollowStore } from "./follow-store.js";
import type { Profiles } from "./profiles.js";

const USER_NOT_FOUND = 70107;
const INVALID_PARAMETER = 70402;
/** The official page size (the SDK asks for 500; its cloud config may raise it to 1000). */
export const FOLLOW_PAGE_SIZE = 500;
/** The most users one user follows (seed L3777). */
export const MAX_FOLLOWING = 5000;
/** The most users one follow info query names. */
const MAX_INFO_QUERY = 100;

export interface FollowsDeps {
  db: Db;
  store: FollowStore;
  profiles: Profiles;
  accounts: Accounts;
  bus: EventBus;
  clock: Clock;
}

function encodeCursor(entry: FollowEntry): string {
  return Buffer.from(JSON.stringify([entry.time, entry.userId])).toString("base64url");
}

function decodeCursor(cursor: string): FollowCursor | undefined {
  if (cursor === "") return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && typeof value[1] === "string") return { time: value[0] as number, userId: value[1] };
  } catch {
    // answered below
  }
  throw chatError(INVALID_PARAMETER, "nextCursor is not a cursor this server returned");
}

function result(userId: string, code: number): FollowResult {
  return create(FollowResultSchema, { userId, resultCode: code, resultInfo: code === 0 ? "" : messageOf(code) });
}

export class Follows {
  constructor(private readonly deps: FollowsDeps) {}

  async follow(session: Session, userIds: readonly string[]): Promise<FollowResult[]> {
    const userId = session.userId;
    const ids = [...new Set(userIds)];
    const known = await this.deps.accounts.existing(ids);
    await this.deps.accounts.ensure([userId]);
    const now = this.deps.clock.now();
    const outcome = await this.deps.db.transact(async (trx) => {
      // The caller's cap, and each pair's mutual flag, are read then written.
      await lockKeys(trx, this.deps.db.engine, [userId, ...ids].map((id) => `follow:${id}`));
      const codes = new Map<string, number>();
      const added: { id: string; mutual: boolean }[] = [];
      let following = (await this.deps.store.counts([userId], trx)).get(userId)?.following ?? 0;
      for (const id of ids) {
        if (id === userId) codes.set(id, INVALID_PARAMETER);
        else if (!known.has(id)) codes.set(id, USER_NOT_FOUND);
        else if (following >= MAX_FOLLOWING) codes.set(id, INVALID_PARAMETER);
        else {
          const r = await this.deps.store.follow(trx, userId, id, now);
          codes.set(id, 0);
          if (r.added) {
            following++;
            added.push({ id, mutual: r.mutual });
          }
        }
      }
      return { codes, added };
    });
    if (outcome.added.length > 0) {
      const infos = await this.infos(outcome.added.map((a) => ({ userId: a.id, time: now })));
      const me = (await this.infos([{ userId, time: now }]))[0]!;
      const mutual = outcome.added.filter((a) => a.mutual).map((a) => a.id);
      this.publish([userId], "myFollowingListUpdated", infos, true);
      if (mutual.length > 0) this.publish([userId], "mutualFollowersListUpdated", infos.filter((i) => mutual.includes(i.userId)), true);
      this.publish(outcome.added.map((a) => a.id), "myFollowersListUpdated", [me], true);
      if (mutual.length > 0) this.publish(mutual, "mutualFollowersListUpdated", [me], true);
    }
    return ids.map((id) => result(id, outcome.codes.get(id)!));
  }

  async unfollow(session: Session, userIds: readonly string[]): Promise<FollowResult[]> {
    const userId = session.userId;
    const ids = [...new Set(userIds)];
    const removed = await this.deps.db.transact(async (trx) => {
      await lockKeys(trx, this.deps.db.engine, [userId, ...ids].map((id) => `follow:${id}`));
      const removed: { id: string; wasMutual: boolean }[] = [];
      for (const id of ids) {
        const r = await this.deps.store.unfollow(trx, userId, id);
        if (r.removed) removed.push({ id, wasMutual: r.wasMutual });
      }
      return removed;
    });
    if (removed.length > 0) {
      const bare = (ids: readonly string[]) => ids.map((id) => create(FollowUserInfoSchema, { userId: id }));
      const mutual = removed.filter((r) => r.wasMutual).map((r) => r.id);
      this.publish([userId], "myFollowingListUpdated", bare(removed.map((r) => r.id)), false);
      if (mutual.length > 0) this.publish([userId], "mutualFollowersListUpdated", bare(mutual), false);
      this.publish(removed.map((r) => r.id), "myFollowersListUpdated", bare([userId]), false);
      if (mutual.length > 0) this.publish(mutual, "mutualFollowersListUpdated", bare([userId]), false);
    }
    return ids.map((id) => result(id, 0));
  }

  async list(userId: string, kind: FollowListKind, cursor: string): Promise<{ resultList: FollowUserInfo[]; nextCursor: string }> {
    const entries = await this.deps.store.page(userId, kind, decodeCursor(cursor), FOLLOW_PAGE_SIZE + 1);
    const page = entries.slice(0, FOLLOW_PAGE_SIZE);
    const more = entries.length > FOLLOW_PAGE_SIZE;
    return { resultList: await this.infos(page), nextCursor: more ? encodeCursor(page[page.length - 1]!) : "" };
  }

  async info(userId: string, userIds: readonly string[]) {
    const ids = userIds.length === 0 ? [userId] : [...userIds];
    if (ids.length > MAX_INFO_QUERY) throw chatError(INVALID_PARAMETER, `at most ${MAX_INFO_QUERY} users a call`);
    const counts = await this.deps.store.counts(ids);
    return ids.map((id) => {
      const c = counts.get(id);
      return create(FollowInfoSchema, { userId: id, followersCount: c?.followers ?? 0, followingCount: c?.following ?? 0, mutualFollowersCount: c?.mutual ?? 0 });
    });
  }

  async check(userId: string, userIds: readonly string[]) {
    const ids = [...new Set(userIds)];
    const { following, followers } = await this.deps.store.relations(userId, ids);
    return ids.map((id) => {
      const a = following.has(id);
      const b = followers.has(id);
      const followType = a && b ? FollowType.MUTUAL : a ? FollowType.FOLLOWING : b ? FollowType.FOLLOWER : FollowType.UNSPECIFIED;
      return create(FollowTypeResultSchema, { userId: id, followType });
    });
  }

  private async infos(entries: readonly FollowEntry[]): Promise<FollowUserInfo[]> {
    const profiles = await this.deps.profiles.profilesOf(entries.map((e) => e.userId));
    return entries.map((e) => {
      const p = profiles.get(e.userId)!;
      return create(FollowUserInfoSchema, {
        userId: e.userId,
        followTime: BigInt(Math.floor(e.time / 1000)),
        nick: p.nick,
        avatar: p.avatar,
        gender: p.gender,
        birthday: p.birthday,
        location: p.location,
        selfSignature: p.selfSignature,
        allowType: p.allowType,
        language: p.language,
        messageSettings: p.messageSettings,
        adminForbidType: p.adminForbidType,
        level: p.level,
        role: p.role,
        profileCustomField: p.profileCustomField,
      });
    });
  }

  private publish(recipients: readonly string[], kind: "myFollowersListUpdated" | "myFollowingListUpdated" | "mutualFollowersListUpdated", userInfoList: FollowUserInfo[], isAdd: boolean): void {
    const typeName = { myFollowersListUpdated: "chatwire.v1.MyFollowersListUpdated", myFollowingListUpdated: "chatwire.v1.MyFollowingListUpdated", mutualFollowersListUpdated: "chatwire.v1.MutualFollowersListUpdated" }[kind];
    this.deps.bus.publish(recipients, { case: kind, value: { $typeName: typeName, userInfoList, isAdd } } as EventPayload);
  }
}

// The blacklist: users whose messages and friend requests a user refuses. Blacklisting ends the friendship both
// ways in the same transaction (the official default), so both users' FRIEND_LIST_UPDATED and the caller's
// BLACKLIST_UPDATED go out once it is durable.
import type { Clock } from "../clock.js";
import type { EventBus } from "../events/event-bus.js";
import { chatError } from "../rpc/chat-error.js";
import type { Session } from "../sessions/session.js";
import { lockKeys } from "../storage/sql-helpers.js";
import type { Db } from "../storage/db.js";
import type { Accounts } from "../accounts/accounts.js";
import type { ProfileStore } from "./profile-store.js";
import type { FriendStore } from "./friend-store.js";

const CANNOT_ADD_SELF_TO_BLACKLIST = 2742;
/** The official cap on a blacklist; not adjustable (seed L3150). */
export const MAX_BLACKLIST = 1000;
/** Past the cap: the package lists no code for a full blacklist. */
const BLACKLIST_FULL = 70402;

export interface BlacklistDeps {
  db: Db;
  store: ProfileStore;
  friends: FriendStore;
  accounts: Accounts;
  bus: EventBus;
  clock: Clock;
  /** Tells users their friend list changed (the friends domain builds the event). */
  friendListChanged(userIds: readonly string[]): void;
}

export class Blacklist {
  constructor(private readonly deps: BlacklistDeps) {}

  get(userId: string): Promise<string[]> {
    return this.deps.store.blacklist(userId);
  }

  /** Whether `userId` blacklisted `targetId`. */
  has(userId: string, targetId: string): Promise<boolean> {
    return this.deps.store.isBlacklisted(userId, targetId);
  }

  async add(session: Session, userIds: readonly string[]): Promise<string[]> {
    const userId = session.userId;
    const targets = [...new Set(userIds)].filter((id) => id !== userId);
    if (targets.length === 0) throw chatError(CANNOT_ADD_SELF_TO_BLACKLIST);
    await this.deps.accounts.ensure([userId]);
    const now = this.deps.clock.now();
    const { list, unfriended } = await this.deps.db.transact(async (trx) => {
      await lockKeys(trx, this.deps.db.engine, [`rel:${userId}`]);
      const before = await this.deps.store.blacklist(userId, trx);
      const had = new Set(before);
      const added = targets.filter((id) => !had.has(id));
      if (before.length + added.length > MAX_BLACKLIST) throw chatError(BLACKLIST_FULL, `a blacklist holds at most ${MAX_BLACKLIST} users`);
      await this.deps.store.addToBlacklist(trx, userId, added, now);
      const unfriended = new Set<string>();
      for (const id of await this.deps.friends.deleteFriends(trx, userId, targets)) unfriended.add(userId).add(id);
      for (const id of await this.deps.friends.deleteFriendOf(trx, userId, targets)) unfriended.add(id).add(userId);
      return { list: [...before, ...added], unfriended: [...unfriended] };
    });
    this.publish(userId, list);
    if (unfriended.length > 0) this.deps.friendListChanged(unfriended);
    return list;
  }

  async remove(session: Session, userIds: readonly string[]): Promise<string[]> {
    const userId = session.userId;
    const list = await this.deps.db.transact(async (trx) => {
      await this.deps.store.removeFromBlacklist(trx, userId, [...new Set(userIds)]);
      return this.deps.store.blacklist(userId, trx);
    });
    this.publish(userId, list);
    return list;
  }

  private publish(userId: string, list: string[]): void {
    this.deps.bus.publish([userId], { case: "blacklistUpdated", value: { $typeName: "chatwire.v1.BlacklistUpdated", userIdList: list } });
  }
}

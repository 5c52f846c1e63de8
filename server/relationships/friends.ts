// Friends, friend applications and friend groups. A friendship is one row per direction; an application waits for
// its target when the target's allowType asks for confirmation. Every change is committed before the call answers,
// and each affected user's sessions then receive the whole list that changed (FRIEND_LIST_UPDATED,
// FRIEND_APPLICATION_LIST_UPDATED, FRIEND_GROUP_LIST_UPDATED), built from what was committed.
import { create } from "@bufbuild/protobuf";
import {
  FriendApplicationSchema,
  FriendCheckResultSchema,
  FriendGroupSchema,
  FriendSchema,
  type AddFriendRequest,
  type Friend,
  type FriendApplication,
  type FriendFailure,
  type FriendGroup,
  type UpdateFriendRequest,
} from "../../gen/chatwire/v1/friend_pb.js";
import type { Profile } from "../../gen/chatwire/v1/profile_pb.js";
import {
  AllowType,
  FriendAddType,
  FriendApplicationAction,
  FriendApplicationType,
  FriendCheckType,
  FriendDeleteType,
  FriendRelation,
} from "../../gen/chatwire/v1/types_pb.js";
import type { Accounts } from "../accounts/accounts.js";
import type { Clock } from "../clock.js";
import type { EventBus } from "../events/event-bus.js";
import { chatError, messageOf } from "../rpc/chat-error.js";
import type { Session } from "../sessions/session.js";
import { lockKeys } from "../storage/sql-helpers.js";
import type { Db, Tx } from "../storage/db.js";
import { checkCustomFields, mergeCustomFields } from "./custom-fields.js";
import type { ApplicationRecord, FriendRecord, FriendStore } from "./friend-store.js";
import type { ProfileStore } from "./profile-store.js";
import type { Profiles } from "./profiles.js";
import type { RelationshipOptions } from "./relationship-options.js";

const NOT_MY_FRIEND = 2700;
const ALREADY_MY_FRIEND = 2701;
const FRIEND_GROUP_EXISTED = 2710;
const FRIEND_GROUP_NOT_EXIST = 2711;
const FRIEND_APPLICATION_NOT_EXIST = 2716;
/** Tencent's relationship-chain server codes (REST error table; the package passes them through). */
const FRIEND_COUNT_LIMIT = 30010;
const PEER_FRIEND_COUNT_LIMIT = 30014;
const IN_OWN_BLACKLIST = 30515;
const PEER_DENIES_ANY = 30516;
const IN_PEER_BLACKLIST = 30525;
const PEER_MUST_CONFIRM = 30539;
const USER_NOT_FOUND = 70107;
const INVALID_PARAMETER = 70402;

/** The most friends a user has (Tencent's default cap). */
export const MAX_FRIENDS = 3000;
/** The most friend groups a user has. */
export const MAX_FRIEND_GROUPS = 30;
/** The most applications listed per direction (newest first). */
export const MAX_APPLICATIONS = 1000;
const SNS_CUSTOM_PREFIX = "Tag_SNS_Custom_";
const SOURCE_PREFIX = "AddSource_Type_";

export interface FriendsDeps {
  db: Db;
  store: FriendStore;
  profileStore: ProfileStore;
  profiles: Profiles;
  accounts: Accounts;
  bus: EventBus;
  clock: Clock;
  options: RelationshipOptions;
  /** Where a failure to announce a change made elsewhere (the blacklist's) is reported. */
  onError?: (err: unknown) => void;
}

export interface AddFriendOutcome {
  userId: string;
  code: number;
  message: string;
}

/** Which users' lists a change touched, to announce once it is committed. */
/** How a friend row is made; `caller` when it is the calling user's own list (which limit code a full list gives). */
interface Befriend {
  remark: string;
  groupName: string;
  source: string;
  caller: boolean;
}

interface Touched {
  friends: Set<string>;
  applications: Set<string>;
  groups: Set<string>;
}

function touched(): Touched {
  return { friends: new Set(), applications: new Set(), groups: new Set() };
}

/** Refuses a list of user IDs longer than a friend list can be (the proto leaves these lists without a cap). */
function bounded(userIds: readonly string[]): string[] {
  if (userIds.length > MAX_FRIENDS) throw chatError(INVALID_PARAMETER, `at most ${MAX_FRIENDS} user IDs a call`);
  return [...new Set(userIds)];
}

function failure(userId: string, code: number): FriendFailure {
  return { $typeName: "chatwire.v1.FriendFailure", userId, code, message: messageOf(code) };
}

export class Friends {
  private readonly declared: Set<string>;

  constructor(private readonly deps: FriendsDeps) {
    this.declared = new Set(deps.options.friendCustomFields);
  }

  // ── Friends ──────────────────────────────────────────────────────────────────────────────────────────────────

  async list(userId: string): Promise<Friend[]> {
    return this.view(await this.deps.store.friends(userId));
  }

  async add(session: Session, req: AddFriendRequest): Promise<AddFriendOutcome> {
    const userId = session.userId;
    const to = req.to;
    if (to === userId) throw chatError(INVALID_PARAMETER, "cannot add oneself as a friend");
    if (!req.source.startsWith(SOURCE_PREFIX) || req.source.length === SOURCE_PREFIX.length) {
      throw chatError(INVALID_PARAMETER, `source must be ${SOURCE_PREFIX} and a keyword`);
    }
    if (!(await this.deps.accounts.existing([to])).has(to)) throw chatError(USER_NOT_FOUND);
    await this.deps.accounts.ensure([userId]);
    const both = req.type !== FriendAddType.SINGLE;
    const now = this.deps.clock.now();
    const target = await this.deps.profiles.mine(to);
    const change = touched();
    const code = await this.deps.db.transact(async (trx) => {
      const { store, profileStore } = this.deps;
      await lockKeys(trx, this.deps.db.engine, [`rel:${userId}`, `rel:${to}`]);
      if (await store.isFriend(userId, to, trx)) throw chatError(ALREADY_MY_FRIEND);
      if (await profileStore.isBlacklisted(userId, to, trx)) throw chatError(IN_OWN_BLACKLIST);
      if (await profileStore.isBlacklisted(to, userId, trx)) throw chatError(IN_PEER_BLACKLIST);
      if (target.allowType === AllowType.DENY_ANY) throw chatError(PEER_DENIES_ANY);
      if (target.allowType === AllowType.NEED_CONFIRM) {
        await store.putApplication(trx, { toId: to, fromId: userId, wording: req.wording, source: req.source, remark: req.remark, groupName: req.groupName, time: now });
        change.applications.add(userId).add(to);
        return PEER_MUST_CONFIRM;
      }
      await this.befriend(trx, userId, to, { remark: req.remark, groupName: req.groupName, source: req.source, caller: true }, now, change);
      if (both && !(await store.isFriend(to, userId, trx))) await this.befriend(trx, to, userId, { remark: "", groupName: "", source: req.source, caller: false }, now, change);
      return 0;
    });
    await this.announce(change);
    return { userId: to, code, message: code === 0 ? "" : messageOf(code) };
  }

  async delete(session: Session, userIds: readonly string[], type: FriendDeleteType): Promise<{ success: string[]; failures: FriendFailure[] }> {
    return this.remove(session.userId, userIds, type !== FriendDeleteType.SINGLE);
  }

  private async remove(userId: string, userIds: readonly string[], both: boolean): Promise<{ success: string[]; failures: FriendFailure[] }> {
    const ids = [...new Set(userIds)];
    const change = touched();
    const success = await this.deps.db.transact(async (trx) => {
      const deleted = await this.deps.store.deleteFriends(trx, userId, ids);
      if (deleted.length > 0) change.friends.add(userId);
      if (both) for (const id of await this.deps.store.deleteFriendOf(trx, userId, deleted)) change.friends.add(id);
      return deleted;
    });
    await this.announce(change);
    const gone = new Set(success);
    return { success: ids.filter((id) => gone.has(id)), failures: ids.filter((id) => !gone.has(id)).map((id) => failure(id, NOT_MY_FRIEND)) };
  }

  async check(userId: string, userIds: readonly string[], type: FriendCheckType) {
    const ids = [...new Set(userIds)];
    const mine = await this.deps.store.friendsAmong(userId, ids);
    const theirs = type === FriendCheckType.SINGLE ? new Set<string>() : await this.deps.store.friendOf(userId, ids);
    return ids.map((id) => {
      const a = mine.has(id);
      const b = theirs.has(id);
      const relation = a && b ? FriendRelation.BOTH_WAY : a ? FriendRelation.A_WITH_B : b ? FriendRelation.B_WITH_A : FriendRelation.NO_RELATION;
      return create(FriendCheckResultSchema, { userId: id, code: 0, relation });
    });
  }

  async profilesOf(userId: string, userIds: readonly string[]): Promise<{ friends: Friend[]; failures: FriendFailure[] }> {
    const ids = bounded(userIds);
    const rows = await this.deps.store.friendsAmong(userId, ids);
    const friends = await this.view(ids.flatMap((id) => (rows.has(id) ? [rows.get(id)!] : [])));
    return { friends, failures: ids.filter((id) => !rows.has(id)).map((id) => failure(id, NOT_MY_FRIEND)) };
  }

  async update(session: Session, req: UpdateFriendRequest): Promise<Friend> {
    const userId = session.userId;
    const custom = checkCustomFields(req.friendCustomField, SNS_CUSTOM_PREFIX, this.declared, INVALID_PARAMETER);
    if (req.remark === undefined && custom.length === 0) throw chatError(INVALID_PARAMETER, "no friend field to update");
    const change = touched();
    const record = await this.deps.db.transact(async (trx) => {
      await lockKeys(trx, this.deps.db.engine, [`rel:${userId}`]);
      const row = (await this.deps.store.friendsAmong(userId, [req.userId], trx)).get(req.userId);
      if (!row) throw chatError(NOT_MY_FRIEND);
      const next: FriendRecord = { ...row, remark: req.remark ?? row.remark, custom: mergeCustomFields(row.custom, custom) };
      await this.deps.store.putFriend(trx, next);
      change.friends.add(userId);
      return next;
    });
    await this.announce(change);
    return (await this.view([record]))[0]!;
  }

  /** Backends: makes `friendIds` friends of `userId` (both ways unless `oneWay`), whatever their allowType. */
  async adminAdd(userId: string, friendIds: readonly string[], oneWay: boolean, source: string): Promise<{ success: string[]; failures: FriendFailure[] }> {
    const ids = [...new Set(friendIds)];
    const known = await this.deps.accounts.existing([userId, ...ids]);
    if (!known.has(userId)) throw chatError(USER_NOT_FOUND);
    const now = this.deps.clock.now();
    const change = touched();
    const outcome = await this.deps.db.transact(async (trx) => {
      await lockKeys(trx, this.deps.db.engine, [userId, ...ids].map((id) => `rel:${id}`));
      const failures: FriendFailure[] = [];
      const success: string[] = [];
      const mine = await this.deps.store.friendsAmong(userId, ids, trx);
      for (const id of ids) {
        if (id === userId) failures.push(failure(id, INVALID_PARAMETER));
        else if (!known.has(id)) failures.push(failure(id, USER_NOT_FOUND));
        else if (mine.has(id)) failures.push(failure(id, ALREADY_MY_FRIEND));
        else {
          await this.befriend(trx, userId, id, { remark: "", groupName: "", source, caller: true }, now, change);
          if (!oneWay && !(await this.deps.store.isFriend(id, userId, trx))) await this.befriend(trx, id, userId, { remark: "", groupName: "", source, caller: false }, now, change);
          success.push(id);
        }
      }
      return { success, failures };
    });
    await this.announce(change);
    return outcome;
  }

  /** Backends: ends friendships of `userId` (both ways unless `oneWay`). */
  async adminDelete(userId: string, friendIds: readonly string[], oneWay: boolean): Promise<{ success: string[]; failures: FriendFailure[] }> {
    return this.remove(userId, friendIds, !oneWay);
  }

  // ── Applications ─────────────────────────────────────────────────────────────────────────────────────────────

  async applications(userId: string): Promise<{ list: FriendApplication[]; unreadCount: number }> {
    const [received, sent, readTime] = await Promise.all([
      this.deps.store.applicationsTo(userId, MAX_APPLICATIONS),
      this.deps.store.applicationsFrom(userId, MAX_APPLICATIONS),
      this.deps.store.readTime(userId),
    ]);
    const profiles = await this.deps.profiles.profilesOf([...received.map((a) => a.fromId), ...sent.map((a) => a.toId)]);
    const item = (a: ApplicationRecord, other: string, type: FriendApplicationType) => {
      const p = profiles.get(other);
      return create(FriendApplicationSchema, { userId: other, nick: p?.nick ?? "", avatar: p?.avatar ?? "", time: BigInt(Math.floor(a.time / 1000)), source: a.source, wording: a.wording, type });
    };
    const list = [
      ...received.map((a) => ({ t: a.time, v: item(a, a.fromId, FriendApplicationType.SENT_TO_ME) })),
      ...sent.map((a) => ({ t: a.time, v: item(a, a.toId, FriendApplicationType.SENT_BY_ME) })),
    ]
      .sort((x, y) => y.t - x.t)
      .map((x) => x.v);
    return { list, unreadCount: received.filter((a) => a.time > readTime).length };
  }

  async accept(session: Session, applicantId: string, remark: string, action: FriendApplicationAction): Promise<void> {
    const userId = session.userId;
    const now = this.deps.clock.now();
    const change = touched();
    await this.deps.db.transact(async (trx) => {
      await lockKeys(trx, this.deps.db.engine, [`rel:${userId}`, `rel:${applicantId}`]);
      const application = await this.deps.store.application(userId, applicantId, trx);
      if (!application) throw chatError(FRIEND_APPLICATION_NOT_EXIST);
      await this.deps.store.deleteApplication(trx, userId, applicantId);
      change.applications.add(userId).add(applicantId);
      if (!(await this.deps.store.isFriend(applicantId, userId, trx))) {
        await this.befriend(trx, applicantId, userId, { remark: application.remark, groupName: application.groupName, source: application.source, caller: false }, now, change);
      }
      if (action !== FriendApplicationAction.AGREE && !(await this.deps.store.isFriend(userId, applicantId, trx))) {
        await this.befriend(trx, userId, applicantId, { remark, groupName: "", source: application.source, caller: true }, now, change);
      }
    });
    await this.announce(change);
  }

  async refuse(session: Session, applicantId: string): Promise<void> {
    const userId = session.userId;
    await this.dropApplication(userId, applicantId);
  }

  async deleteApplication(session: Session, otherId: string, type: FriendApplicationType): Promise<void> {
    const userId = session.userId;
    if (type === FriendApplicationType.SENT_BY_ME) await this.dropApplication(otherId, userId);
    else await this.dropApplication(userId, otherId);
  }

  async setApplicationsRead(session: Session): Promise<void> {
    const userId = session.userId;
    const now = this.deps.clock.now();
    await this.deps.db.transact((trx) => this.deps.store.setReadTime(trx, userId, now));
    const change = touched();
    change.applications.add(userId);
    await this.announce(change);
  }

  // ── Friend groups ────────────────────────────────────────────────────────────────────────────────────────────

  async groups(userId: string): Promise<FriendGroup[]> {
    const [names, friends] = await Promise.all([this.deps.store.groups(userId), this.deps.store.friends(userId)]);
    return names.map((name) => groupOf(name, friends));
  }

  async createGroup(session: Session, name: string, userIds: readonly string[]): Promise<{ group: FriendGroup; failures: FriendFailure[] }> {
    const userId = session.userId;
    const ids = bounded(userIds);
    const now = this.deps.clock.now();
    const change = touched();
    const result = await this.deps.db.transact(async (trx) => {
      await lockKeys(trx, this.deps.db.engine, [`rel:${userId}`]);
      const names = await this.deps.store.groups(userId, trx);
      if (names.includes(name)) throw chatError(FRIEND_GROUP_EXISTED);
      if (names.length >= MAX_FRIEND_GROUPS) throw chatError(INVALID_PARAMETER, `at most ${MAX_FRIEND_GROUPS} friend groups`);
      await this.deps.store.putGroup(trx, userId, name, now);
      const rows = await this.deps.store.friendsAmong(userId, ids, trx);
      for (const row of rows.values()) await this.deps.store.putFriend(trx, { ...row, groupList: [...row.groupList, name] });
      change.groups.add(userId);
      if (rows.size > 0) change.friends.add(userId);
      return { added: ids.filter((id) => rows.has(id)), failures: ids.filter((id) => !rows.has(id)).map((id) => failure(id, NOT_MY_FRIEND)) };
    });
    await this.announce(change);
    return { group: create(FriendGroupSchema, { name, userIdList: result.added, count: result.added.length }), failures: result.failures };
  }

  async deleteGroup(session: Session, name: string): Promise<FriendGroup> {
    const userId = session.userId;
    const change = touched();
    await this.deps.db.transact(async (trx) => {
      await lockKeys(trx, this.deps.db.engine, [`rel:${userId}`]);
      if (!(await this.deps.store.deleteGroup(trx, userId, name))) throw chatError(FRIEND_GROUP_NOT_EXIST);
      for (const row of await this.deps.store.friends(userId, trx)) {
        if (row.groupList.includes(name)) await this.deps.store.putFriend(trx, { ...row, groupList: row.groupList.filter((g) => g !== name) });
      }
      change.groups.add(userId);
      change.friends.add(userId);
    });
    await this.announce(change);
    return create(FriendGroupSchema, { name, userIdList: [], count: 0 });
  }

  /** Adds friends to a group (`add`) or removes them; IDs that are not friends are skipped, as the official SDK does. */
  async changeGroup(session: Session, name: string, userIds: readonly string[], add: boolean): Promise<FriendGroup> {
    const userId = session.userId;
    const ids = bounded(userIds);
    const change = touched();
    const group = await this.deps.db.transact(async (trx) => {
      await lockKeys(trx, this.deps.db.engine, [`rel:${userId}`]);
      if (!(await this.deps.store.groups(userId, trx)).includes(name)) throw chatError(FRIEND_GROUP_NOT_EXIST);
      const rows = await this.deps.store.friendsAmong(userId, ids, trx);
      for (const row of rows.values()) {
        const has = row.groupList.includes(name);
        if (add === has) continue;
        await this.deps.store.putFriend(trx, { ...row, groupList: add ? [...row.groupList, name] : row.groupList.filter((g) => g !== name) });
        change.groups.add(userId);
        change.friends.add(userId);
      }
      return groupOf(name, await this.deps.store.friends(userId, trx));
    });
    await this.announce(change);
    return group;
  }

  async renameGroup(session: Session, oldName: string, newName: string): Promise<FriendGroup> {
    const userId = session.userId;
    const now = this.deps.clock.now();
    const change = touched();
    const group = await this.deps.db.transact(async (trx) => {
      await lockKeys(trx, this.deps.db.engine, [`rel:${userId}`]);
      const names = await this.deps.store.groups(userId, trx);
      if (!names.includes(oldName)) throw chatError(FRIEND_GROUP_NOT_EXIST);
      if (names.includes(newName)) throw chatError(FRIEND_GROUP_EXISTED);
      await this.deps.store.deleteGroup(trx, userId, oldName);
      await this.deps.store.putGroup(trx, userId, newName, now);
      const friends = await this.deps.store.friends(userId, trx);
      for (const row of friends) {
        if (!row.groupList.includes(oldName)) continue;
        row.groupList = row.groupList.map((g) => (g === oldName ? newName : g));
        await this.deps.store.putFriend(trx, row);
        change.friends.add(userId);
      }
      change.groups.add(userId);
      return groupOf(newName, friends);
    });
    await this.announce(change);
    return group;
  }

  // ── Shared ───────────────────────────────────────────────────────────────────────────────────────────────────

  /** Announces FRIEND_LIST_UPDATED to users whose lists another domain changed (the blacklist). */
  friendListsChanged(userIds: readonly string[]): void {
    const change = touched();
    for (const id of userIds) change.friends.add(id);
    this.announce(change).catch((err: unknown) => this.deps.onError?.(err));
  }

  /** Adds `friendId` to `userId`'s list inside `trx`, with the caps and the named group (created when missing). */
  private async befriend(trx: Tx, userId: string, friendId: string, how: Befriend, now: number, change: Touched): Promise<void> {
    const { store } = this.deps;
    if ((await store.countFriends(userId, trx)) >= MAX_FRIENDS) throw chatError(how.caller ? FRIEND_COUNT_LIMIT : PEER_FRIEND_COUNT_LIMIT);
    const groupList: string[] = [];
    if (how.groupName) {
      const names = await store.groups(userId, trx);
      if (!names.includes(how.groupName)) {
        if (names.length >= MAX_FRIEND_GROUPS) throw chatError(INVALID_PARAMETER, `at most ${MAX_FRIEND_GROUPS} friend groups`);
        await store.putGroup(trx, userId, how.groupName, now);
      }
      groupList.push(how.groupName);
      change.groups.add(userId);
    }
    await store.putFriend(trx, { userId, friendId, remark: how.remark, groupList, source: how.source, custom: [], addTime: now });
    change.friends.add(userId);
    // An application of either toward the other is answered by the friendship.
    if (await store.deleteApplication(trx, friendId, userId)) change.applications.add(userId).add(friendId);
    if (await store.deleteApplication(trx, userId, friendId)) change.applications.add(userId).add(friendId);
  }

  private async dropApplication(toId: string, fromId: string): Promise<void> {
    const deleted = await this.deps.db.transact((trx) => this.deps.store.deleteApplication(trx, toId, fromId));
    if (!deleted) throw chatError(FRIEND_APPLICATION_NOT_EXIST);
    const change = touched();
    change.applications.add(toId).add(fromId);
    await this.announce(change);
  }

  private async view(records: readonly FriendRecord[]): Promise<Friend[]> {
    const profiles = await this.deps.profiles.profilesOf(records.map((r) => r.friendId));
    return records.map((r) =>
      create(FriendSchema, {
        userId: r.friendId,
        remark: r.remark,
        groupList: r.groupList,
        source: r.source,
        wording: "",
        profile: profiles.get(r.friendId) as Profile,
        friendCustomField: r.custom.filter((f) => this.declared.has(f.key)),
        addTime: BigInt(Math.floor(r.addTime / 1000)),
      }),
    );
  }

  /** Sends each touched user its lists as committed. */
  private async announce(change: Touched): Promise<void> {
    const { bus } = this.deps;
    for (const userId of change.friends) {
      const friendList = await this.list(userId);
      bus.publish([userId], { case: "friendListUpdated", value: { $typeName: "chatwire.v1.FriendListUpdated", friendList } });
    }
    for (const userId of change.applications) {
      const { list, unreadCount } = await this.applications(userId);
      bus.publish([userId], { case: "friendApplicationListUpdated", value: { $typeName: "chatwire.v1.FriendApplicationListUpdated", friendApplicationList: list, unreadCount } });
    }
    for (const userId of change.groups) {
      const friendGroupList = await this.groups(userId);
      bus.publish([userId], { case: "friendGroupListUpdated", value: { $typeName: "chatwire.v1.FriendGroupListUpdated", friendGroupList } });
    }
  }
}

function groupOf(name: string, friends: readonly FriendRecord[]): FriendGroup {
  const userIdList = friends.filter((f) => f.groupList.includes(name)).map((f) => f.friendId);
  return create(FriendGroupSchema, { name, userIdList, count: userIdList.length });
}

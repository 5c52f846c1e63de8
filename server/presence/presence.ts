// The presence domain: one record per user behind both the Tencent view (status type + custom status) and the
// Easemob view (per-device codes + ext). It derives each user's status from live sessions and stored records,
// persists every change before announcing it, and tells the user's own sessions and its subscribers.
import { create } from "@bufbuild/protobuf";
import { UserStatusType } from "../../gen/chatwire/v1/types_pb.js";
import {
  DeviceStatusSchema,
  UserStatusFailureSchema,
  UserStatusSchema,
  type UserStatus,
  type UserStatusFailure,
} from "../../gen/chatwire/v1/user_status_pb.js";
import type { Clock } from "../clock.js";
import type { EventBus } from "../events/event-bus.js";
import { messageOf } from "../rpc/chat-error.js";
import type { Session, SessionEndReason } from "../sessions/session.js";
import type { Accounts } from "../accounts/accounts.js";
import type { Db } from "../storage/db.js";
import type { DurableTimers, TimerFiring } from "../timers/durable-timers.js";
import type { PresenceRecord, PresenceStore, Subscription, SubscriptionStore } from "./presence-store.js";
import type { PresenceOptions } from "./presence-options.js";
import { SubscriberIndex } from "./subscriber-index.js";

const USER_NOT_FOUND = 70107;
/** The durable timer kind of custom-status clearing; keyed by user ID. */
const CLEAR_CUSTOM_STATUS = "presence.clear-custom-status";
const INVALID_PARAMETER = 70402;

/** What presence needs to know about live sessions. */
export interface LiveSessions {
  sessionsOf(userId: string): Iterable<Session>;
  hasSessions(userId: string): boolean;
}

export interface PresenceDeps {
  db: Db;
  accounts: Accounts;
  store: PresenceStore;
  subscriptions: SubscriptionStore;
  timers: DurableTimers;
  bus: EventBus;
  clock: Clock;
  sessions: LiveSessions;
  options: PresenceOptions;
  /** The relationships domain's seam: who has a user as a friend (told of its status with `friendAutoNotify`). */
  friends?: FriendDirectory;
}

/** Who has a user in their friend list. */
export interface FriendDirectory {
  friendsOf(userId: string): Promise<string[]>;
}

export interface SubscribeResult {
  failures: UserStatusFailure[];
  statuses: UserStatus[];
  evicted: string[];
}

export class Presence {
  private readonly records = new Map<string, PresenceRecord>();
  private readonly index = new SubscriberIndex();
  /** Status events to friends, published in the order their changes were announced (lookups run in parallel). */
  private friendNotices: Promise<void> = Promise.resolve();

  private constructor(private readonly deps: PresenceDeps) {}

  static async create(deps: PresenceDeps): Promise<Presence> {
    const presence = new Presence(deps);
    for (const s of await deps.subscriptions.loadAll(deps.clock.now())) presence.index.set(s.subscriberId, s.targetId, s.expireTime);
    deps.timers.on(CLEAR_CUSTOM_STATUS, (firing) => presence.clearCustomStatus(firing));
    return presence;
  }

  get options(): PresenceOptions {
    return this.deps.options;
  }

  // ---- accounts

  /** Creates the accounts that do not exist; returns the created IDs. */
  async ensureAccounts(userIds: readonly string[]): Promise<string[]> {
    return this.deps.accounts.ensure(userIds);
  }

  private async existing(userIds: readonly string[]): Promise<Set<string>> {
    return this.deps.accounts.existing(userIds);
  }

  // ---- records and derived status

  private async recordsOf(userIds: readonly string[]): Promise<Map<string, PresenceRecord>> {
    const missing = userIds.filter((id) => !this.records.has(id));
    if (missing.length > 0) {
      const loaded = await this.deps.store.get(missing);
      for (const id of missing) {
        if (this.records.has(id)) continue; // loaded concurrently
        this.records.set(id, loaded.get(id) ?? emptyRecord(id));
      }
    }
    return new Map(userIds.map((id) => [id, this.records.get(id)!]));
  }

  private statusOf(record: PresenceRecord): UserStatus {
    const devices = [];
    let online = false;
    for (const session of this.deps.sessions.sessionsOf(record.userId)) {
      online = true;
      devices.push(create(DeviceStatusSchema, { deviceId: session.resource, status: "1" }));
    }
    for (const [deviceId, status] of Object.entries(record.devices)) {
      if (status !== "0") online = true;
      devices.push(create(DeviceStatusSchema, { deviceId, status }));
    }
    const everActive = record.lastActiveTime > 0 || Object.keys(record.devices).length > 0;
    const statusType = online
      ? UserStatusType.ONLINE
      : everActive && !record.loggedOut
        ? UserStatusType.OFFLINE
        : UserStatusType.UNLOGINED;
    return create(UserStatusSchema, {
      userId: record.userId,
      statusType,
      customStatus: record.customStatus,
      devices,
      lastActiveTime: BigInt(record.lastActiveTime),
    });
  }

  /**
   * Persists a record change and announces it (see server/events/README.md): the status is snapshotted here, at the
   * commit point, so the event carries this change and not whatever the record holds once the write is durable; the
   * bus delivers it after the write, in commit order. Resolves with that status once durable.
   */
  private async commit(record: PresenceRecord): Promise<UserStatus> {
    record.updateTime = this.deps.clock.now();
    const written = this.deps.store.put([{ ...record, devices: { ...record.devices } }]);
    const status = this.announce(record, written);
    await written;
    return status;
  }

  /** Publishes the record's status as it is now to the user's sessions and subscribers, once `durable` resolves. */
  private announce(record: PresenceRecord, durable?: Promise<unknown>): UserStatus {
    const status = this.statusOf(record);
    const recipients = new Set<string>([record.userId]);
    for (const subscriber of this.index.subscribersOf(record.userId, this.deps.clock.now())) recipients.add(subscriber);
    const payload = { case: "userStatusUpdated" as const, value: { $typeName: "chatwire.v1.UserStatusUpdated" as const, userStatusList: [status] } };
    // Stryker disable next-line ObjectLiteral: an event sent at once and one sent once its write is durable differ only when the write fails, which no conformance client can cause
    this.deps.bus.publish(recipients, payload, { durable });
    if (this.deps.options.friendAutoNotify && this.deps.friends) {
      // Friends are found in storage; the notice waits for the lookup but keeps the order of the changes.
      const friends = this.deps.friends.friendsOf(record.userId);
      this.friendNotices = this.friendNotices
        .then(() => friends)
        .then((ids) => {
          const others = ids.filter((id) => !recipients.has(id));
          if (others.length > 0) this.deps.bus.publish(others, payload, { durable });
        })
        .catch(() => {}); // a failed lookup only loses this notice to friends
    }
    return status;
  }

  // ---- session lifecycle

  async sessionStarted(session: Session): Promise<void> {
    // A login before the clearing is due cancels it (and the timer re-checks in any case).
    if (this.deps.timers.isArmed(CLEAR_CUSTOM_STATUS, session.userId)) void this.deps.timers.cancel(CLEAR_CUSTOM_STATUS, session.userId).catch(() => {});
    const record = (await this.recordsOf([session.userId])).get(session.userId)!;
    const first = [...this.deps.sessions.sessionsOf(session.userId)].length === 1;
    record.loggedOut = false;
    record.lastActiveTime = this.deps.clock.now();
    if (first) await this.commit(record);
    else {
      record.updateTime = this.deps.clock.now();
      await this.deps.store.put([{ ...record, devices: { ...record.devices } }]);
    }
  }

  async sessionEnded(session: Session, reason: SessionEndReason): Promise<void> {
    if (reason === "shutdown" || this.deps.sessions.hasSessions(session.userId)) return;
    const record = (await this.recordsOf([session.userId])).get(session.userId)!;
    const loggedOut = reason !== "offline";
    record.loggedOut = loggedOut;
    if (loggedOut) record.lastActiveTime = this.deps.clock.now();
    const clearAt = this.deps.clock.now() + this.deps.options.customStatusClearDelayMs;
    // Queued in the same tick, the record and its clearing timer share one group commit.
    await Promise.all([
      this.commit(record),
      loggedOut && record.customStatus !== "" ? this.deps.timers.schedule(CLEAR_CUSTOM_STATUS, session.userId, clearAt) : undefined,
    ]);
  }

  /** The durable timer set at logout: clears the custom status if the user is still logged out. */
  private async clearCustomStatus(firing: TimerFiring): Promise<void> {
    const userId = firing.key;
    const record = (await this.recordsOf([userId])).get(userId)!;
    const clear = !this.deps.sessions.hasSessions(userId) && record.loggedOut && record.customStatus !== "";
    const next = { ...record, devices: { ...record.devices }, customStatus: "", updateTime: this.deps.clock.now() };
    const owned = await this.deps.db.transact(async (trx) => {
      if (!(await firing.claim(trx))) return false;
      if (clear) await this.deps.store.put([next], trx);
      return true;
    });
    if (!owned || !clear) return;
    record.customStatus = "";
    record.updateTime = next.updateTime;
    this.announce(record);
  }

  // ---- the Tencent view

  async setCustomStatus(userId: string, customStatus: string): Promise<UserStatus> {
    const record = (await this.recordsOf([userId])).get(userId)!;
    record.customStatus = customStatus;
    return this.commit(record);
  }

  async query(callerId: string, userIds: readonly string[]): Promise<{ statuses: UserStatus[]; failures: UserStatusFailure[] }> {
    const unique = [...new Set(userIds)];
    // The caller exists like any other user: its login created its account.
    const known = await this.existing(unique);
    const found = unique.filter((id) => known.has(id));
    const records = await this.recordsOf(found);
    return {
      statuses: found.map((id) => this.statusOf(records.get(id)!)),
      failures: unique.filter((id) => !known.has(id)).map((id) => failure(id, USER_NOT_FOUND)),
    };
  }

  async subscribe(subscriberId: string, targetIds: readonly string[], expireTime: number): Promise<SubscribeResult> {
    const unique = [...new Set(targetIds)];
    const known = await this.existing(unique);
    const failures = unique
      .filter((id) => id === subscriberId || !known.has(id))
      .map((id) => failure(id, id === subscriberId ? INVALID_PARAMETER : USER_NOT_FOUND, id === subscriberId ? "Cannot subscribe to oneself." : undefined));
    const accepted = unique.filter((id) => id !== subscriberId && known.has(id));
    let evicted: string[] = [];
    // Stryker disable next-line ConditionalExpression,EqualityOperator: adding no target to the store changes nothing a client can read (it drops expired rows, which no read returns, and evicts nothing: the count cannot pass the cap)
    if (accepted.length > 0) {
      evicted = await this.deps.subscriptions.add(subscriberId, accepted, expireTime, this.deps.clock.now(), this.deps.options.maxSubscriptions);
      for (const id of accepted) this.index.set(subscriberId, id, expireTime);
      for (const id of evicted) this.index.delete(subscriberId, id);
    }
    const subscribed = accepted.filter((id) => !evicted.includes(id));
    const records = await this.recordsOf(subscribed);
    return { failures, statuses: subscribed.map((id) => this.statusOf(records.get(id)!)), evicted };
  }

  async unsubscribe(subscriberId: string, targetIds: readonly string[] | "all"): Promise<string[]> {
    const removed = await this.deps.subscriptions.remove(subscriberId, targetIds);
    for (const id of removed) this.index.delete(subscriberId, id);
    return removed;
  }

  async listSubscriptions(subscriberId: string, offset: number, limit: number): Promise<{ total: number; entries: Subscription[] }> {
    return this.deps.subscriptions.list(subscriberId, this.deps.clock.now(), offset, limit);
  }

  // ---- the Easemob view

  /** Sets one device's code and the user's ext, as the admin REST API does. */
  async setDevice(userId: string, resource: string, status: string, ext: string): Promise<void> {
    await this.ensureAccounts([userId]);
    const record = (await this.recordsOf([userId])).get(userId)!;
    // A computed key in a literal is always an own property, so a resource named `__proto__` is stored as one.
    record.devices = { ...record.devices, [resource]: status };
    record.customStatus = ext;
    if (status !== "0") record.loggedOut = false;
    await this.commit(record);
  }

  /** The records (Easemob view) of known users, in request order; unknown users are left out. */
  async recordsForAdmin(userIds: readonly string[]): Promise<{ record: PresenceRecord; status: UserStatus }[]> {
    const known = await this.existing([...new Set(userIds)]);
    const ids = [...new Set(userIds)].filter((id) => known.has(id));
    const records = await this.recordsOf(ids);
    return ids.map((id) => ({ record: records.get(id)!, status: this.statusOf(records.get(id)!) }));
  }

  /** Stops firing timers (server shutdown); they stay stored and resume at the next start. */
  // Stryker disable next-line BlockStatement: a stopped server's timers can act only through its closed storage, which refuses them before anything is announced; no client can tell
  stop(): void {
    this.deps.timers.stop();
  }
}

function emptyRecord(userId: string): PresenceRecord {
  return { userId, customStatus: "", devices: {}, loggedOut: false, lastActiveTime: 0, updateTime: 0 };
}

function failure(userId: string, code: number, message = messageOf(code)): UserStatusFailure {
  return create(UserStatusFailureSchema, { userId, code, message });
}

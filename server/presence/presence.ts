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
import type { Clock, TimerHandle } from "../clock.js";
import type { EventBus } from "../events/event-bus.js";
import { messageOf } from "../rpc/chat-error.js";
import type { Session, SessionEndReason } from "../sessions/session.js";
import type { PresenceRecord, Storage, Subscription } from "../storage/storage.js";
import type { PresenceOptions } from "./presence-options.js";
import { SubscriberIndex } from "./subscriber-index.js";

const USER_NOT_FOUND = 70107;
const INVALID_PARAMETER = 70402;

/** What presence needs to know about live sessions. */
export interface LiveSessions {
  sessionsOf(userId: string): Iterable<Session>;
  hasSessions(userId: string): boolean;
}

export interface PresenceDeps {
  storage: Storage;
  bus: EventBus;
  clock: Clock;
  sessions: LiveSessions;
  options: PresenceOptions;
  /** Reports a failure of work no request waits for (a custom-status clearing). */
  onError?(err: unknown, what: string): void;
}

export interface SubscribeResult {
  failures: UserStatusFailure[];
  statuses: UserStatus[];
  evicted: string[];
}

export class Presence {
  private readonly records = new Map<string, PresenceRecord>();
  private readonly knownUsers = new Set<string>();
  private readonly index = new SubscriberIndex();
  private readonly clearTimers = new Map<string, TimerHandle>();
  private stopped = false;

  private constructor(private readonly deps: PresenceDeps) {}

  static async create(deps: PresenceDeps): Promise<Presence> {
    const presence = new Presence(deps);
    const subscriptions = await deps.storage.subscriptions.loadAll(deps.clock.now());
    for (const s of subscriptions) presence.index.set(s.subscriberId, s.targetId, s.expireTime);
    // Loading the records of followed users re-arms the custom-status clearings a restart interrupted (resumeClear),
    // so their subscribers are told on time; other records resume theirs when first read.
    await presence.recordsOf([...new Set(subscriptions.map((s) => s.targetId))]);
    return presence;
  }

  get options(): PresenceOptions {
    return this.deps.options;
  }

  // ---- accounts

  /** Creates the accounts that do not exist; returns the created IDs. */
  async ensureAccounts(userIds: readonly string[]): Promise<string[]> {
    const created = await this.deps.storage.accounts.ensure(userIds, this.deps.clock.now());
    for (const id of userIds) this.knownUsers.add(id);
    return created;
  }

  private async existing(userIds: readonly string[]): Promise<Set<string>> {
    const unknown = userIds.filter((id) => !this.knownUsers.has(id));
    if (unknown.length > 0) for (const id of await this.deps.storage.accounts.existing(unknown)) this.knownUsers.add(id);
    return new Set(userIds.filter((id) => this.knownUsers.has(id)));
  }

  // ---- records and derived status

  private async recordsOf(userIds: readonly string[]): Promise<Map<string, PresenceRecord>> {
    const missing = userIds.filter((id) => !this.records.has(id));
    if (missing.length > 0) {
      const loaded = await this.deps.storage.presence.get(missing);
      const stored: PresenceRecord[] = [];
      for (const id of missing) {
        if (this.records.has(id)) continue; // loaded concurrently
        const record = loaded.get(id);
        if (record) stored.push(record);
        this.records.set(id, record ?? emptyRecord(id));
      }
      await Promise.all(stored.map((r) => this.resumeClear(r)));
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

  /** Persists a record change, then tells the user's sessions and subscribers. */
  private async commit(record: PresenceRecord): Promise<void> {
    record.updateTime = this.deps.clock.now();
    await this.deps.storage.presence.put([{ ...record, devices: { ...record.devices } }]);
    this.announce(record);
  }

  private announce(record: PresenceRecord): void {
    const recipients = new Set<string>([record.userId]);
    for (const subscriber of this.index.subscribersOf(record.userId, this.deps.clock.now())) recipients.add(subscriber);
    this.deps.bus.publish(recipients, {
      case: "userStatusUpdated",
      value: { $typeName: "chatwire.v1.UserStatusUpdated", userStatusList: [this.statusOf(record)] },
    });
  }

  // ---- session lifecycle

  async sessionStarted(session: Session): Promise<void> {
    this.clearTimers.get(session.userId)?.cancel();
    this.clearTimers.delete(session.userId);
    const record = (await this.recordsOf([session.userId])).get(session.userId)!;
    const first = [...this.deps.sessions.sessionsOf(session.userId)].length === 1;
    record.loggedOut = false;
    record.lastActiveTime = this.deps.clock.now();
    if (first) await this.commit(record);
    else {
      record.updateTime = this.deps.clock.now();
      await this.deps.storage.presence.put([{ ...record }]);
    }
  }

  async sessionEnded(session: Session, reason: SessionEndReason): Promise<void> {
    if (reason === "shutdown" || this.deps.sessions.hasSessions(session.userId)) return;
    const record = (await this.recordsOf([session.userId])).get(session.userId)!;
    const loggedOut = reason !== "offline";
    record.loggedOut = loggedOut;
    if (loggedOut) record.lastActiveTime = this.deps.clock.now();
    await this.commit(record);
    if (loggedOut && record.customStatus !== "") this.scheduleCustomStatusClear(session.userId, this.deps.options.customStatusClearDelayMs);
  }

  /**
   * The clearing a logout promised, for a record read from storage (the server restarted since): due at the logout
   * plus the delay, unless the record changed after that moment (the clearing happened, or a later write set it).
   */
  private async resumeClear(record: PresenceRecord): Promise<void> {
    const due = record.lastActiveTime + this.deps.options.customStatusClearDelayMs;
    if (!record.loggedOut || record.customStatus === "" || record.updateTime >= due) return;
    const wait = due - this.deps.clock.now();
    if (wait > 0) this.scheduleCustomStatusClear(record.userId, wait);
    else {
      record.customStatus = "";
      await this.commit(record);
    }
  }

  private scheduleCustomStatusClear(userId: string, delayMs: number): void {
    if (this.stopped) return; // a logout that ends while the server stops: the next start resumes its clearing
    this.clearTimers.get(userId)?.cancel();
    this.clearTimers.set(
      userId,
      this.deps.clock.schedule(delayMs, () => {
        this.clearTimers.delete(userId);
        if (this.deps.sessions.hasSessions(userId)) return;
        const record = this.records.get(userId);
        if (!record || record.customStatus === "") return;
        record.customStatus = "";
        this.commit(record).catch((err: unknown) => this.deps.onError?.(err, "custom status clearing"));
      }),
    );
  }

  // ---- the Tencent view

  async setCustomStatus(userId: string, customStatus: string): Promise<UserStatus> {
    const record = (await this.recordsOf([userId])).get(userId)!;
    record.customStatus = customStatus;
    await this.commit(record);
    return this.statusOf(record);
  }

  async query(callerId: string, userIds: readonly string[]): Promise<{ statuses: UserStatus[]; failures: UserStatusFailure[] }> {
    const unique = [...new Set(userIds)];
    const known = await this.existing(unique.filter((id) => id !== callerId));
    const found = unique.filter((id) => id === callerId || known.has(id));
    const records = await this.recordsOf(found);
    return {
      statuses: found.map((id) => this.statusOf(records.get(id)!)),
      failures: unique.filter((id) => id !== callerId && !known.has(id)).map((id) => failure(id, USER_NOT_FOUND)),
    };
  }

  async subscribe(subscriberId: string, targetIds: readonly string[], expireTime: number): Promise<SubscribeResult> {
    const unique = [...new Set(targetIds)];
    const known = await this.existing(unique.filter((id) => id !== subscriberId));
    const failures = unique
      .filter((id) => id === subscriberId || !known.has(id))
      .map((id) => failure(id, id === subscriberId ? INVALID_PARAMETER : USER_NOT_FOUND, id === subscriberId ? "Cannot subscribe to oneself." : undefined));
    const accepted = unique.filter((id) => id !== subscriberId && known.has(id));
    let evicted: string[] = [];
    if (accepted.length > 0) {
      evicted = await this.deps.storage.subscriptions.add(subscriberId, accepted, expireTime, this.deps.clock.now(), this.deps.options.maxSubscriptions);
      for (const id of accepted) this.index.set(subscriberId, id, expireTime);
      for (const id of evicted) this.index.delete(subscriberId, id);
    }
    const records = await this.recordsOf(accepted);
    return { failures, statuses: accepted.map((id) => this.statusOf(records.get(id)!)), evicted };
  }

  async unsubscribe(subscriberId: string, targetIds: readonly string[] | "all"): Promise<string[]> {
    const removed = await this.deps.storage.subscriptions.remove(subscriberId, targetIds);
    for (const id of removed) this.index.delete(subscriberId, id);
    return removed;
  }

  async listSubscriptions(subscriberId: string, offset: number, limit: number): Promise<{ total: number; entries: Subscription[] }> {
    return this.deps.storage.subscriptions.list(subscriberId, this.deps.clock.now(), offset, limit);
  }

  // ---- the Easemob view

  /** Sets one device's code and the user's ext, as the admin REST API does. */
  async setDevice(userId: string, resource: string, status: string, ext: string): Promise<void> {
    await this.ensureAccounts([userId]);
    const record = (await this.recordsOf([userId])).get(userId)!;
    record.devices[resource] = status;
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

  /** Cancels pending timers (server shutdown). */
  stop(): void {
    this.stopped = true;
    for (const t of this.clearTimers.values()) t.cancel();
    this.clearTimers.clear();
  }
}

function emptyRecord(userId: string): PresenceRecord {
  return { userId, customStatus: "", devices: {}, loggedOut: false, lastActiveTime: 0, updateTime: 0 };
}

function failure(userId: string, code: number, message = messageOf(code)): UserStatusFailure {
  return create(UserStatusFailureSchema, { userId, code, message });
}

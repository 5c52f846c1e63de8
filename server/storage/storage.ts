// The storage contract of the reference server: one interface, three back ends (memory, SQLite, PostgreSQL).
// Domain code sees only these types; no back end leaks a connection or a transport error through them.

/** A user's durable presence record; per-session liveness lives in memory, not here. */
export interface PresenceRecord {
  userId: string;
  /** Tencent `customStatus` / Easemob `ext`; "" when none. */
  customStatus: string;
  /** Device key → Easemob status code set through the admin API ("0" offline, "1" online, others custom). */
  devices: Record<string, string>;
  /** Whether the user's last SDK transition was a logout (UNLOGINED) rather than a lost connection (OFFLINE). */
  loggedOut: boolean;
  /** Unix ms of the last login or logout; 0 when never. */
  lastActiveTime: number;
  /** Unix ms of the last change to this record. */
  updateTime: number;
}

/** One subscription of `subscriberId` to `targetId`'s status. */
export interface Subscription {
  subscriberId: string;
  targetId: string;
  /** Unix ms; 0 means it never expires. */
  expireTime: number;
  /** Unix ms; eviction under the cap removes the oldest first. */
  createTime: number;
}

export interface AccountStore {
  /** Creates the accounts that do not exist yet; returns the IDs it created. */
  ensure(userIds: readonly string[], nowMs: number): Promise<string[]>;
  /** Returns the subset of `userIds` that exist. */
  existing(userIds: readonly string[]): Promise<Set<string>>;
}

export interface PresenceStore {
  /** Returns the records of the users that have one. */
  get(userIds: readonly string[]): Promise<Map<string, PresenceRecord>>;
  /** Writes records (insert or replace). Resolves once durable; concurrent calls share one transaction. */
  put(records: readonly PresenceRecord[]): Promise<void>;
}

export interface SubscriptionStore {
  /**
   * Adds or refreshes subscriptions of one subscriber, then evicts its oldest subscriptions beyond `cap`
   * (never one of `targetIds`). Returns the evicted target IDs, oldest first.
   */
  add(subscriberId: string, targetIds: readonly string[], expireTime: number, nowMs: number, cap: number): Promise<string[]>;
  /** Removes the listed subscriptions, or all of the subscriber's when `targetIds` is "all". Returns the removed target IDs. */
  remove(subscriberId: string, targetIds: readonly string[] | "all"): Promise<string[]>;
  /** Returns one page of a subscriber's unexpired subscriptions, oldest first, and their total. */
  list(subscriberId: string, nowMs: number, offset: number, limit: number): Promise<{ total: number; entries: Subscription[] }>;
  /** Returns every unexpired subscription; the server loads it once at start to build its in-memory fan-out index. */
  loadAll(nowMs: number): Promise<Subscription[]>;
}

export interface Storage {
  readonly kind: "memory" | "sqlite" | "postgres";
  readonly accounts: AccountStore;
  readonly presence: PresenceStore;
  readonly subscriptions: SubscriptionStore;
  /** Flushes pending writes and releases connections. */
  close(): Promise<void>;
}

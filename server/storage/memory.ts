// The in-memory back end: for tests and throwaway servers. It is the executable reference of the Storage semantics that
// the SQL back ends reproduce, so it follows storage.ts literally and copies every record in and out.
import type {
  AccountStore,
  PresenceRecord,
  PresenceStore,
  Storage,
  Subscription,
  SubscriptionStore,
} from "./storage.js";

/** Returns an empty Storage that lives as long as the process. */
export function createMemoryStorage(): Storage {
  const state: MemoryState = { accounts: new Map(), presence: new Map(), subscriptions: new Map(), closed: false };
  return {
    kind: "memory",
    accounts: createAccountStore(state),
    presence: createPresenceStore(state),
    subscriptions: createSubscriptionStore(state),
    async close() {
      state.closed = true;
    },
  };
}

interface MemoryState {
  /** userId → createTime. */
  accounts: Map<string, number>;
  presence: Map<string, PresenceRecord>;
  /** subscriberId → targetId → subscription. */
  subscriptions: Map<string, Map<string, Subscription>>;
  closed: boolean;
}

function createAccountStore(state: MemoryState): AccountStore {
  return {
    async ensure(userIds, nowMs) {
      assertOpen(state);
      const created: string[] = [];
      for (const userId of new Set(userIds)) {
        if (state.accounts.has(userId)) continue;
        state.accounts.set(userId, nowMs);
        created.push(userId);
      }
      return created;
    },
    async existing(userIds) {
      assertOpen(state);
      return new Set(userIds.filter((userId) => state.accounts.has(userId)));
    },
  };
}

function createPresenceStore(state: MemoryState): PresenceStore {
  return {
    async get(userIds) {
      assertOpen(state);
      const found = new Map<string, PresenceRecord>();
      for (const userId of userIds) {
        const record = state.presence.get(userId);
        if (record) found.set(userId, copyRecord(record));
      }
      return found;
    },
    async put(records) {
      assertOpen(state);
      for (const record of records) state.presence.set(record.userId, copyRecord(record));
    },
  };
}

function createSubscriptionStore(state: MemoryState): SubscriptionStore {
  return {
    async add(subscriberId, targetIds, expireTime, nowMs, cap) {
      assertOpen(state);
      const kept = keptTargets(targetIds, cap);
      const own = state.subscriptions.get(subscriberId) ?? new Map<string, Subscription>();
      state.subscriptions.set(subscriberId, own);
      // Expired rows are dead: they neither count toward the cap nor keep their age when subscribed again.
      for (const [targetId, sub] of own) if (isExpired(sub, nowMs)) own.delete(targetId);
      for (const targetId of kept) {
        const existing = own.get(targetId);
        if (existing) existing.expireTime = expireTime;
        else own.set(targetId, { subscriberId, targetId, expireTime, createTime: nowMs });
      }
      const keptSet = new Set(kept);
      const victims = [...own.values()]
        .filter((sub) => !keptSet.has(sub.targetId))
        .sort(byAge)
        .slice(0, Math.max(own.size - Math.max(cap, 0), 0));
      for (const sub of victims) own.delete(sub.targetId);
      if (own.size === 0) state.subscriptions.delete(subscriberId);
      return victims.map((sub) => sub.targetId);
    },
    async remove(subscriberId, targetIds) {
      assertOpen(state);
      const own = state.subscriptions.get(subscriberId);
      if (!own) return [];
      const removed =
        targetIds === "all"
          ? [...own.values()].sort(byAge).map((sub) => sub.targetId)
          : [...new Set(targetIds)].filter((targetId) => own.has(targetId));
      for (const targetId of removed) own.delete(targetId);
      if (own.size === 0) state.subscriptions.delete(subscriberId);
      return removed;
    },
    async list(subscriberId, nowMs, offset, limit) {
      assertOpen(state);
      const live = [...(state.subscriptions.get(subscriberId)?.values() ?? [])].filter((sub) => !isExpired(sub, nowMs)).sort(byAge);
      return { total: live.length, entries: live.slice(offset, offset + limit).map(copySubscription) };
    },
    async loadAll(nowMs) {
      assertOpen(state);
      const all: Subscription[] = [];
      for (const subscriberId of [...state.subscriptions.keys()].sort(compareCodePoints)) {
        const own = [...state.subscriptions.get(subscriberId)!.values()].filter((sub) => !isExpired(sub, nowMs)).sort(byAge);
        all.push(...own.map(copySubscription));
      }
      return all;
    },
  };
}

/** The targets `add` keeps: de-duplicated, and only the last `cap` of them when there are more. */
function keptTargets(targetIds: readonly string[], cap: number): string[] {
  const unique = [...new Set(targetIds)];
  return cap > 0 ? unique.slice(-cap) : [];
}

function isExpired(sub: Subscription, nowMs: number): boolean {
  return sub.expireTime !== 0 && sub.expireTime <= nowMs;
}

function byAge(a: Subscription, b: Subscription): number {
  return a.createTime - b.createTime || compareCodePoints(a.targetId, b.targetId);
}

// Code point order, which is what SQLite's BINARY and PostgreSQL's "C" collation give for UTF-8 text; plain `<` compares
// UTF-16 units and would disagree on characters beyond the BMP.
function compareCodePoints(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function copyRecord(record: PresenceRecord): PresenceRecord {
  return { ...record, devices: { ...record.devices } };
}

function copySubscription(sub: Subscription): Subscription {
  return { ...sub };
}

function assertOpen(state: MemoryState): void {
  if (state.closed) throw new Error("storage is closed");
}

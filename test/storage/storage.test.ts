// The stores, written once on Kysely, run on every engine from one test body: SQLite in memory, a SQLite file
// (reopened to prove durability) and PostgreSQL (a schema of its own, dropped after; skipped locally when no server
// answers, a failure when CI is set).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createAccountStore, type AccountStore } from "../../server/accounts/account-store.js";
import {
  createPresenceStore,
  createSubscriptionStore,
  type PresenceRecord,
  type PresenceStore,
  type SubscriptionStore,
} from "../../server/presence/presence-store.js";
import type { Db } from "../../server/storage/db.js";
import { openDatabase } from "../../server/storage/open-storage.js";
import { ENGINES, freshStorage, skipReason, type EngineName } from "../support/storage-engines.js";

interface Stores {
  db: Db;
  accounts: AccountStore;
  presence: PresenceStore;
  subscriptions: SubscriptionStore;
}

/** Opened stores; `reopen` closes them and opens the same data again (a fresh, empty database for memory). */
interface Handle {
  storage: Stores;
  reopen(): Promise<void>;
}

async function openStores(spec: string): Promise<Stores> {
  const db = await openDatabase(spec);
  return { db, accounts: createAccountStore(db), presence: createPresenceStore(db), subscriptions: createSubscriptionStore(db) };
}

async function openHandle(spec: string): Promise<Handle> {
  const handle: Handle = {
    storage: await openStores(spec),
    async reopen() {
      await handle.storage.db.close();
      handle.storage = await openStores(spec);
    },
  };
  return handle;
}

/** A record as the store returns it: devices is a null-prototype map (a device may be named "__proto__"). */
function record(userId: string, overrides: Partial<PresenceRecord> = {}): PresenceRecord {
  return {
    userId,
    customStatus: "",
    loggedOut: false,
    lastActiveTime: 0,
    updateTime: 1_700_000_000_000,
    ...overrides,
    devices: Object.assign(Object.create(null) as Record<string, string>, overrides.devices ?? {}),
  };
}

async function targets(storage: Stores, subscriberId: string, nowMs: number): Promise<string[]> {
  const { entries } = await storage.subscriptions.list(subscriberId, nowMs, 0, 1000);
  return entries.map((sub) => sub.targetId);
}

function storageSuite(engine: EngineName): void {
  describe(engine, () => {
    function it(title: string, body: (handle: Handle, backend: { durable: boolean }) => Promise<void>): void {
      test(title, async (t) => {
        const skip = await skipReason(engine);
        if (skip) return t.skip(skip);
        const slot = await freshStorage(engine);
        const handle = await openHandle(slot.storage);
        try {
          await body(handle, slot);
        } finally {
          await handle.storage.db.close();
          await slot.dispose();
        }
      });
    }

    it("reports its engine", async ({ storage }) => {
      assert.equal(storage.db.engine, engine === "postgres" ? "postgres" : "sqlite");
    });

    it("accounts: ensure creates only missing accounts, existing returns the subset", async ({ storage }) => {
      assert.deepEqual(await storage.accounts.ensure(["alice", "bob", "alice"], 1000), ["alice", "bob"]);
      assert.deepEqual(await storage.accounts.ensure(["bob", "carol"], 2000), ["carol"]);
      assert.deepEqual(await storage.accounts.ensure([], 3000), []);
      assert.deepEqual(await storage.accounts.existing(["alice", "carol", "dave"]), new Set(["alice", "carol"]));
      assert.deepEqual(await storage.accounts.existing([]), new Set());
    });

    it("presence: put then get roundtrips every field, devices included", async ({ storage }) => {
      const alice = record("alice", {
        customStatus: "busy ☕",
        devices: { web: "1", "ios-1": "0", pad: "custom", ["__proto__"]: "2" },
        loggedOut: true,
        lastActiveTime: 1_700_000_000_123,
        updateTime: 1_700_000_000_456,
      });
      await storage.presence.put([alice, record("bob")]);
      const got = await storage.presence.get(["alice", "bob", "nobody"]);
      assert.deepEqual([...got.keys()].sort(), ["alice", "bob"]);
      assert.deepEqual(got.get("alice"), alice);
      assert.deepEqual(got.get("bob"), record("bob"));
      assert.deepEqual(await storage.presence.get([]), new Map());

      await storage.presence.put([record("alice", { customStatus: "away", devices: {} })]);
      assert.deepEqual((await storage.presence.get(["alice"])).get("alice"), record("alice", { customStatus: "away" }));
    });

    it("presence: concurrent puts are group-committed and all resolve", async ({ storage }) => {
      const records = Array.from({ length: 10 }, (_, i) => record(`user${i}`, { customStatus: `s${i}`, devices: { d: String(i) } }));
      // The same user twice in one tick: the later call wins.
      const puts = [...records.map((r) => storage.presence.put([r])), storage.presence.put([record("user0", { customStatus: "last" })])];
      await Promise.all(puts);
      const got = await storage.presence.get(records.map((r) => r.userId));
      assert.equal(got.size, 10);
      for (const r of records.slice(1)) assert.deepEqual(got.get(r.userId), r);
      assert.equal(got.get("user0")?.customStatus, "last");
    });

    it("presence: a put pending at close is flushed", async (handle, backend) => {
      if (!backend.durable) return;
      const put = handle.storage.presence.put([record("late", { customStatus: "flushed" })]);
      await handle.reopen();
      await put;
      assert.equal((await handle.storage.presence.get(["late"])).get("late")?.customStatus, "flushed");
    });

    it("durability: everything survives a reopen", async (handle, backend) => {
      if (!backend.durable) return;
      await handle.storage.accounts.ensure(["alice"], 1000);
      await handle.storage.presence.put([record("alice", { devices: { web: "1" } })]);
      await handle.storage.subscriptions.add("alice", ["bob"], 0, 1000, 10);
      await handle.reopen();
      assert.deepEqual(await handle.storage.accounts.existing(["alice"]), new Set(["alice"]));
      assert.deepEqual((await handle.storage.presence.get(["alice"])).get("alice"), record("alice", { devices: { web: "1" } }));
      assert.deepEqual(await handle.storage.subscriptions.loadAll(2000), [
        { subscriberId: "alice", targetId: "bob", expireTime: 0, createTime: 1000 },
      ]);
    });

    it("subscriptions: add creates, a second add refreshes expireTime and keeps createTime", async ({ storage }) => {
      assert.deepEqual(await storage.subscriptions.add("s", ["a", "b"], 50_000, 1000, 10), []);
      assert.deepEqual(await storage.subscriptions.add("s", ["b", "c"], 90_000, 2000, 10), []);
      assert.deepEqual((await storage.subscriptions.list("s", 3000, 0, 10)).entries, [
        { subscriberId: "s", targetId: "a", expireTime: 50_000, createTime: 1000 },
        { subscriberId: "s", targetId: "b", expireTime: 90_000, createTime: 1000 },
        { subscriberId: "s", targetId: "c", expireTime: 90_000, createTime: 2000 },
      ]);
    });

    it("subscriptions: eviction beyond cap removes the oldest first, ties by targetId", async ({ storage }) => {
      const subs = storage.subscriptions;
      await subs.add("s", ["z", "y"], 0, 1000, 4); // same createTime: y is older than z by targetId
      await subs.add("s", ["x"], 0, 2000, 4);
      await subs.add("s", ["w"], 0, 3000, 4);
      assert.deepEqual(await subs.add("s", ["v"], 0, 4000, 4), ["y"]);
      // Refreshing z does not make it younger, and the targets just added are never evicted even when oldest.
      assert.deepEqual(await subs.add("s", ["z", "u", "t"], 0, 5000, 4), ["x", "w"]);
      assert.deepEqual(await targets(storage, "s", 6000), ["z", "v", "t", "u"]);
      // Other subscribers are untouched.
      await subs.add("other", ["a"], 0, 500, 4);
      assert.deepEqual(await subs.add("s", ["q"], 0, 7000, 4), ["z"]);
      assert.deepEqual(await targets(storage, "other", 8000), ["a"]);
    });

    it("subscriptions: more targets than cap keeps the last cap of them and names the others evicted", async ({ storage }) => {
      const subs = storage.subscriptions;
      await subs.add("s", ["old"], 0, 1000, 3);
      // p and q are subscribed and evicted at once: the caller (the in-memory fan-out index) must drop them too.
      assert.deepEqual(await subs.add("s", ["p", "q", "r", "s", "old"], 0, 2000, 3), ["p", "q"]);
      // "old" is among the last three, so it stays, with its createTime.
      assert.deepEqual(await targets(storage, "s", 3000), ["old", "r", "s"]);
      assert.deepEqual(await subs.add("s", ["a", "b", "c", "d"], 0, 4000, 3), ["old", "r", "s", "a"]);
      assert.deepEqual(await targets(storage, "s", 5000), ["b", "c", "d"]);
    });

    it("subscriptions: remove listed returns what was removed, in the caller's order", async ({ storage }) => {
      await storage.subscriptions.add("s", ["a", "b", "c", "d"], 0, 1000, 10);
      assert.deepEqual(await storage.subscriptions.remove("s", ["d", "nobody", "b", "d"]), ["d", "b"]);
      assert.deepEqual(await storage.subscriptions.remove("s", []), []);
      assert.deepEqual(await targets(storage, "s", 2000), ["a", "c"]);
      assert.deepEqual(await storage.subscriptions.remove("nobody", ["a"]), []);
    });

    it("subscriptions: remove all returns every target, oldest first", async ({ storage }) => {
      await storage.subscriptions.add("s", ["c"], 0, 1000, 10);
      await storage.subscriptions.add("s", ["b", "a"], 0, 2000, 10);
      await storage.subscriptions.add("t", ["a"], 0, 2000, 10);
      assert.deepEqual(await storage.subscriptions.remove("s", "all"), ["c", "a", "b"]);
      assert.deepEqual(await storage.subscriptions.remove("s", "all"), []);
      assert.deepEqual(await targets(storage, "t", 3000), ["a"]);
    });

    it("subscriptions: list pages oldest first with the total", async ({ storage }) => {
      for (const [i, target] of ["e", "d", "c", "b", "a"].entries()) await storage.subscriptions.add("s", [target], 0, 1000 + i, 10);
      const first = await storage.subscriptions.list("s", 9000, 0, 2);
      assert.equal(first.total, 5);
      assert.deepEqual(first.entries.map((sub) => sub.targetId), ["e", "d"]);
      const second = await storage.subscriptions.list("s", 9000, 2, 2);
      assert.deepEqual([second.total, second.entries.map((sub) => sub.targetId)], [5, ["c", "b"]]);
      const last = await storage.subscriptions.list("s", 9000, 4, 2);
      assert.deepEqual(last.entries.map((sub) => sub.targetId), ["a"]);
      assert.deepEqual(await storage.subscriptions.list("s", 9000, 10, 2), { total: 5, entries: [] });
      assert.deepEqual(await storage.subscriptions.list("nobody", 9000, 0, 2), { total: 0, entries: [] });
    });

    it("subscriptions: expired ones are skipped by list and loadAll, and do not count toward cap", async ({ storage }) => {
      const subs = storage.subscriptions;
      await subs.add("s", ["short"], 5000, 1000, 3);
      await subs.add("s", ["forever"], 0, 1100, 3);
      await subs.add("s", ["long"], 100_000, 1200, 3);
      await subs.add("t", ["short"], 5000, 1000, 3);
      assert.deepEqual(await targets(storage, "s", 4999), ["short", "forever", "long"]);
      // expireTime == now is already expired.
      const atExpiry = await subs.list("s", 5000, 0, 10);
      assert.deepEqual([atExpiry.total, atExpiry.entries.map((sub) => sub.targetId)], [2, ["forever", "long"]]);
      assert.deepEqual(
        (await subs.loadAll(5000)).map((sub) => `${sub.subscriberId}>${sub.targetId}`),
        ["s>forever", "s>long"],
      );
      // The expired "short" frees its slot instead of being reported as evicted.
      assert.deepEqual(await subs.add("s", ["new"], 0, 6000, 3), []);
      // Subscribing again after expiry starts a new subscription with a new createTime.
      assert.deepEqual(await subs.add("t", ["short"], 0, 7000, 3), []);
      assert.deepEqual((await subs.list("t", 8000, 0, 10)).entries, [
        { subscriberId: "t", targetId: "short", expireTime: 0, createTime: 7000 },
      ]);
    });

    it("subscriptions: loadAll returns every unexpired subscription", async ({ storage }) => {
      await storage.subscriptions.add("bob", ["x"], 0, 2000, 10);
      await storage.subscriptions.add("alice", ["y", "z"], 0, 1000, 10);
      await storage.subscriptions.add("alice", ["gone"], 1500, 1000, 10);
      assert.deepEqual(await storage.subscriptions.loadAll(3000), [
        { subscriberId: "alice", targetId: "y", expireTime: 0, createTime: 1000 },
        { subscriberId: "alice", targetId: "z", expireTime: 0, createTime: 1000 },
        { subscriberId: "bob", targetId: "x", expireTime: 0, createTime: 2000 },
      ]);
    });
  });
}

for (const engine of ENGINES) storageSuite(engine);

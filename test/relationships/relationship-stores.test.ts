// The relationships stores on every engine, from one test body: profiles, blacklists, friends, applications and
// friend groups round-trip, and what one user's rows say never leaks into another's; on durable engines they
// survive closing and reopening the database.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createFollowStore } from "../../server/relationships/follow-store.js";
import { createFriendStore, type FriendRecord } from "../../server/relationships/friend-store.js";
import { createProfileStore } from "../../server/relationships/profile-store.js";
import type { Db } from "../../server/storage/db.js";
import { openDatabase } from "../../server/storage/open-storage.js";
import { ENGINES, freshStorage, skipReason } from "../support/storage-engines.js";

function friend(userId: string, friendId: string, overrides: Partial<FriendRecord> = {}): FriendRecord {
  return { userId, friendId, remark: "", groupList: [], source: "AddSource_Type_Web", custom: [], addTime: 1_000, ...overrides };
}

for (const engine of ENGINES) {
  describe(`relationship stores (${engine})`, () => {
    async function withDb(t: { skip(why: string): void }, body: (db: Db, reopen: () => Promise<Db>, durable: boolean) => Promise<void>): Promise<void> {
      const skip = await skipReason(engine);
      if (skip) return t.skip(skip);
      const slot = await freshStorage(engine);
      let db = await openDatabase(slot.storage);
      try {
        await body(db, async () => {
          await db.close();
          db = await openDatabase(slot.storage);
          return db;
        }, slot.durable);
      } finally {
        await db.close();
        await slot.dispose();
      }
    }

    test("profiles and blacklists", async (t) => {
      await withDb(t, async (db, reopen, durable) => {
        let profiles = createProfileStore(db);
        await db.transact((trx) => profiles.put(trx, "alice", new Uint8Array([1, 2, 3]), 5));
        await db.transact((trx) => profiles.put(trx, "alice", new Uint8Array([4]), 6));
        await db.transact((trx) => profiles.addToBlacklist(trx, "alice", ["carol"], 10));
        await db.transact((trx) => profiles.addToBlacklist(trx, "alice", ["bob", "carol"], 20));
        await db.transact((trx) => profiles.addToBlacklist(trx, "bob", ["alice"], 20));
        await db.transact((trx) => profiles.removeFromBlacklist(trx, "bob", ["alice", "nobody"]));
        if (durable) profiles = createProfileStore(await reopen());
        assert.deepEqual([...(await profiles.get(["alice", "bob"])).entries()].map(([k, v]) => [k, [...v]]), [["alice", [4]]]);
        assert.deepEqual(await profiles.blacklist("alice"), ["carol", "bob"]);
        assert.deepEqual(await profiles.blacklist("bob"), []);
        assert.equal(await profiles.isBlacklisted("alice", "bob"), true);
        assert.equal(await profiles.isBlacklisted("bob", "alice"), false);
      });
    });

    test("friends, applications and friend groups", async (t) => {
      await withDb(t, async (first, reopen, durable) => {
        let db = first;
        let friends = createFriendStore(db);
        await db.transact(async (trx) => {
          await friends.putFriend(trx, friend("alice", "bob", { remark: "B", groupList: ["work"], custom: [{ key: "Tag_SNS_Custom_x", value: "1" }] }));
          await friends.putFriend(trx, friend("bob", "alice", { addTime: 2_000 }));
          await friends.putFriend(trx, friend("alice", "carol", { addTime: 3_000 }));
          await friends.putApplication(trx, { toId: "dave", fromId: "alice", wording: "hi", source: "AddSource_Type_Web", remark: "", groupName: "", time: 7 });
          await friends.setReadTime(trx, "dave", 5);
          assert.equal(await friends.putGroup(trx, "alice", "work", 1), true);
          assert.equal(await friends.putGroup(trx, "alice", "work", 2), false);
        });
        if (durable) friends = createFriendStore((db = await reopen()));
        assert.deepEqual((await friends.friends("alice")).map((f) => [f.friendId, f.remark, f.groupList, f.custom]), [
          ["bob", "B", ["work"], [{ key: "Tag_SNS_Custom_x", value: "1" }]],
          ["carol", "", [], []],
        ]);
        assert.deepEqual([...(await friends.friendOf("alice", ["bob", "carol"]))], ["bob"]);
        assert.deepEqual(await friends.haveAsFriend("alice", 10), ["bob"]);
        assert.equal(await friends.countFriends("alice"), 2);
        assert.deepEqual((await friends.applicationsTo("dave", 10)).map((a) => [a.fromId, a.wording, a.time]), [["alice", "hi", 7]]);
        assert.deepEqual((await friends.applicationsFrom("alice", 10)).map((a) => a.toId), ["dave"]);
        assert.equal(await friends.readTime("dave"), 5);
        assert.equal(await friends.readTime("alice"), 0);
        assert.deepEqual(await friends.groups("alice"), ["work"]);
        await db.transact(async (trx) => {
          assert.deepEqual(await friends.deleteFriends(trx, "alice", ["bob", "nobody"]), ["bob"]);
          assert.deepEqual(await friends.deleteFriendOf(trx, "alice", ["bob", "carol"]), ["bob"]);
          assert.equal(await friends.deleteApplication(trx, "dave", "alice"), true);
          assert.equal(await friends.deleteApplication(trx, "dave", "alice"), false);
          assert.equal(await friends.deleteGroup(trx, "alice", "work"), true);
        });
        assert.deepEqual((await friends.friends("alice")).map((f) => f.friendId), ["carol"]);
        assert.equal(await friends.isFriend("bob", "alice"), false);
        assert.deepEqual(await friends.groups("alice"), []);
      });
    });

    test("follows: mutual flags, counters and keyset pages", async (t) => {
      await withDb(t, async (first, reopen, durable) => {
        let db = first;
        let follows = createFollowStore(db);
        await db.transact(async (trx) => {
          assert.deepEqual(await follows.follow(trx, "a", "star", 10), { added: true, mutual: false });
          assert.deepEqual(await follows.follow(trx, "b", "star", 20), { added: true, mutual: false });
          assert.deepEqual(await follows.follow(trx, "c", "star", 20), { added: true, mutual: false });
          assert.deepEqual(await follows.follow(trx, "a", "star", 30), { added: false, mutual: false });
          assert.deepEqual(await follows.follow(trx, "star", "b", 40), { added: true, mutual: true });
        });
        if (durable) follows = createFollowStore((db = await reopen()));
        const all = await follows.page("star", "followers", undefined, 10);
        assert.deepEqual(all, [{ userId: "c", time: 20 }, { userId: "b", time: 20 }, { userId: "a", time: 10 }]);
        const first2 = await follows.page("star", "followers", undefined, 2);
        assert.deepEqual(await follows.page("star", "followers", first2[1], 2), [{ userId: "a", time: 10 }]);
        assert.deepEqual(await follows.page("star", "mutual", undefined, 10), [{ userId: "b", time: 40 }]);
        assert.deepEqual(await follows.page("b", "mutual", undefined, 10), [{ userId: "star", time: 20 }]);
        assert.deepEqual(await follows.page("star", "following", undefined, 10), [{ userId: "b", time: 40 }]);
        const counts = await follows.counts(["star", "b", "nobody"]);
        assert.deepEqual(counts.get("star"), { followers: 3, following: 1, mutual: 1 });
        assert.deepEqual(counts.get("b"), { followers: 1, following: 1, mutual: 1 });
        assert.equal(counts.has("nobody"), false);
        const rel = await follows.relations("star", ["a", "b", "z"]);
        assert.deepEqual([[...rel.following], [...rel.followers].sort()], [["b"], ["a", "b"]]);
        await db.transact(async (trx) => {
          assert.deepEqual(await follows.unfollow(trx, "b", "star"), { removed: true, wasMutual: true });
          assert.deepEqual(await follows.unfollow(trx, "b", "star"), { removed: false, wasMutual: false });
        });
        assert.deepEqual(await follows.page("star", "mutual", undefined, 10), []);
        assert.deepEqual((await follows.counts(["star"])).get("star"), { followers: 2, following: 1, mutual: 0 });
      });
    });
  });
}

// The group store on every engine from one test body: groups and their allocated counters (member ordinals, member
// count), memberships and their pages, marks, applications, bans, optimistic attribute writes, atomic counters,
// topics and pins; on the engines that keep data, all of it is there after reopening.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createGroupStore, type GroupRecord, type GroupStore } from "../../server/groups/group-store.js";
import type { Db } from "../../server/storage/db.js";
import { openDatabase } from "../../server/storage/open-storage.js";
import { ENGINES, freshStorage, skipReason, type EngineName } from "../support/storage-engines.js";

const PUBLIC = 2;
const OWNER = 1;
const ADMIN = 2;
const MEMBER = 3;

function group(groupId: string): Omit<GroupRecord, "memberCount" | "attrs" | "attrVersion" | "infoSeq"> {
  return {
    groupId,
    type: PUBLIC,
    name: "pub",
    avatar: "",
    introduction: "",
    notification: "",
    ownerId: "alice",
    createTime: 1000,
    lastInfoTime: 1000,
    maxMembers: 2000,
    muteAll: false,
    joinOption: 2,
    inviteOption: 1,
    custom: [{ key: "k", value: "v" }],
    supportTopic: false,
  };
}

function groupSuite(engine: EngineName): void {
  describe(`group store: ${engine}`, () => {
    function it(title: string, body: (s: { db: Db; store: GroupStore; reopen(): Promise<GroupStore> }, durable: boolean) => Promise<void>): void {
      test(title, async (t) => {
        const skip = await skipReason(engine);
        if (skip) return t.skip(skip);
        const slot = await freshStorage(engine);
        let db = await openDatabase(slot.storage);
        const handle = {
          db,
          store: createGroupStore(db),
          async reopen() {
            await db.close();
            db = await openDatabase(slot.storage);
            handle.db = db;
            return createGroupStore(db);
          },
        };
        try {
          await body(handle, slot.durable);
        } finally {
          await db.close();
          await slot.dispose();
        }
      });
    }

    it("a group, its members in join order, pages with a role filter, and removal", async ({ db, store }) => {
      assert.equal(await db.transact((trx) => store.insert(trx, group("g1"))), true);
      assert.equal(await db.transact((trx) => store.insert(trx, group("g1"))), false, "an ID is used once");
      const added = await db.transact((trx) =>
        store.addMembers(trx, "g1", [{ userId: "alice", role: OWNER }, { userId: "bob", role: MEMBER }, { userId: "carol", role: ADMIN }, { userId: "bob", role: MEMBER }], 2000),
      );
      assert.deepEqual(added, ["alice", "bob", "carol"]);
      assert.deepEqual(await db.transact((trx) => store.addMembers(trx, "g1", [{ userId: "bob", role: MEMBER }, { userId: "dave", role: MEMBER }], 3000)), ["dave"]);
      const g = (await store.get(db.kysely, "g1"))!;
      assert.equal(g.memberCount, 4);
      assert.deepEqual(g.custom, [{ key: "k", value: "v" }]);
      const first = await store.page(db.kysely, "g1", 0, 2);
      assert.deepEqual(first.map((m) => [m.userId, m.ord]), [["alice", 1], ["bob", 2]]);
      assert.deepEqual((await store.page(db.kysely, "g1", 2, 2)).map((m) => m.userId), ["carol", "dave"]);
      assert.deepEqual((await store.page(db.kysely, "g1", 0, 10, { role: ADMIN })).map((m) => m.userId), ["carol"]);
      assert.deepEqual((await store.page(db.kysely, "g1", 0, 2, { newest: true })).map((m) => m.userId), ["dave", "carol"]);
      assert.deepEqual((await store.page(db.kysely, "g1", 3, 5, { newest: true })).map((m) => m.userId), ["bob", "alice"]);
      assert.equal(await db.transact((trx) => store.mark(trx, "g1", 1000, ["bob", "dave"], true)), 1);
      assert.equal(await db.transact((trx) => store.mark(trx, "g1", 1001, ["bob"], true)), 2);
      assert.deepEqual((await store.page(db.kysely, "g1", 0, 10, { mark: 1000 })).map((m) => m.userId), ["bob", "dave"]);
      assert.equal(await db.transact((trx) => store.mark(trx, "g1", 1001, ["bob"], false)), 1);
      assert.deepEqual(await db.transact((trx) => store.removeMembers(trx, "g1", ["bob", "zed"])), ["bob"]);
      assert.deepEqual((await store.page(db.kysely, "g1", 0, 10, { mark: 1000 })).map((m) => m.userId), ["dave"], "a member's marks leave with it");
      assert.equal((await store.get(db.kysely, "g1"))!.memberCount, 3);
      assert.deepEqual((await store.groupsOf(db.kysely, "carol", 10)).map((r) => [r.group.groupId, r.member.role]), [["g1", ADMIN]]);
      assert.deepEqual(await store.joinedCounts(db.kysely, ["alice", "bob"], [PUBLIC]), new Map([["alice", 1]]));
      const updated = await db.transact((trx) => store.update(trx, "g1", { name: "renamed", muteAll: true }, 5000));
      assert.deepEqual([updated.name, updated.muteAll, updated.infoSeq, updated.lastInfoTime], ["renamed", true, 2, 5000]);
      await db.transact((trx) => store.remove(trx, "g1"));
      assert.equal(await store.get(db.kysely, "g1"), undefined);
      assert.deepEqual(await store.groupsOf(db.kysely, "carol", 10), []);
    });

    it("applications of the groups a user administers, bans, attributes and counters survive reopening", async ({ db, store, reopen }, durable) => {
      await db.transact(async (trx) => {
        await store.insert(trx, group("g2"));
        await store.addMembers(trx, "g2", [{ userId: "alice", role: OWNER }, { userId: "bob", role: MEMBER }], 1000);
        await store.putApplication(trx, { groupId: "g2", applicant: "carol", invitee: "", note: "hi", time: 10 });
        await store.putApplication(trx, { groupId: "g2", applicant: "bob", invitee: "dave", note: "", time: 20 });
        await store.ban(trx, "g2", ["erin"], 99_000);
      });
      assert.equal(await db.transact((trx) => store.writeAttrs(trx, "g2", { a: "1" }, 0)), true);
      assert.equal(await db.transact((trx) => store.writeAttrs(trx, "g2", { a: "2" }, 0)), false, "a stale version is refused");
      assert.equal(await db.transact((trx) => store.addToCounter(trx, "g2", "likes", 5)), 5);
      assert.equal(await db.transact((trx) => store.addToCounter(trx, "g2", "likes", -2)), 3);
      await db.transact((trx) => store.setCounters(trx, "g2", new Map([["gifts", 7], ["likes", 1]])));
      const again = durable ? await reopen() : store;
      const ex = durable ? (again as GroupStore).db.kysely : db.kysely;
      assert.deepEqual((await again.applicationsFor(ex, "alice", 10)).map((a) => [a.applicant, a.invitee]), [["bob", "dave"], ["carol", ""]]);
      assert.deepEqual(await again.applicationsFor(ex, "bob", 10), [], "ordinary members see no applications");
      assert.equal(await again.applicationCount(ex, "g2"), 2);
      assert.equal(await again.banUntil(ex, "g2", "erin"), 99_000);
      const g = (await again.get(ex, "g2"))!;
      assert.deepEqual([g.attrs, g.attrVersion], [{ a: "1" }, 1]);
      assert.deepEqual(await again.counters(ex, "g2"), new Map([["gifts", 7], ["likes", 1]]));
      assert.deepEqual(await again.counters(ex, "g2", ["likes", "none"]), new Map([["likes", 1]]));
      assert.equal(await again.counterCount(ex, "g2"), 2);
    });

    it("topics and pins, and a group's removal taking them along", async ({ db, store }) => {
      await db.transact(async (trx) => {
        await store.insert(trx, group("g3"));
        const topic = { groupId: "g3", topicId: "g3@TOPIC#_a", name: "a", avatar: "", introduction: "", notification: "", customData: "", muteAll: false, createTime: 1 };
        assert.equal(await store.insertTopic(trx, topic), true);
        assert.equal(await store.insertTopic(trx, topic), false, "a topic ID is used once");
        await store.insertTopic(trx, { ...topic, topicId: "g3@TOPIC#_b", name: "b" });
        assert.equal(await store.setPin(trx, "g3", 7, "alice", 10), true);
        assert.equal(await store.setPin(trx, "g3", 7, "bob", 11), false, "pinned once");
        await store.setPin(trx, "g3", 3, "bob", 12);
      });
      const updated = await db.transact((trx) => store.updateTopic(trx, "g3", "g3@TOPIC#_a", { name: "news", muteAll: true }));
      assert.deepEqual([updated?.name, updated?.muteAll], ["news", true]);
      assert.equal(await db.transact((trx) => store.updateTopic(trx, "g3", "g3@TOPIC#_zz", { name: "x" })), undefined);
      assert.deepEqual((await store.topics(db.kysely, "g3", undefined, 10)).map((t) => t.name), ["news", "b"]);
      assert.deepEqual((await store.topics(db.kysely, "g3", ["g3@TOPIC#_b", "g3@TOPIC#_zz"], 10)).map((t) => t.topicId), ["g3@TOPIC#_b"]);
      assert.deepEqual((await store.pins(db.kysely, "g3", 10)).map((p) => [p.seq, p.pinnerId]), [[3, "bob"], [7, "alice"]]);
      assert.equal(await db.transact((trx) => store.setPin(trx, "g3", 7, undefined, 13)), true);
      assert.deepEqual(await db.transact((trx) => store.deleteTopics(trx, "g3", ["g3@TOPIC#_b", "g3@TOPIC#_zz"])), ["g3@TOPIC#_b"]);
      await db.transact((trx) => store.remove(trx, "g3"));
      assert.deepEqual(await store.topics(db.kysely, "g3", undefined, 10), []);
      assert.deepEqual(await store.pins(db.kysely, "g3", 10), []);
    });
  });
}

for (const engine of ENGINES) groupSuite(engine);

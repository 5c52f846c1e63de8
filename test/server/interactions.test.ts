// Extension changes racing on one key (what golden cases, whose steps run one after another, cannot make): the
// first change of a key wins; one arriving while it is in flight answers 23001 with the value the first committed,
// and its other keys are set. Runs the domain on SQLite in memory with the first transaction held open.
import assert from "node:assert/strict";
import { test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { MessageSchema } from "../../gen/chatwire/v1/message_pb.js";
import { c2cKey } from "../../server/conversations/conversation-id.js";
import type { EventBus } from "../../server/events/event-bus.js";
import type { EventPayload } from "../../server/events/encoded-event.js";
import { createInteractionStore } from "../../server/interactions/interaction-store.js";
import { Interactions } from "../../server/interactions/interactions.js";
import { createMessageStore, MessageFlag } from "../../server/messages/message-store.js";
import type { Db } from "../../server/storage/db.js";
import { openDatabase } from "../../server/storage/open-storage.js";

async function setup() {
  const db = await openDatabase("memory");
  await db.kysely
    .insertInto("message")
    .values({
      conv: c2cKey("alice", "bob"),
      seq: 1,
      msg_id: "m1",
      sender_id: "alice",
      time: 0,
      ordinal: 1,
      flags: MessageFlag.supportExtension,
      version: 0,
      revoked: 0,
      receipt_time: 0,
      body: new Uint8Array(),
    })
    .execute();
  let reached!: () => void;
  const atGate = new Promise<void>((resolve) => (reached = resolve));
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let first = true;
  const gated = Object.create(db) as Db;
  gated.transact = async (fn) => {
    if (first) {
      first = false;
      reached();
      await gate;
    }
    return db.transact(fn);
  };
  const events: { to: string[]; payload: EventPayload }[] = [];
  const bus = { publish: (to: Iterable<string>, payload: EventPayload) => events.push({ to: [...to], payload }) } as unknown as EventBus;
  const interactions = new Interactions({
    db: gated,
    store: createInteractionStore(db),
    messages: createMessageStore(db),
    profiles: { getProfiles: async (ids) => new Map(ids.map((userId) => [userId, { userId, nick: "", avatar: "" }])) },
    bus,
  });
  return { db, interactions, atGate, open, events };
}

const aliceView = create(MessageSchema, { conversationId: "C2Cbob", messageId: "m1", status: "success" });
const bobView = create(MessageSchema, { conversationId: "C2Calice", messageId: "m1", status: "success" });
const plain = (list: { code: number; key: string; value: string }[]) => list.map(({ code, key, value }) => ({ code, key, value }));

test("a set racing another set of the same key answers 23001 with the winning value; its other keys are set", async () => {
  const { db, interactions, atGate, open, events } = await setup();
  try {
    const first = interactions.setExtensions("alice", aliceView, [create_("k", "alice")]);
    await atGate;
    const second = interactions.setExtensions("bob", bobView, [create_("k", "bob"), create_("j", "x")]);
    open();
    assert.deepEqual(plain(await first), [{ code: 0, key: "k", value: "alice" }]);
    assert.deepEqual(plain(await second), [
      { code: 23001, key: "k", value: "alice" },
      { code: 0, key: "j", value: "x" },
    ]);
    const stored = await interactions.getExtensions("bob", bobView, []);
    assert.deepEqual(stored.map(({ key, value }) => ({ key, value })), [
      { key: "j", value: "x" },
      { key: "k", value: "alice" },
    ]);
    // Each successful change told both participants of what it changed, nothing of the lost key.
    const updated = events.filter((e) => e.payload.case === "messageExtensionsUpdated");
    assert.deepEqual(
      updated.map((e) => [e.to, (e.payload.value as { extensions: { key: string; value: string }[] }).extensions.map((x) => `${x.key}=${x.value}`)]),
      [
        [["alice"], ["k=alice"]],
        [["bob"], ["k=alice"]],
        [["bob"], ["j=x"]],
        [["alice"], ["j=x"]],
      ],
    );
  } finally {
    await db.close();
  }
});

test("a delete racing a set of the same key answers 23001 with the value set", async () => {
  const { db, interactions, atGate, open } = await setup();
  try {
    const first = interactions.setExtensions("alice", aliceView, [create_("k", "v1")]);
    await atGate;
    const second = interactions.deleteExtensions("bob", bobView, ["k"]);
    open();
    await first;
    assert.deepEqual(plain(await second), [{ code: 23001, key: "k", value: "v1" }]);
    assert.deepEqual((await interactions.getExtensions("alice", aliceView, ["k"])).map((x) => x.value), ["v1"]);
    // Once the first change is over, the same key changes again.
    assert.deepEqual(plain(await interactions.deleteExtensions("bob", bobView, ["k"])), [{ code: 0, key: "k", value: "" }]);
  } finally {
    await db.close();
  }
});

test("a reaction holds at most 100 users (23006), which only a group reaches; nothing changes", async () => {
  const { db, interactions, open, events } = await setup();
  open();
  try {
    const conv = c2cKey("alice", "bob");
    // 100 users already in the reaction (members of a group, as far as the table knows).
    await db.kysely
      .insertInto("message_reaction")
      .values(Array.from({ length: 100 }, (_, i) => ({ conv, msg_id: "m1", reaction_id: "like", user_id: `u${i}`, seq: i + 1 })))
      .execute();
    await db.kysely.insertInto("message_interaction_head").values({ conv, msg_id: "m1", seq: 100 }).execute();
    await assert.rejects(interactions.addReaction("alice", aliceView, "like"), (err: unknown) => codeOf(err) === 23006);
    assert.equal(events.length, 0);
    const [result] = await interactions.getReactions("alice", [aliceView], 10);
    assert.deepEqual(
      result!.reactionList.map((r) => [r.reactionId, r.totalUserCount, r.reactedByMyself, r.partialUserList.length]),
      [["like", 100, false, 10]],
    );
    // Another reaction is still open to the caller.
    await interactions.addReaction("alice", aliceView, "love");
    const page = await interactions.reactionUsers("alice", aliceView, "like", 95n, 10);
    assert.deepEqual(page.userList.map((u) => u.userId), ["u95", "u96", "u97", "u98", "u99"]);
    assert.equal(page.isCompleted, true);
    assert.equal(page.nextSeq, 0n);
  } finally {
    await db.close();
  }
});

function codeOf(err: unknown): number | undefined {
  const details = (err as { details?: { value?: { code?: number } }[] }).details;
  return details?.[0]?.value?.code;
}

function create_(key: string, value: string) {
  return { $typeName: "chatwire.v1.MessageExtension" as const, key, value };
}

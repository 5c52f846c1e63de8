// The facade's own signaling methods against a real server: TSignaling listeners (add/remove), inviteSync (the
// invite ID returned at once, the outcome through callbacks) and getSignalingInfo (a message's signaling record).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import TencentCloudChat, { type ChatInstance } from "../../client/index.js";
import { getSignalingInfo } from "../../client/signaling.js";
import { genUserSig } from "../../server/auth/user-sig.js";
import { startServer, type RunningServer } from "../../server/index.js";

const SDK_APP_ID = 1400000001;
const SECRET = "signaling-key";
let server: RunningServer;
let n = 0;

before(async () => {
  server = await startServer({ logLevel: "silent", secretKey: SECRET, sdkAppID: SDK_APP_ID, storage: "memory", port: 0 });
});
after(async () => {
  await server.close();
});

async function loggedIn(userID: string): Promise<ChatInstance> {
  const chat = TencentCloudChat.create({ SDKAppID: SDK_APP_ID, baseUrl: server.url, instanceID: `sig-${++n}`, logLevel: 4, heartbeatIntervalMs: 0 });
  const ready = new Promise<void>((resolve) => chat.on(TencentCloudChat.EVENT.SDK_READY, () => resolve()));
  await chat.login({ userID, userSig: genUserSig({ sdkAppId: SDK_APP_ID, secretKey: SECRET, userId: userID, expireSeconds: 600, nowMs: Date.now() }) });
  await ready;
  return chat;
}

function next(chat: ChatInstance, name: string): Promise<{ name: string; data: unknown }> {
  return new Promise((resolve) => {
    const handler = (event: { name: string; data: unknown }) => {
      chat.removeSignalingListener(name, handler);
      resolve(event);
    };
    chat.addSignalingListener(name, handler);
  });
}

test("inviteSync returns the invite ID at once; listeners hear the invitation; removed listeners do not", async () => {
  const alice = await loggedIn("alice");
  const bob = await loggedIn("bob");
  try {
    const removed: unknown[] = [];
    const stale = (event: unknown) => removed.push(event);
    bob.addSignalingListener(TencentCloudChat.TSignaling.NEW_INVITATION_RECEIVED, stale);
    bob.removeSignalingListener(TencentCloudChat.TSignaling.NEW_INVITATION_RECEIVED, stale);
    const received = next(bob, TencentCloudChat.TSignaling.NEW_INVITATION_RECEIVED);
    let succeeded: unknown;
    let inviteID = "";
    const done = new Promise<void>((resolve, reject) => {
      inviteID = alice.inviteSync(
        { userID: "bob", data: "sync", timeout: 0 },
        (r: unknown) => {
          succeeded = r;
          resolve();
        },
        (code: number, message: string) => reject(new Error(`${code} ${message}`)),
      ) as unknown as string;
    });
    assert.match(inviteID, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(succeeded, undefined, "the ID comes before the call settles");
    await done;
    assert.deepEqual(succeeded, { inviteID });
    const event = await received;
    assert.deepEqual(event.data, { inviteID, inviter: "alice", groupID: "", data: "sync", inviteeList: ["bob"] });
    assert.deepEqual(removed, []);

    // A failure reaches errorCb with the official code.
    const unknown = await new Promise<number>((resolve) => {
      alice.inviteSync({ userID: "nosuchuser", data: "" }, () => resolve(0), (code: number) => resolve(code));
    });
    assert.equal(unknown, 70107);
  } finally {
    await alice.destroy();
    await bob.destroy();
  }
});

test("getSignalingInfo reads a signaling message and answers null for any other", () => {
  const data = JSON.stringify({ businessID: 1, inviteID: "i1", inviter: "alice", actionType: 3, inviteeList: ["bob"], data: "ok", timeout: 30, groupID: "" });
  assert.deepEqual(getSignalingInfo({ type: "TIMCustomElem", payload: { data, description: "", extension: "" } }), {
    inviteID: "i1",
    groupID: "",
    inviter: "alice",
    inviteeList: ["bob"],
    data: "ok",
    actionType: 3,
    timeout: 30,
  });
  assert.equal(getSignalingInfo({ type: "TIMCustomElem", payload: { data: "dice" } }), null);
  assert.equal(getSignalingInfo({ type: "TIMCustomElem", payload: { data: JSON.stringify({ businessID: 2, inviteID: "x" }) } }), null);
  assert.equal(getSignalingInfo({ type: "TIMTextElem", payload: { text: "hi" } }), null);
  assert.equal(getSignalingInfo(null), null);
});

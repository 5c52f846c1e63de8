// Tencent's UIKit engine (@tencentcloud/chat-uikit-engine 2.5.8, unmodified) on the facade: given a facade
// instance as `chat`, TUIChatEngine.login fills the engine's TUIStore from Chatwire (conversation list, total
// unread, own profile, commercial abilities), and the engine's services open an existing and a not-yet-existing
// C2C conversation, send text another facade user receives, and show that user's reply and both sides' revokes.
// Every wait is on a TUIStore watcher or a facade event, bounded by a timeout.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import TUIChatEngine, { StoreName, TUIChatService, TUIConversationService, TUIStore } from "@tencentcloud/chat-uikit-engine";
import TencentCloudChat, { EVENT, type ChatEvent, type ChatInstance } from "../../client/index.js";
import { genUserSig } from "../../server/auth/user-sig.js";
import { startServer, type RunningServer } from "../../server/index.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const WAIT_MS = 5_000;

/**
 * Resolves with `test(value)` once a value of `store.key` passes it (the current value first, then each update);
 * rejects after WAIT_MS. TUIStore.watch calls back at once with the current value, except an empty list.
 */
function storeUntil<T>(store: StoreName, key: string, what: string, test: (value: Obj) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (settle: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      queueMicrotask(() => TUIStore.unwatch(store, options));
      settle();
    };
    const options = {
      [key]: (value: Obj) => {
        const hit = test(value);
        if (hit !== undefined) finish(() => resolve(hit));
      },
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`TUIStore ${store}.${key}: no ${what} within ${WAIT_MS} ms`))), WAIT_MS);
    TUIStore.watch(store, options);
  });
}

/** The message list entry `id` of the engine's open conversation once `test` holds for it. */
function messageUntil(id: string, what: string, test: (message: Obj) => boolean = () => true): Promise<Obj> {
  return storeUntil(StoreName.CHAT, "messageList", what, (list) => (list as Obj[]).find((m) => m.ID === id && test(m)));
}

/** The engine's conversation `id` once `test` holds for it. */
function conversationUntil(id: string, what: string, test: (conversation: Obj) => boolean = () => true): Promise<Obj> {
  return storeUntil(StoreName.CONV, "conversationList", what, (list) => (list as Obj[]).find((c) => c.conversationID === id && test(c)));
}

/** The next `name` event of `chat` whose data passes `test`; rejects after WAIT_MS. */
function eventUntil(chat: ChatInstance, name: string, test: (data: Obj) => boolean): Promise<ChatEvent> {
  return new Promise((resolve, reject) => {
    const handler = (event: ChatEvent) => {
      if (!test(event.data as Obj)) return;
      chat.off(name, handler);
      clearTimeout(timer);
      resolve(event);
    };
    const timer = setTimeout(() => {
      chat.off(name, handler);
      reject(new Error(`no matching ${name} within ${WAIT_MS} ms`));
    }, WAIT_MS);
    chat.on(name, handler);
  });
}

describe("the UIKit engine on the facade", () => {
  let server: RunningServer;
  let alice: ChatInstance;
  let bob: ChatInstance;
  const others: ChatInstance[] = [];
  const hadNavigator = "navigator" in globalThis;
  let sent: Obj;

  const sig = (userId: string) =>
    genUserSig({ sdkAppId: server.sdkAppID, secretKey: server.secretKey, userId, expireSeconds: 600, nowMs: Date.now() });

  async function facadeUser(userID: string): Promise<ChatInstance> {
    const chat = TencentCloudChat.create({ SDKAppID: server.sdkAppID, baseUrl: server.url, instanceID: `uikit-${others.length}`, logLevel: 4 });
    others.push(chat);
    const ready = eventUntil(chat, EVENT.SDK_READY, () => true);
    await chat.login({ userID, userSig: sig(userID) });
    await ready;
    return chat;
  }

  before(async () => {
    // Shim: Node 20 has no global `navigator` (Node 21+ has one without cookieEnabled). The engine's storage
    // helper reads `navigator.cookieEnabled` to decide whether to cache in localStorage; cookieEnabled false
    // keeps it off storage, as in a browser with cookies disabled. No other browser global is needed.
    if (!hadNavigator) Object.defineProperty(globalThis, "navigator", { value: { cookieEnabled: false }, configurable: true });
    server = await startServer({ storage: "memory", logLevel: "silent" });
    bob = await facadeUser("ui-bob");
    // alice has an account (she logged in once) and is offline when carol writes: her engine must find it at login.
    const earlier = await facadeUser("ui-alice");
    await earlier.logout();
    const carol = await facadeUser("ui-carol");
    await carol.sendMessage(carol.createTextMessage({ to: "ui-alice", conversationType: "C2C", payload: { text: "from carol" } }));
    // eventThrottling off (an official create() option): CONVERSATION_LIST_UPDATED comes at once, not once a second.
    alice = TencentCloudChat.create({ SDKAppID: server.sdkAppID, baseUrl: server.url, instanceID: "uikit-engine", logLevel: 4, eventThrottling: false });
  });

  after(async () => {
    if (TUIChatEngine.isReady()) await TUIChatEngine.destroy();
    else await alice?.destroy();
    for (const chat of others) await chat.destroy().catch(() => {});
    await server.close();
    if (!hadNavigator) delete (globalThis as Obj).navigator;
  });

  it("login with the facade as chat fills the store: conversations, total unread, own profile, abilities", async () => {
    const profile = storeUntil(StoreName.USER, "userProfile", "own profile", (p) => (p.userID ? p : undefined));
    const carolConversation = conversationUntil("C2Cui-carol", "conversation with carol", (c) => c.unreadCount === 1);
    const total = storeUntil(StoreName.CONV, "totalUnreadCount", "total unread 1", (n) => ((n as unknown) === 1 ? 1 : undefined));
    const readReceipts = storeUntil(StoreName.APP, "enabledMessageReadReceipt", "read-receipt ability", (v) => ((v as unknown) === true ? true : undefined));

    await TUIChatEngine.login({ SDKAppID: server.sdkAppID, userID: "ui-alice", userSig: sig("ui-alice"), chat: alice, useUploadPlugin: true });
    assert.equal(TUIChatEngine.isReady(), true);
    assert.equal(TUIChatEngine.chat, alice, "the engine drives the facade instance it was given");

    assert.equal((await profile).userID, "ui-alice");
    const conversation = await carolConversation;
    assert.deepEqual([conversation.type, conversation.lastMessage.messageForShow, conversation.lastMessage.fromAccount], ["C2C", "from carol", "ui-carol"]);
    assert.equal(await total, 1);
    assert.equal(await readReceipts, true, "callExperimentalAPI('isCommercialAbilityEnabled') answered {data: {enabled}}");
    // TUIReportService.reportFeature (called by the engine on quote, reply and language changes) resolves too.
    assert.equal(((await alice.callExperimentalAPI("statTUIKeyFeatures", { code: 205, msg: "" })) as Obj).code, 0);
  });

  it("opening a conversation loads its history and reads it", async () => {
    const zero = storeUntil(StoreName.CONV, "totalUnreadCount", "total unread 0", (n) => ((n as unknown) === 0 ? 0 : undefined));
    const opened = (await TUIConversationService.switchConversation("C2Cui-carol")) as Obj;
    assert.equal(opened.conversationID, "C2Cui-carol");
    await TUIChatService.getMessageList();
    const list = TUIStore.getData(StoreName.CHAT, "messageList") as Obj[];
    assert.deepEqual(list.map((m) => [m.from, m.flow, m.payload.text]), [["ui-carol", "in", "from carol"]]);
    assert.equal(await zero, 0);
    await conversationUntil("C2Cui-carol", "read conversation", (c) => c.unreadCount === 0);
  });

  it("opens a C2C conversation that does not exist yet", async () => {
    const list = TUIStore.getData(StoreName.CONV, "conversationList") as Obj[];
    assert.ok(!list.some((c) => c.conversationID === "C2Cui-bob"), "no conversation with bob before");
    const opened = (await TUIConversationService.switchConversation("C2Cui-bob")) as Obj;
    assert.deepEqual([opened.conversationID, opened.type], ["C2Cui-bob", "C2C"]);
    assert.equal(TUIStore.getData(StoreName.CONV, "currentConversationID"), "C2Cui-bob");
    assert.deepEqual(TUIStore.getData(StoreName.CHAT, "messageList"), []);
  });

  it("sends text that the other facade user receives", async () => {
    const received = eventUntil(bob, EVENT.MESSAGE_RECEIVED, (data) => (data as Obj[]).some((m) => m.payload.text === "hello bob"));
    const result = (await TUIChatService.sendTextMessage({ payload: { text: "hello bob" } })) as Obj;
    assert.equal(result.code, 0);
    sent = result.data.message;
    assert.deepEqual([sent.status, sent.to, sent.flow], ["success", "ui-bob", "out"]);

    const got = ((await received).data as Obj[]).find((m) => m.payload.text === "hello bob")!;
    assert.deepEqual([got.ID, got.from, got.flow, got.conversationID], [sent.ID, "ui-alice", "in", "C2Cui-alice"]);
    await messageUntil(sent.ID, "the sent message, successful", (m) => m.status === "success" && m.payload.text === "hello bob");
    await conversationUntil("C2Cui-bob", "conversation with bob in the list", (c) => c.lastMessage.messageForShow === "hello bob");
  });

  it("sends an image through the facade's upload (useUploadPlugin); the peer gets its three sizes", async () => {
    const png = await sharp({ create: { width: 400, height: 200, channels: 3, background: "#2255aa" } }).png().toBuffer();
    const received = eventUntil(bob, EVENT.MESSAGE_RECEIVED, (data) => (data as Obj[]).some((m) => m.type === "TIMImageElem"));
    const result = (await TUIChatService.sendImageMessage({ payload: { file: new File([new Uint8Array(png)], "p.png", { type: "image/png" }) } })) as Obj;
    const image = result.data.message as Obj;
    assert.deepEqual([result.code, image.status, image.type], [0, "success", "TIMImageElem"]);
    await messageUntil(image.ID, "the sent image", (m) => m.status === "success");
    const got = ((await received).data as Obj[]).find((m) => m.ID === image.ID)!;
    assert.equal(got.payload.imageInfoArray.length, 3);
    assert.deepEqual([got.payload.imageInfoArray[0].width, got.payload.imageInfoArray[0].height], [400, 200]);
  });

  it("shows the reply and the peer's revoke of it", async () => {
    const reply = bob.createTextMessage({ to: "ui-alice", conversationType: "C2C", payload: { text: "hi alice" } }) as Obj;
    const shown = messageUntil(reply.ID, "bob's reply", (m) => m.flow === "in" && m.payload.text === "hi alice");
    await bob.sendMessage(reply);
    await shown;
    await conversationUntil("C2Cui-bob", "reply as last message", (c) => c.lastMessage.fromAccount === "ui-bob");

    const revoked = messageUntil(reply.ID, "bob's reply revoked", (m) => m.isRevoked === true);
    await bob.revokeMessage(reply);
    assert.equal((await revoked).isRevoked, true);
  });

  it("revokes its own message; the other side hears of it", async () => {
    const heard = eventUntil(bob, EVENT.MESSAGE_REVOKED, (data) => (data as Obj[]).some((m) => m.ID === sent.ID));
    const shown = messageUntil(sent.ID, "own message revoked", (m) => m.isRevoked === true);
    const result = (await TUIChatService.revokeMessage(sent as never)) as Obj;
    assert.equal(result.code, 0);
    await shown;
    const [peerCopy] = ((await heard).data as Obj[]).filter((m) => m.ID === sent.ID);
    assert.equal(peerCopy!.isRevoked, true);
  });
});

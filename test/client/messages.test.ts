// The facade's messages and conversations against a real in-process server: Message objects as the official
// create*Message builds them, sendMessage completing them in place, file upload with onProgress, the local
// conversation list, cache and unread total, and CONVERSATION_LIST_UPDATED throttling.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import TencentCloudChat, { EVENT, type ChatEvent, type ChatInstance, type ChatOptions } from "../../client/index.js";
import { genUserSig } from "../../server/auth/user-sig.js";
import { startServer, type RunningServer } from "../../server/index.js";
import { nextEvent, recordEvents } from "./helpers/chat-fixture.js";
import { FakeTimers } from "./helpers/fake-timers.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** The own keys of a message from the official createTextMessage (3.6.6), in order (reference/objects.md). */
const OFFICIAL_MESSAGE_KEYS =
  "ID,conversationID,conversationType,conversationSubType,time,sequence,clientSequence,random,priority,nick,avatar,isPeerRead,nameCard,hasRiskContent,isPlaceMessage,isRevoked,from,to,flow,isSystemMessage,protocol,isResend,isRead,status,atUserList,cloudCustomData,isDeleted,isModified,clientTime,senderTinyID,readReceiptInfo,needReadReceipt,version,isBroadcastMessage,isSupportExtension,revoker,revokerInfo,revokeReason,pinnerInfo,level,payload,type";

describe("facade messages and conversations", () => {
  let server: RunningServer;
  let instances = 0;
  const chats: ChatInstance[] = [];

  before(async () => {
    server = await startServer({ storage: "memory", logLevel: "silent", files: { maxFileBytes: 100_000 } });
  });
  after(async () => {
    for (const chat of chats) await chat.destroy().catch(() => {});
    await server.close();
  });

  /** A logged-in, ready instance of `userID`; with `timers`, the stream start is driven by hand. */
  async function ready(userID: string, create: Partial<ChatOptions> = {}): Promise<ChatInstance> {
    const chat = TencentCloudChat.create({ SDKAppID: server.sdkAppID, baseUrl: server.url, instanceID: `messages-${++instances}`, logLevel: 4, ...create });
    chats.push(chat);
    const events = recordEvents(chat, [EVENT.SDK_READY]);
    const userSig = genUserSig({ sdkAppId: server.sdkAppID, secretKey: server.secretKey, userId: userID, expireSeconds: 600, nowMs: Date.now() });
    const readyEvent = nextEvent(chat, EVENT.SDK_READY);
    await chat.login({ userID, userSig });
    assert.equal(events.length, 0, "SDK_READY fires only after login() resolved");
    if (create.timers) await (create.timers as FakeTimers).advance(0);
    await readyEvent;
    return chat;
  }

  /** Waits until `log` holds `count` events. */
  async function until(log: ChatEvent[], count: number): Promise<void> {
    for (let i = 0; i < 500 && log.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.ok(log.length >= count, `waited for ${count} events, got ${log.length}`);
  }

  it("create*Message builds an unsent official Message; sendMessage completes the same object", async () => {
    const alice = await ready("m-alice");
    const bob = await ready("m-bob");
    const received = recordEvents(bob, [EVENT.MESSAGE_RECEIVED]);
    const message = alice.createTextMessage({ to: "m-bob", conversationType: "C2C", payload: { text: "hi" } }) as Obj;
    assert.equal(Object.keys(message).join(","), OFFICIAL_MESSAGE_KEYS);
    assert.deepEqual(
      [message.status, message.flow, message.type, message.conversationID, message.from, message.isRead, message.priority],
      ["unSend", "out", "TIMTextElem", "C2Cm-bob", "m-alice", true, "Normal"],
    );
    assert.match(message.ID, /^m-alice-\d+-\d+$/);
    const id = message.ID;
    const sent = (await alice.sendMessage(message)) as Obj;
    assert.equal(sent.code, 0);
    assert.equal(sent.data.message, message, "the created object itself");
    assert.deepEqual([message.ID, message.status, message.sequence, typeof message.time], [id, "success", 1, "number"]);
    assert.equal(alice.findMessage(id), message);

    await until(received, 1);
    const [got] = received[0]!.data as Obj[];
    assert.deepEqual([got!.ID, got!.flow, got!.conversationID, got!.payload], [id, "in", "C2Cm-alice", { text: "hi" }]);
    assert.equal(bob.findMessage(id), got);
    assert.equal(bob.getTotalUnreadMessageCount(), 1);

    const edited = (await alice.modifyMessage({ ...message, payload: { text: "hi!" } })) as Obj;
    assert.deepEqual([edited.data.message.version, edited.data.message.payload], [1, { text: "hi!" }]);
    const conflict = (await bob.modifyMessage({ ...got, payload: { text: "stale" }, version: 0 }).catch((e: unknown) => e)) as Obj;
    assert.equal(conflict.code, 2480);
    assert.deepEqual([conflict.data.message.ID, conflict.data.message.version, conflict.data.message.payload], [id, 1, { text: "hi!" }]);

    const revoked = (await alice.revokeMessage(message)) as Obj;
    assert.equal(revoked.data.message, message);
    assert.equal(message.isRevoked, true);
  });

  it("a failed send leaves the message 'fail' and rejects with it; resendMessage sends it again", async () => {
    const alice = await ready("f-alice");
    const message = alice.createTextMessage({ to: "f-nobody", conversationType: "C2C", payload: { text: "hello?" } }) as Obj;
    const err = (await alice.sendMessage(message).catch((e: unknown) => e)) as Obj;
    assert.equal(err.code, 70107);
    assert.equal(err.data.message, message);
    assert.equal(message.status, "fail");
    await assert.rejects(alice.resendMessage(message), { code: 70107 });
    assert.deepEqual([message.status, message.isResend], ["fail", true]);
    await assert.rejects(alice.resendMessage({ ...message }), { code: 2105 });
  });

  it("uploads an image message's file with onProgress, and the receiver gets the renditions", async () => {
    const alice = await ready("u-alice");
    const bob = await ready("u-bob");
    const received = recordEvents(bob, [EVENT.MESSAGE_RECEIVED]);
    const png = await sharp({ create: { width: 800, height: 400, channels: 3, background: "#22aa44" } }).png().toBuffer();
    const progress: number[] = [];
    const message = alice.createImageMessage({
      to: "u-bob",
      conversationType: "C2C",
      payload: { file: new File([new Uint8Array(png)], "photo.png", { type: "image/png" }) },
      onProgress: (p: number) => progress.push(p),
    }) as Obj;
    assert.equal(message.status, "unSend");
    await alice.sendMessage(message);
    assert.equal(message.status, "success");
    assert.equal(progress.at(-1), 1);
    assert.equal(message.payload.imageFormat, 3);
    assert.match(message.payload.uuid, /^[0-9a-f]{32}$/);
    assert.deepEqual(
      message.payload.imageInfoArray.map((i: Obj) => [i.sizeType, i.width, i.height, i.imageUrl === i.url]),
      [
        [1, 800, 400, true],
        [2, 720, 360, true],
        [3, 198, 99, true],
      ],
    );
    const image = await fetch(message.payload.imageInfoArray[0].url);
    assert.deepEqual(Buffer.from(await image.arrayBuffer()), png);
    await until(received, 1);
    assert.deepEqual((received[0]!.data as Obj[])[0]!.payload, message.payload);

    const file = alice.createFileMessage({ to: "u-bob", conversationType: "C2C", payload: { file: new File(["%PDF-1.4"], "a.pdf", { type: "application/pdf" }) } }) as Obj;
    await alice.sendMessage(file);
    assert.deepEqual([file.payload.fileName, file.payload.fileSize, file.payload.downloadFlag], ["a.pdf", 8, 2]);
    assert.equal(await (await fetch(file.payload.fileUrl)).text(), "%PDF-1.4");

    const audio = alice.createAudioMessage({ to: "u-bob", conversationType: "C2C", payload: { file: new File(["ID3"], "a.mp3", { type: "audio/mpeg" }) } }) as Obj;
    await alice.sendMessage(audio);
    assert.deepEqual([audio.type, audio.payload.size, audio.payload.downloadFlag, audio.payload.url === audio.payload.remoteAudioUrl], ["TIMSoundElem", 3, 2, true]);
    const video = alice.createVideoMessage({ to: "u-bob", conversationType: "C2C", payload: { file: new File(["mp4!"], "v.mp4", { type: "video/mp4" }) } }) as Obj;
    await alice.sendMessage(video);
    assert.deepEqual([video.type, video.payload.videoFormat, video.payload.videoSize, typeof video.payload.videoUUID], ["TIMVideoFileElem", "mp4", 4, "string"]);
    assert.equal(await (await fetch(video.payload.videoUrl)).text(), "mp4!");

    // An upload the server refuses fails the send with its official code.
    const big = alice.createFileMessage({ to: "u-bob", conversationType: "C2C", payload: { file: new File([new Uint8Array(100_001)], "big.bin") } }) as Obj;
    await assert.rejects(alice.sendMessage(big), { code: 2402 });
    assert.equal(big.status, "fail");
  });

  it("keeps the conversation list and emits it whole, at most once a second unless eventThrottling is off", async () => {
    const alice = await ready("t-alice");
    const timers = new FakeTimers(Date.now());
    const bob = await ready("t-bob", { timers, now: timers.now });
    const quick = await ready("t-carol", { eventThrottling: false });
    // Snapshots: the emitted conversations are the live objects, as in the official SDK.
    const bobLog: ChatEvent[] = [];
    for (const name of [EVENT.CONVERSATION_LIST_UPDATED, EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED, EVENT.MESSAGE_RECEIVED]) {
      bob.on(name, (e) => bobLog.push(structuredClone(e)));
    }
    const carolLog = recordEvents(quick, [EVENT.CONVERSATION_LIST_UPDATED]);
    for (const to of ["t-bob", "t-bob", "t-bob", "t-carol", "t-carol"]) {
      await alice.sendMessage(alice.createTextMessage({ to, conversationType: "C2C", payload: { text: "x" } }));
    }
    const received = () => bobLog.filter((e) => e.name === EVENT.MESSAGE_RECEIVED);
    for (let i = 0; i < 500 && received().length < 3; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    await until(carolLog, 2);
    const lists = () => bobLog.filter((e) => e.name === EVENT.CONVERSATION_LIST_UPDATED).map((e) => e.data as Obj[]);
    assert.equal(lists().length, 1, "the first change is emitted at once, the rest wait");
    assert.deepEqual(lists()[0]!.map((c) => [c.conversationID, c.unreadCount]), [["C2Ct-alice", 1]]);
    await timers.advance(1000);
    assert.equal(lists().length, 2);
    assert.deepEqual(lists()[1]!.map((c) => [c.conversationID, c.unreadCount, c.lastMessage.messageForShow]), [["C2Ct-alice", 3, "x"]]);
    // The total follows the list it belongs to.
    assert.deepEqual(bobLog.filter((e) => e.name === EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED).map((e) => e.data), [1, 3]);
    assert.equal(bob.getTotalUnreadMessageCount(), 3);

    // A user with conversations gets the list after SDK_READY, from the initial sync.
    const phone = TencentCloudChat.create({ SDKAppID: server.sdkAppID, baseUrl: server.url, instanceID: `messages-${++instances}`, logLevel: 4 });
    chats.push(phone);
    const phoneLog = recordEvents(phone, [EVENT.SDK_READY, EVENT.CONVERSATION_LIST_UPDATED, EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED]);
    await phone.login({ userID: "t-bob", userSig: genUserSig({ sdkAppId: server.sdkAppID, secretKey: server.secretKey, userId: "t-bob", expireSeconds: 600, nowMs: Date.now() }) });
    await until(phoneLog, 3);
    assert.deepEqual(phoneLog.map((e) => e.name), [EVENT.SDK_READY, EVENT.CONVERSATION_LIST_UPDATED, EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED]);
    const list = phoneLog.find((e) => e.name === EVENT.CONVERSATION_LIST_UPDATED)!.data as Obj[];
    assert.deepEqual(list.map((c) => [c.conversationID, c.unreadCount]), [["C2Ct-alice", 3]]);
    assert.equal(phoneLog.find((e) => e.name === EVENT.TOTAL_UNREAD_MESSAGE_COUNT_UPDATED)!.data, 3);
  });

  it("keeps a conversation draft on the client through server updates; an unknown conversation answers 2500", async () => {
    const alice = await ready("d-alice");
    const bob = await ready("d-bob", { eventThrottling: false });
    const lists: Obj[][] = [];
    bob.on(EVENT.CONVERSATION_LIST_UPDATED, (e) => lists.push(structuredClone(e.data as Obj[])));
    await alice.sendMessage(alice.createTextMessage({ to: "d-bob", conversationType: "C2C", payload: { text: "x" } }));
    await until(lists as unknown as ChatEvent[], 1);
    const result = (await bob.setConversationDraft({ conversationID: "C2Cd-alice", draftText: "half a thought" })) as Obj;
    assert.deepEqual([result.code, result.data.code, result.data.conversation.draftText], [0, 0, "half a thought"]);
    assert.equal(lists.at(-1)![0]!.draftText, "half a thought");
    await bob.pinConversation({ conversationID: "C2Cd-alice", isPinned: true });
    for (let i = 0; i < 500 && !lists.at(-1)![0]!.isPinned; i++) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.deepEqual([lists.at(-1)![0]!.isPinned, lists.at(-1)![0]!.draftText], [true, "half a thought"]);
    await assert.rejects(bob.setConversationDraft({ conversationID: "C2Cnobody", draftText: "x" }), { code: 2500 });
  });
});

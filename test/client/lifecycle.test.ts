// create() singletons, the not-ready middleware, parameter validation, login → SDK_READY, logout, destroy,
// server time and heartbeat, listeners.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorDetailSchema } from "../../gen/chatwire/v1/error_code_pb.js";
import TencentCloudChat, { ChatError, EVENT, type ChatEvent } from "../../client/index.js";
import { loginReady, newChat, nextEvent, recordEvents, SDK_APP_ID } from "./helpers/chat-fixture.js";
import { FakeServer } from "./helpers/fake-server.js";
import { FakeTimers } from "./helpers/fake-timers.js";

test("create returns one instance per (SDKAppID, baseUrl, instanceID) until destroy", async () => {
  const timers = new FakeTimers();
  const server = new FakeServer();
  const options = { SDKAppID: SDK_APP_ID, baseUrl: "http://chat.test", transport: server.transport, timers, logLevel: 4 };
  const a = TencentCloudChat.create(options);
  assert.ok(a);
  assert.equal(TencentCloudChat.create(options), a);
  assert.equal(TencentCloudChat.create({ ...options, SDKAppID: String(SDK_APP_ID) }), a);
  const other = TencentCloudChat.create({ ...options, instanceID: "bob" });
  assert.notEqual(other, a);
  assert.notEqual(TencentCloudChat.create({ ...options, baseUrl: "http://other.test" }), a);

  const destroyed = nextEvent(a!, EVENT.SDK_DESTROY);
  await assert.rejects(a!.destroy(), { code: 2024 });
  assert.deepEqual((await destroyed).data, { SDKAppID: SDK_APP_ID });
  const b = TencentCloudChat.create(options);
  assert.notEqual(b, a);
  assert.equal(TencentCloudChat.create({ ...options, instanceID: "bob" }), other);
});

test("create returns null when SDKAppID is not a number", () => {
  assert.equal(TencentCloudChat.create({ SDKAppID: "abc", transport: new FakeServer().transport, logLevel: 4 }), null);
});

test("before login, a method outside the allow-list rejects with 2024 and emits ERROR", async () => {
  const { chat } = newChat();
  const errors = recordEvents(chat, [EVENT.ERROR]);
  const pending = chat.getUserStatus({ userIDList: ["bob"] });
  assert.ok(pending instanceof Promise);
  const err = await pending.catch((e: unknown) => e);
  assert.ok(err instanceof Error);
  assert.ok(err instanceof ChatError);
  assert.deepEqual(Object.keys(err), ["code", "message", "data"]);
  assert.equal((err as ChatError).code, 2024);
  assert.deepEqual((err as ChatError).data, {});
  assert.match((err as ChatError).message, / \| getUserStatus \| /);
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.name, EVENT.ERROR);
  assert.deepEqual(errors[0]!.data, { code: 2024, message: (err as ChatError).message });

  // Synchronous methods reject too; allow-listed ones run.
  await assert.rejects(chat.getServerTime() as unknown as Promise<number>, { code: 2024 });
  await assert.rejects(chat.createTextMessage({}) as Promise<unknown>, { code: 2024 });
  await assert.rejects(chat.once(EVENT.SDK_READY, () => {}) as unknown as Promise<void>, { code: 2024 });
  assert.equal(chat.isReady(), false);
  assert.equal(chat.getLoginUser(), "");
  await assert.rejects(chat.logout(), { code: 2024 });
});

test("invalid parameters throw 'Params validate failed.' synchronously", async () => {
  const { chat, timers } = newChat();
  assert.throws(() => chat.login({ userID: "alice" } as never), { message: "Params validate failed." });
  assert.throws(() => chat.login({ userID: 7, userSig: "s" } as never), { message: "Params validate failed." });
  assert.throws(() => chat.on("", () => {}), { message: "Params validate failed." });
  assert.throws(() => chat.on(EVENT.SDK_READY, "nope" as never), { message: "Params validate failed." });
  await loginReady(chat, timers);
  assert.throws(() => chat.getUserStatus({ userIDList: [] }), { message: "Params validate failed." });
  assert.throws(() => chat.getUserStatus({ userIDList: "bob" } as never), { message: "Params validate failed." });
  assert.throws(() => chat.subscribeUserStatus({} as never), { message: "Params validate failed." });
  assert.throws(() => chat.setSelfStatus({} as never), { message: "Params validate failed." });
  assert.throws(() => chat.unsubscribeUserStatus({ userIDList: "x" } as never), { message: "Params validate failed." });
  await chat.logout();
});

test("login resolves the official result, then SDK_READY follows once the event stream is open", async () => {
  const { chat, server, timers } = newChat();
  const order: string[] = [];
  chat.on(EVENT.SDK_READY, () => order.push("ready"));
  const result = await chat.login({ userID: "alice", userSig: "sig" });
  order.push("login resolved");
  assert.deepEqual(result, { code: 0, data: { actionStatus: "OK", errorCode: 0, errorInfo: "", repeatLogin: false } });
  assert.equal(server.logins[0]!.userId, "alice");
  assert.equal(server.logins[0]!.userSig, "sig");
  assert.equal(server.logins[0]!.platform, "node");
  assert.equal(server.authorizations.login![0], "");
  assert.equal(chat.isReady(), false);
  assert.equal(chat.getLoginUser(), "alice");

  const ready = nextEvent(chat, EVENT.SDK_READY);
  await timers.advance(0);
  await ready;
  assert.deepEqual(order, ["login resolved", "ready"]);
  assert.equal(chat.isReady(), true);
  assert.deepEqual(server.events.requests.map((r) => r.afterSequence), [5n]);
  assert.deepEqual(server.events.authorizations, ["Bearer token-alice"]);

  const again = await chat.login({ userID: "alice", userSig: "sig" });
  assert.equal(again.data.repeatLogin, true);
  assert.equal(server.logins.length, 1);
  await chat.logout();
});

test("a failed login rejects with the server's code and leaves the SDK not ready", async () => {
  const { chat } = newChat({
    server: {
      session: {
        login: () => {
          throw new ConnectError("UserSig expired", Code.Unauthenticated, undefined, [
            { desc: ErrorDetailSchema, value: { code: 70001, message: "UserSig expired" } },
          ]);
        },
      },
    },
  });
  const err = await chat.login({ userID: "alice", userSig: "old" }).catch((e: unknown) => e);
  assert.ok(err instanceof Error);
  assert.deepEqual({ ...(err as object) }, { code: 70001, message: "UserSig expired", data: {} });
  await assert.rejects(chat.getUserStatus({ userIDList: ["bob"] }), { code: 3001 });
});

test("logout emits SDK_NOT_READY; later calls reject with 3005", async () => {
  const { chat, server, timers } = newChat();
  await loginReady(chat, timers);
  const notReady = nextEvent(chat, EVENT.SDK_NOT_READY);
  assert.deepEqual(await chat.logout(), { code: 0, data: {} });
  await notReady;
  assert.equal(server.logouts, 1);
  assert.deepEqual(server.authorizations.logout, ["Bearer token-alice"]);
  assert.equal(chat.isReady(), false);
  assert.equal(chat.getLoginUser(), "");
  await assert.rejects(chat.setSelfStatus({ customStatus: "x" }), { code: 3005 });
  // Logging in again works.
  await loginReady(chat, timers);
  assert.equal(chat.isReady(), true);
  await chat.logout();
});

test("destroy logs out, closes the stream and emits SDK_DESTROY", async () => {
  const { chat, server, timers } = newChat();
  await loginReady(chat, timers);
  const log = recordEvents(chat, [EVENT.SDK_NOT_READY, EVENT.SDK_DESTROY]);
  assert.deepEqual(await chat.destroy(), { code: 0, data: {} });
  assert.deepEqual(log.map((e) => e.name), [EVENT.SDK_NOT_READY, EVENT.SDK_DESTROY]);
  assert.equal(server.logouts, 1);
  assert.deepEqual(timers.pending(), []);
});

test("getServerTime is the local clock plus the offset from Login, refreshed by Heartbeat", async () => {
  let skew = 5_000;
  const { chat, server, timers } = newChat({
    server: { serverTime: () => timers.now() + skew },
    create: { heartbeatIntervalMs: 10_000 },
  });
  await loginReady(chat, timers);
  assert.equal(chat.getServerTime(), timers.now() + 5_000);
  skew = -2_000;
  await timers.advance(10_000);
  assert.equal(server.heartbeats, 1);
  assert.deepEqual(server.authorizations.heartbeat, ["Bearer token-alice"]);
  assert.equal(chat.getServerTime(), timers.now() - 2_000);
  await timers.advance(20_000);
  assert.equal(server.heartbeats, 3);
  await chat.logout();
  assert.deepEqual(timers.pending(), []);
});

test("listeners get {name, data}, run with their context, and once fires once", async () => {
  const { chat, timers } = newChat();
  const context = { seen: [] as ChatEvent[] };
  function handler(this: typeof context, event: ChatEvent) {
    this.seen.push(event);
  }
  chat.on(EVENT.SDK_READY, handler, context);
  await loginReady(chat, timers);
  assert.deepEqual(context.seen, [{ name: EVENT.SDK_READY, data: undefined }]);
  chat.off(EVENT.SDK_READY, handler);

  let onceCalls = 0;
  chat.once(EVENT.SDK_NOT_READY, () => onceCalls++);
  chat.on(EVENT.SDK_NOT_READY, () => {
    throw new Error("a throwing listener does not break the emitter");
  });
  await chat.logout();
  await loginReady(chat, timers);
  assert.equal(context.seen.length, 1);
  await chat.logout();
  assert.equal(onceCalls, 1);
});

test("setLogLevel and registerPlugin are allowed before login and return nothing", () => {
  const { chat } = newChat();
  assert.equal(chat.setLogLevel(4), undefined);
  assert.equal(chat.registerPlugin({ "tim-upload-plugin": {} }), undefined);
});

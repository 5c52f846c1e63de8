// Streamed events surface as official events: USER_STATUS_UPDATED, KICKED_OUT (dropping the session), and
// NET_STATE_CHANGE around a reconnect that resumes after the last sequence seen.
import assert from "node:assert/strict";
import { test } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorDetailSchema } from "../../gen/chatwire/v1/error_code_pb.js";
import { KickedOutType, UserStatusType } from "../../gen/chatwire/v1/types_pb.js";
import { EVENT, TYPES } from "../../client/index.js";
import { loginReady, newChat, nextEvent, recordEvents } from "./helpers/chat-fixture.js";
import { kickedOutEvent, userStatusEvent } from "./helpers/fake-server.js";
import { settle } from "./helpers/fake-timers.js";

function detailError(code: number, connectCode: Code): ConnectError {
  return new ConnectError(`error ${code}`, connectCode, undefined, [
    { desc: ErrorDetailSchema, value: create(ErrorDetailSchema, { code, message: `error ${code}` }) },
  ]);
}

test("USER_STATUS_UPDATED carries [{userID, statusType, customStatus}]", async () => {
  const { chat, server, timers } = newChat();
  await loginReady(chat, timers);
  const updated = nextEvent(chat, EVENT.USER_STATUS_UPDATED);
  server.events.push(
    userStatusEvent(6n, [
      { userId: "bob", statusType: UserStatusType.ONLINE, customStatus: "busy" },
      { userId: "carol", statusType: UserStatusType.UNLOGINED },
    ]),
  );
  const event = await updated;
  assert.equal(event.name, "onUserStatusUpdated");
  assert.deepEqual(event.data, [
    { userID: "bob", statusType: TYPES.USER_STATUS_ONLINE, customStatus: "busy" },
    { userID: "carol", statusType: TYPES.USER_STATUS_UNLOGINED, customStatus: "" },
  ]);
  await chat.logout();
});

test("KICKED_OUT userSigExpired: emits KICKED_OUT then SDK_NOT_READY; later calls reject with 3004", async () => {
  const { chat, server, timers } = newChat();
  await loginReady(chat, timers);
  const log = recordEvents(chat, [EVENT.KICKED_OUT, EVENT.SDK_NOT_READY, EVENT.ERROR]);
  const notReady = nextEvent(chat, EVENT.SDK_NOT_READY);
  server.events.push(kickedOutEvent(6n, KickedOutType.USERSIG_EXPIRED));
  await notReady;
  assert.deepEqual(log.slice(0, 2), [
    { name: EVENT.KICKED_OUT, data: { type: TYPES.KICKED_OUT_USERSIG_EXPIRED } },
    { name: EVENT.SDK_NOT_READY, data: undefined },
  ]);
  assert.equal(chat.isReady(), false);
  assert.equal(chat.getLoginUser(), "");
  await assert.rejects(chat.getUserStatus({ userIDList: ["bob"] }), { code: 3004 });
  assert.equal(log[2]!.name, EVENT.ERROR);
  assert.equal((log[2]!.data as { code: number }).code, 3004);
  assert.deepEqual(timers.pending(), []);
  assert.equal(server.events.connections, 1);
});

test("each kick-out type leaves its own not-ready code", async () => {
  const cases: Array<[KickedOutType, string, number]> = [
    [KickedOutType.MULT_ACCOUNT, TYPES.KICKED_OUT_MULT_ACCOUNT, 3003],
    [KickedOutType.MULT_DEVICE, TYPES.KICKED_OUT_MULT_DEVICE, 3002],
    [KickedOutType.REST_API, TYPES.KICKED_OUT_REST_API, 3006],
  ];
  for (const [type, official, code] of cases) {
    const { chat, server, timers } = newChat();
    await loginReady(chat, timers);
    const kicked = nextEvent(chat, EVENT.KICKED_OUT);
    server.events.push(kickedOutEvent(6n, type));
    assert.deepEqual((await kicked).data, { type: official });
    await assert.rejects(chat.setSelfStatus({ customStatus: "" }), { code });
  }
});

test("a broken stream reconnects with backoff, resuming after the last sequence seen", async () => {
  const { chat, server, timers } = newChat({ create: { reconnectDelayMs: { initial: 1_000, max: 8_000 } } });
  await loginReady(chat, timers);
  const log = recordEvents(chat, [EVENT.NET_STATE_CHANGE, EVENT.USER_STATUS_UPDATED, EVENT.SDK_READY]);
  server.events.push(
    userStatusEvent(6n, [{ userId: "bob", statusType: UserStatusType.ONLINE }]),
    userStatusEvent(9n, [{ userId: "bob", statusType: UserStatusType.OFFLINE }]),
  );
  await settle();
  server.events.fail(new ConnectError("connection reset", Code.Unavailable));
  await settle();
  assert.deepEqual(log.at(-1), { name: EVENT.NET_STATE_CHANGE, data: { state: TYPES.NET_STATE_CONNECTING } });
  assert.equal(chat.isReady(), true);
  assert.equal(server.events.connections, 1);

  await timers.advance(999);
  assert.equal(server.events.connections, 1);
  await timers.advance(1);
  assert.equal(server.events.connections, 2);
  assert.deepEqual(server.events.requests.map((r) => r.afterSequence), [5n, 9n]);
  assert.deepEqual(log.at(-1), { name: EVENT.NET_STATE_CHANGE, data: { state: TYPES.NET_STATE_CONNECTED } });

  // A replayed duplicate is dropped; new events flow.
  server.events.push(
    userStatusEvent(9n, [{ userId: "bob", statusType: UserStatusType.OFFLINE }]),
    userStatusEvent(12n, [{ userId: "bob", statusType: UserStatusType.ONLINE, customStatus: "back" }]),
  );
  await settle();
  const statuses = log.filter((e) => e.name === EVENT.USER_STATUS_UPDATED).map((e) => e.data);
  assert.deepEqual(statuses, [
    [{ userID: "bob", statusType: 1, customStatus: "" }],
    [{ userID: "bob", statusType: 2, customStatus: "" }],
    [{ userID: "bob", statusType: 1, customStatus: "back" }],
  ]);
  assert.equal(log.filter((e) => e.name === EVENT.SDK_READY).length, 0);
  await chat.logout();
});

test("backoff doubles up to the maximum while the server refuses the stream", async () => {
  const { chat, server, timers } = newChat({ create: { reconnectDelayMs: { initial: 1_000, max: 4_000 } } });
  await loginReady(chat, timers);
  const down = new ConnectError("down", Code.Unavailable);
  server.events.refusals.push(down, down, down, down);
  server.events.fail(down);
  await settle();
  const delays: number[] = [];
  while (server.events.connections < 6) {
    delays.push(timers.pending()[0]!);
    await timers.advance(timers.pending()[0]!);
  }
  assert.deepEqual(delays, [1_000, 2_000, 4_000, 4_000, 4_000]);
  assert.equal(chat.isReady(), true);
  assert.deepEqual(server.events.requests.map((r) => r.afterSequence), [5n, 5n, 5n, 5n, 5n, 5n]);
  await chat.logout();
});

test("a stream refused for an unknown session drops the session (SDK_NOT_READY, 2024)", async () => {
  const { chat, server, timers } = newChat();
  await loginReady(chat, timers);
  const notReady = nextEvent(chat, EVENT.SDK_NOT_READY);
  server.events.fail(detailError(990003, Code.Unauthenticated));
  await notReady;
  assert.equal(chat.isReady(), false);
  await assert.rejects(chat.getUserStatus({ userIDList: ["bob"] }), { code: 2024 });
  assert.deepEqual(timers.pending(), []);
});

test("a stream refused for an expired UserSig is a userSigExpired kick-out", async () => {
  const { chat, server, timers } = newChat();
  await loginReady(chat, timers);
  const kicked = nextEvent(chat, EVENT.KICKED_OUT);
  server.events.fail(detailError(70001, Code.Unauthenticated));
  assert.deepEqual((await kicked).data, { type: TYPES.KICKED_OUT_USERSIG_EXPIRED });
  await assert.rejects(chat.getUserStatus({ userIDList: ["bob"] }), { code: 3004 });
});

// RPC-bound methods through the generic runtime: request and result mapping of the user-status methods, list
// truncation, and error shapes (server detail, network failure, unimplemented, unbound methods).
import assert from "node:assert/strict";
import { test, type TestContext } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorDetailSchema } from "../../gen/chatwire/v1/error_code_pb.js";
import { UserStatusType } from "../../gen/chatwire/v1/types_pb.js";
import type {
  GetUserStatusRequest,
  SubscribeUserStatusRequest,
  UnsubscribeUserStatusRequest,
} from "../../gen/chatwire/v1/user_status_pb.js";
import { ChatError, TYPES } from "../../client/index.js";
import { loginReady, newChat } from "./helpers/chat-fixture.js";

test("setSelfStatus, getUserStatus, subscribe and unsubscribe resolve the official shapes", async () => {
  const seen: { get?: GetUserStatusRequest; sub?: SubscribeUserStatusRequest; unsub: UnsubscribeUserStatusRequest[] } = { unsub: [] };
  const authorizations: string[] = [];
  const { chat, timers } = newChat({
    server: {
      userStatus: {
        setSelfStatus: (req, ctx) => {
          authorizations.push(ctx.requestHeader.get("authorization") ?? "");
          return {
            status: {
              userId: "alice",
              statusType: UserStatusType.ONLINE,
              customStatus: req.customStatus,
              devices: [{ deviceId: "web_1", status: "1" }],
              lastActiveTime: 1_700_000_000_000n,
            },
          };
        },
        getUserStatus: (req) => {
          seen.get = req;
          return {
            successUserList: [{ userId: "bob", statusType: UserStatusType.OFFLINE, customStatus: "away", lastActiveTime: 5n }],
            failureUserList: [{ userId: "nobody", code: 70107, message: "unknown user" }],
          };
        },
        subscribeUserStatus: (req) => {
          seen.sub = req;
          return {
            failureUserList: [{ userId: "alice", code: 70402, message: "cannot subscribe to oneself" }],
            userStatusList: [{ userId: "bob", statusType: UserStatusType.ONLINE }],
            evictedUserIdList: ["old"],
          };
        },
        unsubscribeUserStatus: (req) => {
          seen.unsub.push(req);
          return { failureUserList: [] };
        },
      },
    },
  });
  await loginReady(chat, timers);

  assert.deepEqual(await chat.setSelfStatus({ customStatus: "coding" }), {
    code: 0,
    data: { userID: "alice", statusType: TYPES.USER_STATUS_ONLINE, customStatus: "coding" },
  });
  assert.deepEqual(authorizations, ["Bearer token-alice"]);

  assert.deepEqual(await chat.getUserStatus({ userIDList: ["bob", "nobody"] }), {
    code: 0,
    data: {
      successUserList: [{ userID: "bob", statusType: TYPES.USER_STATUS_OFFLINE, customStatus: "away" }],
      failureUserList: [{ userID: "nobody", code: 70107, message: "unknown user" }],
    },
  });
  assert.deepEqual(seen.get!.userIdList, ["bob", "nobody"]);

  assert.deepEqual(await chat.subscribeUserStatus({ userIDList: ["alice", "bob"] }), {
    code: 0,
    data: { failureUserList: [{ userID: "alice", code: 70402, message: "cannot subscribe to oneself" }] },
  });
  assert.deepEqual(seen.sub!.userIdList, ["alice", "bob"]);

  assert.deepEqual(await chat.unsubscribeUserStatus(), { code: 0, data: { failureUserList: [] } });
  assert.deepEqual(await chat.unsubscribeUserStatus({ userIDList: [] }), { code: 0, data: { failureUserList: [] } });
  assert.deepEqual(await chat.unsubscribeUserStatus({ userIDList: ["bob"] }), { code: 0, data: { failureUserList: [] } });
  assert.deepEqual(seen.unsub.map((r) => r.userIdList), [[], [], ["bob"]]);
  await chat.logout();
});

test("lists over the official limit are trimmed with a console warning", async (t: TestContext) => {
  let received: string[] = [];
  const { chat, timers } = newChat({
    server: {
      userStatus: {
        subscribeUserStatus: (req) => {
          received = req.userIdList;
          return {};
        },
        getUserStatus: (req) => {
          received = req.userIdList;
          return {};
        },
      },
    },
    create: { logLevel: 2 },
  });
  await loginReady(chat, timers);
  const warn = t.mock.method(console, "warn", () => {});
  const ids = Array.from({ length: 150 }, (_, i) => `u${i}`);
  await chat.subscribeUserStatus({ userIDList: ids });
  assert.equal(received.length, 100);
  assert.deepEqual(received, ids.slice(0, 100));
  assert.equal(warn.mock.callCount(), 1);
  assert.match(warn.mock.calls[0]!.arguments.join(" "), /subscribeUserStatus the length of userIDList cannot exceed 100/);

  await chat.getUserStatus({ userIDList: Array.from({ length: 501 }, (_, i) => `u${i}`) });
  assert.equal(received.length, 500);
  assert.equal(warn.mock.callCount(), 2);
  await chat.getUserStatus({ userIDList: ["u1"] });
  assert.equal(warn.mock.callCount(), 2);
  await chat.logout();
});

test("a server error rejects with {code, message, data} from its ErrorDetail", async () => {
  const { chat, timers } = newChat({
    server: {
      userStatus: {
        getUserStatus: () => {
          throw new ConnectError("status queries are disabled", Code.PermissionDenied, undefined, [
            { desc: ErrorDetailSchema, value: create(ErrorDetailSchema, { code: 72001, message: "status queries are disabled" }) },
          ]);
        },
      },
    },
  });
  await loginReady(chat, timers);
  const err = await chat.getUserStatus({ userIDList: ["bob"] }).catch((e: unknown) => e);
  assert.ok(err instanceof Error);
  assert.ok(err instanceof ChatError);
  assert.deepEqual(Object.keys(err), ["code", "message", "data"]);
  assert.deepEqual({ ...(err as object) }, { code: 72001, message: "status queries are disabled", data: {} });
  await chat.logout();
});

test("a network failure rejects with 2800; a method the server lacks with 990001", async () => {
  const { chat, timers } = newChat({
    server: {
      userStatus: {
        subscribeUserStatus: () => {
          throw new ConnectError("connect ECONNREFUSED", Code.Unavailable);
        },
      },
    },
  });
  await loginReady(chat, timers);
  await assert.rejects(chat.subscribeUserStatus({ userIDList: ["bob"] }), { code: 2800 });
  // UnsubscribeUserStatus is not registered on the fake router: Connect answers Unimplemented.
  const err = await chat.unsubscribeUserStatus().catch((e: unknown) => e);
  assert.ok(err instanceof ChatError);
  assert.equal((err as ChatError).code, 990001);
  assert.deepEqual((err as ChatError).data, {});
  await chat.logout();
});

test("official methods the client does not implement yet fail with 990001, never a false success", async () => {
  const { chat, timers } = newChat();
  await loginReady(chat, timers);
  await assert.rejects(chat.getMessageList({ conversationID: "C2Cbob" }), { code: 990001 });
  await assert.rejects(chat.callExperimentalAPI("x", {}), { code: 990001 });
  // Validation runs first.
  assert.throws(() => chat.createTextMessage({ to: "bob" }), { message: "Params validate failed." });
  await chat.logout();
});

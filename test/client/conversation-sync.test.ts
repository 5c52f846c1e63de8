// The facade's conversation list over a fake server and hand-driven time: the initial sync after SDK_READY, the
// whole list at most once a second, and a new sync when the event stream reports missed events.
import assert from "node:assert/strict";
import { test } from "node:test";
import { ConversationType } from "../../gen/chatwire/v1/types_pb.js";
import { EVENT } from "../../client/index.js";
import { loginReady, newChat, recordEvents } from "./helpers/chat-fixture.js";

test("the list is synced after SDK_READY, emitted whole at most once a second, and synced again after missed events", async () => {
  let unread = 1;
  const calls: number[] = [];
  const { chat, server, timers } = newChat({
    server: {
      conversation: {
        getConversationList: () => {
          calls.push(timers.now());
          return {
            isSyncCompleted: true,
            conversationList: [{ conversationId: "C2Cbob", type: ConversationType.C2C, unreadCount: unread, userProfile: { userId: "bob" } }],
          };
        },
      },
    },
  });
  const log = recordEvents(chat, [EVENT.SDK_READY, EVENT.CONVERSATION_LIST_UPDATED]);
  await loginReady(chat, timers);
  await timers.advance(0);
  assert.equal(calls.length, 1);
  assert.deepEqual(log.map((e) => e.name), [EVENT.SDK_READY, EVENT.CONVERSATION_LIST_UPDATED]);
  assert.deepEqual((log[1]!.data as { conversationID: string; unreadCount: number }[]).map((c) => [c.conversationID, c.unreadCount]), [["C2Cbob", 1]]);

  unread = 4;
  server.events.pushFrame({ resyncRequired: true });
  await timers.advance(0);
  assert.equal(calls.length, 2);
  assert.equal(log.length, 2, "the next emit waits a second after the last one");
  await timers.advance(999);
  assert.equal(log.length, 2);
  await timers.advance(1);
  assert.equal(log.length, 3);
  const conversations = log[2]!.data as { conversationID: string; unreadCount: number }[];
  assert.deepEqual(conversations.map((c) => [c.conversationID, c.unreadCount]), [["C2Cbob", 4]]);
  assert.equal(conversations[0], (log[1]!.data as object[])[0], "the same conversation object, updated");
  await chat.logout();
});

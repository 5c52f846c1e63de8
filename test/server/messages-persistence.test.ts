// What a user notices of messages across a restart, on SQLite and PostgreSQL: the history, the conversation list
// with its unread count, pins and marks survive; sequences continue where they stopped (allocated in the database);
// a message sent again with its ID after the restart is not stored twice.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ConversationService } from "../../gen/chatwire/v1/conversation_pb.js";
import { MessageService, SendMessageRequestSchema } from "../../gen/chatwire/v1/message_pb.js";
import { SessionService } from "../../gen/chatwire/v1/session_pb.js";
import { ConversationType } from "../../gen/chatwire/v1/types_pb.js";
import { genUserSig } from "../../server/auth/user-sig.js";
import { startServer } from "../../server/index.js";
import { freshStorage, skipReason } from "../support/storage-engines.js";

const baseOptions = { logLevel: "silent", secretKey: "persist-key", sdkAppID: 1400000001 };

async function connect(url: string, userId: string) {
  const transport = createConnectTransport({ baseUrl: url, httpVersion: "2", useBinaryFormat: true });
  const userSig = genUserSig({ sdkAppId: baseOptions.sdkAppID, secretKey: baseOptions.secretKey, userId, expireSeconds: 600, nowMs: Date.now() });
  const { sessionToken } = await createClient(SessionService, transport).login({ userId, userSig });
  const call = { headers: { authorization: `Bearer ${sessionToken}` } };
  return { call, messages: createClient(MessageService, transport), conversations: createClient(ConversationService, transport) };
}

const text = (id: string, to: string, body: string) =>
  create(SendMessageRequestSchema, { message: { messageId: id, to, conversationType: ConversationType.C2C, payload: { case: "text", value: { text: body } } } });

for (const engine of ["sqlite", "postgres"] as const) {
  const skip = await skipReason(engine);
  describe(`messages across a restart (${engine})`, { skip: skip ?? false }, () => {
    it("keeps history, conversations and sequences", async () => {
      const slot = await freshStorage(engine);
      const options = { ...baseOptions, storage: slot.storage };
      try {
        let server = await startServer(options);
        let alice = await connect(server.url, "alice");
        await connect(server.url, "bob");
        await alice.messages.sendMessage(text("m1", "bob", "before"), alice.call);
        await alice.messages.sendMessage(text("m2", "bob", "the restart"), alice.call);
        await alice.conversations.pinConversation({ conversationId: "C2Cbob", isPinned: true }, alice.call);
        await alice.conversations.markConversation({ conversationIdList: ["C2Cbob"], markType: 1n, enableMark: true }, alice.call);
        await server.close();

        server = await startServer(options);
        try {
          alice = await connect(server.url, "alice");
          const bob = await connect(server.url, "bob");
          const again = await alice.messages.sendMessage(text("m2", "bob", "the restart"), alice.call);
          assert.equal(again.message?.sequence, 2n, "a stored ID is answered with the stored message");
          const next = await alice.messages.sendMessage(text("m3", "bob", "after"), alice.call);
          assert.equal(next.message?.sequence, 3n);
          const history = await bob.messages.getMessageList({ conversationId: "C2Calice" }, bob.call);
          assert.deepEqual(
            history.messageList.map((m) => [m.messageId, Number(m.sequence), m.flow, m.payload.case === "text" ? m.payload.value.text : ""]),
            [
              ["m1", 1, "in", "before"],
              ["m2", 2, "in", "the restart"],
              ["m3", 3, "in", "after"],
            ],
          );
          const [bobsView] = (await bob.conversations.getConversationList({}, bob.call)).conversationList;
          assert.equal(bobsView?.conversationId, "C2Calice");
          assert.equal(bobsView?.unreadCount, 3);
          const [alicesView] = (await alice.conversations.getConversationList({}, alice.call)).conversationList;
          assert.equal(alicesView?.isPinned, true);
          assert.deepEqual(alicesView?.markList, [1n]);
          assert.equal(alicesView?.lastMessage?.lastSequence, 3n);
        } finally {
          await server.close();
        }
      } finally {
        await slot.dispose();
      }
    });
  });
}

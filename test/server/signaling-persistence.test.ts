// An invitation timeout that fell due while no server ran (what a conformance case, whose clock only moves while
// the server runs, cannot make): the next server times the invitation out before it answers anything, so the
// invitee's accept answers 8010 and the timeout message is in the conversation, on SQLite and PostgreSQL.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ErrorDetailSchema } from "../../gen/chatwire/v1/error_code_pb.js";
import { MessageService } from "../../gen/chatwire/v1/message_pb.js";
import { SessionService } from "../../gen/chatwire/v1/session_pb.js";
import { SignalingService } from "../../gen/chatwire/v1/signaling_pb.js";
import { genUserSig } from "../../server/auth/user-sig.js";
import { createManualClock, startServer } from "../../server/index.js";
import { ConnectError } from "@connectrpc/connect";
import { freshStorage, skipReason } from "../support/storage-engines.js";

const baseOptions = { logLevel: "silent", secretKey: "signaling-key", sdkAppID: 1400000001 };

async function connect(url: string, userId: string, nowMs: number) {
  const transport = createConnectTransport({ baseUrl: url, httpVersion: "2", useBinaryFormat: true });
  const userSig = genUserSig({ sdkAppId: baseOptions.sdkAppID, secretKey: baseOptions.secretKey, userId, expireSeconds: 600, nowMs });
  const { sessionToken } = await createClient(SessionService, transport).login({ userId, userSig });
  const call = { headers: { authorization: `Bearer ${sessionToken}` } };
  return { call, signaling: createClient(SignalingService, transport), messages: createClient(MessageService, transport) };
}

for (const engine of ["sqlite", "postgres"] as const) {
  const skip = await skipReason(engine);
  describe(`signaling timeouts across a stop (${engine})`, { skip: skip ?? false }, () => {
    it("times out an invitation whose timeout fell due while no server ran", async () => {
      const slot = await freshStorage(engine);
      const clock = createManualClock();
      const options = { ...baseOptions, storage: slot.storage, clock };
      try {
        let server = await startServer(options);
        const alice = await connect(server.url, "alice", clock.now());
        await connect(server.url, "bob", clock.now());
        const { inviteId, messageId } = await alice.signaling.invite({ userId: "bob", data: "ring", timeout: 30 }, alice.call);
        await server.close();
        clock.advance(60_000);

        server = await startServer(options);
        try {
          const bob = await connect(server.url, "bob", clock.now());
          const refused = await bob.signaling.accept({ inviteId }, bob.call).then(
            () => undefined,
            (err: unknown) => ConnectError.from(err).findDetails(ErrorDetailSchema)[0]?.code,
          );
          assert.equal(refused, 8010, "the invitation timed out before the server answered");
          const history = await bob.messages.getMessageList({ conversationId: "C2Calice" }, bob.call);
          const actions = history.messageList.map((m) => {
            const data = m.payload.case === "custom" ? (JSON.parse(m.payload.value.data) as { actionType: number; inviteeList: string[] }) : undefined;
            return [m.from, data?.actionType, data?.inviteeList];
          });
          assert.equal(history.messageList[0]?.messageId, messageId);
          assert.deepEqual(actions, [
            ["alice", 1, ["bob"]],
            ["alice", 5, ["bob"]],
          ]);
        } finally {
          await server.close();
        }
      } finally {
        await slot.dispose();
      }
    });
  });
}

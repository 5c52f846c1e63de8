// `npm run bench`: login of a user with many conversations and a long history — time from Login to the answer of
// GetConversationList, which must not grow with the number of stored messages. The history is written straight
// through the stores (as sending would store it) into a SQLite file, then a server in its own process serves it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { ConversationService } from "../gen/chatwire/v1/conversation_pb.js";
import { MessageSchema } from "../gen/chatwire/v1/message_pb.js";
import { SessionService } from "../gen/chatwire/v1/session_pb.js";
import { ConversationType, MessageElemType } from "../gen/chatwire/v1/types_pb.js";
import { genUserSig } from "../server/auth/user-sig.js";
import { c2cConversationId, c2cKey } from "../server/conversations/conversation-id.js";
import { createConversationStore } from "../server/conversations/conversation-store.js";
import { createMessageStore } from "../server/messages/message-store.js";
import { openDatabase } from "../server/storage/open-storage.js";
import { BENCH_SDK_APP_ID, BENCH_SECRET_KEY, percentile, startBenchServer } from "./server-harness.js";

const CONVERSATIONS = Number(process.env.BENCH_HISTORY_CONVERSATIONS ?? 1000);
const MESSAGE_COUNTS = (process.env.BENCH_HISTORY_MESSAGES ?? "10000,100000").split(",").map(Number);
const LOGINS = 20;

/** Writes `messages` messages spread over `CONVERSATIONS` C2C conversations of user "owner", both directions. */
export async function seed(path: string, messages: number): Promise<void> {
  const db = await openDatabase(path);
  const conversations = createConversationStore(db);
  const store = createMessageStore(db);
  const accounts = ["owner", ...Array.from({ length: CONVERSATIONS }, (_, i) => `peer${i}`)];
  await db.transact((trx) => trx.insertInto("account").values(accounts.map((user_id) => ({ user_id, create_time: 0 }))).execute());
  const start = Date.now() - messages * 1000;
  for (let from = 0; from < messages; from += 5000) {
    await db.transact(async (trx) => {
      for (let n = from; n < Math.min(messages, from + 5000); n++) {
        const peer = `peer${n % CONVERSATIONS}`;
        const [sender, receiver] = n % 2 === 0 ? ["owner", peer] : [peer, "owner"];
        const conv = c2cKey(sender, receiver);
        const time = start + n * 1000;
        const { seq, ordinal } = await conversations.allocate(trx, conv, true, true, time);
        const body = toBinary(
          MessageSchema,
          create(MessageSchema, {
            messageId: `m${n}`,
            type: MessageElemType.TEXT,
            conversationId: c2cConversationId(receiver),
            conversationType: ConversationType.C2C,
            from: sender,
            to: receiver,
            flow: "out",
            status: "success",
            time: BigInt(Math.floor(time / 1000)),
            sequence: BigInt(seq),
            payload: { case: "text", value: { text: `message ${n} of a long history` } },
          }),
        );
        await store.insert(trx, { conv, seq, msgId: `m${n}`, senderId: sender, time, ordinal, flags: 0, version: 0, revoked: false, receiptTime: 0, body });
        await conversations.recordMessage(trx, [
          { userId: sender, conversationId: c2cConversationId(receiver), conv, seq, time, own: true, countable: true, asLast: true },
          { userId: receiver, conversationId: c2cConversationId(sender), conv, seq, time, own: false, countable: true, asLast: true },
        ]);
      }
    });
  }
  await db.close();
}

export async function benchLoginHistory(): Promise<void> {
  for (const maxConversations of [100, 500]) {
    for (const messages of MESSAGE_COUNTS) {
      const dir = mkdtempSync(join(tmpdir(), "chatwire-bench-history-"));
      const path = join(dir, "history.db");
      await seed(path, messages);
      const server = await startBenchServer({ BENCH_STORAGE: path, BENCH_SERVER_OPTIONS: JSON.stringify({ conversations: { maxConversations } }) });
      const transport = createConnectTransport({ baseUrl: server.url, httpVersion: "2", useBinaryFormat: true });
      const session = createClient(SessionService, transport);
      const conversations = createClient(ConversationService, transport);
      const timings: number[] = [];
      const listings: number[] = [];
      let listed = 0;
      for (let i = 0; i < LOGINS; i++) {
        const started = process.hrtime.bigint();
        const login = await session.login({
          userId: "owner",
          userSig: genUserSig({ sdkAppId: BENCH_SDK_APP_ID, secretKey: BENCH_SECRET_KEY, userId: "owner", expireSeconds: 86400, nowMs: Date.now() }),
          deviceId: `bench${i}`,
        });
        const asked = process.hrtime.bigint();
        const list = await conversations.getConversationList({}, { headers: { authorization: `Bearer ${login.sessionToken}` } });
        const done = process.hrtime.bigint();
        timings.push(Number(done - started) / 1e6);
        listings.push(Number(done - asked) / 1e6);
        listed = list.conversationList.length;
      }
      timings.sort((a, b) => a - b);
      listings.sort((a, b) => a - b);
      console.log(
        `\nbench: login with history, ${CONVERSATIONS} conversations, ${messages} stored messages, list of ${listed} (maxConversations ${maxConversations}), SQLite`,
      );
      console.log(`login → conversation list:  p50 ${percentile(timings, 50).toFixed(1)} ms, max ${timings[timings.length - 1]!.toFixed(1)} ms over ${LOGINS} logins`);
      console.log(`GetConversationList alone:  p50 ${percentile(listings, 50).toFixed(1)} ms, max ${listings[listings.length - 1]!.toFixed(1)} ms`);
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchLoginHistory();
  process.exit(0);
}

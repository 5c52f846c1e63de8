// `npm run bench -- search`: cloud message search over a large store. N messages (BENCH_SEARCH_MESSAGES, default
// 1,000,000) are written straight through the message store in large batches (the store indexes them for search as
// sending does) into a SQLite file: 2,000 C2C conversations of N/2000 messages, 100 of them held by user "owner".
// Then searches run in process through CloudMessageSearch (what the RPC handler calls), each 40 times: p50 and p99.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { MessageSchema, SearchCloudMessagesRequestSchema } from "../gen/chatwire/v1/message_pb.js";
import { ConversationType, MessageElemType } from "../gen/chatwire/v1/types_pb.js";
import { createManualClock } from "../server/clock.js";
import { c2cConversationId, c2cKey } from "../server/conversations/conversation-id.js";
import { createConversationStore, type ParticipantRow } from "../server/conversations/conversation-store.js";
import { createMessageStore, type StoredMessage } from "../server/messages/message-store.js";
import { CloudMessageSearch } from "../server/search/cloud-message-search.js";
import { createMessageSearchStore } from "../server/search/message-search-store.js";
import { openDatabase } from "../server/storage/open-storage.js";
import { percentile } from "./server-harness.js";

const MESSAGES = Number(process.env.BENCH_SEARCH_MESSAGES ?? 1_000_000);
const CONVERSATIONS = 2000;
const OWNER_CONVERSATIONS = 100;
const BATCH = 10_000;
const RUNS = 40;

/** A deterministic pseudo-random sequence (xorshift), so every run stores the same texts. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** Five filler words, plus keywords at known rates: meeting 1%, tomorrow 0.5%, zephyr 0.01%, 会议室 1%, 你好 2%. */
function textOf(next: () => number): string {
  const words = Array.from({ length: 5 }, () => `w${Math.floor(next() * 5000)}`);
  const r = next();
  if (r < 0.01) words.push("meeting");
  if (r >= 0.01 && r < 0.015) words.push("meeting tomorrow");
  if (next() < 0.005) words.push("tomorrow");
  if (next() < 0.0001) words.push("zephyr");
  if (next() < 0.01) words.push("我们在会议室见");
  if (next() < 0.02) words.push("你好");
  return words.join(" ");
}

function pairOf(c: number): [string, string] {
  return c < OWNER_CONVERSATIONS ? ["owner", `peer${c}`] : [`peer${c}`, `peer${c + 1}`];
}

async function seed(path: string): Promise<void> {
  const db = await openDatabase(path);
  const store = createMessageStore(db);
  const conversations = createConversationStore(db);
  const next = rng(20261206);
  const seqs = new Array<number>(CONVERSATIONS).fill(0);
  const start = Date.UTC(2026, 0, 1) - MESSAGES * 1000;
  for (let from = 0; from < MESSAGES; from += BATCH) {
    const batch: StoredMessage[] = [];
    const rows = new Map<string, ParticipantRow>();
    for (let n = from; n < Math.min(MESSAGES, from + BATCH); n++) {
      const c = n % CONVERSATIONS;
      const [a, b] = pairOf(c);
      const [sender, receiver] = n % 2 === 0 ? [a, b] : [b, a];
      const conv = c2cKey(sender, receiver);
      const seq = ++seqs[c]!;
      const time = start + n * 1000;
      const decoded = create(MessageSchema, {
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
        payload: { case: "text", value: { text: textOf(next) } },
      });
      const body = toBinary(MessageSchema, decoded);
      batch.push({ conv, seq, msgId: `m${n}`, senderId: sender, time, ordinal: seq, flags: 0, version: 0, revoked: false, receiptTime: 0, body, decoded });
      for (const [userId, peer] of [[sender, receiver], [receiver, sender]] as const) {
        rows.set(`${userId}/${peer}`, { userId, conversationId: c2cConversationId(peer), conv, lastSeq: seq, sortTime: time, ownCount: 0 });
      }
    }
    await db.transact(async (trx) => {
      await store.insertMany(trx, batch);
      await conversations.recordMany(trx, [...rows.values()]);
    });
  }
  await db.close();
}

export async function benchSearch(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "chatwire-bench-search-"));
  try {
    const path = join(dir, "search.db");
    let t = performance.now();
    await seed(path);
    console.log(`search: stored ${MESSAGES.toLocaleString("en")} messages (indexed) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const db = await openDatabase(path);
    const search = new CloudMessageSearch({
      index: createMessageSearchStore(db),
      messages: createMessageStore(db),
      conversations: createConversationStore(db),
      clock: createManualClock(),
    });
    const cases: [string, Parameters<typeof create<typeof SearchCloudMessagesRequestSchema>>[1]][] = [
      ["all, rare word 'zephyr'", { keywordList: ["zephyr"] }],
      ["all, common word 'meeting'", { keywordList: ["meeting"] }],
      ["all, 'meeting' AND 'tomorrow'", { keywordList: ["meeting", "tomorrow"], keywordListMatchType: "and" }],
      ["all, CJK '会议室' (trigram index)", { keywordList: ["会议室"] }],
      ["all, CJK '你好' (2 chars: bounded scan)", { keywordList: ["你好"] }],
      ["one conversation, 'meeting', page of 20", { keywordList: ["meeting"], conversationId: "C2Cpeer0" }],
      ["all, sender only", { senderUserIdList: ["peer1"] }],
    ];
    for (const [label, init] of cases) {
      const request = create(SearchCloudMessagesRequestSchema, init);
      const times: number[] = [];
      let result;
      for (let i = 0; i < RUNS; i++) {
        t = performance.now();
        result = await search.search("owner", request);
        times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      console.log(
        `search: ${label}: p50 ${percentile(times, 50).toFixed(2)} ms, p99 ${percentile(times, 99).toFixed(2)} ms (total ${result!.totalCount}, first page ${result!.searchResultList.length} results)`,
      );
    }
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

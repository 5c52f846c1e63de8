// `npm run bench -- group`: group fan-out. One member sends K text messages (one in flight) to a group of N online
// members (BENCH_GROUP_SIZES, default "1000,10000"); the server runs in its own process. Reports server CPU per
// delivered message, deliveries per second, send→delivered latency, and what the group's messages occupy in storage
// (one row each, whatever N).
import http2 from "node:http2";
import Database from "better-sqlite3";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { GroupMemberService, type AddGroupMemberRequest } from "../gen/chatwire/v1/group_member_pb.js";
import { GroupService } from "../gen/chatwire/v1/group_pb.js";
import { MessageService } from "../gen/chatwire/v1/message_pb.js";
import { SessionService } from "../gen/chatwire/v1/session_pb.js";
import { ConversationType, GroupType, MessageElemType } from "../gen/chatwire/v1/types_pb.js";
import { genUserSig } from "../server/auth/user-sig.js";
import { BENCH_SDK_APP_ID, BENCH_SECRET_KEY, openEventStream, percentile, startBenchServer } from "./server-harness.js";

const SIZES = (process.env.BENCH_GROUP_SIZES ?? "1000,10000").split(",").map(Number);
const K = Number(process.env.BENCH_GROUP_MESSAGES ?? 50);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
/** Streams per HTTP/2 connection of the load generator (the server announces 128 concurrent streams). */
const STREAMS_PER_CONNECTION = 100;

export async function benchGroupFanout(): Promise<void> {
  for (const n of SIZES) await benchOne(n);
}

async function benchOne(n: number): Promise<void> {
  const server = await startBenchServer();
  const url = server.url;
  const transport = createConnectTransport({ baseUrl: url, httpVersion: "2", useBinaryFormat: true });
  const login = async (userId: string) =>
    (
      await createClient(SessionService, transport).login({
        userId,
        userSig: genUserSig({ sdkAppId: BENCH_SDK_APP_ID, secretKey: BENCH_SECRET_KEY, userId, expireSeconds: 86400, nowMs: Date.now() }),
        deviceId: "bench",
      })
    ).sessionToken;
  const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  let expectedBytes = Buffer.alloc(0);
  let waiting = 0;
  let sentAt = 0n;
  const latencies: number[] = [];
  let onAllDelivered: () => void = () => {};
  const connections: http2.ClientHttp2Session[] = [];
  const listen = async (token: string, index: number) => {
    if (index % STREAMS_PER_CONNECTION === 0) {
      const c = http2.connect(url);
      c.on("error", () => {});
      connections.push(c);
    }
    await openEventStream(connections[connections.length - 1]!, token, (message) => {
      if (waiting > 0 && message.indexOf(expectedBytes) !== -1) {
        latencies.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
        if (--waiting === 0) onAllDelivered();
      }
    });
  };

  const started0 = Date.now();
  const owner = await login("owner");
  const tokens: string[] = [];
  for (let i = 0; i < n; i += 100) tokens.push(...(await Promise.all(Array.from({ length: Math.min(100, n - i) }, (_, j) => login(`m${i + j}`)))));
  const groups = createClient(GroupService, transport);
  const members = createClient(GroupMemberService, transport);
  const { group } = await groups.createGroup({ name: "bench", type: GroupType.COMMUNITY }, auth(owner));
  const groupId = group!.groupId;
  for (let i = 0; i < n; i += 500) {
    const userIdList = Array.from({ length: Math.min(500, n - i) }, (_, j) => `m${i + j}`);
    await members.addGroupMember({ groupId, userIdList } as AddGroupMemberRequest, auth(owner));
  }
  for (let i = 0; i < tokens.length; i += 100) await Promise.all(tokens.slice(i, i + 100).map((t, j) => listen(t, i + j)));
  console.log(`bench: group fan-out, N=${n} online members, K=${K} messages (one in flight), server pid ${server.pid}; set up in ${((Date.now() - started0) / 1000).toFixed(1)} s`);

  const messages = createClient(MessageService, transport);
  const send = async (text: string) => {
    expectedBytes = Buffer.from(text);
    waiting = n;
    const done = new Promise<void>((resolve) => (onAllDelivered = resolve));
    sentAt = process.hrtime.bigint();
    await messages.sendMessage(
      { message: { to: groupId, conversationType: ConversationType.GROUP, type: MessageElemType.TEXT, payload: { case: "text", value: { text } } } },
      auth(owner),
    );
    await done;
  };
  for (let i = 0; i < WARMUP; i++) await send(`warmup-${i}-#`);
  latencies.length = 0;
  const before = await server.usage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < K; i++) await send(`group-${i}-#`);
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const after = await server.usage();

  const deliveries = K * n;
  latencies.sort((a, b) => a - b);
  console.log(`deliveries:                 ${deliveries} in ${(elapsedMs / 1000).toFixed(2)} s`);
  console.log(`server CPU per delivery:    ${((after.cpuUs - before.cpuUs) / deliveries).toFixed(1)} µs   (presence fan-out target: ≤ 20 µs at N=1000)`);
  console.log(`deliveries per second:      ${Math.round(deliveries / (elapsedMs / 1000))}`);
  console.log(`send→delivered latency:     p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms (every delivery)`);
  console.log(`server RSS:                 ${(after.rss / 1048576).toFixed(0)} MiB`);
  for (const c of connections) c.destroy();
  await server.stop();
  // What one group message costs in storage: its rows, whatever N.
  const db = new Database(server.storage, { readonly: true });
  // The benchmark's messages end with "-#"; the other rows of the group are the tips of the member additions.
  const stored = db
    .prepare("select count(*) as n, sum(length(body)) as bytes from message where conv = ? and instr(body, cast('-#' as blob)) > 0")
    .get(`grp:${groupId}`) as { n: number; bytes: number };
  const rows = db.prepare("select count(*) as n from conversation where conversation_id = ?").get(`GROUP${groupId}`) as { n: number };
  db.close();
  console.log(`storage:                    ${stored.n} message rows for ${K + WARMUP} messages (${Math.round(stored.bytes / stored.n)} B body each); ${rows.n} conversation rows (one per member, made at join)`);
}

// `npm run bench`: one-to-one messages, durable on SQLite. M sender→receiver pairs; each pair keeps W messages in
// flight (a message is in flight from its SendMessage until its receiver's stream delivers it). Reports messages per
// second, send→received latency and the server's CPU per message. The server runs in a child process; this process
// is the load generator, speaking bare HTTP/2 (Connect unary with binary protobuf, and the event stream), so its own
// work stays small and never counts as server work.
import http2 from "node:http2";
import { create, toBinary } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { SendMessageRequestSchema } from "../gen/chatwire/v1/message_pb.js";
import { SessionService } from "../gen/chatwire/v1/session_pb.js";
import { ConversationType, MessageElemType } from "../gen/chatwire/v1/types_pb.js";
import { genUserSig } from "../server/auth/user-sig.js";
import { BENCH_SDK_APP_ID, BENCH_SECRET_KEY, openEventStream, percentile, startBenchServer, type BenchServer } from "./server-harness.js";

const PAIRS = Number(process.env.BENCH_PAIRS ?? 50);
const DURATION_MS = Number(process.env.BENCH_MESSAGES_MS ?? 5000);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1000);
const WINDOWS = (process.env.BENCH_WINDOWS ?? "1,10").split(",").map(Number);
const SEND_PATH = "/chatwire.v1.MessageService/SendMessage";
const MARK = Buffer.from("#cw:");

interface User {
  userId: string;
  token: string;
  session: http2.ClientHttp2Session;
}

async function login(url: string, userId: string): Promise<User> {
  const transport = createConnectTransport({ baseUrl: url, httpVersion: "2", useBinaryFormat: true });
  const res = await createClient(SessionService, transport).login({
    userId,
    userSig: genUserSig({ sdkAppId: BENCH_SDK_APP_ID, secretKey: BENCH_SECRET_KEY, userId, expireSeconds: 86400, nowMs: Date.now() }),
    deviceId: "bench",
  });
  const session = http2.connect(url);
  session.on("error", () => {});
  return { userId, token: res.sessionToken, session };
}

/** Opens the user's event stream; `onMarker` gets each "#cw:<pair>:<n>#" marker a frame carries. */
function listen(user: User, onMarker: (pair: number, n: number) => void): Promise<void> {
  return openEventStream(user.session, user.token, (frame) => {
    for (let at = frame.indexOf(MARK); at !== -1; at = frame.indexOf(MARK, at + 1)) {
      const end = frame.indexOf(35 /* # */, at + 4);
      const [pair, n] = frame.toString("latin1", at + 4, end).split(":");
      onMarker(Number(pair), Number(n));
    }
  });
}

/** One SendMessage over bare HTTP/2 (Connect unary, binary); resolves with the HTTP status. */
function send(user: User, body: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = user.session.request({
      ":method": "POST",
      ":path": SEND_PATH,
      "content-type": "application/proto",
      "connect-protocol-version": "1",
      authorization: `Bearer ${user.token}`,
    });
    let status = 0;
    req.on("response", (headers) => (status = Number(headers[":status"])));
    req.on("data", () => {});
    req.on("end", () => resolve(status));
    req.on("error", reject);
    req.end(body);
  });
}

interface RunResult {
  messages: number;
  elapsedMs: number;
  cpuUs: number;
  latencies: number[];
  failures: number;
}

async function run(server: BenchServer, senders: User[], receivers: User[], window: number): Promise<RunResult> {
  const pending = senders.map(() => new Map<number, bigint>());
  const waiters = senders.map(() => new Map<number, () => void>());
  let measuring = false;
  let delivered = 0;
  let failures = 0;
  const latencies: number[] = [];
  const onMarker = (pair: number, n: number) => {
    const sentAt = pending[pair]?.get(n);
    if (sentAt === undefined) return;
    pending[pair]!.delete(n);
    if (measuring) {
      latencies.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
      delivered++;
    }
    waiters[pair]!.get(n)?.();
    waiters[pair]!.delete(n);
  };
  await Promise.all(receivers.map((r) => listen(r, onMarker)));
  let counter = 0;
  let stop = false;
  const worker = async (pair: number) => {
    const sender = senders[pair]!;
    const to = receivers[pair]!.userId;
    while (!stop) {
      const n = ++counter;
      const request = create(SendMessageRequestSchema, {
        message: {
          messageId: `${sender.userId}-${n}`,
          type: MessageElemType.TEXT,
          to,
          conversationType: ConversationType.C2C,
          random: n,
          payload: { case: "text", value: { text: `#cw:${pair}:${n}# hello` } },
        },
      });
      const arrived = new Promise<void>((resolve) => waiters[pair]!.set(n, resolve));
      pending[pair]!.set(n, process.hrtime.bigint());
      const status = await send(sender, toBinary(SendMessageRequestSchema, request));
      if (status !== 200) {
        failures++;
        pending[pair]!.delete(n);
        waiters[pair]!.delete(n);
        continue;
      }
      await arrived;
    }
  };
  const workers = senders.flatMap((_, pair) => Array.from({ length: window }, () => worker(pair)));
  await new Promise((r) => setTimeout(r, WARMUP_MS));
  const before = await server.usage();
  measuring = true;
  const started = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, DURATION_MS));
  measuring = false;
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const after = await server.usage();
  stop = true;
  await Promise.all(workers);
  latencies.sort((a, b) => a - b);
  return { messages: delivered, elapsedMs, cpuUs: after.cpuUs - before.cpuUs, latencies, failures };
}

export async function benchMessages(): Promise<void> {
  for (const window of WINDOWS) {
    const server = await startBenchServer();
    const senders: User[] = [];
    const receivers: User[] = [];
    for (let i = 0; i < PAIRS; i++) {
      senders.push(await login(server.url, `sender${i}`));
      receivers.push(await login(server.url, `receiver${i}`));
    }
    const r = await run(server, senders, receivers, window);
    console.log(`\nbench: one-to-one messages, durable on SQLite, M=${PAIRS} pairs, W=${window} in flight per pair, ${(r.elapsedMs / 1000).toFixed(1)} s, server pid ${server.pid}`);
    console.log(`messages per second:        ${Math.round(r.messages / (r.elapsedMs / 1000))}   (target ≥ 14000 at W=1)`);
    console.log(`send→received latency:      p50 ${percentile(r.latencies, 50).toFixed(2)} ms, p99 ${percentile(r.latencies, 99).toFixed(2)} ms   (target p99 ≤ 10 ms at W=1)`);
    console.log(`server CPU per message:     ${(r.cpuUs / Math.max(1, r.messages)).toFixed(1)} µs   (ejabberd 71–130 µs without storing; goal half of it)`);
    if (r.failures > 0) console.log(`failed sends:               ${r.failures}`);
    for (const u of [...senders, ...receivers]) u.session.destroy();
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchMessages();
  process.exit(0);
}

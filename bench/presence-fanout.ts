// `npm run bench`: presence fan-out. One user with N subscribers (and a second device of its own) changes its custom
// status K times, one change in flight. Reports server CPU per delivered notification, deliveries per second and
// set→delivered latency. The server runs in a child process; this process is the load generator.
import http2 from "node:http2";
import { createClient, type Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { SessionService } from "../gen/chatwire/v1/session_pb.js";
import { UserStatusService } from "../gen/chatwire/v1/user_status_pb.js";
import { genUserSig } from "../server/auth/user-sig.js";
import { BENCH_SDK_APP_ID, BENCH_SECRET_KEY, openEventStream, percentile, startBenchServer } from "./server-harness.js";

const N = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const K = Number(process.env.BENCH_CHANGES ?? 200);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const SECRET = BENCH_SECRET_KEY;
const SDK_APP_ID = BENCH_SDK_APP_ID;

interface Peer {
  userId: string;
  token: string;
  transport: Transport;
  abort: AbortController;
}

export async function benchPresenceFanout(): Promise<void> {
  const server = await startBenchServer();
  const url = server.url;

  const login = async (userId: string, deviceId = ""): Promise<Peer> => {
    const transport = createConnectTransport({ baseUrl: url, httpVersion: "2", useBinaryFormat: true });
    const res = await createClient(SessionService, transport).login({
      userId,
      userSig: genUserSig({ sdkAppId: SDK_APP_ID, secretKey: SECRET, userId, expireSeconds: 86400, nowMs: Date.now() }),
      deviceId,
    });
    return { userId, token: res.sessionToken, transport, abort: new AbortController() };
  };
  const auth = (p: Peer) => ({ headers: { authorization: `Bearer ${p.token}` } });

  // Deliveries are counted per change: the change's custom status text identifies it.
  let expected = "";
  let expectedBytes = Buffer.alloc(0);
  let waiting = 0;
  let sentAt = 0n;
  const latencies: number[] = [];
  let onAllDelivered: () => void = () => {};
  // Subscribers read their streams with a bare HTTP/2 client that only splits envelopes and looks for the change's
  // marker, so the load generator's own decoding does not inflate the latency it measures.
  const listen = async (peer: Peer) => {
    const session = http2.connect(url);
    peer.abort.signal.addEventListener("abort", () => session.destroy());
    session.on("error", () => {});
    await openEventStream(session, peer.token, (message) => {
      if (waiting > 0 && message.indexOf(expectedBytes) !== -1) {
        latencies.push(Number(process.hrtime.bigint() - sentAt) / 1e6);
        if (--waiting === 0) onAllDelivered();
      }
    });
  };

  console.log(`bench: presence fan-out, N=${N} subscribers + 1 own device, K=${K} changes (one in flight), server pid ${server.pid}`);
  const alice = await login("alice", "web_a");
  const aliceSecond = await login("alice", "web_b");
  const subscribers: Peer[] = [];
  for (let i = 0; i < N; i += 50) {
    subscribers.push(...(await Promise.all(Array.from({ length: Math.min(50, N - i) }, (_, j) => login(`sub${i + j}`)))));
  }
  const statusOf = (p: Peer) => createClient(UserStatusService, p.transport);
  for (const s of subscribers) await statusOf(s).subscribeUserStatus({ userIdList: ["alice"] }, auth(s));
  for (let i = 0; i < subscribers.length; i += 100) await Promise.all(subscribers.slice(i, i + 100).map(listen));
  await listen(aliceSecond);
  const recipients = N + 1; // every subscriber and alice's other device (alice's acting session is not listening)

  const change = async (text: string) => {
    expected = text;
    expectedBytes = Buffer.from(text);
    waiting = recipients;
    const done = new Promise<void>((resolve) => (onAllDelivered = resolve));
    sentAt = process.hrtime.bigint();
    await statusOf(alice).setSelfStatus({ customStatus: text }, auth(alice));
    await done;
  };
  for (let i = 0; i < WARMUP; i++) await change(`warmup-${i}`);
  latencies.length = 0;

  const before = await server.usage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < K; i++) await change(`status-${i}`);
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const after = await server.usage();

  const deliveries = K * recipients;
  const cpuUs = after.cpuUs - before.cpuUs;
  latencies.sort((a, b) => a - b);
  console.log(`deliveries:                 ${deliveries} in ${(elapsedMs / 1000).toFixed(2)} s`);
  console.log(`server CPU per delivery:    ${(cpuUs / deliveries).toFixed(1)} µs   (ejabberd: 39 µs at N=1000; target ≤ 39, goal 20)`);
  console.log(`deliveries per second:      ${Math.round(deliveries / (elapsedMs / 1000))}`);
  console.log(`set→delivered latency:      p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms   (ejabberd p99: 50 ms)`);
  console.log(`server RSS:                 ${(after.rss / 1048576).toFixed(0)} MiB`);

  for (const p of [...subscribers, aliceSecond]) p.abort.abort();
  await server.stop();
}


// Login throughput: L users log in (UserSig verification, account creation on first login, session, presence update
// to ONLINE), C at a time over a few connections. Reports server CPU per login, logins per second and latency.
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { SessionService } from "../gen/chatwire/v1/session_pb.js";
import { genUserSig } from "../server/auth/user-sig.js";
import { BENCH_SDK_APP_ID, BENCH_SECRET_KEY, percentile, startBenchServer } from "./server-harness.js";

const LOGINS = Number(process.env.BENCH_LOGINS ?? 5000);
const CONCURRENCY = Number(process.env.BENCH_LOGIN_CONCURRENCY ?? 50);
const CONNECTIONS = 8;

export async function benchLogin(): Promise<void> {
  const server = await startBenchServer();
  const clients = Array.from({ length: CONNECTIONS }, () =>
    createClient(SessionService, createConnectTransport({ baseUrl: server.url, httpVersion: "2", useBinaryFormat: true })),
  );
  // Sigs are made up front so that the load generator's HMAC and deflate work stays out of the measured window.
  const sigs = Array.from({ length: LOGINS }, (_, i) =>
    genUserSig({ sdkAppId: BENCH_SDK_APP_ID, secretKey: BENCH_SECRET_KEY, userId: `login${i}`, expireSeconds: 86400, nowMs: Date.now() }),
  );
  const run = async (from: number, to: number, latencies: number[]) => {
    let next = from;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async (_, worker) => {
        for (let i = next++; i < to; i = next++) {
          const started = process.hrtime.bigint();
          await clients[worker % CONNECTIONS]!.login({ userId: `login${i}`, userSig: sigs[i]!, deviceId: "bench" });
          latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
      }),
    );
  };
  const warmup = Math.min(500, Math.floor(LOGINS / 10));
  await run(0, warmup, []);
  const latencies: number[] = [];
  const before = await server.usage();
  const started = process.hrtime.bigint();
  await run(warmup, LOGINS, latencies);
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const after = await server.usage();
  const measured = LOGINS - warmup;
  latencies.sort((a, b) => a - b);
  console.log(`\nbench: login, ${measured} first logins (new accounts), ${CONCURRENCY} in flight over ${CONNECTIONS} connections`);
  console.log(`server CPU per login:       ${((after.cpuUs - before.cpuUs) / measured).toFixed(1)} µs`);
  console.log(`logins per second:          ${Math.round(measured / (elapsedMs / 1000))}`);
  console.log(`login latency:              p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`);
  await server.stop();
}

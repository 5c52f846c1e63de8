// What a user and an operator notice of the package: the facade's browser bundle (minified, gzipped) beside the
// official SDK's, how fast `chatwire` starts from compiled code (and from the sources through tsx, as it did before
// the build), and how long `chatwire serve` takes to stop on SIGTERM with an event stream open.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@connectrpc/connect";
import { Http2SessionManager, createConnectTransport } from "@connectrpc/connect-node";
import { EventService } from "../gen/chatwire/v1/event_pb.js";
import { SessionService } from "../gen/chatwire/v1/session_pb.js";
import { genUserSig } from "../server/auth/user-sig.js";
import { FACADE_ENTRY, bundleForBrowser, officialGzipBytes } from "../test/browser/bundle.js";
import { percentile } from "./server-harness.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const BIN = join(ROOT, "bin/chatwire.js");
const RUNS = Number(process.env.BENCH_START_RUNS ?? 7);

/** Starts a command and resolves with the ms until `ready` matches its stdout (or until it exits). */
function timeUntil(args: string[], ready: RegExp | "exit", cwd: string): Promise<{ ms: number; stop: () => Promise<void>; url?: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    let out = "";
    if (ready === "exit") {
      void exited.then(() => resolve({ ms: performance.now() - started, stop: async () => {} }));
      child.stdout.resume();
      return;
    }
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const match = ready.exec(out);
      if (match) resolve({ ms: performance.now() - started, url: match[1], stop: () => (child.kill("SIGTERM"), exited) });
    });
    void exited.then(() => reject(new Error(`exited before ${String(ready)}:\n${out}`)));
  });
}

async function median(label: string, run: () => Promise<number>): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) times.push(await run());
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(44)} median ${percentile(times, 50).toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times.at(-1)!.toFixed(0)}, ${RUNS} runs)`);
}

async function shutdownWithOpenStream(cwd: string): Promise<number> {
  const key = "bench-key";
  const server = await timeUntil([BIN, "serve", "--port", "0", "--storage", "memory", "--secret-key", key, "--log-level", "silent"], /listening on (\S+)/, cwd);
  const url = server.url!;
  const sessionManager = new Http2SessionManager(url);
  const transport = createConnectTransport({ baseUrl: url, httpVersion: "2", sessionManager });
  const { sessionToken } = await createClient(SessionService, transport).login({
    userId: "alice",
    userSig: genUserSig({ sdkAppId: 1400000000, secretKey: key, userId: "alice", expireSeconds: 600, nowMs: Date.now() }),
  });
  const frames = createClient(EventService, transport).streamEvents({}, { headers: { authorization: `Bearer ${sessionToken}` } });
  const iterator = frames[Symbol.asyncIterator]();
  await iterator.next(); // the stream is open
  const started = performance.now();
  const ended = (async () => {
    while (!(await iterator.next()).done) {
      // drain
    }
  })();
  await server.stop();
  const ms = performance.now() - started;
  await ended.catch(() => {});
  sessionManager.abort();
  return ms;
}

export async function benchPackage(): Promise<void> {
  const facade = await bundleForBrowser(FACADE_ENTRY, true);
  const official = officialGzipBytes();
  console.log("\nbench: package");
  console.log(
    `facade browser bundle (minified, gzip -9):  ${(facade.gzipBytes / 1024).toFixed(1)} KB, official @tencentcloud/chat index.js ${(official / 1024).toFixed(1)} KB (${((100 * facade.gzipBytes) / official).toFixed(1)} %)`,
  );
  const cwd = mkdtempSync(join(tmpdir(), "chatwire-bench-cli-"));
  try {
    await median("chatwire --version (compiled)", async () => (await timeUntil([BIN, "--version"], "exit", cwd)).ms);
    await median("chatwire --version (sources through tsx)", async () => (await timeUntil(["--import", "tsx", join(ROOT, "server/cli.ts"), "--version"], "exit", ROOT)).ms);
    const serveArgs = ["serve", "--port", "0", "--storage", "memory", "--secret-key", "k", "--log-level", "silent"];
    await median("chatwire serve until listening (compiled)", async () => {
      const run = await timeUntil([BIN, ...serveArgs], /listening on/, cwd);
      await run.stop();
      return run.ms;
    });
    await median("chatwire serve until listening (tsx)", async () => {
      const run = await timeUntil(["--import", "tsx", join(ROOT, "server/cli.ts"), ...serveArgs], /listening on/, ROOT);
      await run.stop();
      return run.ms;
    });
    await median("SIGTERM to exit, one event stream open", () => shutdownWithOpenStream(cwd));
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

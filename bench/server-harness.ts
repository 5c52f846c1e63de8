// Starts the benchmark's server in its own process and reads its CPU time over IPC, so the load generator's work
// never counts as server work.
import { fork, type ChildProcess } from "node:child_process";
import type http2 from "node:http2";
import { fileURLToPath } from "node:url";

export const BENCH_SECRET_KEY = "bench-secret-key";
export const BENCH_SDK_APP_ID = 1400000000;

export interface BenchServer {
  url: string;
  pid: number;
  /** Where the server keeps its data (a SQLite file unless BENCH_STORAGE says otherwise). */
  storage: string;
  /** Server CPU time (user + system) in microseconds, and its resident memory in bytes. */
  usage(): Promise<{ cpuUs: number; rss: number }>;
  stop(): Promise<void>;
}

/** Starts the server; `env` adds variables such as BENCH_STORAGE (a database to serve) or BENCH_SERVER_OPTIONS. */
export async function startBenchServer(env: Record<string, string> = {}): Promise<BenchServer> {
  const child: ChildProcess = fork(fileURLToPath(new URL("./server-process.ts", import.meta.url)), {
    // BENCH_PROFILE=dir writes a V8 CPU profile of the server into dir.
    execArgv: ["--import", "tsx", ...(process.env.BENCH_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [])],
    env: { ...process.env, ...env, BENCH_SECRET_KEY },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = <T>() => new Promise<T>((resolve) => child.once("message", (m) => resolve(m as T)));
  const { url, storage } = await next<{ url: string; storage: string }>();
  return {
    url,
    storage,
    pid: child.pid!,
    async usage() {
      const reply = next<{ cpu: NodeJS.CpuUsage; mem: number }>();
      child.send({ cmd: "cpu" });
      const { cpu, mem } = await reply;
      return { cpuUs: cpu.user + cpu.system, rss: mem };
    },
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send({ cmd: "stop" });
      await exited;
    },
  };
}

export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Opens a session's event stream on an HTTP/2 connection and hands each frame's bytes to `onFrame`, splitting only
 * the Connect envelopes (no decoding, so the load generator's work stays small). Resolves on the first frame.
 */
export function openEventStream(connection: http2.ClientHttp2Session, token: string, onFrame: (message: Buffer) => void): Promise<void> {
  const stream = connection.request({
    ":method": "POST",
    ":path": "/chatwire.v1.EventService/StreamEvents",
    "content-type": "application/connect+proto",
    "connect-protocol-version": "1",
    authorization: `Bearer ${token}`,
  });
  stream.end(Buffer.from([0, 0, 0, 0, 0]));
  stream.on("error", () => {});
  return new Promise<void>((resolve) => {
    let buffered: Buffer = Buffer.alloc(0);
    stream.on("data", (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      while (buffered.length >= 5) {
        const length = buffered.readUInt32BE(1);
        if (buffered.length < 5 + length) break;
        const message = buffered.subarray(5, 5 + length);
        buffered = buffered.subarray(5 + length);
        resolve(); // the first frame: the stream is open
        onFrame(message);
      }
    });
  });
}

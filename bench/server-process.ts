// The benchmark's server: the reference server in its own process, answering CPU-usage probes over IPC so the
// load generator's work never counts as server work. BENCH_SERVER_OPTIONS (JSON) adds server options.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type ServerOptions } from "../server/index.js";

const storage = process.env.BENCH_STORAGE ?? join(mkdtempSync(join(tmpdir(), "chatwire-bench-")), "bench.db");
const extra = JSON.parse(process.env.BENCH_SERVER_OPTIONS ?? "{}") as ServerOptions;
const server = await startServer({
  ...extra,
  storage,
  logLevel: "silent",
  secretKey: process.env.BENCH_SECRET_KEY,
  presence: { maxSubscriptions: 100_000 },
  // The load generator is one address logging in thousands of users: login limits would measure themselves.
  limits: { loginAttemptsPerAddress: { requests: 1e9, windowMs: 1000 } },
});
process.on("message", (msg: { cmd: string }) => {
  if (msg.cmd === "cpu") process.send!({ cpu: process.cpuUsage(), mem: process.memoryUsage().rss });
  if (msg.cmd === "stop") void server.close().then(() => process.exit(0));
});
process.send!({ url: server.url, storage });

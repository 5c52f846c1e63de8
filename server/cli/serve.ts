// `chatwire serve`: turns the checked settings into ServerOptions, keeps the secret key in the data directory,
// starts the server, prints where everything is, and shuts down gracefully on SIGTERM/SIGINT (a second signal
// exits at once). Start-up failures become one line.
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { sectionOf, type Config } from "../config/load-config.js";
import { resolveSecretKey } from "../config/secret-key.js";
import { ConfigError, redactUrl } from "../config/settings.js";
import type { RunningServer } from "../index.js";
import type { ServerOptions } from "../options.js";
import { chatwireVersion } from "../version.js";

const START_TIMEOUT_MS = 60_000;
const STORAGE_ERRORS = new Set(["StorageConfigError", "StorageUnavailableError", "StorageBusyError"]);

/** A start-up failure as one line. */
export function describeStartError(err: unknown, ctx: { host: string; port: number; storage: string }): string {
  const e = err as NodeJS.ErrnoException & { hostname?: string };
  const message = err instanceof Error ? err.message.split("\n")[0]! : String(err);
  if (e.syscall === "listen") {
    if (e.code === "EADDRINUSE") return `port ${ctx.port} on ${ctx.host} is already in use (choose another with --port or PORT)`;
    if (e.code === "EACCES") return `no permission to listen on ${ctx.host}:${ctx.port} (ports below 1024 need privileges: use a higher port behind a reverse proxy)`;
    if (e.code === "EADDRNOTAVAIL") return `cannot listen on ${ctx.host}: this machine has no such address`;
  }
  if (e.syscall === "getaddrinfo" && e.hostname === ctx.host) return `cannot listen on ${ctx.host}: unknown host`;
  if (STORAGE_ERRORS.has((err as Error).name) || (typeof e.code === "string" && e.code.startsWith("SQLITE_")) || e.syscall === "mkdir" || e.syscall === "open") {
    return `cannot open storage ${ctx.storage}: ${redactUrl(message)}`;
  }
  return `failed to start: ${redactUrl(message)}`;
}

function describeStorage(location: string): string {
  if (location === ":memory:") return "in memory (nothing persists across restarts)";
  if (/^postgres(ql)?:\/\//i.test(location)) return `PostgreSQL ${location}`;
  return `SQLite ${resolve(location)}`;
}

export async function serve(config: Config): Promise<void> {
  const v = config.values;
  const dataDir = resolve((v.dataDir as string | undefined) ?? "./data");
  const storage = (v.storage as string | undefined) ?? join(dataDir, "chatwire.db");
  const host = (v.host as string | undefined) ?? "127.0.0.1";
  const port = (v.port as number | undefined) ?? 8080;
  const secret = resolveSecretKey({ secretKey: v.secretKey as string | undefined, secretKeyFile: v.secretKeyFile as string | undefined, dataDir, generate: true });
  if (storage === join(dataDir, "chatwire.db")) mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  // Sections the server may know beyond this CLI's table (limits, uploads) go through as they are.
  const options: ServerOptions & Record<string, unknown> = {
    host,
    port,
    sdkAppID: (v.sdkAppID as number | undefined) ?? 1400000000,
    secretKey: secret.key,
    storage,
    logLevel: (v.logLevel as string | undefined) ?? "info",
  };
  for (const key of ["corsOrigins", "metrics", "orgName", "keepaliveMs", "shutdownGraceMs"]) if (v[key] !== undefined) options[key] = v[key];
  for (const section of ["presence", "relationships", "translation", "speechToText", "limits", "uploads"]) {
    const value = sectionOf(config, section);
    if (value) options[section] = value;
  }

  // Signals are handled from here on, so one that arrives while the server starts stops it once it has started.
  let server: RunningServer | undefined;
  let stopping: NodeJS.Signals | undefined;
  const shutDown = (running: RunningServer, signal: NodeJS.Signals) => {
    const started = performance.now();
    console.log(`Chatwire stopping (${signal})…`);
    running.close().then(
      () => {
        console.log(`Chatwire stopped in ${Math.round(performance.now() - started)} ms`);
        process.exit(0);
      },
      (err: unknown) => {
        console.error(`chatwire: shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      console.error(`chatwire: ${signal} again, exiting now`);
      process.exit(1);
    }
    stopping = signal;
    if (server) shutDown(server, signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const { startServer } = await import("../index.js");
  let timer: NodeJS.Timeout | undefined;
  server = await Promise.race([
    startServer(options),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ConfigError(`the server did not start within ${START_TIMEOUT_MS / 1000} s (is the storage ${redactUrl(storage)} reachable?)`)), START_TIMEOUT_MS);
      timer.unref();
    }),
  ])
    .catch((err: unknown) => {
      throw err instanceof ConfigError ? err : new ConfigError(describeStartError(err, { host, port, storage: redactUrl(storage) }));
    })
    .finally(() => clearTimeout(timer));

  const lines = [
    `Chatwire ${chatwireVersion()} listening on ${server.url}`,
    `  SDKAppID    ${server.sdkAppID}`,
    `  storage     ${describeStorage(server.storageLocation)}`,
  ];
  if (secret.origin === "generated") {
    lines.push(`  secret key  generated into ${secret.file} (mode 0600); shown this once:`, `              ${secret.key}`);
  } else {
    lines.push(`  secret key  ${secret.origin === "file" ? secret.file : "from the settings"}`);
  }
  if (config.file) lines.push(`  config      ${resolve(config.file)}`);
  if (v.metrics !== false) lines.push(`  metrics     ${server.url}/metrics (health: /healthz, /readyz)`);
  console.log(lines.join("\n"));
  if (stopping) shutDown(server, stopping);
}

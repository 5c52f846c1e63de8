// The admin commands that talk to a running server: import-accounts (AccountAdminService over Connect, signed as
// `administrator`) and status (/healthz, /readyz and a few figures from /metrics).
import { readFile } from "node:fs/promises";
import { ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { AccountAdminService } from "../../gen/chatwire/v1/account_admin_pb.js";
import { ErrorDetailSchema } from "../../gen/chatwire/v1/error_code_pb.js";
import { genUserSig } from "../auth/user-sig.js";
import { ConfigError } from "../config/settings.js";

const BATCH = 100;
const REQUEST_TIMEOUT_MS = 10_000;

/** User IDs from a file (or "-" for stdin): a JSON array, or one per line with # comments. */
export async function readUserIds(file: string): Promise<string[]> {
  let text: string;
  try {
    text = file === "-" ? await new Response(process.stdin as unknown as ReadableStream).text() : await readFile(file, "utf8");
  } catch (err) {
    throw new ConfigError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  if (text.trimStart().startsWith("[")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ConfigError(`${file} starts with [ but is not a JSON array`);
    }
    if (!Array.isArray(parsed) || !parsed.every((id) => typeof id === "string")) throw new ConfigError(`${file} must be a JSON array of strings`);
    return parsed as string[];
  }
  return text
    .split("\n")
    .map((line) => line.replace(/#.*/, "").trim())
    .filter(Boolean);
}

function describeRpcError(err: unknown, url: string): string {
  if (!(err instanceof ConnectError)) return String(err);
  const code = err.findDetails(ErrorDetailSchema)[0]?.code;
  if (code !== undefined) return `${err.rawMessage} (code ${code})`;
  if (err.code === 14 || /ECONNREFUSED|ENOTFOUND|fetch failed/.test(err.message)) return `cannot reach ${url}: ${err.rawMessage}`;
  return err.rawMessage;
}

export async function importAccounts(input: { url: string; sdkAppID: number; secretKey: string; userIds: readonly string[] }): Promise<string> {
  const ids = [...new Set(input.userIds)];
  const client = createClient(AccountAdminService, createConnectTransport({ baseUrl: input.url, httpVersion: "1.1" }));
  const userSig = genUserSig({ sdkAppId: input.sdkAppID, secretKey: input.secretKey, userId: "administrator", expireSeconds: 600, nowMs: Date.now() });
  let created = 0;
  for (let i = 0; i < ids.length; i += BATCH) {
    const batch = ids.slice(i, i + BATCH);
    try {
      const res = await client.importAccounts({ userIdList: batch }, { headers: { authorization: `Bearer ${userSig}` }, timeoutMs: REQUEST_TIMEOUT_MS });
      created += res.createdUserIdList.length;
    } catch (err) {
      const done = i > 0 ? ` after ${i} accounts (${created} created)` : "";
      throw new ConfigError(`import failed at IDs ${i + 1}–${i + batch.length}${done}: ${describeRpcError(err, input.url)}`);
    }
  }
  return `imported ${ids.length} account${ids.length === 1 ? "" : "s"} into ${input.url}: ${created} created, ${ids.length - created} already existed`;
}

/** The value of an unlabelled (or first) sample of a metric in Prometheus text, or the sum over its label sets. */
export function metricValue(text: string, name: string, sum = false): number | undefined {
  let total: number | undefined;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name) || (line[name.length] !== " " && line[name.length] !== "{")) continue;
    const value = Number(line.slice(line.lastIndexOf(" ") + 1));
    if (!sum) return value;
    total = (total ?? 0) + value;
  }
  return total;
}

function duration(seconds: number): string {
  const d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600), m = Math.floor((seconds % 3600) / 60);
  return d > 0 ? `${d}d ${h}h` : h > 0 ? `${h}h ${m}m` : `${m}m ${Math.floor(seconds % 60)}s`;
}

export async function status(url: string): Promise<{ ok: boolean; lines: string[] }> {
  const get = async (path: string) => {
    const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    return { status: res.status, text: await res.text() };
  };
  let health: { status: number; text: string };
  try {
    health = await get("/healthz");
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new ConfigError(`cannot reach ${url}: ${cause}`);
  }
  const live = health.status === 200;
  const { version } = (live ? JSON.parse(health.text) : {}) as { version?: string };
  const ready = await get("/readyz");
  const readiness = JSON.parse(ready.text || "{}") as { status?: string; storage?: string };
  const why = [ready.status === 200 ? undefined : (readiness.status ?? `HTTP ${ready.status}`), readiness.storage && `storage ${readiness.storage}`].filter(Boolean).join(", ");
  const lines = [`${url}: ${live ? "live" : `not live (HTTP ${health.status})`}, ${ready.status === 200 ? "ready" : "NOT ready"}${why ? ` (${why})` : ""}`];
  const metrics = await get("/metrics");
  if (metrics.status === 200) {
    const m = (name: string, sum = false) => metricValue(metrics.text, name, sum) ?? 0;
    const started = metricValue(metrics.text, "process_start_time_seconds");
    lines.push(
      `version ${version ?? "?"}${started ? `, up ${duration(Date.now() / 1000 - started)}` : ""}`,
      `sessions ${m("chatwire_sessions")} (users online ${m("chatwire_users_online")}), event streams ${m("chatwire_event_streams")}`,
      `RPCs served ${m("chatwire_rpc_requests_total", true)}, events delivered ${m("chatwire_events_delivered_total")}, auth failures ${m("chatwire_auth_failures_total", true)}`,
    );
  } else lines.push(`version ${version ?? "?"} (metrics unavailable: HTTP ${metrics.status})`);
  return { ok: live && ready.status === 200, lines };
}

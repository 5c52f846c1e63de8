// What an operator's tooling sees: /healthz and /readyz (GET and HEAD), /metrics after real traffic (sessions,
// streams, RPCs by method and code, auth failures, events delivered, storage latency, event-loop lag), a close()
// that ends open streams normally, and `metrics: false`.
import assert from "node:assert/strict";
import { request } from "node:http";
import { after, before, describe, it } from "node:test";
import { ConnectError, createClient } from "@connectrpc/connect";
import { Http2SessionManager, createConnectTransport } from "@connectrpc/connect-node";
import { EventService } from "../../gen/chatwire/v1/event_pb.js";
import { SessionService } from "../../gen/chatwire/v1/session_pb.js";
import { UserStatusService } from "../../gen/chatwire/v1/user_status_pb.js";
import { genUserSig, startServer, type RunningServer } from "../../server/index.js";
import { metricValue } from "../../server/cli/admin-commands.js";

const SECRET_KEY = "observability-key";
let server: RunningServer;
before(async () => (server = await startServer({ storage: "memory", logLevel: "silent", secretKey: SECRET_KEY })));
after(() => server.close());

const sig = (userId: string) => genUserSig({ sdkAppId: server.sdkAppID, secretKey: SECRET_KEY, userId, expireSeconds: 600, nowMs: Date.now() });
const metrics = async () => {
  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
  return res.text();
};

describe("health endpoints", () => {
  for (const path of ["/healthz", "/readyz"]) {
    it(`${path} answers GET with JSON and HEAD without a body`, async () => {
      const get = await fetch(`${server.url}${path}`);
      assert.equal(get.status, 200);
      const body = (await get.json()) as { status: string; version?: string };
      assert.equal(body.status, path === "/healthz" ? "ok" : "ready");
      const head = await fetch(`${server.url}${path}`, { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), "");
    });
  }
});

describe("/metrics", () => {
  it("counts sessions, streams, RPCs by method and code, auth failures and events delivered", async () => {
    const sessionManager = new Http2SessionManager(server.url);
    const transport = createConnectTransport({ baseUrl: server.url, httpVersion: "2", sessionManager });
    const session = createClient(SessionService, transport);
    const events = createClient(EventService, transport);
    const status = createClient(UserStatusService, transport);
    try {
      const alice = await session.login({ userId: "alice", userSig: sig("alice") });
      const bob = await session.login({ userId: "bob", userSig: sig("bob") });
      const refused = await session.login({ userId: "mallory", userSig: sig("not-mallory") }).catch((e: unknown) => e);
      assert.ok(refused instanceof ConnectError);
      const auth = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
      await status.subscribeUserStatus({ userIdList: ["bob"] }, auth(alice.sessionToken));
      const stream = events.streamEvents({}, auth(alice.sessionToken))[Symbol.asyncIterator]();
      await stream.next(); // open
      await status.setSelfStatus({ customStatus: "busy" }, auth(bob.sessionToken));
      let delivered = 0;
      while (delivered === 0) delivered = (await stream.next()).value?.events.length ?? 0;

      const text = await metrics();
      assert.equal(metricValue(text, "chatwire_sessions"), 2);
      assert.equal(metricValue(text, "chatwire_users_online"), 2);
      assert.equal(metricValue(text, "chatwire_event_streams"), 1);
      assert.match(text, /^chatwire_rpc_requests_total\{method="chatwire\.v1\.SessionService\.Login",code="0"\} 2$/m);
      assert.match(text, /^chatwire_rpc_requests_total\{method="chatwire\.v1\.SessionService\.Login",code="70013"\} 1$/m);
      assert.match(text, /^chatwire_rpc_duration_seconds_count\{method="chatwire\.v1\.UserStatusService\.SetSelfStatus"\} 1$/m);
      assert.match(text, /^chatwire_auth_failures_total\{code="70013"\} 1$/m);
      assert.ok((metricValue(text, "chatwire_events_delivered_total") ?? 0) >= 1);
      assert.ok((metricValue(text, "chatwire_event_frames_total") ?? 0) >= 1);
      assert.match(text, /^chatwire_storage_operation_duration_seconds_count\{operation="batch",outcome="ok"\} [1-9]/m, "group commits are timed");
      assert.match(text, /^chatwire_build_info\{version="\d+\.\d+\.\d+[^"]*"\} 1$/m);
      assert.match(text, /^nodejs_eventloop_lag_seconds /m);
      await stream.return?.();
    } finally {
      sessionManager.abort();
    }
  });
});

it("close() ends open event streams normally and stops accepting; `metrics: false` turns /metrics off", async () => {
  const other = await startServer({ storage: "memory", logLevel: "silent", metrics: false, shutdownGraceMs: 2_000 });
  assert.equal((await fetch(`${other.url}/metrics`)).status, 404);
  const sessionManager = new Http2SessionManager(other.url);
  const session = createClient(SessionService, createConnectTransport({ baseUrl: other.url, httpVersion: "2", sessionManager }));
  const { sessionToken } = await session.login({ userId: "carol", userSig: genUserSig({ sdkAppId: other.sdkAppID, secretKey: other.secretKey, userId: "carol", expireSeconds: 600, nowMs: Date.now() }) });
  const stream = createClient(EventService, createConnectTransport({ baseUrl: other.url, httpVersion: "2", sessionManager }))
    .streamEvents({}, { headers: { authorization: `Bearer ${sessionToken}` } })
    [Symbol.asyncIterator]();
  await stream.next();
  const closing = other.close();
  let next = await stream.next();
  while (!next.done) next = await stream.next(); // events queued before the end (carol's own status) come first
  assert.equal(next.done, true, "the stream ends normally, without an error");
  await closing;
  sessionManager.abort();
  await assert.rejects(fetch(`${other.url}/healthz`));
});

it("close() lets a call in flight finish within the grace period", async () => {
  const other = await startServer({ storage: "memory", logLevel: "silent", shutdownGraceMs: 5_000 });
  // A call whose body is still arriving is in flight: half of it now, the rest once close() has begun.
  const req = request(`${other.url}/chatwire.v1.SessionService/GetServerTime`, {
    method: "POST",
    // The server answers 100 Continue as it hands the request to its handler: from then on the call is in flight.
    headers: { "content-type": "application/json", "content-length": "2", expect: "100-continue" },
  });
  const inFlight = new Promise((resolve) => req.once("continue", resolve));
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on("response", (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
  });
  req.flushHeaders();
  await inFlight;
  req.write("{");
  let closed = false;
  const closing = other.close().then(() => (closed = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(closed, false, "close() waits for the call");
  req.end("}");
  const { status, body } = await response;
  assert.equal(status, 200);
  assert.match(body, /"serverTime"/);
  await closing;
});

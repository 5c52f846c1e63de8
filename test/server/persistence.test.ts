// What a user notices across a restart, on SQLite and PostgreSQL: accounts, custom status and subscriptions
// survive; a subscriber still hears of changes without subscribing again; a custom-status clearing due 30 s after
// logout still happens when the server restarted in between.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { EventService, type StreamEventsResponse } from "../../gen/chatwire/v1/event_pb.js";
import { SessionService } from "../../gen/chatwire/v1/session_pb.js";
import { UserStatusService } from "../../gen/chatwire/v1/user_status_pb.js";
import { genUserSig } from "../../server/auth/user-sig.js";
import { createManualClock, startServer } from "../../server/index.js";
import { freshStorage, skipReason } from "../support/storage-engines.js";

const baseOptions = { logLevel: "silent", secretKey: "persist-key", sdkAppID: 1400000001 };

async function connect(url: string, userId: string, nowMs = Date.now()) {
  const transport = createConnectTransport({ baseUrl: url, httpVersion: "2", useBinaryFormat: true });
  const userSig = genUserSig({ sdkAppId: baseOptions.sdkAppID, secretKey: baseOptions.secretKey, userId, expireSeconds: 600, nowMs });
  const { sessionToken } = await createClient(SessionService, transport).login({ userId, userSig });
  const headers = { authorization: `Bearer ${sessionToken}` };
  return { transport, headers, status: createClient(UserStatusService, transport), events: createClient(EventService, transport) };
}

async function keepsStateAcrossRestart(storage: string): Promise<void> {
    const options = { ...baseOptions, storage };
    let server = await startServer(options);
    let alice = await connect(server.url, "alice");
    let bob = await connect(server.url, "bob");
    await bob.status.subscribeUserStatus({ userIdList: ["alice"] }, { headers: bob.headers });
    await alice.status.setSelfStatus({ customStatus: "on leave" }, { headers: alice.headers });
    await server.close();

    server = await startServer(options);
    try {
      bob = await connect(server.url, "bob");
      const [status] = (await bob.status.getUserStatus({ userIdList: ["alice"] }, { headers: bob.headers })).successUserList;
      assert.equal(status?.customStatus, "on leave");

      const abort = new AbortController();
      const stream = bob.events.streamEvents({}, { headers: bob.headers, signal: abort.signal })[Symbol.asyncIterator]();
      await stream.next(); // open
      alice = await connect(server.url, "alice");
      await alice.status.setSelfStatus({ customStatus: "back" }, { headers: alice.headers });
      const seen: string[] = [];
      while (!seen.includes("alice:back")) {
        const frame = (await stream.next()).value!;
        for (const e of frame.events) {
          if (e.payload.case === "userStatusUpdated") for (const s of e.payload.value.userStatusList) seen.push(`${s.userId}:${s.customStatus}`);
        }
      }
      abort.abort();
    } finally {
      await server.close();
    }
}

/** The custom status is cleared 30 s after logout even when the server restarts in between. */
async function clearsCustomStatusAcrossRestart(storage: string): Promise<void> {
  const clock = createManualClock();
  const options = { ...baseOptions, storage, clock };
  let server = await startServer(options);
  const alice = await connect(server.url, "alice", clock.now());
  await alice.status.setSelfStatus({ customStatus: "away" }, { headers: alice.headers });
  await createClient(SessionService, alice.transport).logout({}, { headers: alice.headers });
  clock.advance(10_000);
  await server.close();

  clock.advance(5_000);
  server = await startServer(options);
  try {
    const bob = await connect(server.url, "bob", clock.now());
    const statusOf = async () =>
      (await bob.status.getUserStatus({ userIdList: ["alice"] }, { headers: bob.headers })).successUserList[0]?.customStatus;
    assert.equal(await statusOf(), "away");
    await bob.status.subscribeUserStatus({ userIdList: ["alice"] }, { headers: bob.headers });
    const abort = new AbortController();
    const stream = bob.events.streamEvents({}, { headers: bob.headers, signal: abort.signal })[Symbol.asyncIterator]();
    await stream.next(); // open
    clock.advance(14_999);
    assert.equal(await statusOf(), "away");
    clock.advance(1);
    for (;;) {
      const frame: StreamEventsResponse = (await stream.next()).value!;
      const cleared = frame.events.some(
        (e) => e.payload.case === "userStatusUpdated" && e.payload.value.userStatusList.some((s) => s.userId === "alice" && s.customStatus === ""),
      );
      if (cleared) break;
    }
    assert.equal(await statusOf(), "");
    abort.abort();
  } finally {
    await server.close();
  }
}

describe("persistence", () => {
  for (const engine of ["sqlite", "postgres"] as const) {
    it(`keeps custom status and subscriptions across a restart (${engine})`, async (t) => {
      const skip = await skipReason(engine);
      if (skip) return t.skip(skip);
      const slot = await freshStorage(engine);
      try {
        await keepsStateAcrossRestart(slot.storage);
      } finally {
        await slot.dispose();
      }
    });

    it(`clears the custom status 30 s after logout across a restart (${engine})`, async (t) => {
      const skip = await skipReason(engine);
      if (skip) return t.skip(skip);
      const slot = await freshStorage(engine);
      try {
        await clearsCustomStatusAcrossRestart(slot.storage);
      } finally {
        await slot.dispose();
      }
    });
  }
});

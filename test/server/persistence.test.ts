// What a user notices across a restart with the default (SQLite) storage: accounts, custom status and
// subscriptions survive; a subscriber still hears of changes without subscribing again.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { EventService } from "../../gen/chatwire/v1/event_pb.js";
import { SessionService } from "../../gen/chatwire/v1/session_pb.js";
import { UserStatusService } from "../../gen/chatwire/v1/user_status_pb.js";
import { genUserSig } from "../../server/auth/user-sig.js";
import { startServer } from "../../server/index.js";
import { withPgSchema } from "../helpers/postgres.js";

const dir = mkdtempSync(join(tmpdir(), "chatwire-persist-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const baseOptions = { logLevel: "silent", secretKey: "persist-key", sdkAppID: 1400000001 };

async function connect(url: string, userId: string) {
  const transport = createConnectTransport({ baseUrl: url, httpVersion: "2", useBinaryFormat: true });
  const userSig = genUserSig({ sdkAppId: baseOptions.sdkAppID, secretKey: baseOptions.secretKey, userId, expireSeconds: 600, nowMs: Date.now() });
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

describe("persistence", () => {
  it("keeps custom status and subscriptions across a restart (SQLite, the default)", () => keepsStateAcrossRestart(join(dir, "chat.db")));

  it("keeps custom status and subscriptions across a restart (PostgreSQL)", (t) => withPgSchema(t, "chatwire_persist", keepsStateAcrossRestart));
});

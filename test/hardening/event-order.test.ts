// Events under load (issue 6, item 12): with many changes in flight at once and many subscribers, every session
// receives every change exactly once, in one order, each event carrying the state its change committed — on the
// binary fast path and on the Connect router path alike.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import { createConnectTransport } from "@connectrpc/connect-node";
import { createClient } from "@connectrpc/connect";
import type { StreamEventsResponse } from "../../gen/chatwire/v1/event_pb.js";
import { PresenceAdminService } from "../../gen/chatwire/v1/presence_admin_pb.js";
import { processFaults } from "../../server/index.js";
import { adminHeaders, assertNoFaults, login, openStream, start, type Peer } from "./helpers.js";

const SUBSCRIBERS = 120;
const ROUNDS = 6;
const IN_FLIGHT = 8;
const faultsBefore = processFaults();
const dir = mkdtempSync(join(tmpdir(), "chatwire-order-"));
after(() => {
  rmSync(dir, { recursive: true, force: true });
  assertNoFaults(faultsBefore);
});

interface Seen {
  statuses: string[];
  sequences: bigint[];
}

/** Reads a stream until it carries alice's `last` status, collecting alice's statuses in arrival order. */
async function collect(stream: AsyncIterator<StreamEventsResponse>, last: string): Promise<Seen> {
  const seen: Seen = { statuses: [], sequences: [] };
  for (;;) {
    const { value, done } = await stream.next();
    assert.ok(!done, "the stream ended early");
    assert.equal(value.resyncRequired, false);
    for (const e of value.events) {
      if (e.payload.case !== "userStatusUpdated") continue;
      for (const s of e.payload.value.userStatusList) {
        if (s.userId !== "alice") continue;
        seen.statuses.push(s.customStatus);
        seen.sequences.push(e.sequence);
        if (s.customStatus === last) return seen;
      }
    }
  }
}

it("every subscriber sees every concurrent change once, in one order, with its committed state", async () => {
  // SQLite group-commits writes made in the same tick: the window in which changes overtake each other.
  const server = await start({ storage: join(dir, "order.db") });
  try {
    const transports = Array.from({ length: 8 }, (_, i) =>
      createConnectTransport({ baseUrl: server.url, httpVersion: "2", useBinaryFormat: i % 2 === 0 }),
    );
    const alice = await login(server, "alice");
    const aliceDevice = await login(server, "alice", { deviceId: "second" });
    const subscribers: Peer[] = [];
    for (let i = 0; i < SUBSCRIBERS; i += 20) {
      subscribers.push(...(await Promise.all(Array.from({ length: 20 }, (_, j) => login(server, `sub${i + j}`, { transport: transports[(i + j) % 8] })))));
    }
    await Promise.all(subscribers.map((s) => s.status.subscribeUserStatus({ userIdList: ["alice"] }, { headers: s.headers })));
    const abort = new AbortController();
    const streams = [aliceDevice, ...subscribers].map((p) => openStream(p, 0n, abort.signal));
    await Promise.all(streams.map((s) => s.next()));

    // Changes in flight at once, from the user's own session and from the admin API, which share one record.
    const admin = createClient(PresenceAdminService, transports[0]!);
    const app = { orgName: "chatwire", appName: String(server.sdkAppID) };
    const written: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, (_, k) => {
          const value = `r${round}c${k}`;
          written.push(value);
          if (k % 4 === 3) return admin.setPresence({ ...app, username: "alice", resource: "web", status: "1", ext: value }, { headers: adminHeaders(server) });
          return alice.status.setSelfStatus({ customStatus: value }, { headers: alice.headers }).then((res) => {
            assert.equal(res.status?.customStatus, value, "the answer carries the change it made");
          });
        }),
      );
    }
    await alice.status.setSelfStatus({ customStatus: "done" }, { headers: alice.headers });

    const seen = await Promise.all(streams.map((s) => collect(s, "done")));
    abort.abort();
    const reference = seen[0]!.statuses;
    assert.deepEqual([...reference].sort(), [...written, "done"].sort(), "each change arrives exactly once");
    for (const [i, s] of seen.entries()) {
      assert.deepEqual(s.statuses, reference, `session ${i} saw the changes in the same order`);
      for (let k = 1; k < s.sequences.length; k++) assert.ok(s.sequences[k]! > s.sequences[k - 1]!, "sequences increase");
    }
    const [final] = (await alice.status.getUserStatus({ userIdList: ["alice"] }, { headers: alice.headers })).successUserList;
    assert.equal(final?.customStatus, "done");
  } finally {
    await server.close();
  }
});

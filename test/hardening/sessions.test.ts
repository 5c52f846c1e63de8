// Sessions over real sockets: long UserSigs (item 4), sessions per user, one stream per session and login limits
// (item 10). Logout's durability (item 11) is proven by kill -9 in durability.test.ts.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { ConnectError } from "@connectrpc/connect";
import { ErrorDetailSchema } from "../../gen/chatwire/v1/error_code_pb.js";
import type { StreamEventsResponse } from "../../gen/chatwire/v1/event_pb.js";
import { KickedOutType, UserStatusType } from "../../gen/chatwire/v1/types_pb.js";
import { createManualClock, MAX_TIMER_DELAY_MS, systemClock } from "../../server/clock.js";
import { processFaults } from "../../server/index.js";
import { assertAnswers, assertNoFaults, login, openStream, start } from "./helpers.js";

const faultsBefore = processFaults();
after(() => assertNoFaults(faultsBefore));

const DAY_MS = 86_400_000;

function officialCode(err: unknown): number | undefined {
  return err instanceof ConnectError ? err.findDetails(ErrorDetailSchema)[0]?.code : undefined;
}

describe("long UserSigs (item 4)", () => {
  it("the clocks run a delay longer than setTimeout takes at its due time, not 1 ms later", () => {
    const clock = createManualClock();
    let fired = 0;
    clock.schedule(180 * DAY_MS, () => fired++);
    clock.advance(1);
    assert.equal(fired, 0);
    clock.advance(180 * DAY_MS - 2);
    assert.equal(fired, 0);
    clock.advance(1);
    assert.equal(fired, 1);
  });

  it("the system clock never hands setTimeout a delay past its maximum", () => {
    const delays: number[] = [];
    const original = globalThis.setTimeout;
    globalThis.setTimeout = ((fn: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return original(fn, 0);
    }) as typeof setTimeout;
    try {
      systemClock.schedule(180 * DAY_MS, () => assert.fail("fired early")).cancel();
    } finally {
      globalThis.setTimeout = original;
    }
    assert.deepEqual(delays, [MAX_TIMER_DELAY_MS]);
  });

  it("a session with a 180-day UserSig stays logged in, and is kicked out when it expires", async () => {
    const clock = createManualClock(Date.now());
    const server = await start({ clock });
    try {
      const alice = await login(server, "alice", { expireSeconds: 180 * 86_400, nowMs: clock.now() });
      const abort = new AbortController();
      const stream = openStream(alice, 0n, abort.signal);
      await stream.next();
      clock.advance(1000);
      clock.advance(179 * DAY_MS);
      assert.equal(server.inspectSessions("alice").length, 1, "still logged in after 179 days");
      await alice.session.heartbeat({}, { headers: alice.headers });
      clock.advance(DAY_MS + 1000);
      const kicked = [];
      for (let frame = await stream.next(); !frame.done; frame = await stream.next()) {
        for (const e of frame.value.events) if (e.payload.case === "kickedOut") kicked.push(e.payload.value.type);
      }
      assert.deepEqual(kicked, [KickedOutType.USERSIG_EXPIRED]);
      assert.equal(server.inspectSessions("alice").length, 0);
    } finally {
      await server.close();
    }
  });
});

describe("sessions per user (item 10)", () => {
  it("a login past the cap kicks the oldest session out with KICKED_OUT multipleAccount", async () => {
    const server = await start({ limits: { sessionsPerUser: 2 } });
    try {
      const first = await login(server, "alice", { deviceId: "d1" });
      const abort = new AbortController();
      const stream = openStream(first, 0n, abort.signal);
      await stream.next();
      await login(server, "alice", { deviceId: "d2" });
      await login(server, "alice", { deviceId: "d3" });
      const kicked = [];
      for (let frame = await stream.next(); !frame.done; frame = await stream.next()) {
        for (const e of frame.value.events) if (e.payload.case === "kickedOut") kicked.push(e.payload.value.type);
      }
      assert.deepEqual(kicked, [KickedOutType.MULT_ACCOUNT]);
      assert.deepEqual(server.inspectSessions("alice").map((s) => s.deviceId).sort(), ["d2", "d3"]);
      await assert.rejects(first.session.heartbeat({}, { headers: first.headers }), (err) => officialCode(err) === 990003);
      // The user stayed online throughout: the kick-out is not a logout.
      const [status] = (await first.status.getUserStatus({ userIdList: ["alice"] }, { headers: (await login(server, "bob")).headers })).successUserList;
      assert.equal(status?.statusType, UserStatusType.ONLINE);
    } finally {
      await server.close();
    }
  });

  it("a second stream of one session ends the first with 990007", async () => {
    const server = await start();
    try {
      const alice = await login(server, "alice");
      const first = openStream(alice);
      await first.next();
      const second = openStream(alice);
      await second.next();
      await assert.rejects(async () => {
        for (let f = await first.next(); !f.done; f = await first.next());
      }, (err) => officialCode(err) === 990007);
      assert.deepEqual(server.inspectSessions("alice").map((s) => s.openStreams), [1]);
      await alice.status.setSelfStatus({ customStatus: "to the new stream" }, { headers: alice.headers });
      for (;;) {
        const frame: StreamEventsResponse = (await second.next()).value!;
        if (frame.events.some((e) => e.payload.case === "userStatusUpdated")) break;
      }
    } finally {
      await server.close();
    }
  });

  it("login attempts are limited per user and per address (990008)", async () => {
    const server = await start({
      limits: { loginAttemptsPerUser: { requests: 3, windowMs: 60_000 }, loginAttemptsPerAddress: { requests: 5, windowMs: 60_000 } },
    });
    try {
      for (let i = 0; i < 3; i++) await login(server, "alice");
      await assert.rejects(login(server, "alice"), (err) => officialCode(err) === 990008);
      await login(server, "bob"); // the 5th attempt from this address
      await assert.rejects(login(server, "carol"), (err) => officialCode(err) === 990008);
      await assertAnswers(server);
    } finally {
      await server.close();
    }
  });
});

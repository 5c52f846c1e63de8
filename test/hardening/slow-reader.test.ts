// A client that stops reading its event stream (issue 6, item 8): on every protocol the stream holds at most
// `streamBufferBytes`, is then ended (990006, and reset if even that is not taken), the server's memory stays flat
// while events keep coming, and the client resumes from its last sequence on reconnect without losing an event.
import assert from "node:assert/strict";
import http2 from "node:http2";
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { after, describe, it } from "node:test";
import { processFaults, type RunningServer } from "../../server/index.js";
import { assertAnswers, assertNoFaults, login, openStream, start, type Peer } from "./helpers.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;
const faultsBefore = processFaults();
after(() => assertNoFaults(faultsBefore));

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const STATUS = "x".repeat(240);
const REPLAY = 128;
const limits = { streamBufferBytes: 8 << 10, streamDrainTimeoutMs: 200, sessionReplayEvents: REPLAY };

/** Changes the user's status, 10 at a time, until `closed` settles; returns the statuses written. */
async function writeUntil(closed: Promise<void>, writer: Peer): Promise<string[]> {
  let cut = false;
  void closed.then(() => (cut = true));
  const written: string[] = [];
  for (let i = 0; !cut; i++) {
    assert.ok(i < 2000, "the stream was never cut");
    const customStatus = `${i}:${STATUS}`;
    await writer.status.setSelfStatus({ customStatus }, { headers: writer.headers });
    written.push(customStatus);
  }
  await closed;
  return written;
}

/**
 * Opens `reader`'s stream on its own HTTP/2 connection with a 1 KiB window, reads the first frame and stops reading.
 * Resolves with the stream and its close.
 */
async function stopReading(server: RunningServer, reader: Peer, contentType: string): Promise<{ stream: http2.ClientHttp2Stream; closed: Promise<void>; session: http2.ClientHttp2Session }> {
  const session = http2.connect(server.url, { settings: { initialWindowSize: 1024 } });
  const body = contentType.endsWith("json") ? Buffer.from("{}") : Buffer.alloc(0);
  const stream = session.request({ ":method": "POST", ":path": "/chatwire.v1.EventService/StreamEvents", "content-type": contentType, ...reader.headers });
  stream.end(Buffer.concat([Buffer.from([0, 0, 0, 0, body.length]), body]));
  await new Promise<void>((resolve) => stream.once("data", () => resolve()));
  stream.pause();
  const closed = new Promise<void>((resolve) => stream.once("close", () => resolve()));
  return { stream, closed, session };
}

for (const [name, contentType] of [["the Connect router (JSON)", "application/connect+json"], ["the binary fast path", "application/connect+proto"]] as const) {
  describe(`slow reader on ${name}`, () => {
    it("ends the stream past its buffer, keeps memory flat, and tells a late reconnect to resync", async () => {
      const server = await start({ limits });
      try {
        const reader = await login(server, "alice", { deviceId: "slow" });
        const writer = await login(server, "alice", { deviceId: "busy" });
        const { stream, closed, session } = await stopReading(server, reader, contentType);
        await writeUntil(closed, writer);
        assert.equal(stream.rstCode, http2.constants.NGHTTP2_CANCEL, "the transport was reset once the end was not taken");
        session.destroy();
        assert.equal(server.inspectSessions("alice").find((s) => s.deviceId === "slow")?.openStreams, 0);

        // Flat: events keep coming for the session, which has no stream now; once its bounded buffers are full,
        // more events cost no more memory.
        const more = async (count: number) => {
          for (let i = 0; i < count; i += 50) {
            await Promise.all(Array.from({ length: 50 }, (_, k) => writer.status.setSelfStatus({ customStatus: `${i + k}:${STATUS}` }, { headers: writer.headers })));
          }
        };
        await more(2 * REPLAY);
        const before = heapAfterGc();
        await more(8 * REPLAY);
        // Under 2 KiB per event, i.e. nothing kept per event (heap figures carry some noise).
        const grown = heapAfterGc() - before;
        assert.ok(grown < 2 << 20, `heap grew by ${grown} bytes over ${8 * REPLAY} more events`);

        // More events passed than a session keeps: the reconnect is told to resync.
        const abort = new AbortController();
        const resumed = openStream(reader, reader.eventSequence, abort.signal);
        assert.equal((await resumed.next()).value!.resyncRequired, true);
        abort.abort();
        await assertAnswers(server);
      } finally {
        await server.close();
      }
    });

    it("a stream ended for falling behind replays every missed event on reconnect", async () => {
      const server = await start({ limits: { ...limits, sessionReplayEvents: 2 * REPLAY } });
      try {
        const reader = await login(server, "alice", { deviceId: "slow" });
        const writer = await login(server, "alice", { deviceId: "busy" });
        const { closed, session } = await stopReading(server, reader, contentType);
        const written = await writeUntil(closed, writer);
        session.destroy();
        assert.ok(written.length < 2 * REPLAY, `${written.length} events, fewer than a session keeps`);
        const abort = new AbortController();
        const resumed = openStream(reader, reader.eventSequence, abort.signal);
        const seen: string[] = [];
        while (seen.length < written.length) {
          const frame = (await resumed.next()).value!;
          assert.equal(frame.resyncRequired, false);
          for (const e of frame.events) if (e.payload.case === "userStatusUpdated") seen.push(e.payload.value.userStatusList[0]!.customStatus);
        }
        abort.abort();
        assert.deepEqual(seen, written);
      } finally {
        await server.close();
      }
    });
  });
}

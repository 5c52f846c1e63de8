// Request bodies are bounded on every path, checked before reading further, before and after decompression, and a
// caller without credentials may send only a small one (issue 6, item 5).
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { processFaults, type RunningServer } from "../../server/index.js";
import { adminHeaders, assertAnswers, assertNoFaults, hasFullResponse, login, rawSocket, start, statusOf, type Peer } from "./helpers.js";

let server: RunningServer;
let alice: Peer;
const faultsBefore = processFaults();
before(async () => {
  server = await start({ limits: { maxBodyBytes: 64 << 10, maxUnauthenticatedBodyBytes: 4 << 10 } });
  alice = await login(server, "alice");
});
after(async () => {
  await server.close();
  assertNoFaults(faultsBefore);
});

function headerLines(headers: Record<string, string>): string {
  return Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
}

/** Sends only the headers of a request announcing a 100 MB body: the answer must come without the body. */
async function announceHugeBody(path: string, headers: Record<string, string>): Promise<string> {
  const raw = await rawSocket(server);
  raw.socket.write(`POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-length: ${100 << 20}\r\n${headerLines(headers)}\r\n`);
  const text = await raw.until(hasFullResponse);
  await raw.closed; // and the connection ends: the rest of the body is never read
  return text;
}

function errorCode(text: string): number {
  return Number(/"code":(\d+)/.exec(text)?.[1] ?? /"debug":\{"code":(\d+)/.exec(text)?.[1]);
}

describe("body limits (item 5)", () => {
  it("refuses a 100 MB Connect body from its content-length, before reading it", async () => {
    const text = await announceHugeBody("/chatwire.v1.UserStatusService/SetSelfStatus", { ...alice.headers, "content-type": "application/json" });
    assert.equal(statusOf(text), 429); // Connect's HTTP status for resource_exhausted
    assert.match(text, /990005/);
    await assertAnswers(server);
  });

  it("refuses a 100 MB REST body from its content-length, before reading it", async () => {
    const text = await announceHugeBody(`/chatwire/${server.sdkAppID}/users/u/presence/web/1`, { ...adminHeaders(server), "content-type": "application/json" });
    assert.equal(statusOf(text), 413);
    assert.equal(errorCode(text), 990005);
    await assertAnswers(server);
  });

  it("refuses a streamed body once it passes the limit, without a content-length", async () => {
    const raw = await rawSocket(server);
    raw.socket.write(`POST /chatwire.v1.UserStatusService/SetSelfStatus HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\ncontent-type: application/json\r\n${headerLines(alice.headers)}\r\n`);
    const chunk = Buffer.alloc(16 << 10, 0x20);
    const writer = setInterval(() => raw.socket.writable && raw.socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString()}\r\n`), 1);
    try {
      const text = await raw.until(hasFullResponse);
      assert.equal(statusOf(text), 429);
      assert.match(text, /990005/);
      await raw.closed;
    } finally {
      clearInterval(writer);
    }
    await assertAnswers(server);
  });

  it("lets a caller without credentials send only a small body", async () => {
    const body = JSON.stringify({ userId: "x", userSig: "y".repeat(8 << 10) });
    const res = await fetch(`${server.url}/chatwire.v1.SessionService/Login`, { method: "POST", headers: { "content-type": "application/json" }, body });
    assert.equal(res.status, 429);
    assert.match(await res.text(), /990005/);
    // The same size is fine for a logged-in caller (it fails validation, not the size limit).
    const ok = await fetch(`${server.url}/chatwire.v1.UserStatusService/SetSelfStatus`, {
      method: "POST",
      headers: { ...alice.headers, "content-type": "application/json" },
      body: JSON.stringify({ customStatus: "y".repeat(8 << 10) }),
    });
    assert.equal(ok.status, 400);
  });

  it("refuses a gzip bomb at the limit after decompression, without inflating it", async () => {
    // 48 MiB of zeros in ~48 KiB of gzip: the body is under the 64 KiB limit, what it inflates to is 750 times over.
    const bomb = gzipSync(Buffer.alloc(48 << 20), { level: 9 });
    assert.ok(bomb.length < 64 << 10, `the bomb is ${bomb.length} bytes`);
    const heapBefore = process.memoryUsage().arrayBuffers;
    const res = await fetch(`${server.url}/chatwire.v1.UserStatusService/SetSelfStatus`, {
      method: "POST",
      headers: { ...alice.headers, "content-type": "application/json", "content-encoding": "gzip" },
      body: bomb,
    });
    assert.equal(res.status, 429);
    assert.match(await res.text(), /990005/);
    const grown = process.memoryUsage().arrayBuffers - heapBefore;
    assert.ok(grown < 32 << 20, `buffers grew by ${grown} bytes`);
    await assertAnswers(server);
  });

  it("refuses a gzip body on a REST route instead of reading it as JSON", async () => {
    const res = await fetch(`${server.url}/chatwire/${server.sdkAppID}/users/u/presence/web/1`, {
      method: "POST",
      headers: { ...adminHeaders(server), "content-type": "application/json", "content-encoding": "gzip" },
      body: gzipSync(Buffer.from("{}")),
    });
    assert.equal(res.status, 415);
  });

  it("refuses an oversized raw StreamEvents request", async () => {
    const res = await fetch(`${server.url}/chatwire.v1.EventService/StreamEvents`, {
      method: "POST",
      headers: { ...alice.headers, "content-type": "application/connect+proto" },
      body: new Uint8Array(8 << 10),
    });
    const text = new TextDecoder().decode(new Uint8Array(await res.arrayBuffer()).subarray(5));
    assert.match(text, /resource_exhausted/);
    await assertAnswers(server);
  });
});

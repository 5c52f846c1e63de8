// Requests a careless or hostile client sends, over real sockets: each is answered with a client error and an
// official code, changes nothing, and leaves the server answering (issue 6, items 1, 2, 9 and 13).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import http2 from "node:http2";
import { processFaults, type RunningServer } from "../../server/index.js";
import { adminHeaders, assertAnswers, assertNoFaults, h2Status, hasFullResponse, login, rawSocket, start, statusOf, type Peer } from "./helpers.js";

let server: RunningServer;
let alice: Peer;
const faultsBefore = processFaults();
before(async () => {
  server = await start();
  alice = await login(server, "alice");
});
after(async () => {
  await server.close();
  assertNoFaults(faultsBefore);
});

async function rawExchange(request: string): Promise<string> {
  const raw = await rawSocket(server);
  raw.socket.write(request);
  const text = await raw.until(hasFullResponse);
  raw.socket.destroy();
  return text;
}

function detailCode(body: { details?: { debug?: { code?: number } }[] }): number | undefined {
  return body.details?.[0]?.debug?.code;
}

describe("paths", () => {
  it("a malformed %-escape in a REST path is a 400, not a crash (item 1)", async () => {
    const text = await rawExchange("POST /%E0%A4%A/x/users/u/presence HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\n\r\n{}");
    assert.equal(statusOf(text), 400);
    assert.match(text, /malformed %-escape/);
    await assertAnswers(server);
  });

  for (const path of ["/chatwire//users/u/presence", "/chatwire/1400000000/users/../presence", "/chatwire/1400000000/users/%2e%2e/presence", "/chatwire/1400000000/users/%2E./presence", "//healthz"]) {
    it(`answers ${path} at once with 400 (item 9)`, async () => {
      const text = await rawExchange(`POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}`);
      assert.equal(statusOf(text), 400);
      await assertAnswers(server);
    });
  }

  it("a REST 413 closes the connection instead of leaving the next request hanging (item 9)", async () => {
    const raw = await rawSocket(server);
    const headers = { ...adminHeaders(server), host: "x", "content-type": "application/json", "content-length": String(4 << 20) };
    raw.socket.write(`POST /chatwire/${server.sdkAppID}/users/u/presence/web/1 HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join("\r\n")}\r\n\r\n{"ext":"`);
    const text = await raw.until(hasFullResponse);
    assert.equal(statusOf(text), 413);
    assert.match(text, /connection: close/i);
    assert.match(text, /"code":990005/);
    await raw.closed; // the server ends the connection: no next request can start inside this body
    await assertAnswers(server);
  });
});

describe("truncated and invalid bodies", () => {
  it("a binary StreamEvents with a truncated protobuf answers 70402 and the server lives on (item 2)", async () => {
    const res = await fetch(`${server.url}/chatwire.v1.EventService/StreamEvents`, {
      method: "POST",
      headers: { ...alice.headers, "content-type": "application/connect+proto" },
      body: new Uint8Array([0, 0, 0, 0, 2, 0xff, 0xff]),
    });
    assert.equal(res.status, 200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.equal(bytes[0], 0b10, "an end-stream message");
    const end = JSON.parse(new TextDecoder().decode(bytes.subarray(5))) as { error: { code: string; details: { debug: { code: number } }[] } };
    assert.equal(end.error.code, "invalid_argument");
    assert.equal(end.error.details[0]?.debug.code, 70402);
    await assertAnswers(server);
  });

  it("a binary StreamEvents whose envelope length lies answers 70402", async () => {
    const res = await fetch(`${server.url}/chatwire.v1.EventService/StreamEvents`, {
      method: "POST",
      headers: { ...alice.headers, "content-type": "application/connect+proto" },
      body: new Uint8Array([0, 0, 0, 0, 9, 8, 1]),
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.match(new TextDecoder().decode(bytes.subarray(5)), /"invalid_argument"/);
  });

  it("a truncated protobuf on a unary call is invalid_argument 70402, not internal (item 13)", async () => {
    const res = await fetch(`${server.url}/chatwire.v1.UserStatusService/GetUserStatus`, {
      method: "POST",
      headers: { ...alice.headers, "content-type": "application/proto" },
      body: new Uint8Array([0x0a, 0x05, 0x61]),
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { code: string; details?: { debug?: { code?: number } }[] };
    assert.equal(body.code, "invalid_argument");
    assert.equal(detailCode(body), 70402);
  });

  it("a truncated protobuf over gRPC is INVALID_ARGUMENT with the official code (item 13)", async () => {
    const session = http2.connect(server.url);
    try {
      const trailers = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
        const req = session.request({ ":method": "POST", ":path": "/chatwire.v1.UserStatusService/GetUserStatus", "content-type": "application/grpc", te: "trailers", ...alice.headers });
        req.on("trailers", resolve);
        req.on("response", (headers) => headers["grpc-status"] !== undefined && resolve(headers));
        req.on("error", reject);
        req.resume();
        req.end(Buffer.from([0, 0, 0, 0, 3, 0x0a, 0x05, 0x61]));
      });
      assert.equal(trailers["grpc-status"], "3");
      assert.ok(trailers["grpc-status-details-bin"], "the official code travels in the status details");
    } finally {
      session.close();
    }
  });

  it("a 33-byte userId at login is a client error (item 13)", async () => {
    const res = await fetch(`${server.url}/chatwire.v1.SessionService/Login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: "a".repeat(33), userSig: "x" }),
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { code: string; details?: { debug?: { code?: number } }[] };
    assert.equal(body.code, "invalid_argument");
    assert.equal(detailCode(body), 2002);
  });

  it("a negative afterSequence is a client error and logs nothing (item 13)", async () => {
    const lines: string[] = [];
    const logged = await start({ logLevel: "info" });
    // pino writes to stdout; capture what this server logs while the request runs.
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(String(chunk));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
    try {
      const peer = await login(logged, "neg");
      const message = new TextEncoder().encode(JSON.stringify({ afterSequence: "-1" }));
      const envelope = new Uint8Array(5 + message.length);
      new DataView(envelope.buffer).setUint32(1, message.length);
      envelope.set(message, 5);
      const res = await fetch(`${logged.url}/chatwire.v1.EventService/StreamEvents`, {
        method: "POST",
        headers: { ...peer.headers, "content-type": "application/connect+json" },
        body: envelope,
      });
      const text = new TextDecoder().decode(new Uint8Array(await res.arrayBuffer()).subarray(5));
      assert.match(text, /"code":"invalid_argument"/);
      assert.match(text, /70402/);
    } finally {
      process.stdout.write = write;
      await logged.close();
    }
    assert.deepEqual(lines.filter((l) => /"level":50/.test(l)), [], "no error log for a client's mistake");
  });

  it("admin setPresence with resource __proto__ is refused, not answered ok while storing nothing (item 13)", async () => {
    const res = await fetch(`${server.url}/chatwire/${server.sdkAppID}/users/bob/presence/__proto__/1`, {
      method: "POST",
      headers: { ...adminHeaders(server), "content-type": "application/json" },
      body: JSON.stringify({ ext: "x" }),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { code: number }).code, 70402);
  });

  it("a REST route answers over h2c as over HTTP/1.1 (found by the fuzzer: pseudo-headers broke it)", async () => {
    const status = await h2Status(server, { ":method": "GET", ":path": `/chatwire/${server.sdkAppID}/users/bob/presence/sublist`, ...adminHeaders(server) });
    assert.equal(status, 200);
  });

  it("REST bodies with __proto__ keys are data, not prototypes", async () => {
    const res = await fetch(`${server.url}/chatwire/${server.sdkAppID}/users/bob/presence/web/1`, {
      method: "POST",
      headers: { ...adminHeaders(server), "content-type": "application/json" },
      body: '{"__proto__": {"ext": "injected"}, "ext": "real"}',
    });
    assert.equal(res.status, 200);
    const get = await fetch(`${server.url}/chatwire/${server.sdkAppID}/users/bob/presence`, {
      method: "POST",
      headers: { ...adminHeaders(server), "content-type": "application/json" },
      body: JSON.stringify({ usernames: ["bob"] }),
    });
    assert.match(await get.text(), /"ext":"real"/);
  });
});

// The upload endpoint over a real socket: the contract the facade codes against (POST /chatwire/files with raw
// bytes, JSON answer with the official imageInfoArray), limits enforced while streaming, downloads with ranges.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import sharp from "sharp";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { SessionService } from "../../gen/chatwire/v1/session_pb.js";
import { genUserSig } from "../../server/auth/user-sig.js";
import { startServer, type RunningServer } from "../../server/index.js";

describe("files", () => {
  let server: RunningServer;
  let token: string;
  const upload = (body: Buffer | Uint8Array, headers: Record<string, string>) =>
    fetch(`${server.url}/chatwire/files`, { method: "POST", headers: { authorization: `Bearer ${token}`, ...headers }, body: body as unknown as BodyInit });

  before(async () => {
    server = await startServer({ storage: "memory", logLevel: "silent", files: { maxImageBytes: 200_000, maxFileBytes: 1000 } });
    const transport = createConnectTransport({ baseUrl: server.url, httpVersion: "2" });
    const sig = genUserSig({ sdkAppId: server.sdkAppID, secretKey: server.secretKey, userId: "alice", expireSeconds: 3600, nowMs: Date.now() });
    token = (await createClient(SessionService, transport).login({ userId: "alice", userSig: sig })).sessionToken;
  });
  after(() => server.close());

  it("stores an image and answers its original, large and thumbnail renditions", async () => {
    const png = await sharp({ create: { width: 1000, height: 500, channels: 3, background: "#3366cc" } }).png().toBuffer();
    const res = await upload(png, { "content-type": "image/png", "x-chatwire-file-name": encodeURIComponent("photo é.png") });
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      uuid: string;
      url: string;
      size: number;
      contentType: string;
      image: { width: number; height: number; format: number; imageInfoArray: { sizeType: number; type: number; width: number; height: number; size: number; url: string }[] };
    };
    assert.match(body.uuid, /^[0-9a-f]{32}$/);
    assert.equal(body.url, `${server.url}/chatwire/files/${body.uuid}`);
    assert.equal(body.size, png.length);
    assert.equal(body.contentType, "image/png");
    assert.deepEqual({ width: body.image.width, height: body.image.height, format: body.image.format }, { width: 1000, height: 500, format: 3 });
    const [original, large, thumb] = body.image.imageInfoArray;
    assert.deepEqual({ ...original, size: 0 }, { sizeType: 1, type: 0, width: 1000, height: 500, size: 0, url: body.url });
    assert.deepEqual([large!.sizeType, large!.type, large!.width, large!.height, large!.url], [2, 2, 720, 360, `${body.url}/large`]);
    assert.deepEqual([thumb!.sizeType, thumb!.type, thumb!.width, thumb!.height, thumb!.url], [3, 1, 198, 99, `${body.url}/thumb`]);

    const got = await fetch(body.url);
    assert.equal(got.status, 200);
    assert.equal(got.headers.get("content-type"), "image/png");
    assert.match(got.headers.get("cache-control") ?? "", /immutable/);
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), png);
    const small = Buffer.from(await (await fetch(thumb!.url)).arrayBuffer());
    assert.deepEqual((await sharp(small).metadata()).width, 198);
    const ranged = await fetch(body.url, { headers: { range: "bytes=0-9" } });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers.get("content-range"), `bytes 0-9/${png.length}`);
    assert.deepEqual(Buffer.from(await ranged.arrayBuffer()), png.subarray(0, 10));
    assert.equal((await fetch(body.url, { headers: { range: "bytes=99999999-" } })).status, 416);
  });

  it("refuses a file over its limit with the official code, keeping nothing", async () => {
    const res = await upload(new Uint8Array(1001), { "content-type": "application/pdf", "x-chatwire-file-name": "a.pdf" });
    assert.equal(res.status, 413);
    assert.deepEqual(((await res.json()) as { code: number }).code, 2402);
    const image = await upload(new Uint8Array(200_001), { "content-type": "image/jpeg", "x-chatwire-file-name": "a.jpg" });
    assert.equal(image.status, 413);
    assert.equal(((await image.json()) as { code: number }).code, 2253);
  });

  it("enforces the limit while reading a body of undeclared length", async () => {
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new Uint8Array(300));
        controller.close();
      },
    });
    const res = await fetch(`${server.url}/chatwire/files`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "audio/mpeg", "x-chatwire-file-name": "a.mp3" },
      body: chunks,
      duplex: "half",
    } as RequestInit);
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { code: number }).code, 2301);
  });

  it("answers 401 without a live session and 400 without a file name", async () => {
    const anonymous = await fetch(`${server.url}/chatwire/files`, { method: "POST", headers: { "content-type": "text/plain", "x-chatwire-file-name": "a" }, body: "x" });
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { code: number }).code, 990003);
    const nameless = await upload(new Uint8Array(3), { "content-type": "text/plain" });
    assert.equal(nameless.status, 400);
    assert.equal(((await nameless.json()) as { code: number }).code, 70402);
    const other = await upload(new Uint8Array(3), { "content-type": "text/html", "x-chatwire-file-name": "p.html" });
    const { url } = (await other.json()) as { url: string };
    const served = await fetch(url);
    assert.match(served.headers.get("content-disposition") ?? "", /^attachment/);
    assert.equal(served.headers.get("content-security-policy"), "sandbox");
    assert.equal((await fetch(`${server.url}/chatwire/files/${"0".repeat(32)}`)).status, 404);
  });
});

// One port serves HTTP/1.1 and HTTP/2 cleartext (prior knowledge).
import assert from "node:assert/strict";
import http2 from "node:http2";
import { after, before, describe, it } from "node:test";
import { startServer, type RunningServer } from "../../server/index.js";

let server: RunningServer;
before(async () => (server = await startServer({ storage: "memory", logLevel: "silent" })));
after(() => server.close());

describe("listener", () => {
  it("answers HTTP/1.1", async () => {
    const res = await fetch(`${server.url}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "ok", version: server.version });
  });

  it("answers h2c on the same port", async () => {
    const session = http2.connect(server.url);
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const req = session.request({ ":path": "/healthz" });
        let text = "";
        req.setEncoding("utf8");
        req.on("data", (c: string) => (text += c));
        req.on("end", () => resolve(text));
        req.on("error", reject);
      });
      assert.deepEqual(JSON.parse(body), { status: "ok", version: server.version });
    } finally {
      session.close();
    }
  });
});

describe("CORS", () => {
  it("answers a browser preflight for a Connect call with the bearer header", async () => {
    const res = await fetch(`${server.url}/chatwire.v1.UserStatusService/GetUserStatus`, {
      method: "OPTIONS",
      headers: { origin: "http://app.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
    assert.match(res.headers.get("access-control-allow-headers") ?? "", /Authorization/);
    assert.match(res.headers.get("access-control-allow-methods") ?? "", /POST/);
  });

  it("lets browsers read responses of a cross-origin call", async () => {
    const res = await fetch(`${server.url}/healthz`, { headers: { origin: "http://app.example" } });
    assert.equal(res.headers.get("access-control-allow-origin"), "*");
  });

  it("refuses origins outside a configured list", async () => {
    const narrow = await startServer({ storage: "memory", logLevel: "silent", corsOrigins: ["http://good.example"] });
    try {
      const preflight = (origin: string) =>
        fetch(`${narrow.url}/chatwire.v1.SessionService/Login`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST" } });
      assert.equal((await preflight("http://evil.example")).status, 403);
      const ok = await preflight("http://good.example");
      assert.equal(ok.status, 204);
      assert.equal(ok.headers.get("access-control-allow-origin"), "http://good.example");
    } finally {
      await narrow.close();
    }
  });
});

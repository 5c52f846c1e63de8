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
    assert.deepEqual(await res.json(), { status: "ok" });
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
      assert.deepEqual(JSON.parse(body), { status: "ok" });
    } finally {
      session.close();
    }
  });
});

// A true drop-in: code written for @tencentcloud/chat calls `TencentCloudChat.create({SDKAppID})` with no server
// URL, and reaches a Chatwire server configured outside its call sites — by the CHATWIRE_URL environment variable
// (Node), by `globalThis.CHATWIRE_BASE_URL`, or by a bundler that aliases the official package to the facade and
// defines that global (the README's Vite/webpack recipe, built here with esbuild, which Vite uses).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { after, before, describe, it } from "node:test";
import { build } from "esbuild";
import TencentCloudChat, { EVENT, type ChatInstance } from "../../client/index.js";
import { genUserSig } from "../../server/auth/user-sig.js";
import { startServer, type RunningServer } from "../../server/index.js";
import { nextEvent } from "./helpers/chat-fixture.js";

describe("create({SDKAppID}) reaches a server configured outside the call site", () => {
  let server: RunningServer;
  let n = 0;
  before(async () => {
    server = await startServer({ storage: "memory", logLevel: "silent" });
  });
  after(() => server.close());

  async function loginReady(chat: ChatInstance): Promise<void> {
    chat.setLogLevel(4);
    const userID = `drop-in-${++n}`;
    const ready = nextEvent(chat, EVENT.SDK_READY);
    const userSig = genUserSig({ sdkAppId: server.sdkAppID, secretKey: server.secretKey, userId: userID, expireSeconds: 600, nowMs: Date.now() });
    await chat.login({ userID, userSig });
    await ready;
    assert.equal(chat.getLoginUser(), userID);
    await chat.destroy();
  }

  it("by the CHATWIRE_URL environment variable", async () => {
    process.env.CHATWIRE_URL = server.url;
    try {
      await loginReady(TencentCloudChat.create({ SDKAppID: server.sdkAppID }));
    } finally {
      delete process.env.CHATWIRE_URL;
    }
  });

  it("by globalThis.CHATWIRE_BASE_URL", async () => {
    const g = globalThis as { CHATWIRE_BASE_URL?: string };
    g.CHATWIRE_BASE_URL = server.url;
    try {
      await loginReady(TencentCloudChat.create({ SDKAppID: server.sdkAppID }));
    } finally {
      delete g.CHATWIRE_BASE_URL;
    }
    assert.throws(() => TencentCloudChat.create({ SDKAppID: server.sdkAppID }), /CHATWIRE_URL/);
  });

  it("by a bundler alias of @tencentcloud/chat and a define (the README recipe)", async () => {
    // Inside the repository, so the bundle's external packages resolve from its node_modules.
    const dir = mkdtempSync(fileURLToPath(new URL("./.drop-in-", import.meta.url)));
    try {
      // The app, unchanged: it imports the official package and names only its SDKAppID.
      writeFileSync(
        join(dir, "app.ts"),
        `import TencentCloudChat from "@tencentcloud/chat";\nexport const chat = TencentCloudChat.create({ SDKAppID: ${server.sdkAppID} });\n`,
      );
      await build({
        entryPoints: [join(dir, "app.ts")],
        outfile: join(dir, "app.mjs"),
        bundle: true,
        platform: "node",
        format: "esm",
        packages: "external",
        alias: { "@tencentcloud/chat": fileURLToPath(new URL("../../client/index.ts", import.meta.url)) },
        define: { "globalThis.CHATWIRE_BASE_URL": JSON.stringify(server.url) },
        logLevel: "silent",
      });
      const app = (await import(pathToFileURL(join(dir, "app.mjs")).href)) as { chat: ChatInstance };
      await loginReady(app.chat);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

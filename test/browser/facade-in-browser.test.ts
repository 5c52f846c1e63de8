// The facade in a real browser: headless Chromium loads a page from one origin whose esbuild bundle of
// client/index.ts talks to a Chatwire server on another origin (Connect over fetch, through CORS). Two instances log
// in, one watches the other's status, and the official result and error shapes come back from the page.
// The browser part is skipped where /usr/bin/chromium is missing (.ci/run installs Debian's chromium), except in
// CI (CI set), where a missing browser fails the run instead of skipping it silently.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { after, before, test } from "node:test";
import { chromium, type Browser, type Page } from "playwright-core";
import { startServer, type RunningServer } from "../../server/index.js";
import { genUserSig } from "../../server/auth/user-sig.js";
import { FACADE_ENTRY, bundleForBrowser, nodeOnlyInputs, officialGzipBytes, type Bundle } from "./bundle.js";
import type { ScenarioInput, ScenarioResult } from "./page-scenario.js";

const CHROMIUM = "/usr/bin/chromium";
const missing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing (apt-get install chromium)`;
const skip = process.env.CI ? false : (missing ?? false);
const SDK_APP_ID = 1400000000;
const SECRET_KEY = "browser-test-secret";
const ENTRY = fileURLToPath(new URL("./page-scenario.ts", import.meta.url));

let chat: RunningServer | undefined;
let pages: Server | undefined;
let browser: Browser | undefined;
let page: Page | undefined;
let bundle: Bundle;
const pageLog: string[] = [];
/** The page's RPCs to the Chatwire server: method path and the CORS header of the response. */
const rpcs: { path: string; allowOrigin: string | undefined }[] = [];

/** Serves the test page and the bundle from an origin of its own. */
async function startPageServer(code: string): Promise<Server> {
  const html = '<!doctype html><meta charset="utf-8"><title>Chatwire facade</title><script type="module" src="/facade.js"></script>';
  const server = createServer((req, res) => {
    if (req.url === "/") res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(html);
    else if (req.url === "/facade.js") res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" }).end(code);
    else if (req.url === "/favicon.ico") res.writeHead(204).end();
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

const originOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

before(async () => {
  bundle = await bundleForBrowser(ENTRY);
  if (skip) return;
  chat = await startServer({ port: 0, storage: "memory", logLevel: "silent", secretKey: SECRET_KEY, sdkAppID: SDK_APP_ID });
  pages = await startPageServer(bundle.code);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = await browser.newPage();
  page.on("console", (message) => pageLog.push(`console.${message.type()}: ${message.text()}`));
  page.on("pageerror", (err) => pageLog.push(`pageerror: ${err.message}`));
  page.on("requestfailed", (request) => pageLog.push(`requestfailed: ${request.url()} ${request.failure()?.errorText}`));
  const chatOrigin = new URL(chat.url).origin;
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (url.origin === chatOrigin) rpcs.push({ path: url.pathname, allowOrigin: response.headers()["access-control-allow-origin"] });
  });
  await page.goto(`${originOf(pages)}/`);
  await page.waitForFunction(() => "chatwireScenario" in globalThis, undefined, { timeout: 5_000 });
});

after(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (pages ? pages.close(() => resolve()) : resolve()));
  await chat?.close();
});

test("Chromium is installed where CI runs", { skip: !process.env.CI }, () => {
  assert.equal(missing, undefined, `CI is set but ${missing}`);
});

test("the browser bundle of the facade pulls in no Node modules", (t) => {
  t.diagnostic(`bundle: ${bundle.bytes} bytes from ${bundle.inputs.length} inputs`);
  assert.deepEqual(nodeOnlyInputs(bundle), [], "Node-only modules in the browser bundle");
  assert.ok(bundle.inputs.some((input) => input.includes("@connectrpc/connect-web")), "the fetch transport is bundled");
  assert.doesNotMatch(bundle.code, /from\s*["']node:|require\(["']node:/);
});

test("the minified facade is under half the official package's size, gzipped", async (t) => {
  const facade = await bundleForBrowser(FACADE_ENTRY, true);
  const official = officialGzipBytes();
  t.diagnostic(`facade ${(facade.gzipBytes / 1024).toFixed(1)} KB gzipped, official index.js ${(official / 1024).toFixed(1)} KB`);
  assert.deepEqual(nodeOnlyInputs(facade), []);
  assert.ok(facade.gzipBytes < official / 2, `${facade.gzipBytes} bytes ≥ half of ${official}`);
});

test("the facade works cross-origin in headless Chromium", { skip, timeout: 20_000 }, async () => {
  const now = Date.now();
  const sig = (userId: string) => genUserSig({ sdkAppId: SDK_APP_ID, secretKey: SECRET_KEY, userId, expireSeconds: 600, nowMs: now });
  const input: ScenarioInput = {
    baseUrl: chat!.url,
    sdkAppID: SDK_APP_ID,
    alice: { userID: "alice", userSig: sig("alice") },
    bob: { userID: "bob", userSig: sig("bob") },
  };
  const pageOrigin = originOf(pages!);
  assert.notEqual(new URL(input.baseUrl).origin, pageOrigin, "the page and the server must be different origins");

  let result: ScenarioResult;
  try {
    result = await page!.evaluate(
      (scenarioInput) => (globalThis as unknown as { chatwireScenario(i: ScenarioInput): Promise<ScenarioResult> }).chatwireScenario(scenarioInput),
      input,
    );
  } catch (err) {
    throw new Error(`the page scenario failed: ${(err as Error).message}\n${pageLog.join("\n")}`);
  }

  assert.equal(result.location, pageOrigin);
  assert.equal(result.userStatusOnline, 1);
  assert.equal(await page!.evaluate(() => (globalThis as unknown as { TencentCloudChat: { TYPES: { USER_STATUS_ONLINE: number } } }).TencentCloudChat.TYPES.USER_STATUS_ONLINE), 1);

  const loginOk = { code: 0, data: { actionStatus: "OK", errorCode: 0, errorInfo: "", repeatLogin: false } };
  assert.deepEqual(result.logins, [loginOk, loginOk]);
  assert.deepEqual(result.ready, ["alice", "bob"]);
  assert.deepEqual(result.subscribe, { code: 0, data: { failureUserList: [] } });
  const aliceStatus = { userID: "alice", statusType: 1, customStatus: "from the browser" };
  assert.deepEqual(result.setSelfStatus, { code: 0, data: aliceStatus });
  assert.deepEqual(result.statusUpdatedOnBob, [aliceStatus]);
  assert.deepEqual(result.getUserStatus, { code: 0, data: { successUserList: [aliceStatus], failureUserList: [] } });

  const unknown = result.getUnknownUser as { code: number; data: { successUserList: unknown[]; failureUserList: { userID: string; code: number; message: unknown }[] } };
  assert.equal(unknown.code, 0);
  assert.deepEqual(unknown.data.successUserList, []);
  assert.equal(unknown.data.failureUserList.length, 1);
  assert.equal(unknown.data.failureUserList[0]!.userID, "nobody");
  assert.equal(unknown.data.failureUserList[0]!.code, 70107);
  assert.equal(typeof unknown.data.failureUserList[0]!.message, "string");

  // The calls really crossed origins: each response to the page carried the CORS header.
  const paths = new Set(rpcs.map((rpc) => rpc.path));
  for (const method of ["SessionService/Login", "EventService/StreamEvents", "UserStatusService/SetSelfStatus"]) {
    assert.ok([...paths].some((path) => path.endsWith(method)), `the page called ${method}: ${[...paths].join(", ")}`);
  }
  assert.deepEqual(rpcs.filter((rpc) => rpc.allowOrigin !== "*"), [], "every response allows the page's origin");

  for (const [what, rejected, code] of [
    ["before login", result.notLoggedIn, 2024],
    ["after logout", result.afterLogout, 3005],
  ] as const) {
    assert.equal(rejected.isError, true, `${what}: rejects with an Error`);
    assert.equal(rejected.code, code, `${what}: code`);
    assert.deepEqual(rejected.keys, ["code", "message", "data"], `${what}: own fields`);
    assert.equal(typeof rejected.message, "string", `${what}: message`);
  }
});

// The browser side of facade-in-browser.test.ts: bundled with esbuild for the page, it drives the facade the way an
// app would (default import, create with baseUrl, login with a UserSig, events) and hands back plain JSON for Node to
// assert on. Every wait is on an event or a promise; the timeouts only bound a failure.
import TencentCloudChat, { type ChatEvent, type ChatInstance } from "../../client/index.js";

/** What Node passes into the page. */
export interface ScenarioInput {
  baseUrl: string;
  sdkAppID: number;
  alice: { userID: string; userSig: string };
  bob: { userID: string; userSig: string };
}

/** How a facade call rejected, as far as a page can see it. */
export interface RejectionReport {
  isError: boolean;
  code: unknown;
  message: unknown;
  keys: string[];
}

/** What the page hands back to Node. */
export interface ScenarioResult {
  location: string;
  userStatusOnline: unknown;
  logins: unknown[];
  ready: string[];
  subscribe: unknown;
  setSelfStatus: unknown;
  statusUpdatedOnBob: unknown;
  getUserStatus: unknown;
  getUnknownUser: unknown;
  notLoggedIn: RejectionReport;
  afterLogout: RejectionReport;
}

const WAIT_BOUND_MS = 5_000;

/** Resolves with the first `name` event on `chat` that `match` accepts; rejects after the bound. */
function nextEvent(chat: ChatInstance, name: string, match: (event: ChatEvent) => boolean = () => true): Promise<ChatEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      chat.off(name, handler);
      reject(new Error(`no ${name} event within ${WAIT_BOUND_MS} ms`));
    }, WAIT_BOUND_MS);
    const handler = (event: ChatEvent): void => {
      if (!match(event)) return;
      clearTimeout(timer);
      chat.off(name, handler);
      resolve(event);
    };
    chat.on(name, handler);
  });
}

/** Runs `call` and reports how it rejected; throws if it resolved. */
async function rejection(what: string, call: () => Promise<unknown>): Promise<RejectionReport> {
  let settled: unknown;
  try {
    settled = await call();
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    return { isError: err instanceof Error, code: e.code, message: e.message, keys: Object.keys(err as object) };
  }
  throw new Error(`${what} resolved instead of rejecting: ${JSON.stringify(settled)}`);
}

async function run(input: ScenarioInput): Promise<ScenarioResult> {
  const { EVENT, TYPES } = TencentCloudChat;
  const options = { SDKAppID: input.sdkAppID, baseUrl: input.baseUrl, logLevel: 4, heartbeatIntervalMs: 0 };
  const alice = TencentCloudChat.create({ ...options, instanceID: "alice" });
  const bob = TencentCloudChat.create({ ...options, instanceID: "bob" });
  const carol = TencentCloudChat.create({ ...options, instanceID: "carol" });
  if (!alice || !bob || !carol) throw new Error("TencentCloudChat.create returned null");
  if (alice === bob) throw new Error("two instanceIDs gave one instance");

  // A method outside the pre-login allow-list, on an instance that never logged in.
  const notLoggedIn = await rejection("getUserStatus before login", () => carol.getUserStatus({ userIDList: [input.alice.userID] }));

  const aliceReady = nextEvent(alice, EVENT.SDK_READY);
  const bobReady = nextEvent(bob, EVENT.SDK_READY);
  const logins = await Promise.all([alice.login(input.alice), bob.login(input.bob)]);
  await Promise.all([aliceReady, bobReady]);
  const ready = [alice, bob].filter((chat) => chat.isReady()).map((chat) => chat.getLoginUser());

  const subscribe = await bob.subscribeUserStatus({ userIDList: [input.alice.userID] });
  const statusUpdated = nextEvent(bob, EVENT.USER_STATUS_UPDATED, (event) =>
    JSON.stringify(event.data).includes("from the browser"),
  );
  const setSelfStatus = await alice.setSelfStatus({ customStatus: "from the browser" });
  const statusUpdatedOnBob = (await statusUpdated).data;

  const getUserStatus = await bob.getUserStatus({ userIDList: [input.alice.userID] });
  const getUnknownUser = await bob.getUserStatus({ userIDList: ["nobody"] });

  await bob.logout();
  const afterLogout = await rejection("setSelfStatus after logout", () => bob.setSelfStatus({ customStatus: "gone" }));

  // destroy() still tears down a logged-out instance, but rejects like logout() does (2024 / 3005).
  await Promise.all([alice.destroy(), bob.destroy().catch(() => undefined), carol.destroy().catch(() => undefined)]);
  return {
    location: globalThis.location.origin,
    userStatusOnline: TYPES.USER_STATUS_ONLINE,
    logins,
    ready,
    subscribe,
    setSelfStatus,
    statusUpdatedOnBob,
    getUserStatus,
    getUnknownUser,
    notLoggedIn,
    afterLogout,
  };
}

// The page's API for Node's page.evaluate.
Object.assign(globalThis, { TencentCloudChat, chatwireScenario: run });

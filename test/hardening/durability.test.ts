// Durable before acknowledged (issue 6, item 11 and the abuse list): the server runs in a child process; after each
// acknowledged call it is killed with SIGKILL at once, restarted on the same storage, and the change must be there.
// SQLite and PostgreSQL; with CI set, PostgreSQL must be reachable.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-node";
import { PresenceAdminService } from "../../gen/chatwire/v1/presence_admin_pb.js";
import { SessionService } from "../../gen/chatwire/v1/session_pb.js";
import { UserStatusType } from "../../gen/chatwire/v1/types_pb.js";
import { UserStatusService } from "../../gen/chatwire/v1/user_status_pb.js";
import { genUserSig } from "../../server/auth/user-sig.js";
import { freshStorage, skipReason, type EngineName } from "../support/storage-engines.js";

const SECRET_KEY = "durability-key";
const SDK_APP_ID = 1400000000;
const CHILD = fileURLToPath(new URL("./server-child.ts", import.meta.url));

interface Child {
  process: ChildProcess;
  url: string;
}

async function spawnServer(storage: string): Promise<Child> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
    env: { ...process.env, CHATWIRE_STORAGE: storage, CHATWIRE_SECRET_KEY: SECRET_KEY },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<never>((_, reject) => child.once("exit", (code) => reject(new Error(`the server exited (${code}) before it listened`))));
  const line = new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once("line", resolve));
  const { url } = JSON.parse(await Promise.race([line, exited])) as { url: string };
  return { process: child, url };
}

function killNow(child: Child): Promise<void> {
  const exited = new Promise<void>((resolve) => child.process.once("exit", () => resolve()));
  child.process.kill("SIGKILL");
  return exited;
}

function clients(url: string) {
  const transport = createConnectTransport({ baseUrl: url, httpVersion: "2", useBinaryFormat: true });
  const session = createClient(SessionService, transport);
  const admin = { headers: { authorization: `Bearer ${genUserSig({ sdkAppId: SDK_APP_ID, secretKey: SECRET_KEY, userId: "administrator", expireSeconds: 600, nowMs: Date.now() })}` } };
  const login = async (userId: string) => {
    const userSig = genUserSig({ sdkAppId: SDK_APP_ID, secretKey: SECRET_KEY, userId, expireSeconds: 600, nowMs: Date.now() });
    const { sessionToken } = await session.login({ userId, userSig });
    return { headers: { authorization: `Bearer ${sessionToken}` } };
  };
  return {
    login,
    session,
    status: createClient(UserStatusService, transport),
    presenceAdmin: createClient(PresenceAdminService, transport),
    admin,
    app: { orgName: "chatwire", appName: String(SDK_APP_ID) },
  };
}

type Api = ReturnType<typeof clients>;

/** Each step makes one acknowledged change; its check, run after a kill -9 and a restart, finds it. */
const steps: { name: string; act(api: Api): Promise<void>; check(api: Api): Promise<void> }[] = [
  {
    name: "setSelfStatus",
    act: async (api) => void (await api.status.setSelfStatus({ customStatus: "before the kill" }, await api.login("alice"))),
    check: async (api) => {
      const [status] = (await api.status.getUserStatus({ userIdList: ["alice"] }, await api.login("watcher"))).successUserList;
      assert.equal(status?.customStatus, "before the kill");
    },
  },
  {
    name: "subscribeUserStatus",
    act: async (api) => void (await api.status.subscribeUserStatus({ userIdList: ["alice"] }, await api.login("bob"))),
    check: async (api) => {
      const page = await api.presenceAdmin.listPresenceSubscriptions({ ...api.app, username: "bob", pageNum: 1, pageSize: 10 }, api.admin);
      assert.deepEqual(page.result?.sublist.map((s) => s.uid), ["alice"]);
    },
  },
  {
    name: "logout",
    act: async (api) => void (await api.session.logout({}, await api.login("carol"))),
    check: async (api) => {
      const [status] = (await api.status.getUserStatus({ userIdList: ["carol"] }, await api.login("watcher"))).successUserList;
      assert.equal(status?.statusType, UserStatusType.UNLOGINED, "logged out, not merely offline");
    },
  },
  {
    name: "setPresence (admin)",
    act: async (api) => void (await api.presenceAdmin.setPresence({ ...api.app, username: "dave", resource: "web", status: "2", ext: "busy" }, api.admin)),
    check: async (api) => {
      const found = await api.presenceAdmin.getPresence({ ...api.app, username: "dave", usernames: ["dave"] }, api.admin);
      assert.equal(found.result[0]?.ext, "busy");
      assert.equal(found.result[0]?.status["web"], "2");
    },
  },
];

async function killAfterEveryAcknowledgedCall(storage: string): Promise<void> {
  let child = await spawnServer(storage);
  try {
    for (const [i, step] of steps.entries()) {
      await step.act(clients(child.url));
      await killNow(child);
      child = await spawnServer(storage);
      const api = clients(child.url);
      for (const done of steps.slice(0, i + 1)) await done.check(api).catch((err: Error) => assert.fail(`${done.name} was lost: ${err.message}`));
    }
  } finally {
    await killNow(child);
  }
}

describe("kill -9 after every acknowledged call loses nothing", { concurrency: true }, () => {
  for (const engine of ["sqlite", "postgres"] as EngineName[]) {
    it(`on ${engine}`, async (t) => {
      const skip = await skipReason(engine);
      if (skip) return t.skip(skip);
      const slot = await freshStorage(engine);
      try {
        await killAfterEveryAcknowledgedCall(slot.storage);
      } finally {
        await slot.dispose();
      }
    });
  }
});

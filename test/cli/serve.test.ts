// `chatwire serve` and the admin commands as an operator meets them, each run as its own process: the secret key
// generated once into the data directory, config file < env < flags, one-line failures, signals and a graceful
// shutdown that ends open event streams cleanly, usersig / import-accounts / status against the running server,
// the access and auth logs.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ConnectError, createClient } from "@connectrpc/connect";
import { Http2SessionManager, createConnectTransport } from "@connectrpc/connect-node";
import { ErrorDetailSchema } from "../../gen/chatwire/v1/error_code_pb.js";
import { EventService } from "../../gen/chatwire/v1/event_pb.js";
import { SessionService } from "../../gen/chatwire/v1/session_pb.js";
import { runCli, startServe } from "./cli-process.js";

const dirs: string[] = [];
const workDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "chatwire-cli-"));
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** One line on stderr, no stack trace, exit 1. */
function assertOneLineFailure(run: { code: number | null; stdout: string; stderr: string }, message: RegExp): void {
  assert.equal(run.code, 1, `exit code\n${run.stdout}\n${run.stderr}`);
  const lines = run.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one line:\n${run.stderr}`);
  assert.match(lines[0]!, /^chatwire: /);
  assert.match(lines[0]!, message);
  assert.doesNotMatch(run.stderr, /\n\s+at /);
}

function connect(url: string) {
  const sessionManager = new Http2SessionManager(url);
  const transport = createConnectTransport({ baseUrl: url, httpVersion: "2", sessionManager });
  return { session: createClient(SessionService, transport), events: createClient(EventService, transport), close: () => sessionManager.abort() };
}

describe("chatwire serve", () => {
  it("generates the secret key on first start (0600, shown once), keeps it, and usersig signs with it", async () => {
    const cwd = workDir();
    const first = await startServe(["--port", "0"], { cwd });
    const keyFile = join(cwd, "data", "secret-key");
    const key = readFileSync(keyFile, "utf8").trim();
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.ok(first.output().includes(key), "the new key is printed");
    assert.match(first.output(), new RegExp(`storage +SQLite ${join(cwd, "data", "chatwire.db")}`));
    assert.match(first.output(), /^Chatwire \d+\.\d+\.\d+\S* listening on http:\/\/127\.0\.0\.1:\d+$/m);
    first.child.kill("SIGTERM");
    assert.equal((await first.exit).code, 0);

    const second = await startServe(["--port", "0"], { cwd });
    try {
      assert.ok(!second.output().includes(key), "the key is shown only when generated");
      assert.match(second.output(), /secret key +\S+secret-key$/m);
      const sig = await runCli(["usersig", "alice"], { cwd });
      assert.equal(sig.code, 0, sig.stderr);
      const client = connect(second.url);
      try {
        const login = await client.session.login({ userId: "alice", userSig: sig.stdout.trim() });
        assert.ok(login.sessionToken.length > 0);
      } finally {
        client.close();
      }
    } finally {
      second.child.kill("SIGTERM");
      await second.exit;
    }
  });

  it("reads a config file, which the environment and flags override", async () => {
    const cwd = workDir();
    writeFileSync(
      join(cwd, "chatwire.yaml"),
      ["port: 0", "secretKey: file-key", "storage: memory", "metrics: false", "corsOrigins: [https://app.example.com]", "presence:", "  statusQueryEnabled: false", ""].join("\n"),
    );
    const server = await startServe(["--config", "chatwire.yaml", "--cors-origins", "https://flag.example.com"], {
      cwd,
      env: { CHATWIRE_CORS_ORIGINS: "https://env.example.com", CHATWIRE_METRICS: "true" },
    });
    try {
      assert.match(server.output(), /storage +in memory/);
      assert.match(server.output(), /config +\S+chatwire\.yaml/);
      // metrics: false in the file, true in the environment.
      assert.equal((await fetch(`${server.url}/metrics`)).status, 200);
      // corsOrigins: the flag wins over the environment and the file.
      const allow = async (origin: string) => (await fetch(`${server.url}/healthz`, { headers: { origin } })).headers.get("access-control-allow-origin");
      assert.equal(await allow("https://flag.example.com"), "https://flag.example.com");
      assert.equal(await allow("https://env.example.com"), null);
      assert.equal(await allow("https://app.example.com"), null);
      // The file's key and presence settings reach the server: alice logs in with a sig of the file's key, and
      // querying another user's status is refused as the console switch says (72001).
      const sig = await runCli(["usersig", "alice", "--config", "chatwire.yaml"], { cwd });
      const client = connect(server.url);
      try {
        const { sessionToken } = await client.session.login({ userId: "alice", userSig: sig.stdout.trim() });
        const { UserStatusService } = await import("../../gen/chatwire/v1/user_status_pb.js");
        const status = createClient(UserStatusService, createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }));
        const refused = await status.getUserStatus({ userIdList: ["bob"] }, { headers: { authorization: `Bearer ${sessionToken}` } }).catch((e: unknown) => e);
        assert.ok(refused instanceof ConnectError);
        assert.equal(refused.findDetails(ErrorDetailSchema)[0]?.code, 72001);
      } finally {
        client.close();
      }
    } finally {
      server.child.kill("SIGTERM");
      await server.exit;
    }
  });

  it("ends with one clear line for bad values, an unreachable database and a port in use", async () => {
    const cwd = workDir();
    assertOneLineFailure(await runCli(["serve", "--storage", "memory"], { cwd, env: { CHATWIRE_SDK_APP_ID: "abc" } }), /invalid sdkAppID "abc" \(from CHATWIRE_SDK_APP_ID\)/);
    assertOneLineFailure(await runCli(["serve", "--port", "http"], { cwd }), /invalid port "http" \(from --port\)/);
    assertOneLineFailure(await runCli(["serve", "--log-level", "verbose"], { cwd }), /invalid logLevel "verbose"/);
    assertOneLineFailure(await runCli(["serve", "--storage", "mongodb://db/chat"], { cwd }), /unsupported scheme mongodb:\/\//);
    // A closed port stands for a database that is down.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const deadPort = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    assertOneLineFailure(
      await runCli(["serve", "--storage", `postgres://chat:hunter2@127.0.0.1:${deadPort}/chat`], { cwd }),
      new RegExp(`cannot open storage postgres://chat:\\*\\*\\*@127\\.0\\.0\\.1:${deadPort}/chat: .*ECONNREFUSED`),
    );
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
    const busyPort = (busy.address() as { port: number }).port;
    try {
      assertOneLineFailure(await runCli(["serve", "--port", String(busyPort), "--storage", "memory"], { cwd }), new RegExp(`port ${busyPort} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      busy.close();
    }
  });

  it("--help shows no secret, whatever the environment holds", async () => {
    const cwd = workDir();
    const secret = "do-not-print-this-secret";
    for (const args of [["--help"], ["serve", "--help"], ["usersig", "--help"], ["conformance", "--help"]]) {
      const run = await runCli(args, { cwd, env: { CHATWIRE_SECRET_KEY: secret, CHATWIRE_STORAGE: `postgres://u:${secret}@db/x` } });
      assert.equal(run.code, 0, run.stderr);
      assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret), `${args.join(" ")} printed the secret`);
    }
    const version = await runCli(["--version"], { cwd });
    assert.equal(version.stdout.trim(), JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")).version);
  });

  it("stops on SIGTERM: an open event stream ends cleanly and the process exits 0", async (t) => {
    const cwd = workDir();
    const server = await startServe(["--port", "0", "--storage", "memory", "--secret-key", "k"], { cwd });
    const sig = await runCli(["usersig", "alice", "--secret-key", "k"], { cwd });
    const client = connect(server.url);
    try {
      const { sessionToken } = await client.session.login({ userId: "alice", userSig: sig.stdout.trim() });
      const frames: number[] = [];
      let opened = () => {};
      const open = new Promise<void>((resolve) => (opened = resolve));
      const stream = (async () => {
        for await (const frame of client.events.streamEvents({}, { headers: { authorization: `Bearer ${sessionToken}` } })) {
          frames.push(frame.events.length);
          opened();
        }
        return "ended";
      })();
      await open;
      const started = performance.now();
      server.child.kill("SIGTERM");
      // A clean end of stream, not a reset: the loop finishes without throwing.
      assert.equal(await stream, "ended");
      const exit = await server.exit;
      t.diagnostic(`shutdown with an open stream: ${Math.round(performance.now() - started)} ms from SIGTERM to exit`);
      assert.equal(exit.code, 0, exit.stderr);
      assert.match(exit.stdout, /Chatwire stopping \(SIGTERM\)/);
      assert.match(exit.stdout, /Chatwire stopped in \d+ ms/);
    } finally {
      client.close();
      server.child.kill("SIGKILL");
    }
  });

  it("administers a running server: import-accounts, status; logs RPCs at debug and refused sigs at info without the sig", async () => {
    const cwd = workDir();
    writeFileSync(join(cwd, "ids.txt"), "# new users\ncarol\ndave\n\nalice\n");
    const server = await startServe(["--port", "0", "--storage", "memory", "--log-level", "debug"], { cwd });
    try {
      const port = new URL(server.url).port;
      const imported = await runCli(["import-accounts", "--port", port, "alice", "bob"], { cwd });
      assert.equal(imported.code, 0, imported.stderr);
      assert.match(imported.stdout, /imported 2 accounts into .*: 2 created, 0 already existed/);
      const fromFile = await runCli(["import-accounts", "--url", server.url, "--file", "ids.txt"], { cwd });
      assert.match(fromFile.stdout, /imported 3 accounts .*: 2 created, 1 already existed/);
      const fromStdin = await runCli(["import-accounts", "--url", server.url, "--file", "-"], { cwd, stdin: '["erin"]' });
      assert.match(fromStdin.stdout, /imported 1 account .*: 1 created/);

      const wrongKey = await runCli(["import-accounts", "--url", server.url, "--secret-key", "not-the-key", "zed"], { cwd });
      assertOneLineFailure(wrongKey, /import failed .*\(code 70009\)/);

      const badSig = "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwok5mcmpUInilOzEgoLM";
      const client = connect(server.url);
      await client.session.login({ userId: "mallory", userSig: badSig }).catch(() => undefined);
      client.close();

      const status = await runCli(["status", "--port", port], { cwd });
      assert.equal(status.code, 0, status.stderr);
      assert.match(status.stdout, /: live, ready/);
      assert.match(status.stdout, /^version \d+\.\d+\.\d+/m);
      assert.match(status.stdout, /sessions 0 \(users online 0\), event streams 0/);
      assert.match(status.stdout, /auth failures [1-9]/);

      const logs = server
        .output()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { level: number; msg: string; method?: string; code?: number; userId?: string });
      const rpcLog = logs.find((l) => l.msg === "rpc" && l.method === "chatwire.v1.AccountAdminService.ImportAccounts");
      assert.equal(rpcLog?.level, 20, "the access log is at debug");
      const authLog = logs.find((l) => l.msg === "auth failed" && l.method === "chatwire.v1.SessionService.Login");
      assert.equal(authLog?.level, 30, "refused credentials are logged at info");
      assert.equal(authLog?.userId, "mallory");
      assert.ok(authLog?.code !== undefined && authLog.code >= 70000 && authLog.code < 71000, `a 70xxx code: ${authLog?.code}`);
      assert.ok(!server.output().includes(badSig), "the sig itself is never logged");
    } finally {
      server.child.kill("SIGTERM");
      await server.exit;
    }
    const down = await runCli(["status", "--url", server.url], { cwd });
    assertOneLineFailure(down, /cannot reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
  });
});

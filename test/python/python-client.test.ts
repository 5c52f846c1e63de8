// Bindings for another language: generates the Python bindings with buf.gen.python.yaml into a temp folder and runs
// clients/python/chatwire_client.py (gRPC over h2c) against an in-process server. Two users: alice subscribes to
// bob and sees his status change on her event stream. Skipped when protoc, grpc_python_plugin or python3-grpcio
// is missing (apt-get install protobuf-compiler protobuf-compiler-grpc python3-grpcio python3-protobuf) — except in
// CI (CI set), where a missing tool fails the run instead of skipping it silently.
import assert from "node:assert/strict";
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { startServer, type RunningServer } from "../../server/index.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const PYTHON = "/usr/bin/python3";
const CLIENT = join(ROOT, "clients/python/chatwire_client.py");
const TEMPLATE = "buf.gen.python.yaml";

/** Why the suite cannot run here, or undefined when it can. */
function missingPrerequisite(): string | undefined {
  const ok = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: "ignore", timeout: 10_000 }).status === 0;
  if (!ok("protoc", ["--version"])) return "protoc not found (apt-get install protobuf-compiler)";
  if (!ok("sh", ["-c", "command -v grpc_python_plugin"])) return "grpc_python_plugin not found (apt-get install protobuf-compiler-grpc)";
  if (!ok(PYTHON, ["-c", "import grpc, google.protobuf"])) return `${PYTHON} cannot import grpc (apt-get install python3-grpcio python3-protobuf)`;
  return undefined;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the client asynchronously: the server lives in this process, so a synchronous child would deadlock it. */
function runClient(pythonPath: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(PYTHON, [CLIENT, ...args], { env: { ...process.env, PYTHONPATH: pythonPath }, timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const missing = missingPrerequisite();
const skip = process.env.CI ? false : missing;

test("the Python toolchain is installed where CI runs", { skip: !process.env.CI }, () => {
  assert.equal(missing, undefined, `CI is set but ${missing}`);
});

describe("Python client over gRPC", { skip }, () => {
  let server: RunningServer;
  let outDir: string;
  let pythonPath: string;
  const secretKey = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e";
  const common = () => ["--url", server.url, "--sdk-app-id", String(server.sdkAppID)];

  before(async () => {
    outDir = mkdtempSync(join(tmpdir(), "chatwire-py-"));
    execFileSync(join(ROOT, "node_modules/.bin/buf"), ["generate", "--template", TEMPLATE, "-o", outDir], { cwd: ROOT, stdio: "pipe" });
    pythonPath = join(outDir, "python");
    server = await startServer({ port: 0, storage: "memory", logLevel: "silent", secretKey, sdkAppID: 1400000000 });
  });

  after(async () => {
    await server?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  test("the template writes only under the -o folder and never cleans gen/", () => {
    const template = readFileSync(join(ROOT, TEMPLATE), "utf8");
    assert.doesNotMatch(template, /^\s*clean:/m);
    assert.doesNotMatch(template, /out:\s*gen\b/);
    for (const file of ["session_pb2.py", "session_pb2_grpc.py", "user_status_pb2_grpc.py", "event_pb2_grpc.py", "error_code_pb2.py"]) {
      assert.ok(readFileSync(join(pythonPath, "chatwire/v1", file), "utf8").length > 0, file);
    }
  });

  test("alice logs in, sets and reads status, sees bob's change on her stream, logs out", async () => {
    const run = await runClient(pythonPath, [...common(), "--secret-key", secretKey, "--user", "alice", "--peer", "bob"]);
    assert.equal(run.code, 0, `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
    const lines = run.stdout.split("\n");
    const has = (re: RegExp) => assert.ok(lines.some((l) => re.test(l)), `no line matches ${re}\n${run.stdout}`);
    has(/^login alice: device=python_\S+ status=USER_STATUS_TYPE_ONLINE/);
    has(/^login bob: device=python_\S+ status=USER_STATUS_TYPE_ONLINE/);
    has(/^set self status: alice USER_STATUS_TYPE_ONLINE custom='hello from python' devices=1$/);
    has(/^get user status: alice USER_STATUS_TYPE_ONLINE custom='hello from python'/);
    has(/^get user status: bob USER_STATUS_TYPE_ONLINE custom=''/);
    has(/^subscribe: bob USER_STATUS_TYPE_ONLINE/);
    has(/^stream open: keepalive_ms=\d+$/);
    has(/^event \d+: user_status_updated$/);
    has(/^peer status event: bob USER_STATUS_TYPE_ONLINE custom='busy' devices=1$/);
    has(/^unsubscribe: ok$/);
    has(/^logout alice: ok$/);
    has(/^after logout: UNAUTHENTICATED: .*\(chatwire code 990003\)$/);
    has(/^wrong secret key: UNAUTHENTICATED: .*\(chatwire code 70009\)$/);
    assert.equal(lines.filter(Boolean).at(-1), "OK");
    assert.deepEqual(server.inspectSessions("alice"), []);
    assert.deepEqual(server.inspectSessions("bob"), []);
  });

  test("the Python UserSig decodes to usersig.md vector (a)'s payload", async () => {
    // Only the payload is compared: Node's bundled zlib and the system's compress the same bytes differently.
    const script = [
      "import base64, sys, time, zlib",
      `sys.path.insert(0, ${JSON.stringify(join(ROOT, "clients/python"))})`,
      "time.time = lambda: 1700000000",
      "from chatwire_client import gen_user_sig",
      `sig = gen_user_sig(1400000000, ${JSON.stringify(secretKey)}, "alice")`,
      "print(zlib.decompress(base64.b64decode(sig.translate(str.maketrans('*-_', '+/=')))).decode())",
    ].join("\n");
    const payload = await new Promise<string>((resolve, reject) =>
      execFile(PYTHON, ["-B", "-c", script], { env: { ...process.env, PYTHONPATH: pythonPath } }, (err, stdout) => (err ? reject(err) : resolve(stdout.trim()))),
    );
    assert.equal(
      payload,
      '{"TLS.ver":"2.0","TLS.identifier":"alice","TLS.sdkappid":1400000000,"TLS.time":1700000000,"TLS.expire":86400,"TLS.sig":"6GmjjJlI0ZfvdjC0qJyFjHknLqIVerI6rpJOgWxfg1k="}',
    );
  });

  test("a wrong secret key fails the run with UNAUTHENTICATED and code 70009", async () => {
    const run = await runClient(pythonPath, [...common(), "--secret-key", "not-the-key", "--user", "carol"]);
    assert.equal(run.code, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /^FAILED: UNAUTHENTICATED: .*\(chatwire code 70009\)$/m);
  });
});

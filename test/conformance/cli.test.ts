// `chatwire conformance` against a server by URL, as a CI job runs it: a preflight that turns a wrong key into one
// line, a filter matching nothing refused, progress counters, and reports (TAP, JSON, JUnit) written where asked.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startServer, type RunningServer } from "../../server/index.js";
import { runCli } from "../cli/cli-process.js";

let server: RunningServer;
const dir = mkdtempSync(join(tmpdir(), "chatwire-conformance-cli-"));
const SECRET_KEY = "conformance-cli-key";
before(async () => (server = await startServer({ storage: "memory", logLevel: "silent", secretKey: SECRET_KEY })));
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const against = (...args: string[]) => ["conformance", "--url", server.url, "--sdk-app-id", String(server.sdkAppID), ...args];

describe("chatwire conformance --url", () => {
  it("fails in one line, before any case, when the server refuses the key", async () => {
    const run = await runCli(["conformance", "--url", server.url, "--sdk-app-id", String(server.sdkAppID), "--secret-key", "wrong-key"], { cwd: dir });
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.equal(run.stdout, "");
    assert.match(run.stderr.trim(), /^chatwire: http:\/\/\S+ refuses a UserSig for SDKAppID \d+ signed with the given secret key .*\(code 70009\)$/);
  });

  it("fails in one line when nothing answers at the URL", async () => {
    const run = await runCli(["conformance", "--url", "http://127.0.0.1:1", "--sdk-app-id", "1400000000", "--secret-key", "k"], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr.trim(), /^chatwire: cannot reach a Chatwire server at http:\/\/127\.0\.0\.1:1: /);
    assert.equal(run.stderr.trim().split("\n").length, 1);
  });

  it("refuses a filter that matches no case", async () => {
    const run = await runCli([...against("--secret-key", SECRET_KEY), "--filter", "no-such-suite/**"], { cwd: dir });
    assert.equal(run.code, 2);
    assert.match(run.stderr.trim(), /^chatwire: --filter no-such-suite\/\*\* matches no case/);
  });

  it("counts progress and writes TAP into a folder it creates; JSON on stdout keeps stdout for the report", async () => {
    const tap = join(dir, "reports", "nested", "session.tap");
    const run = await runCli([...against("--secret-key", SECRET_KEY), "--driver", "rpc", "--filter", "session/**", "--reporter", "tap", "--output", tap], { cwd: dir });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const lines = run.stdout.split("\n").filter((l) => /^\[/.test(l));
    assert.ok(lines.length > 0);
    lines.forEach((line, i) => assert.match(line, new RegExp(`^\\[\\s*${i + 1}/${lines.length}\\] `)));
    const report = readFileSync(tap, "utf8").split("\n");
    assert.equal(report[0], "TAP version 13");
    assert.equal(report[1], `1..${lines.length}`);
    assert.equal(report.filter((l) => /^(not )?ok \d+ - rpc\/session\//.test(l)).length, lines.length);

    const json = await runCli([...against("--secret-key", SECRET_KEY), "--driver", "rpc", "--filter", "session/**", "--reporter", "json"], { cwd: dir });
    assert.equal(json.code, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; target: string; cases: { name: string; verdict: string }[] };
    assert.equal(parsed.ok, true);
    assert.equal(parsed.target, server.url);
    assert.equal(parsed.cases.length, lines.length);
    assert.match(json.stderr, /^\[\s*1\//m, "progress goes to stderr");
  });
});

// The README's facade example is a test: it must run against a local server as printed.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";
import { repoRoot } from "../codegen/main.js";
import { startServer, type RunningServer } from "../server/index.js";

let server: RunningServer;
const scratch = join(repoRoot, "tmp", `readme-${process.pid}`);
before(async () => (server = await startServer({ storage: "memory", logLevel: "silent", secretKey: "readme-key" })));
after(async () => {
  await server.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe("README", () => {
  it("runs the facade example against the local server", async () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const snippet = /```ts\n(import TencentCloudChat[\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(snippet, "the README has the facade example");
    mkdirSync(scratch, { recursive: true });
    const file = join(scratch, "example.ts");
    writeFileSync(file, snippet.replace('"chatwire/client"', '"../../client/index.js"').replace("http://127.0.0.1:8080", server.url));
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", file], {
      cwd: repoRoot,
      env: { ...process.env, CHATWIRE_SECRET_KEY: "readme-key" },
      timeout: 30_000,
    });
    assert.match(stdout, /customStatus: 'in a meeting'/);
    assert.match(stdout, /userID: 'bob'/, "bob, who never logged in, is in failureUserList");
  });
});

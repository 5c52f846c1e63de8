// The npm package as a user gets it: `npm pack` (which builds through `prepare`), installed into a fresh project,
// every subpath imported with plain `node` (no TypeScript loader), the bin run, a server started and the facade used
// through the package, and a consumer type-checked under strict settings (strict, exactOptionalPropertyTypes,
// noUncheckedIndexedAccess, no skipLibCheck) for Node and for a browser app without Node's types.
import assert from "node:assert/strict";
import { execFile, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { after, before, describe, it } from "node:test";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const run = promisify(execFile);
const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; dependencies: Record<string, string> };
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

let scratch: string;
let project: string;
let packed: string[];

/** Runs npm without the settings of an `npm test` around us leaking into it. */
function npm(args: string[], cwd: string) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_(config|package|lifecycle)_/i.test(k)));
  return run("npm", args, { cwd, env, maxBuffer: 64 << 20, timeout: 300_000 });
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), "chatwire-pack-"));
  const { stdout } = await npm(["pack", "--json", "--pack-destination", scratch], ROOT);
  const [info] = JSON.parse(stdout.slice(stdout.indexOf("["))) as { filename: string; files: { path: string }[] }[];
  packed = info!.files.map((f) => f.path);
  project = join(scratch, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  // --ignore-scripts: better-sqlite3 would compile its addon again (minutes); the one built for this checkout is
  // the same version for the same Node, so it is copied in instead.
  await npm(["install", "--ignore-scripts", "--no-audit", "--no-fund", "--prefer-offline", join(scratch, info!.filename)], project);
  const addon = "node_modules/better-sqlite3/build";
  if (existsSync(join(ROOT, addon)) && existsSync(join(project, "node_modules/better-sqlite3"))) cpSync(join(ROOT, addon), join(project, addon), { recursive: true });
});

after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Runs an ES module in the consumer project with plain node. */
async function node(code: string, file = "check.mjs"): Promise<string> {
  writeFileSync(join(project, file), code);
  const { stdout } = await run(process.execPath, [file], { cwd: project, timeout: 60_000 });
  return stdout;
}

describe("the packed tarball", () => {
  it("holds the built library, the bin, the spec, docs and LICENSE; no tests, benchmarks, sources or scratch", () => {
    for (const file of ["package.json", "LICENSE", "README.md", "bin/chatwire.js", "dist/client/index.js", "dist/client/index.d.ts", "dist/server/index.js", "dist/server/cli.js", "dist/gen/chatwire/v1/session_pb.js", "dist/test/conformance/index.js", "dist/test/conformance/suites/session.yaml", "proto/chatwire/v1/session.proto", "docs/api.md"]) {
      assert.ok(packed.includes(file), `${file} is packed`);
    }
    const unwanted = packed.filter(
      (f) => /\.test\.|(^|\/)(bench|codegen|scripts|tmp|data|node_modules)\//.test(f) || f.startsWith("test/") || (/\.ts$/.test(f) && !f.endsWith(".d.ts")),
    );
    assert.deepEqual(unwanted, []);
  });

  it("declares every runtime import as a dependency, and no TypeScript loader", () => {
    assert.equal(pkg.dependencies.tsx, undefined);
    assert.ok(!readFileSync(join(project, "node_modules/chatwire/bin/chatwire.js"), "utf8").includes("tsx"));
  });
});

describe("installed into a fresh project", () => {
  it("imports every subpath with plain node", async () => {
    const out = await node(`
      const client = await import("chatwire/client");
      const root = await import("chatwire");
      const server = await import("chatwire/server");
      const session = await import("chatwire/gen/session_pb");
      const sessionJs = await import("chatwire/gen/session_pb.js");
      const conformance = await import("chatwire/conformance");
      const { default: manifest } = await import("chatwire/package.json", { with: { type: "json" } });
      console.log(JSON.stringify({
        create: typeof client.default.create,
        same: root.default === client.default,
        event: client.TencentCloudChat.EVENT.SDK_READY,
        startServer: typeof server.startServer,
        service: session.SessionService.typeName,
        sameGen: session.SessionService === sessionJs.SessionService,
        run: typeof conformance.runConformance,
        suites: conformance.loadSuites().length > 0,
        version: manifest.version,
      }));
    `);
    assert.deepEqual(JSON.parse(out), {
      create: "function",
      same: true,
      event: "sdkStateReady",
      startServer: "function",
      service: "chatwire.v1.SessionService",
      sameGen: true,
      run: "function",
      suites: true,
      version: pkg.version,
    });
  });

  it("runs the bin from compiled code", async () => {
    const { stdout } = await run(join(project, "node_modules/.bin/chatwire"), ["--version"], { cwd: project });
    assert.equal(stdout.trim(), pkg.version);
  });

  it("starts a server with chatwire/server and uses it through chatwire/client", async () => {
    const out = await node(
      `
      import TencentCloudChat from "chatwire/client";
      import { genUserSig, startServer } from "chatwire/server";
      const server = await startServer({ storage: "memory", logLevel: "silent", secretKey: "k" });
      const chat = TencentCloudChat.create({ SDKAppID: server.sdkAppID, baseUrl: server.url });
      chat.setLogLevel(4);
      const ready = new Promise((resolve) => chat.on(TencentCloudChat.EVENT.SDK_READY, resolve));
      await chat.login({ userID: "alice", userSig: genUserSig({ sdkAppId: server.sdkAppID, secretKey: "k", userId: "alice", expireSeconds: 600, nowMs: Date.now() }) });
      await ready;
      const { data } = await chat.setSelfStatus({ customStatus: "packaged" });
      await chat.destroy();
      await server.close();
      console.log(data.customStatus);
    `,
      "use.mjs",
    );
    assert.equal(out.trim(), "packaged");
  });

  it("type-checks a Node consumer under strict settings", async () => {
    typecheck("node", {
      module: "NodeNext",
      moduleResolution: "NodeNext",
      lib: ["ES2022"],
      types: ["node"],
      typeRoots: [join(ROOT, "node_modules/@types")],
    }, `
      import TencentCloudChat, { type ChatOptions, type ChatEvent } from "chatwire/client";
      import { startServer, type ServerOptions, type RunningServer } from "chatwire/server";
      import { SessionService, type LoginRequest } from "chatwire/gen/session_pb";
      import { runConformance, remoteTargets, type Verdict } from "chatwire/conformance";

      const options: ServerOptions = { storage: "memory", logLevel: "silent", presence: { maxSubscriptions: 10 } };
      const server: RunningServer = await startServer(options);
      const chatOptions: ChatOptions = { SDKAppID: server.sdkAppID, baseUrl: server.url };
      const chat = TencentCloudChat.create(chatOptions);
      chat.on(TencentCloudChat.EVENT.USER_STATUS_UPDATED, (event: ChatEvent) => console.log(event.name));
      const login = await chat.login({ userID: "alice", userSig: "sig" });
      const code: number = login.code;
      const status = await chat.getUserStatus({ userIDList: ["bob"] });
      console.log(code, status.data, SessionService.typeName);
      const request: Partial<LoginRequest> = { userId: "alice" };
      const verdicts: Verdict[] = (await runConformance({ targets: remoteTargets({ url: server.url, sdkAppID: 1, secretKey: "k" }), drivers: ["rpc"], log: console.log })).verdicts;
      console.log(request, verdicts.length);
      await chat.destroy();
      await server.close();
    `);
  });

  it("type-checks a browser app (bundler resolution, DOM, no Node types) that uses only chatwire/client", () => {
    typecheck("browser", { module: "ESNext", moduleResolution: "Bundler", lib: ["ES2022", "DOM"], types: [] }, `
      import TencentCloudChat, { TYPES } from "chatwire/client";
      const chat = TencentCloudChat.create({ SDKAppID: 1400000000, baseUrl: location.origin });
      chat.on(TencentCloudChat.EVENT.SDK_READY, () => void chat.setSelfStatus({ customStatus: "here" }));
      const online: number = TYPES.USER_STATUS_ONLINE;
      export { online };
    `);
  });
});

describe("npm start", () => {
  it("runs the compiled server in the foreground and stops it on SIGTERM to npm", async () => {
    const dataDir = join(scratch, "start-data");
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|CHATWIRE_|PORT$|HOST$)/i.test(k)));
    const child = spawn("npm", ["start"], { cwd: ROOT, env: { ...env, PORT: "0", CHATWIRE_STORAGE: "memory", CHATWIRE_DATA_DIR: dataDir }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (output += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (output += c));
    const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on("data", () => {
        const found = /listening on (http:\/\/\S+)/.exec(output)?.[1];
        if (found) resolve(found);
      });
      void exited.then(() => reject(new Error(`npm start exited early:\n${output}`)));
    });
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    child.kill("SIGTERM");
    assert.equal(await exited, 0, output);
    assert.match(output, /Chatwire stopped in \d+ ms/);
    await assert.rejects(fetch(`${url}/healthz`), "the server is gone with npm");
  });
});

/** Type-checks one consumer file with tsc; fails on any error in the consumer or in chatwire's declarations. */
function typecheck(name: string, compilerOptions: Record<string, unknown>, source: string): void {
  const dir = join(project, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "consumer.ts"), source);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        noImplicitOverride: true,
        noPropertyAccessFromIndexSignature: true,
        skipLibCheck: false,
        noEmit: true,
        ...compilerOptions,
      },
      files: ["consumer.ts"],
    }),
  );
  const result = spawnSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json"), "--pretty", "false"], { cwd: dir, encoding: "utf8", timeout: 120_000 });
  const errors = `${result.stdout}${result.stderr}`.split("\n").filter((line) => /error TS\d+/.test(line));
  // Only Chatwire's own files and the consumer count: a dependency's declarations are its authors' business.
  const ours = errors.filter((line) => line.startsWith("consumer.ts") || line.includes("node_modules/chatwire/"));
  assert.deepEqual(ours, [], `${name} consumer:\n${errors.join("\n")}`);
}

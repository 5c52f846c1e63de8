// The settings of `chatwire serve`: config file (YAML or JSON) < environment < flags, every bad value one line
// naming its source, unknown keys refused with a suggestion, sections the server may add (limits, uploads) passed on.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadConfig, sectionOf } from "../../server/config/load-config.js";
import { ConfigError, SETTINGS, envName, redactUrl } from "../../server/config/settings.js";

const dir = mkdtempSync(join(tmpdir(), "chatwire-config-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const refused = (fn: () => unknown, message: RegExp) => assert.throws(fn, (err: unknown) => err instanceof ConfigError && message.test(err.message));

describe("config layers", () => {
  it("reads YAML, then the environment overrides it, then flags override both", () => {
    const yaml = file("a.yaml", "port: 9000\nhost: 0.0.0.0\nlogLevel: warn\npresence:\n  offlineTimeoutMs: 60000\ncorsOrigins: [https://app.example.com]\n");
    const fromFile = loadConfig({ file: yaml, env: {} });
    assert.equal(fromFile.values.port, 9000);
    assert.equal(fromFile.values.host, "0.0.0.0");
    assert.deepEqual(fromFile.values.corsOrigins, ["https://app.example.com"]);
    assert.deepEqual(sectionOf(fromFile, "presence"), { offlineTimeoutMs: 60000 });
    const withEnv = loadConfig({ file: yaml, env: { PORT: "9001", CHATWIRE_LOG_LEVEL: "debug", CHATWIRE_PRESENCE_OFFLINE_TIMEOUT_MS: "5000" } });
    assert.equal(withEnv.values.port, 9001);
    assert.equal(withEnv.sources.port, "PORT");
    assert.equal(withEnv.values.logLevel, "debug");
    assert.deepEqual(sectionOf(withEnv, "presence"), { offlineTimeoutMs: 5000 });
    const withFlags = loadConfig({ file: yaml, env: { PORT: "9001" }, flags: { port: "9002" }, sets: ["presence.maxSubscriptions=10"] });
    assert.equal(withFlags.values.port, 9002);
    assert.equal(withFlags.sources.port, "--port");
    assert.deepEqual(sectionOf(withFlags, "presence"), { offlineTimeoutMs: 60000, maxSubscriptions: 10 });
  });

  it("reads JSON config files too", () => {
    const config = loadConfig({ file: file("b.json", '{"sdkAppID": 1400000001, "metrics": false}'), env: {} });
    assert.equal(config.values.sdkAppID, 1400000001);
    assert.equal(config.values.metrics, false);
  });

  it("CHATWIRE_<KEY> wins over the short alias", () => {
    assert.equal(loadConfig({ env: { PORT: "1", CHATWIRE_PORT: "2" } }).values.port, 2);
  });

  it("passes limits and uploads through as sections, from the file, the environment and --set", () => {
    const config = loadConfig({
      file: file("c.yaml", "limits:\n  maxBodyBytes: 1048576\n  rest:\n    maxItems: 5\n"),
      env: { CHATWIRE_LIMITS_MAX_STREAMS_PER_USER: "4", CHATWIRE_UPLOADS_DIR: "/srv/uploads" },
      sets: ["limits.strict=true"],
    });
    assert.deepEqual(sectionOf(config, "limits"), { maxBodyBytes: 1048576, rest: { maxItems: 5 }, maxStreamsPerUser: 4, strict: true });
    assert.deepEqual(sectionOf(config, "uploads"), { dir: "/srv/uploads" });
  });
});

describe("bad settings", () => {
  it("names the value and its source in one line", () => {
    refused(() => loadConfig({ env: { CHATWIRE_SDK_APP_ID: "abc" } }), /^invalid sdkAppID "abc" \(from CHATWIRE_SDK_APP_ID\): expected an integer/);
    refused(() => loadConfig({ env: {}, flags: { port: "70000" } }), /^invalid port "70000" \(from --port\)/);
    refused(() => loadConfig({ env: { LOG_LEVEL: "loud" } }), /^invalid logLevel "loud" \(from LOG_LEVEL\): expected fatal, error/);
    refused(() => loadConfig({ env: { CHATWIRE_STORAGE: "mysql://db/chat" } }), /unsupported scheme mysql:\/\//);
    refused(() => loadConfig({ env: { CHATWIRE_STORAGE: "postgres://" } }), /^invalid storage/);
    refused(() => loadConfig({ file: file("d.yaml", "presence:\n  offlineTimeoutMs: -5\n"), env: {} }), /^invalid presence.offlineTimeoutMs -5 \(from .*d.yaml\)/);
    refused(() => loadConfig({ env: { CHATWIRE_CORS_ORIGINS: "https://a.example/path" } }), /is not an origin/);
    refused(() => loadConfig({ env: { CHATWIRE_SPEECH_TO_TEXT_URL: "ftp://stt" } }), /^invalid speechToText.url "ftp:\/\/stt" .*expected an http/);
  });

  it("refuses unknown keys with a suggestion", () => {
    refused(() => loadConfig({ file: file("e.yaml", "presense:\n  offlineTimeoutMs: 1\n"), env: {} }), /^unknown setting presense .*did you mean presence\?/);
    refused(() => loadConfig({ env: {}, sets: ["presence.offlineTimeout=1"] }), /did you mean presence.offlineTimeoutMs\?/);
    refused(() => loadConfig({ file: file("f.yaml", "- a\n- b\n"), env: {} }), /must hold a mapping/);
    refused(() => loadConfig({ file: file("g.yaml", "port: [\n"), env: {} }), /is not valid YAML or JSON/);
    refused(() => loadConfig({ file: join(dir, "missing.yaml"), env: {} }), /cannot read the config file .*ENOENT/);
  });

  it("never shows a secret or a database password in a message", () => {
    refused(() => loadConfig({ env: { CHATWIRE_SECRET_KEY: " " } }), /^invalid secretKey \(hidden\)/);
    refused(() => loadConfig({ file: file("h.yaml", "translation:\n  apiKey: [1]\n"), env: {} }), /^invalid translation.apiKey \(hidden\)/);
    assert.equal(redactUrl("postgres://chat:hunter2@db:5432/chat"), "postgres://chat:***@db:5432/chat");
  });
});

it("docs/deployment.md documents every setting with its environment variable", () => {
  const guide = readFileSync(new URL("../../docs/deployment.md", import.meta.url), "utf8");
  for (const setting of SETTINGS) {
    const row = guide.split("\n").find((line) => line.startsWith(`| \`${setting.key}\` |`));
    assert.ok(row, `${setting.key} has a row`);
    assert.ok(row.includes(`\`${envName(setting.key)}\``), `${setting.key}: ${envName(setting.key)}`);
    if (setting.flag) assert.ok(row.includes(`\`${setting.flag}\``), `${setting.key}: ${setting.flag}`);
  }
});

it("every setting has an environment variable named after its key", () => {
  assert.equal(envName("sdkAppID"), "CHATWIRE_SDK_APP_ID");
  assert.equal(envName("presence.offlineTimeoutMs"), "CHATWIRE_PRESENCE_OFFLINE_TIMEOUT_MS");
  assert.equal(new Set(SETTINGS.map((s) => envName(s.key))).size, SETTINGS.length);
});

// The settings of `chatwire serve` and the admin commands: one table gives each setting its config-file key, its
// environment variable, its flag, how it is checked and its documentation. Precedence: defaults < config file (YAML or
// JSON) < environment < flags. Every bad value is reported as one line naming the value's source.
export type SettingType = "port" | "host" | "sdkAppID" | "text" | "secret" | "path" | "storage" | "logLevel" | "ms" | "count" | "bool" | "origins" | "url" | "keys";

export interface Setting {
  /** The key in the config file; nested keys are dotted (presence.offlineTimeoutMs). */
  key: string;
  type: SettingType;
  help: string;
  /** The default, as documented (never a secret). */
  default?: string;
  /** A flag of `chatwire serve` (also of the admin commands when `admin`); every setting can be set with --set. */
  flag?: string;
  /** Environment variables read besides CHATWIRE_<KEY> (which wins), e.g. PORT. */
  envAliases?: string[];
  /** Needed by the admin commands (usersig, import-accounts, status) too. */
  admin?: boolean;
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Sections handed to the server as they are (objects of numbers, booleans and strings), whatever keys it knows. */
export const PASS_THROUGH_SECTIONS = ["limits", "uploads"] as const;

export const SETTINGS: readonly Setting[] = [
  { key: "host", type: "host", help: "Interface to bind; 0.0.0.0 or :: for every interface.", default: "127.0.0.1", flag: "--host", envAliases: ["HOST"], admin: true },
  { key: "port", type: "port", help: "TCP port (HTTP/1.1 and h2c on one port); 0 picks a free one.", default: "8080", flag: "--port", envAliases: ["PORT"], admin: true },
  { key: "sdkAppID", type: "sdkAppID", help: "The application's SDKAppID, which every UserSig must carry.", default: "1400000000", flag: "--sdk-app-id", admin: true },
  { key: "secretKey", type: "secret", help: "The key UserSigs are signed with. Prefer secretKeyFile or the generated key file: a key on a command line shows in `ps`.", default: "generated on first start into <dataDir>/secret-key", flag: "--secret-key", admin: true },
  { key: "secretKeyFile", type: "path", help: "A file holding the secret key (e.g. a mounted secret).", flag: "--secret-key-file", admin: true },
  { key: "dataDir", type: "path", help: "Where the server keeps its files: the generated secret key and the default SQLite database.", default: "./data", flag: "--data-dir", admin: true },
  { key: "storage", type: "storage", help: "`memory` (nothing persists), a SQLite file path, or a postgres:// URL.", default: "<dataDir>/chatwire.db", flag: "--storage" },
  { key: "logLevel", type: "logLevel", help: `Log level: ${LOG_LEVELS.join(", ")}. \`debug\` logs every RPC; \`info\` logs refused credentials.`, default: "info", flag: "--log-level", envAliases: ["LOG_LEVEL"] },
  { key: "corsOrigins", type: "origins", help: "Origins browser apps may call from: `*` or a list (comma-separated in env and flags).", default: "*", flag: "--cors-origins" },
  { key: "metrics", type: "bool", help: "Serve Prometheus metrics at /metrics.", default: "true" },
  { key: "orgName", type: "text", help: "The organisation in the Easemob-style REST paths (/{org}/{app}/…); the app is the SDKAppID.", default: "chatwire" },
  { key: "keepaliveMs", type: "ms", help: "Interval of keep-alive frames on idle event streams, in ms.", default: "15000" },
  { key: "shutdownGraceMs", type: "ms", help: "On SIGTERM/SIGINT, how long calls in flight may take to finish before streams and connections end, in ms.", default: "5000" },
  { key: "presence.statusQueryEnabled", type: "bool", help: "Whether users may query and subscribe to others' status (off: 72001).", default: "true" },
  { key: "presence.friendAutoNotify", type: "bool", help: "Whether friends are told of each other's status changes without subscribing.", default: "false" },
  { key: "presence.offlineTimeoutMs", type: "ms", help: "How long a session may go unheard before the user turns OFFLINE, in ms.", default: "400000" },
  { key: "presence.customStatusClearDelayMs", type: "ms", help: "How long after logout a custom status is cleared, in ms.", default: "30000" },
  { key: "presence.maxSubscriptions", type: "count", help: "The most status subscriptions a user holds; the oldest are evicted past it.", default: "200" },
  { key: "relationships.friendCheck", type: "bool", help: "Whether C2C messages between users who are not friends both ways are refused (20009).", default: "false" },
  { key: "relationships.profileCustomFields", type: "keys", help: "The custom profile fields users may set (Tag_Profile_Custom_* keys; comma-separated in env and flags).", default: "none" },
  { key: "relationships.friendCustomFields", type: "keys", help: "The custom friend fields users may set (Tag_SNS_Custom_* keys; comma-separated in env and flags).", default: "none" },
  { key: "translation.url", type: "url", help: "A LibreTranslate-compatible service for translateText; without it translateText fails with 2117." },
  { key: "translation.apiKey", type: "secret", help: "Its API key (sent as `api_key`)." },
  { key: "translation.timeoutMs", type: "ms", help: "How long one translation may take, in ms.", default: "15000" },
  { key: "speechToText.url", type: "url", help: "An OpenAI-compatible transcription service for convertVoiceToText; without it the call fails with 2118." },
  { key: "speechToText.apiKey", type: "secret", help: "Its API key (sent as a bearer token)." },
  { key: "speechToText.model", type: "text", help: "The transcription model.", default: "whisper-1" },
  { key: "speechToText.timeoutMs", type: "ms", help: "How long one transcription may take, in ms.", default: "60000" },
];

export class ConfigError extends Error {}

/** CHATWIRE_<KEY>: presence.offlineTimeoutMs → CHATWIRE_PRESENCE_OFFLINE_TIMEOUT_MS, sdkAppID → CHATWIRE_SDK_APP_ID. */
export function envName(key: string): string {
  const snake = key
    .split(".")
    .map((part) => part.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/([A-Z])([A-Z][a-z])/g, "$1_$2"))
    .join("_");
  return `CHATWIRE_${snake.toUpperCase()}`;
}

/** LIMITS_MAX_BODY_BYTES after the section's prefix → maxBodyBytes. */
export function camelFromSnake(snake: string): string {
  return snake.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

const describe: Record<SettingType, string> = {
  port: "an integer from 0 to 65535",
  host: "a host name or IP address",
  sdkAppID: "an integer from 1 to 4294967295",
  text: "a non-empty string",
  secret: "a non-empty string",
  path: "a non-empty path",
  storage: "memory, a SQLite file path, or a postgres:// URL",
  logLevel: LOG_LEVELS.join(", "),
  ms: "a whole number of milliseconds (0 or more)",
  count: "a positive integer",
  bool: "true or false",
  origins: "* or a list of origins such as https://app.example.com",
  keys: "a list of field keys such as Tag_Profile_Custom_Hobby",
  url: "an http:// or https:// URL",
};

function integerOf(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === "string" && /^\s*\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

/** Redacts the password of a URL for messages. */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]+):[^@/]*@/i, "$1:***@");
}

/** Checks one value (a string from env or a flag, or any YAML value) against its type; returns the typed value. */
export function parseValue(setting: Setting, value: unknown, source: string): unknown {
  const shown = setting.type === "secret" ? "(hidden)" : JSON.stringify(typeof value === "string" && setting.type === "storage" ? redactUrl(value) : value);
  const bad = (why = `expected ${describe[setting.type]}`) => new ConfigError(`invalid ${setting.key} ${shown} (from ${source}): ${why}`);
  switch (setting.type) {
    case "port": {
      const n = integerOf(value);
      if (n === undefined || n > 65535) throw bad();
      return n;
    }
    case "sdkAppID": {
      const n = integerOf(value);
      if (n === undefined || n < 1 || n > 0xffffffff) throw bad();
      return n;
    }
    case "ms": {
      const n = integerOf(value);
      if (n === undefined) throw bad();
      return n;
    }
    case "count": {
      const n = integerOf(value);
      if (n === undefined || n < 1) throw bad();
      return n;
    }
    case "bool":
      if (typeof value === "boolean") return value;
      if (value === "true" || value === "1" || value === "yes") return true;
      if (value === "false" || value === "0" || value === "no") return false;
      throw bad();
    case "logLevel":
      if (typeof value !== "string" || !(LOG_LEVELS as readonly string[]).includes(value.trim())) throw bad();
      return value.trim();
    case "host":
      if (typeof value !== "string" || !/^(\[?[0-9a-fA-F:.]+\]?|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/.test(value.trim())) throw bad();
      return value.trim().replace(/^\[(.*)\]$/, "$1");
    case "storage": {
      if (typeof value !== "string" || value.trim() === "") throw bad();
      const spec = value.trim();
      if (spec === "memory") return spec;
      const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(spec)?.[1]?.toLowerCase();
      if (scheme === undefined) return spec; // a SQLite file path
      if (scheme !== "postgres" && scheme !== "postgresql") throw bad(`unsupported scheme ${scheme}:// (expected ${describe.storage})`);
      let url: URL;
      try {
        url = new URL(spec);
      } catch {
        throw bad("not a valid URL");
      }
      if (!url.hostname) throw bad("the URL names no host");
      if (url.port !== "" && (Number(url.port) < 1 || Number(url.port) > 65535)) throw bad("bad port in the URL");
      return spec;
    }
    case "origins": {
      const list = Array.isArray(value) ? value : typeof value === "string" ? value.split(",").map((o) => o.trim()).filter(Boolean) : undefined;
      if (!list || list.length === 0 || !list.every((o) => typeof o === "string")) throw bad();
      if (list.length === 1 && list[0] === "*") return "*";
      for (const origin of list as string[]) {
        let ok = false;
        try {
          ok = new URL(origin).origin === origin;
        } catch {
          ok = false;
        }
        if (!ok) throw bad(`${JSON.stringify(origin)} is not an origin (scheme://host[:port], no path)`);
      }
      return list;
    }
    case "keys": {
      const list = Array.isArray(value) ? value : typeof value === "string" ? value.split(",").map((k) => k.trim()).filter(Boolean) : undefined;
      if (!list || !list.every((k) => typeof k === "string" && /^Tag_(Profile|SNS)_Custom_?[A-Za-z0-9_]{1,32}$/.test(k))) throw bad();
      return list;
    }
    case "url": {
      let ok = false;
      try {
        ok = typeof value === "string" && /^https?:$/.test(new URL(value).protocol);
      } catch {
        ok = false;
      }
      if (!ok) throw bad();
      return value;
    }
    case "text":
    case "secret":
    case "path":
      if (typeof value !== "string" || value.trim() === "") throw bad();
      return setting.type === "secret" ? value.trim() : value;
  }
}

// Reads suite files and rejects bad ones: every problem of a file is reported at once, with its path in the file
// (`cases[3].steps[2].expect`), before any case runs.
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { AccountAdminService } from "../../gen/chatwire/v1/account_admin_pb.js";
import { PresenceAdminService } from "../../gen/chatwire/v1/presence_admin_pb.js";
import { RelationshipAdminService } from "../../gen/chatwire/v1/relationship_admin_pb.js";
import { EVENT, TSignaling } from "../../client/generated/constants.js";
import { clientMethods, rpcMethods } from "../../client/generated/methods.js";
import { WIRE_ONLY_CALLS } from "./drivers/rpc-driver.js";
import type { PresenceOptions } from "../../server/index.js";
import { defaultPresenceOptions } from "../../server/presence/presence-options.js";
import { defaultMessageOptions } from "../../server/messages/messages.js";
import { defaultConversationOptions } from "../../server/conversations/conversations.js";
import { defaultRelationshipOptions } from "../../server/relationships/relationship-options.js";

/** The option sections a case may override, with their defaults (which give each option's type). */
const SERVER_DEFAULTS = { presence: defaultPresenceOptions, messages: defaultMessageOptions, conversations: defaultConversationOptions, relationships: defaultRelationshipOptions };
import {
  DRIVERS,
  GENERATORS,
  MATCHERS,
  REQUIREMENTS,
  STEP_KINDS,
  type AdminAuth,
  type CallExpect,
  type DeviceRef,
  type DriverName,
  type Recipient,
  type Requirement,
  type Step,
  type Suite,
  type TestCase,
  type UserSigSpec,
} from "./schema.js";

export const SUITES_DIR = join(dirname(fileURLToPath(import.meta.url)), "suites");

const KEBAB = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const KEBAB_PATH = /^[a-z0-9]+(?:-[a-z0-9]+)*(?:\/[a-z0-9]+(?:-[a-z0-9]+)*)*$/;
const USER_NAME = /^[a-z][a-z0-9]*$/;
const ADMIN_SERVICES = [AccountAdminService, PresenceAdminService, RelationshipAdminService];
/** create*Message: client-side methods a case calls to build a message (both drivers build it). */
export const MESSAGE_CREATORS = new Set<string>(clientMethods.map((m) => m.name).filter((n) => /^create\w*Message$/.test(n)));
const CALLABLE = new Set<string>([...rpcMethods.map((m) => m.name), ...MESSAGE_CREATORS]);
/** EVENT keys, and the TSignaling event keys (signaling listeners on the facade). */
const EVENT_KEYS = new Set([...Object.keys(EVENT), ...Object.entries(TSignaling).filter(([, v]) => typeof v === "string").map(([k]) => k)]);

export class SuiteError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: invalid suite:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Loads every `*.yaml` suite of a folder, sorted by file name. Throws SuiteError on the first bad file. */
export function loadSuites(dir = SUITES_DIR): Suite[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => parseSuite(readFileSync(join(dir, f), "utf8"), join(dir, f)));
}

type Obj = Record<string, unknown>;

class Checker {
  readonly problems: string[] = [];
  /** Names saved by earlier steps of the case (`save:`), which `$ref` may name. */
  readonly saved = new Set<string>();
  constructor(readonly users: ReadonlySet<string> = new Set()) {}

  add(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
  }

  object(value: unknown, path: string, allowed: readonly string[], required: readonly string[] = []): Obj | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.add(path, "must be a mapping");
      return undefined;
    }
    const obj = value as Obj;
    for (const key of Object.keys(obj)) if (!allowed.includes(key)) this.add(path, `unknown key "${key}" (allowed: ${allowed.join(", ")})`);
    for (const key of required) if (obj[key] === undefined) this.add(path, `"${key}" is required`);
    return obj;
  }

  string(value: unknown, path: string, pattern?: RegExp): string | undefined {
    if (typeof value !== "string" || value === "") {
      this.add(path, "must be a non-empty string");
      return undefined;
    }
    if (pattern && !pattern.test(value)) this.add(path, `"${value}" does not match ${pattern}`);
    return value;
  }

  int(value: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      this.add(path, `must be an integer from ${min} to ${max}`);
      return undefined;
    }
    return value;
  }

  bool(value: unknown, path: string): boolean {
    if (typeof value !== "boolean") this.add(path, "must be true or false");
    return value === true;
  }

  /** `alice` or `alice/phone`, naming a declared user. */
  device(value: unknown, path: string): DeviceRef {
    const text = this.string(value, path) ?? "?";
    const [user = "", device = "main", ...rest] = text.split("/");
    if (rest.length > 0 || !KEBAB.test(device)) this.add(path, `"${text}" is not user or user/device`);
    this.user(user, path);
    return { user, device };
  }

  user(name: string, path: string): void {
    if (!this.users.has(name)) this.add(path, `"${name}" is not a declared user (users: ${[...this.users].join(", ")})`);
  }

  /** Checks `$` keys in a value: generators only in inputs, generators and matchers in expectations. */
  value(value: unknown, path: string, allowed: readonly string[]): void {
    if (Array.isArray(value)) {
      value.forEach((v, i) => this.value(v, `${path}[${i}]`, allowed));
      return;
    }
    if (typeof value !== "object" || value === null) return;
    const obj = value as Obj;
    const ops = Object.keys(obj).filter((k) => k.startsWith("$"));
    if (ops.length > 0) {
      if (Object.keys(obj).length !== 1) this.add(path, `a "$" operator must be the only key of its mapping`);
      const op = ops[0]!;
      if (!allowed.includes(op)) this.add(path, `"${op}" is not allowed here (allowed: ${allowed.join(", ") || "none"})`);
      this.operand(op, obj[op], `${path}.${op}`, allowed);
      return;
    }
    for (const [k, v] of Object.entries(obj)) this.value(v, `${path}.${k}`, allowed);
  }

  private operand(op: string, arg: unknown, path: string, allowed: readonly string[]): void {
    switch (op) {
      case "$ids": {
        const o = this.object(arg, path, ["prefix", "count"], ["prefix", "count"]);
        if (o) {
          this.string(o.prefix, `${path}.prefix`, USER_NAME);
          this.int(o.count, `${path}.count`, 1, 10_000);
        }
        return;
      }
      case "$ref": {
        const ref = this.string(arg, path, /^[a-z][A-Za-z0-9]*(\.([A-Za-z0-9_]+|#))*$/);
        if (ref && !this.saved.has(ref.split(".")[0]!)) this.add(path, `"${ref}" names no value an earlier step saved`);
        return;
      }
      case "$text": {
        const o = this.object(arg, path, ["repeat", "count"], ["repeat", "count"]);
        if (o) {
          this.string(o.repeat, `${path}.repeat`);
          this.int(o.count, `${path}.count`, 1, 100_000);
        }
        return;
      }
      case "$any":
      case "$absent":
        if (arg !== true) this.add(path, "must be true");
        return;
      case "$length":
        this.int(arg, path, 0);
        return;
      case "$type":
        if (!["string", "number", "boolean", "object", "array"].includes(arg as string)) this.add(path, "must be string, number, boolean, object or array");
        return;
      case "$match":
        try {
          new RegExp(this.string(arg, path) ?? "");
        } catch (err) {
          this.add(path, `not a regular expression: ${(err as Error).message}`);
        }
        return;
      case "$exact":
        if (typeof arg !== "object" || arg === null || Array.isArray(arg)) this.add(path, "must be a mapping");
        else this.value(arg, path, allowed);
        return;
      case "$in":
      case "$contains":
      case "$unordered":
        if (!Array.isArray(arg)) this.add(path, "must be a list");
        else this.value(arg, path, allowed);
        return;
    }
  }
}

/** Parses and checks one suite file's text. */
export function parseSuite(text: string, file: string): Suite {
  const c = new Checker();
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new SuiteError(file, [`not YAML: ${(err as Error).message}`]);
  }
  const top = c.object(doc, "suite", ["name", "description", "cases"], ["name", "description", "cases"]);
  if (!top) throw new SuiteError(file, c.problems);
  const name = c.string(top.name, "name", KEBAB) ?? "?";
  const expectedName = basename(file).replace(/\.ya?ml$/, "");
  if (name !== expectedName) c.add("name", `must equal the file's base name "${expectedName}"`);
  const description = c.string(top.description, "description") ?? "";
  if (description.trim().length < 40) c.add("description", "must be a paragraph saying what the suite covers");
  const cases: TestCase[] = [];
  if (!Array.isArray(top.cases) || top.cases.length === 0) c.add("cases", "must be a non-empty list");
  else {
    const seen = new Set<string>();
    top.cases.forEach((raw, i) => {
      const parsed = parseCase(raw, `cases[${i}]`, name, c.problems);
      if (!parsed) return;
      if (seen.has(parsed.name)) c.add(`cases[${i}].name`, `duplicate case name "${parsed.name}"`);
      seen.add(parsed.name);
      cases.push(parsed);
    });
  }
  if (c.problems.length > 0) throw new SuiteError(file, c.problems);
  return { name, description, file, cases };
}

const CASE_KEYS = ["name", "description", "server", "requires", "drivers", "users", "steps"];

function parseCase(raw: unknown, path: string, suite: string, problems: string[]): TestCase | undefined {
  const pre = new Checker();
  const obj = pre.object(raw, path, CASE_KEYS, ["name", "users", "steps"]);
  problems.push(...pre.problems);
  if (!obj) return undefined;
  const users: string[] = [];
  if (!Array.isArray(obj.users) || obj.users.length === 0) problems.push(`${path}.users: must be a non-empty list`);
  else {
    obj.users.forEach((u, i) => {
      if (typeof u !== "string" || !USER_NAME.test(u)) problems.push(`${path}.users[${i}]: must match ${USER_NAME}`);
      else if (users.includes(u)) problems.push(`${path}.users[${i}]: duplicate user "${u}"`);
      else users.push(u);
    });
  }
  const c = new Checker(new Set(users));
  const name = c.string(obj.name, `${path}.name`, KEBAB_PATH) ?? "?";
  const description = obj.description === undefined ? undefined : c.string(obj.description, `${path}.description`);

  const requires: Requirement[] = [];
  if (obj.requires !== undefined) {
    if (!Array.isArray(obj.requires)) c.add(`${path}.requires`, "must be a list");
    else
      for (const r of obj.requires) {
        if (!(REQUIREMENTS as readonly unknown[]).includes(r)) c.add(`${path}.requires`, `unknown requirement "${String(r)}" (known: ${REQUIREMENTS.join(", ")})`);
        else requires.push(r as Requirement);
      }
  }
  let drivers: DriverName[] = [...DRIVERS];
  if (obj.drivers !== undefined) {
    if (!Array.isArray(obj.drivers) || obj.drivers.length === 0) c.add(`${path}.drivers`, "must be a non-empty list");
    else {
      drivers = [];
      for (const d of obj.drivers) {
        if (!(DRIVERS as readonly unknown[]).includes(d)) c.add(`${path}.drivers`, `unknown driver "${String(d)}"`);
        else drivers.push(d as DriverName);
      }
    }
  }

  let server: TestCase["server"];
  if (obj.server !== undefined) {
    const s = c.object(obj.server, `${path}.server`, Object.keys(SERVER_DEFAULTS));
    server = {};
    for (const [section, defaults] of Object.entries(SERVER_DEFAULTS)) {
      if (s?.[section] === undefined) continue;
      const p = c.object(s[section], `${path}.server.${section}`, Object.keys(defaults));
      for (const [key, value] of Object.entries(p ?? {})) {
        const kind = typeof (defaults as unknown as Record<string, unknown>)[key];
        if (typeof value !== kind) c.add(`${path}.server.${section}.${key}`, `must be a ${kind}`);
      }
      (server as Record<string, unknown>)[section] = p;
    }
    if (!requires.includes("server-options")) c.add(`${path}.server`, 'needs "requires: [server-options]"');
  } else if (requires.includes("server-options")) c.add(`${path}.requires`, '"server-options" without "server"');

  const steps: Step[] = [];
  if (!Array.isArray(obj.steps) || obj.steps.length === 0) c.add(`${path}.steps`, "must be a non-empty list");
  else obj.steps.forEach((s, i) => {
    const step = parseStep(c, s, `${path}.steps[${i}]`, i);
    if (step) steps.push(step);
  });
  if (steps.some((s) => s.kind === "advanceClock") && !requires.includes("manual-clock")) {
    c.add(`${path}.steps`, 'advanceClock needs "requires: [manual-clock]"');
  }
  const rpcOnly = steps.find((s) => s.kind === "closeStream" || (s.kind === "call" && (s.deviceID !== undefined || s.call in WIRE_ONLY_CALLS)));
  if (rpcOnly && (drivers.length !== 1 || drivers[0] !== "rpc")) {
    c.add(`${path}.drivers`, `step #${rpcOnly.index} (closeStream, a login's deviceID, or a wire-only call) needs "drivers: [rpc]"`);
  }
  if (steps.some((s) => s.kind === "restartServer") !== requires.includes("restart")) {
    c.add(`${path}.requires`, 'a restartServer step and "requires: [restart]" go together');
  }
  problems.push(...c.problems);
  return { suite, name, fullName: `${suite}/${name}`, description, server, requires, drivers, users, steps };
}

const INPUT_OPS = GENERATORS;
const EXPECT_OPS = MATCHERS;

function parseStep(c: Checker, raw: unknown, path: string, index: number): Step | undefined {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    c.add(path, "must be a mapping");
    return undefined;
  }
  const kinds = STEP_KINDS.filter((k) => (raw as Obj)[k] !== undefined);
  if (kinds.length !== 1) {
    c.add(path, `must have exactly one of ${STEP_KINDS.join(", ")} (has ${kinds.join(", ") || "none"})`);
    return undefined;
  }
  const kind = kinds[0]!;
  const note = (raw as Obj).note;
  if (note !== undefined && typeof note !== "string") c.add(`${path}.note`, "must be a string");
  const base = { index, note: note as string | undefined };
  switch (kind) {
    case "call": {
      const o = c.object(raw, path, ["call", "as", "args", "argList", "save", "userSig", "deviceID", "repeat", "expect", "expectBy", "note"], ["as"])!;
      const call = c.string(o.call, `${path}.call`) ?? "?";
      if (!CALLABLE.has(call) && !(call in WIRE_ONLY_CALLS)) {
        c.add(`${path}.call`, `"${call}" is not an official method the spec binds to an RPC, a create*Message method, nor one of ${Object.keys(WIRE_ONLY_CALLS).join(", ")}`);
      }
      if (o.args !== undefined) c.value(o.args, `${path}.args`, INPUT_OPS);
      if (o.argList !== undefined) {
        if (!Array.isArray(o.argList)) c.add(`${path}.argList`, "must be a list of positional arguments");
        else c.value(o.argList, `${path}.argList`, INPUT_OPS);
        if (o.args !== undefined) c.add(`${path}.argList`, "give args or argList, not both");
      }
      if (o.userSig !== undefined && call !== "login") c.add(`${path}.userSig`, "only a login call takes userSig");
      if (o.deviceID !== undefined && (call !== "login" || typeof o.deviceID !== "string")) c.add(`${path}.deviceID`, "only a login call takes deviceID, a string");
      if (call === "login" && o.args !== undefined) c.add(`${path}.args`, "login's args are made by the runner; use userSig");
      const expectBy: Partial<Record<DriverName, CallExpect>> = {};
      if (o.expectBy !== undefined) {
        const by = c.object(o.expectBy, `${path}.expectBy`, DRIVERS);
        for (const [d, e] of Object.entries(by ?? {})) expectBy[d as DriverName] = callExpect(c, e, `${path}.expectBy.${d}`);
      }
      const expect = callExpect(c, o.expect, `${path}.expect`);
      let save: string | undefined;
      if (o.save !== undefined) {
        save = c.string(o.save, `${path}.save`, /^[a-z][A-Za-z0-9]*$/);
        if (save && c.saved.has(save)) c.add(`${path}.save`, `"${save}" is already saved by an earlier step`);
        if (save) c.saved.add(save);
      }
      return {
        ...base,
        kind: "call",
        as: c.device(o.as, `${path}.as`),
        call,
        args: o.args,
        argList: o.argList as unknown[] | undefined,
        save,
        userSig: o.userSig === undefined ? undefined : userSig(c, o.userSig, `${path}.userSig`),
        ...(o.deviceID === undefined ? {} : { deviceID: o.deviceID as string }),
        repeat: o.repeat === undefined ? 1 : (c.int(o.repeat, `${path}.repeat`, 1, 1000) ?? 1),
        expect,
        expectBy,
      };
    }
    case "admin": {
      const o = c.object(raw, path, ["admin", "request", "auth", "expect", "note"], ["request"])!;
      const admin = c.string(o.admin, `${path}.admin`) ?? "?";
      const [service, method] = admin.split(".");
      const desc = ADMIN_SERVICES.find((s) => s.name === service)?.methods.find((m) => m.name === method);
      if (!desc) c.add(`${path}.admin`, `"${admin}" is not a method of ${ADMIN_SERVICES.map((s) => s.name).join(" or ")}`);
      c.value(o.request, `${path}.request`, INPUT_OPS);
      return { ...base, kind: "admin", admin, request: o.request, auth: auth(c, o.auth, `${path}.auth`), expect: callExpect(c, o.expect, `${path}.expect`) };
    }
    case "rest": {
      const o = c.object(raw, path, ["rest", "expect", "note"], ["expect"])!;
      const r = c.object(o.rest, `${path}.rest`, ["method", "path", "body", "auth"], ["method", "path"]) ?? {};
      const method = r.method as string;
      if (!["GET", "POST", "DELETE", "PUT"].includes(method)) c.add(`${path}.rest.method`, "must be GET, POST, DELETE or PUT");
      const restPath = c.string(r.path, `${path}.rest.path`) ?? "/";
      if (!restPath.startsWith("/")) c.add(`${path}.rest.path`, 'must start with "/"');
      for (const [, name] of restPath.matchAll(/\{([^}]*)\}/g)) {
        if (name !== "org" && name !== "app") c.user(name!, `${path}.rest.path`);
      }
      if (r.body !== undefined) c.value(r.body, `${path}.rest.body`, INPUT_OPS);
      const e = c.object(o.expect, `${path}.expect`, ["status", "body"], ["status"]) ?? {};
      const status = c.int(e.status, `${path}.expect.status`, 100, 599) ?? 200;
      if (e.body !== undefined) c.value(e.body, `${path}.expect.body`, EXPECT_OPS);
      return {
        ...base,
        kind: "rest",
        method: method as "GET",
        path: restPath,
        body: r.body,
        auth: auth(c, r.auth, `${path}.rest.auth`),
        expect: { status, body: e.body },
      };
    }
    case "expectEvent":
    case "expectNoEvent": {
      const o = c.object(raw, path, kind === "expectEvent" ? [kind, "within", "note"] : [kind, "note"])!;
      const e = c.object(o[kind], `${path}.${kind}`, ["to", "name", "data"], ["to", "name"]) ?? {};
      const name = c.string(e.name, `${path}.${kind}.name`) ?? "?";
      if (!EVENT_KEYS.has(name)) c.add(`${path}.${kind}.name`, `"${name}" is not a key of TencentCloudChat.EVENT or of TencentCloudChat.TSignaling`);
      if (e.data !== undefined) c.value(e.data, `${path}.${kind}.data`, EXPECT_OPS);
      const to = recipient(c, e.to, `${path}.${kind}.to`);
      if (kind === "expectNoEvent") return { ...base, kind, to, name, data: e.data };
      const within = o.within === undefined ? 2000 : (c.int(o.within, `${path}.within`, 1, 60_000) ?? 2000);
      return { ...base, kind, to, name, data: e.data, within };
    }
    case "advanceClock": {
      const o = c.object(raw, path, ["advanceClock", "note"])!;
      return { ...base, kind: "advanceClock", ms: c.int(o.advanceClock, `${path}.advanceClock`, 1) ?? 1 };
    }
    case "vanish": {
      const o = c.object(raw, path, ["vanish", "note"])!;
      return { ...base, kind: "vanish", who: c.device(o.vanish, `${path}.vanish`) };
    }
    case "closeStream": {
      const o = c.object(raw, path, ["closeStream", "note"])!;
      return { ...base, kind: "closeStream", who: c.device(o.closeStream, `${path}.closeStream`) };
    }
    case "restartServer": {
      const o = c.object(raw, path, ["restartServer", "note"])!;
      if (o.restartServer !== true) c.add(`${path}.restartServer`, "must be true");
      return { ...base, kind: "restartServer" };
    }
  }
}

function callExpect(c: Checker, raw: unknown, path: string): CallExpect {
  if (raw === undefined) return { code: 0 };
  const o = c.object(raw, path, ["code", "data"]) ?? {};
  const code = o.code === undefined ? 0 : (c.int(o.code, `${path}.code`, 0) ?? 0);
  if (o.data !== undefined) {
    c.value(o.data, `${path}.data`, EXPECT_OPS);
    if (code !== 0) c.add(`${path}.data`, "data is only checked on success (code 0)");
  }
  return { code, data: o.data };
}

function userSig(c: Checker, raw: unknown, path: string): UserSigSpec {
  const o = c.object(raw, path, ["user", "expireSeconds", "issuedAgoSeconds", "wrongKey", "malformed"]) ?? {};
  if (o.user !== undefined) c.user(c.string(o.user, `${path}.user`) ?? "?", `${path}.user`);
  return {
    user: o.user as string | undefined,
    expireSeconds: o.expireSeconds === undefined ? 86_400 : (c.int(o.expireSeconds, `${path}.expireSeconds`, 1) ?? 86_400),
    issuedAgoSeconds: o.issuedAgoSeconds === undefined ? 0 : (c.int(o.issuedAgoSeconds, `${path}.issuedAgoSeconds`, 0) ?? 0),
    wrongKey: o.wrongKey === undefined ? false : c.bool(o.wrongKey, `${path}.wrongKey`),
    malformed: o.malformed === undefined ? false : c.bool(o.malformed, `${path}.malformed`),
  };
}

/** `admin` (default), `none`, or a declared user's name (that user's own sig, which is no admin sig). */
function auth(c: Checker, raw: unknown, path: string): AdminAuth {
  if (raw === undefined || raw === "admin") return { kind: "admin" };
  if (raw === "none") return { kind: "none" };
  const user = c.string(raw, path) ?? "?";
  c.user(user, path);
  return { kind: "user", user };
}

function recipient(c: Checker, raw: unknown, path: string): Recipient {
  const text = c.string(raw, path) ?? "?";
  const [user = "", device, ...rest] = text.split("/");
  if (rest.length > 0 || (device !== undefined && !KEBAB.test(device))) c.add(path, `"${text}" is not user or user/device`);
  c.user(user, path);
  return { user, device };
}

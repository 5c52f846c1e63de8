// The shape of a conformance suite once loaded: one YAML file per domain under suites/, read by load-suites.ts,
// which rejects anything this file does not describe. README.md documents the same fields with examples.
import type { ConversationOptions, MessageOptions, PresenceOptions, RelationshipOptions } from "../../server/index.js";

/** The two ways a case drives a server: raw Connect RPCs, or the TencentCloudChat facade. */
export const DRIVERS = ["rpc", "facade"] as const;
export type DriverName = (typeof DRIVERS)[number];

/**
 * What a case needs beyond a URL. `manual-clock`: the runner moves the server's clock and inspects its sessions
 * (in-process servers only). `server-options`: the case starts its own server with `server` overrides.
 * `restart`: the runner restarts the server on the same storage (in-process servers on SQLite or PostgreSQL).
 * A case with a requirement the target cannot meet is reported skipped.
 */
export const REQUIREMENTS = ["manual-clock", "server-options", "restart"] as const;
export type Requirement = (typeof REQUIREMENTS)[number];

/** One suite file. */
export interface Suite {
  /** The suite's name: kebab-case, equal to the file's base name (user-status for user-status.yaml). */
  name: string;
  /** A paragraph saying what the suite covers and where its behaviours come from. */
  description: string;
  /** The file the suite was loaded from. */
  file: string;
  cases: TestCase[];
}

/** One case: a script of steps run against a fresh server (in process) or fresh user IDs (remote). */
export interface TestCase {
  /** The suite the case belongs to. */
  suite: string;
  /** A kebab-case path, `rpc/case` (e.g. `subscribe-user-status/evicts-oldest`), unique in its suite. */
  name: string;
  /** `suite/name`; with the driver in front (`rpc/suite/name`) it is what globs and known-failing lists match. */
  fullName: string;
  /** Optional prose on what the case shows. */
  description?: string;
  /** Overrides of the server's options for this case; needs `requires: [server-options]`. */
  server?: ServerOverrides;
  /** What the case needs from the target; see REQUIREMENTS. */
  requires: Requirement[];
  /** The drivers the case runs on; default both. Restrict only where a behaviour exists on one side only. */
  drivers: DriverName[];
  /**
   * Every user ID the case mentions. Against a shared (remote) server each gets a unique suffix per run, and every
   * string in args, requests, paths and expectations that equals a declared name stands for that user's real ID.
   */
  users: string[];
  steps: Step[];
}

/** Server options a case may override. */
export interface ServerOverrides {
  presence?: Partial<PresenceOptions>;
  messages?: Partial<MessageOptions>;
  conversations?: Partial<ConversationOptions>;
  relationships?: Partial<RelationshipOptions>;
}

/** A device of a user: `alice` is `alice/main`; `alice/phone` is a second device (a second client instance). */
export interface DeviceRef {
  user: string;
  device: string;
}

/** How the runner makes the UserSig of a `login` call. The default is a valid sig of the caller for a day. */
export interface UserSigSpec {
  /** Sign for this declared user instead of the caller (the server answers 70013). */
  user?: string;
  /** The sig's lifetime in seconds. Default 86400. */
  expireSeconds: number;
  /** Issue the sig this many seconds before the server's now (with a short lifetime: an expired sig, 70001). */
  issuedAgoSeconds: number;
  /** Sign with a key other than the server's (70009). */
  wrongKey: boolean;
  /** Send a string that is no UserSig at all (70003). */
  malformed: boolean;
}

/** The expected outcome of a facade call, in the official shape. */
export interface CallExpect {
  /** The official code: 0 for success (the default), else the error's `code`. */
  code: number;
  /** A partial match of the response's `data` (see match.ts for the `$` matchers). Not checked when absent. */
  data?: unknown;
}

interface StepBase {
  /** The step's position in the case, from 0. */
  index: number;
  /** Optional prose printed in the trace. */
  note?: string;
}

/** Calls an official facade method as one device of a user. */
export interface CallStep extends StepBase {
  kind: "call";
  as: DeviceRef;
  /**
   * The official method name: a facade method the spec binds to an RPC (getUserStatus, login, sendMessage, …), or a
   * create*Message method, which builds a message on the client (the rpc driver builds it as the official SDK does).
   */
  call: string;
  /** The official options object; absent calls the method with no argument. `login` gets {userID, userSig} made. */
  args?: unknown;
  /** Several positional arguments instead of `args`, e.g. `[{$ref: m1}, {onlineUserOnly: true}]` for sendMessage. */
  argList?: unknown[];
  /**
   * Keeps the call's result (`data`; for create*Message the Message) under this name for `$ref` in later steps; a
   * repeated call keeps the list of its results, which a repeated step reads one by one with `$ref: name.#`.
   */
  save?: string;
  /** For `login` only: how to make the UserSig. */
  userSig?: UserSigSpec;
  /** For `login` on the rpc driver only: the device ID to send instead of `web_<device>` ("" lets the server choose). */
  deviceID?: string;
  /** Run the call this many times, each expected to meet `expect`. Default 1. */
  repeat: number;
  /** The expected outcome on every driver unless `expectBy` names the driver. */
  expect: CallExpect;
  /** Per-driver replacements of `expect`, only where the facade genuinely differs from the wire (it trims a list). */
  expectBy: Partial<Record<DriverName, CallExpect>>;
}

/** How a REST or admin call authenticates. */
export type AdminAuth = { kind: "admin" } | { kind: "none" } | { kind: "user"; user: string };

/** Calls an admin RPC (PresenceAdminService, AccountAdminService, RelationshipAdminService) with the administrator's UserSig. */
export interface AdminStep extends StepBase {
  kind: "admin";
  /** `Service.Method`, e.g. AccountAdminService.ImportAccounts. */
  admin: string;
  /** The request in proto JSON (json names, e.g. {userIdList: [carol]}). */
  request: unknown;
  auth: AdminAuth;
  /** `code` (0 or the ErrorDetail's code) and a partial match of the response in proto JSON. */
  expect: CallExpect;
}

/** Calls an Easemob-compatible REST route of the server. */
export interface RestStep extends StepBase {
  kind: "rest";
  method: "GET" | "POST" | "DELETE" | "PUT";
  /** The path with `{org}`, `{app}` and `{<declared user>}` placeholders, and an optional query string. */
  path: string;
  /** A JSON body (object or array); absent sends none. */
  body?: unknown;
  auth: AdminAuth;
  expect: { status: number; body?: unknown };
}

/** Where an event is expected: one device, or every device of a user that is logged in at that step. */
export interface Recipient {
  user: string;
  /** Absent: every logged-in device of the user. */
  device?: string;
}

/** Waits until the recipient receives a matching event; `within` bounds the wait, it never delays a pass. */
export interface ExpectEventStep extends StepBase {
  kind: "expectEvent";
  to: Recipient;
  /** A key of TencentCloudChat.EVENT, e.g. USER_STATUS_UPDATED. */
  name: string;
  /** A partial match of the event's `data` in the official shape. */
  data?: unknown;
  /** Milliseconds to wait at most. Default 2000. */
  within: number;
}

/**
 * Asserts that the recipient has received no matching event; without `data`, no event of that name at all. It ends
 * with a barrier instead of a sleep: the
 * recipient re-sets its own custom status unchanged and waits for that USER_STATUS_UPDATED, which the server sends
 * after anything it sent before.
 */
export interface ExpectNoEventStep extends StepBase {
  kind: "expectNoEvent";
  to: Recipient;
  name: string;
  data?: unknown;
}

/** Moves the server's manual clock (needs `requires: [manual-clock]`); first waits until vanished streams closed. */
export interface AdvanceClockStep extends StepBase {
  kind: "advanceClock";
  ms: number;
}

/** Drops a device's connection without logging out: no more requests, the event stream just ends. */
export interface VanishStep extends StepBase {
  kind: "vanish";
  who: DeviceRef;
}

/**
 * Closes the device's event stream and only that (rpc driver only; the facade reopens its stream by itself): the
 * device can still call, and the server hears from it only through those calls.
 */
export interface CloseStreamStep extends StepBase {
  kind: "closeStream";
  who: DeviceRef;
}

/**
 * Stops the server and starts it again on the same storage (needs `requires: [restart]`): what it acknowledged
 * before must still be there. Every device is disconnected by it; a device logs in again before it calls.
 */
export interface RestartServerStep extends StepBase {
  kind: "restartServer";
}

export type Step =
  | CallStep
  | AdminStep
  | RestStep
  | ExpectEventStep
  | ExpectNoEventStep
  | AdvanceClockStep
  | VanishStep
  | CloseStreamStep
  | RestartServerStep;

/** The step keys, one of which names a step's kind. */
export const STEP_KINDS = ["call", "admin", "rest", "expectEvent", "expectNoEvent", "advanceClock", "vanish", "closeStream", "restartServer"] as const;

/**
 * Value generators, allowed in args, requests, bodies and expectations: `$ids: {prefix, count}` → [prefix1 …
 * prefixN] (IDs of users that do not exist, made unique like declared users); `$text: {repeat, count}` → the text
 * repeated count times; `$ref: name` or `$ref: name.path` → a value an earlier step saved (`save: name`), e.g. the
 * message object create*Message made (passed as is, so the facade gets its own Message) or `m1.ID`; in a repeated
 * step the path segment `#` is the repetition's index (`batch.#.ID`). The strings "{org}" and "{app}" stand for the Easemob org and app names of the server.
 */
export const GENERATORS = ["$ids", "$text", "$ref"] as const;

/** Matchers allowed in expectations; see match.ts. */
export const MATCHERS = ["$any", "$absent", "$length", "$in", "$type", "$contains", "$unordered", "$exact", "$match", ...GENERATORS] as const;

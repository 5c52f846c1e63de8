// Runs one case on one driver against one target, step by step, recording a trace. The runner never sleeps: it
// waits on responses and events, with timeouts only as failure bounds.
import { fromJson, toJson, type DescMethodUnary, type JsonValue } from "@bufbuild/protobuf";
import { randomBytes } from "node:crypto";
import { AccountAdminService } from "../../gen/chatwire/v1/account_admin_pb.js";
import { PresenceAdminService } from "../../gen/chatwire/v1/presence_admin_pb.js";
import { RelationshipAdminService } from "../../gen/chatwire/v1/relationship_admin_pb.js";
import { genUserSig } from "../../server/auth/user-sig.js";
import { createCuttableTransport } from "./cuttable-transport.js";
import type { Device, Driver, Outcome } from "./drivers/driver.js";
import { outcomeOfError } from "./drivers/rpc-driver.js";
import type { ReceivedEvent } from "./event-log.js";
import { match, resolve, resolvePath, show, type Names } from "./match.js";
import type {
  AdminAuth,
  AdminStep,
  AdvanceClockStep,
  CallStep,
  DeviceRef,
  ExpectEventStep,
  ExpectNoEventStep,
  Recipient,
  RestStep,
  RestartServerStep,
  CloseStreamStep,
  Step,
  TestCase,
  VanishStep,
} from "./schema.js";
import type { Target, TargetFactory } from "./targets.js";
import { Trace } from "./trace.js";

export const ADMIN_USER_ID = "administrator";
export const EASEMOB_ORG = "chatwire";
const SETTLE_TIMEOUT_MS = 2_000;
const BARRIER_TIMEOUT_MS = 2_000;

export interface CaseResult {
  /** driver/suite/case. */
  fullName: string;
  status: "passed" | "failed" | "skipped";
  durationMs: number;
  /** Why it failed or was skipped. */
  reason?: string;
  /** The trace of the run (absent when skipped). */
  trace?: string;
}

class StepFailure extends Error {}

interface DeviceState {
  ref: DeviceRef;
  label: string;
  device: Device;
  /** Its event stream was closed (closeStream) after its last login: it calls, but receives nothing. */
  streamClosed: boolean;
  /** Logged in (a login succeeded) and neither logged out nor vanished since. */
  active: boolean;
  vanished: boolean;
}

/** The requirement of a case a target cannot meet, if any. */
export function unmetRequirement(testCase: TestCase, targets: TargetFactory): string | undefined {
  const missing = testCase.requires.filter((r) => !targets.capabilities.has(r));
  return missing.length > 0 ? `needs ${missing.join(", ")} (not available against ${targets.description})` : undefined;
}

export async function runCase(testCase: TestCase, driver: Driver, targets: TargetFactory): Promise<CaseResult> {
  const fullName = `${driver.name}/${testCase.fullName}`;
  const started = performance.now();
  const unmet = unmetRequirement(testCase, targets);
  if (unmet) return { fullName, status: "skipped", durationMs: 0, reason: unmet };
  const trace = new Trace();
  let run: CaseRun | undefined;
  try {
    const target = await targets.start(testCase);
    run = new CaseRun(testCase, driver, target, trace);
    trace.add("runner", "note", `${fullName} against ${target.url}${target.shared ? " (IDs " + [...run.names.users.values()].join(", ") + ")" : ""}`);
    await run.execute();
    return { fullName, status: "passed", durationMs: performance.now() - started, trace: trace.format() };
  } catch (err) {
    const reason = err instanceof StepFailure ? err.message : `runner error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
    trace.add("runner", "fail", reason);
    return { fullName, status: "failed", durationMs: performance.now() - started, reason, trace: trace.format() };
  } finally {
    await run?.close();
  }
}

class CaseRun {
  names: Names;
  private readonly devices = new Map<string, DeviceState>();
  /** Values saved by `save:` steps. */
  private readonly refs = new Map<string, unknown>();
  private admin: ReturnType<typeof createCuttableTransport>;
  private step: Step | undefined;

  constructor(
    private readonly testCase: TestCase,
    private readonly driver: Driver,
    private readonly target: Target,
    private readonly trace: Trace,
  ) {
    this.admin = createCuttableTransport(target.url);
    const suffix = target.shared ? `_${randomBytes(4).toString("hex")}` : "";
    this.names = {
      users: new Map(testCase.users.map((u) => [u, `${u}${suffix}`])),
      generated: (id) => `${id}${suffix}`,
      literals: new Map([
        ["{org}", EASEMOB_ORG],
        ["{app}", String(target.sdkAppID)],
      ]),
      refs: this.refs,
    };
  }

  async execute(): Promise<void> {
    for (const step of this.testCase.steps) {
      this.step = step;
      this.trace.add("runner", "step", `#${step.index} ${describeStep(step)}${step.note ? ` (${step.note})` : ""}`);
      switch (step.kind) {
        case "call":
          await this.call(step);
          break;
        case "admin":
          await this.adminCall(step);
          break;
        case "rest":
          await this.rest(step);
          break;
        case "expectEvent":
          await this.expectEvent(step);
          break;
        case "expectNoEvent":
          await this.expectNoEvent(step);
          break;
        case "advanceClock":
          await this.advanceClock(step);
          break;
        case "vanish":
          await this.vanish(step);
          break;
        case "closeStream":
          await this.closeStream(step);
          break;
        case "restartServer":
          await this.restartServer(step);
          break;
      }
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.devices.values()].map((d) => d.device.close().catch(() => {})));
    this.admin.cut();
    await this.target.close().catch(() => {});
  }

  private fail(message: string): never {
    const step = this.step;
    throw new StepFailure(step ? `step #${step.index} (${describeStep(step)}): ${message}` : message);
  }

  private realId(user: string): string {
    return this.names.users.get(user)!;
  }

  private async device(ref: DeviceRef): Promise<DeviceState> {
    const label = `${ref.user}/${ref.device}`;
    let state = this.devices.get(label);
    if (!state) {
      const device = await this.driver.openDevice({
        baseUrl: this.target.url,
        sdkAppID: this.target.sdkAppID,
        userId: this.realId(ref.user),
        device: ref.device,
        label,
        trace: this.trace,
      });
      state = { ref, label, device, active: false, vanished: false, streamClosed: false };
      this.devices.set(label, state);
    }
    return state;
  }

  /** The user's devices that are logged in with their event stream open. */
  private activeDevices(user: string): DeviceState[] {
    return [...this.devices.values()].filter((d) => d.ref.user === user && d.active && !d.streamClosed);
  }

  private recipients(to: Recipient): DeviceState[] {
    if (to.device !== undefined) {
      const state = this.devices.get(`${to.user}/${to.device}`);
      if (!state) this.fail(`${to.user}/${to.device} was never used in this case`);
      return [state];
    }
    const active = this.activeDevices(to.user);
    if (active.length === 0) this.fail(`${to.user} has no logged-in device to receive events`);
    return active;
  }

  private async sig(user: string, expireSeconds = 86_400, issuedAgoSeconds = 0, secretKey = this.target.secretKey): Promise<string> {
    const now = await this.target.now();
    return genUserSig({ sdkAppId: this.target.sdkAppID, secretKey, userId: user, expireSeconds, nowMs: now - issuedAgoSeconds * 1000 });
  }

  private async authHeader(auth: AdminAuth): Promise<Record<string, string>> {
    if (auth.kind === "none") return {};
    const user = auth.kind === "admin" ? ADMIN_USER_ID : this.realId(auth.user);
    return { authorization: `Bearer ${await this.sig(user)}` };
  }

  // ---- steps

  private async call(step: CallStep): Promise<void> {
    const state = await this.device(step.as);
    const expect = step.expectBy[this.driver.name] ?? step.expect;
    const results: unknown[] = [];
    for (let i = 0; i < step.repeat; i++) {
      this.names.iteration = i;
      let args: unknown;
      let argList: unknown[];
      try {
        args = step.args === undefined ? undefined : resolve(step.args, this.names);
        argList = step.argList === undefined ? (args === undefined ? [] : [args]) : (resolve(step.argList, this.names) as unknown[]);
      } catch (err) {
        this.fail((err as Error).message);
      }
      if (step.call === "login") {
        const spec = step.userSig ?? { expireSeconds: 86_400, issuedAgoSeconds: 0, wrongKey: false, malformed: false };
        const userSig = spec.malformed
          ? "not-a-usersig"
          : await this.sig(
              this.realId(spec.user ?? step.as.user),
              spec.expireSeconds,
              spec.issuedAgoSeconds,
              spec.wrongKey ? `${this.target.secretKey.split("").reverse().join("")}0` : this.target.secretKey,
            );
        args = { userID: this.realId(step.as.user), userSig, ...(step.deviceID === undefined ? {} : { deviceID: step.deviceID }) };
        argList = [args];
      }
      const round = step.repeat > 1 ? ` [${i + 1}/${step.repeat}]` : "";
      this.trace.add(state.label, "call", `${step.call}${round} ${argList.length === 0 ? "()" : show(argList.length === 1 ? argList[0] : argList, 300)}`);
      const outcome = await state.device.call(step.call, argList);
      this.trace.add(state.label, "result", outcomeText(outcome));
      if (outcome.code === 0 && step.call === "login") {
        state.active = true;
        state.streamClosed = false;
      }
      if (outcome.code === 0 && step.call === "logout") state.active = false;
      if (outcome.code !== expect.code) {
        this.fail(`${state.label} ${step.call}${round}: expected code ${expect.code}, got ${outcomeText(outcome)}`);
      }
      if (outcome.code === 0 && step.save) {
        results.push(outcome.data);
        this.refs.set(step.save, step.repeat > 1 ? results : outcome.data);
      }
      let expectedData: unknown;
      try {
        expectedData = expect.data === undefined ? undefined : resolve(expect.data, this.names);
      } catch (err) {
        this.fail((err as Error).message);
      }
      if (expectedData !== undefined) {
        const mismatches = match(expectedData, outcome.data);
        if (mismatches.length > 0) this.fail(`${state.label} ${step.call}${round}: ${mismatches.join("; ")}`);
      }
    }
  }

  private async adminCall(step: AdminStep): Promise<void> {
    const [serviceName, methodName] = step.admin.split(".");
    const service = [AccountAdminService, PresenceAdminService, RelationshipAdminService].find((s) => s.name === serviceName)!;
    const method = service.methods.find((m) => m.name === methodName)! as DescMethodUnary;
    const requestJson = resolve(step.request, this.names) as JsonValue;
    this.trace.add("admin", "admin", `${step.admin} ${show(requestJson, 300)}`);
    let outcome: Outcome;
    try {
      const request = fromJson(method.input, requestJson);
      const response = await this.admin.transport.unary(method, undefined, 10_000, await this.authHeader(step.auth), request);
      outcome = { code: 0, data: toJson(method.output, response.message) };
    } catch (err) {
      outcome = outcomeOfError(err);
    }
    this.trace.add("admin", "result", outcomeText(outcome));
    if (outcome.code !== step.expect.code) this.fail(`${step.admin}: expected code ${step.expect.code}, got ${outcomeText(outcome)}`);
    if (step.expect.data !== undefined) {
      const mismatches = match(resolve(step.expect.data, this.names), outcome.data);
      if (mismatches.length > 0) this.fail(`${step.admin}: ${mismatches.join("; ")}`);
    }
  }

  private async rest(step: RestStep): Promise<void> {
    const path = resolvePath(step.path, this.names);
    const body = step.body === undefined ? undefined : JSON.stringify(resolve(step.body, this.names));
    this.trace.add("admin", "rest", `${step.method} ${path}${body === undefined ? "" : ` ${body.length > 300 ? body.slice(0, 300) + "…" : body}`}`);
    const response = await fetch(`${this.target.url}${path}`, {
      method: step.method,
      headers: { "content-type": "application/json", ...(await this.authHeader(step.auth)) },
      body,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      // not JSON: matched as text
    }
    this.trace.add("admin", "result", `HTTP ${response.status} ${text.length > 600 ? text.slice(0, 600) + "…" : text}`);
    if (response.status !== step.expect.status) this.fail(`${step.method} ${path}: expected HTTP ${step.expect.status}, got ${response.status} ${text}`);
    if (step.expect.body !== undefined) {
      const mismatches = match(resolve(step.expect.body, this.names), json, "body");
      if (mismatches.length > 0) this.fail(`${step.method} ${path}: ${mismatches.join("; ")}`);
    }
  }

  private eventTest(name: string, data: unknown): (e: ReceivedEvent) => boolean {
    let expected: unknown;
    try {
      expected = data === undefined ? undefined : resolve(data, this.names);
    } catch (err) {
      this.fail((err as Error).message);
    }
    return (e) => e.name === name && (expected === undefined || match(expected, e.data).length === 0);
  }

  private async expectEvent(step: ExpectEventStep): Promise<void> {
    const test = this.eventTest(step.name, step.data);
    const expected = step.data === undefined ? undefined : resolve(step.data, this.names);
    await Promise.all(
      this.recipients(step.to).map(async (state) => {
        const hit = await state.device.log.waitFor(test, step.within);
        if (!hit) {
          const seen = state.device.log.events.slice(state.device.log.cursor).filter((e) => !e.hidden && e.name === step.name);
          const near = seen.map((e) => `  #${e.index} at +${e.at}ms: ${expected === undefined ? show(e.data) : match(expected, e.data).join("; ")}`);
          this.fail(
            `${state.label} received no ${step.name} matching ${show(expected)} within ${step.within} ms` +
              (near.length > 0 ? `; ${step.name} events since the last match:\n${near.join("\n")}` : `; no ${step.name} event since the last match`),
          );
        }
        state.device.log.cursor = hit.index + 1;
        // A kicked-out device is logged out: it no longer takes part in event barriers or receives events.
        if (step.name === "KICKED_OUT") state.active = false;
        this.trace.add(state.label, "match", `${step.name} #${hit.index}`);
      }),
    );
  }

  private async expectNoEvent(step: ExpectNoEventStep): Promise<void> {
    const recipients = this.recipients(step.to);
    const barrier = await this.barrier(step.to.user);
    const test = this.eventTest(step.name, step.data);
    for (const state of recipients) {
      const bad = state.device.log.find(test, state.device.log.cursor, barrier.get(state) ?? state.device.log.events.length);
      if (bad) this.fail(`${state.label} received ${step.name} ${show(bad.data)} (#${bad.index} at +${bad.at}ms), which it must not have`);
    }
  }

  /**
   * Makes sure every event the server sent the user before now has arrived: the user re-sets its own custom status
   * unchanged, and each of its logged-in devices waits for that USER_STATUS_UPDATED. Returns each device's index of
   * the barrier event, which is hidden from later expectations.
   */
  private async barrier(user: string): Promise<Map<DeviceState, number>> {
    const devices = this.activeDevices(user);
    if (devices.length === 0) this.fail(`${user} has no logged-in device for the event barrier`);
    const userId = this.realId(user);
    const actor = devices[0]!;
    const starts = new Map(devices.map((d) => [d, d.device.log.events.length]));
    const query = await actor.device.call("getUserStatus", [{ userIDList: [userId] }]);
    this.trace.add(actor.label, "barrier", `getUserStatus (self) → ${outcomeText(query)}`);
    const self = (query.data as { successUserList?: { customStatus?: string }[] } | undefined)?.successUserList?.[0];
    if (query.code !== 0 || !self) this.fail(`event barrier: ${actor.label} could not query its own status: ${outcomeText(query)}`);
    const customStatus = self.customStatus ?? "";
    const set = await actor.device.call("setSelfStatus", [{ customStatus }]);
    this.trace.add(actor.label, "barrier", `setSelfStatus ${show(customStatus)} → ${outcomeText(set)}`);
    if (set.code !== 0) this.fail(`event barrier: ${actor.label} could not re-set its custom status: ${outcomeText(set)}`);
    const isBarrier = (e: ReceivedEvent) =>
      e.name === "USER_STATUS_UPDATED" &&
      Array.isArray(e.data) &&
      e.data.some((s: { userID?: string; customStatus?: string }) => s?.userID === userId && (s.customStatus ?? "") === customStatus);
    const indexes = new Map<DeviceState, number>();
    await Promise.all(
      devices.map(async (d) => {
        const hit = await d.device.log.waitFor(isBarrier, BARRIER_TIMEOUT_MS, starts.get(d));
        if (!hit) this.fail(`event barrier: ${d.label} did not receive its own USER_STATUS_UPDATED within ${BARRIER_TIMEOUT_MS} ms`);
        hit.hidden = true;
        indexes.set(d, hit.index);
        this.trace.add(d.label, "barrier", `event #${hit.index} is the barrier; hidden from expectations`);
      }),
    );
    return indexes;
  }

  private async advanceClock(step: AdvanceClockStep): Promise<void> {
    const clock = this.target.clock;
    if (!clock) this.fail("the target has no manual clock");
    await this.settleVanished();
    clock.advance(step.ms);
    this.trace.add("clock", "clock", `advanced ${step.ms} ms to ${new Date(clock.now()).toISOString()}`);
  }

  /** Waits until the server saw the streams of vanished devices close, so their offline timeout has started. */
  private async settleVanished(): Promise<void> {
    const inspect = this.target.inspectSessions;
    if (!inspect) return;
    const users = new Set([...this.devices.values()].filter((d) => d.vanished || d.streamClosed).map((d) => d.ref.user));
    const deadline = performance.now() + SETTLE_TIMEOUT_MS;
    for (const user of users) {
      const userId = this.realId(user);
      const live = () => this.activeDevices(user).length;
      const open = () => inspect(userId).filter((s) => s.openStreams > 0).length;
      while (open() > live()) {
        if (performance.now() > deadline) this.fail(`the server still shows ${open()} open streams of ${user} (${live()} expected) ${SETTLE_TIMEOUT_MS} ms after vanishing`);
        await new Promise((r) => setTimeout(r, 2));
      }
      this.trace.add("runner", "note", `server sees ${open()} open streams of ${user}: ${show(inspect(userId))}`);
    }
  }

  private async vanish(step: VanishStep): Promise<void> {
    const state = await this.device(step.who);
    await state.device.vanish();
    state.active = false;
    state.vanished = true;
    this.trace.add(state.label, "vanish", "connection dropped without logout");
  }

  private async closeStream(step: CloseStreamStep): Promise<void> {
    const state = await this.device(step.who);
    if (!state.device.closeStream) this.fail(`the ${this.driver.name} driver cannot close a stream alone`);
    if (!state.active) this.fail(`${state.label} is not logged in`);
    await state.device.closeStream();
    state.streamClosed = true;
    this.trace.add(state.label, "stream", "event stream closed; the device still calls");
  }

  /**
   * Disconnects every device (no logout), restarts the server on the same storage and reconnects the admin client.
   * Devices are opened again, on the new URL, when a later step uses them; their event logs start empty.
   */
  private async restartServer(_step: RestartServerStep): Promise<void> {
    const restart = this.target.restart;
    if (!restart) this.fail("the target cannot restart its server");
    await Promise.all([...this.devices.values()].map((d) => d.device.close().catch(() => {})));
    this.devices.clear();
    this.admin.cut();
    const before = this.target.url;
    await restart();
    this.admin = createCuttableTransport(this.target.url);
    this.trace.add("runner", "restart", `server at ${before} stopped; started again on the same storage at ${this.target.url}; every device must log in again`);
  }
}

function outcomeText(outcome: Outcome): string {
  return outcome.code === 0 ? `ok ${show(outcome.data, 600)}` : `code ${outcome.code}: ${outcome.message ?? ""}`;
}

export function describeStep(step: Step): string {
  switch (step.kind) {
    case "call":
      return `${step.as.user}/${step.as.device} ${step.call}${step.repeat > 1 ? ` ×${step.repeat}` : ""}`;
    case "admin":
      return `admin ${step.admin}`;
    case "rest":
      return `${step.method} ${step.path}`;
    case "expectEvent":
    case "expectNoEvent":
      return `${step.kind} ${step.name} to ${step.to.user}${step.to.device ? `/${step.to.device}` : ""}`;
    case "advanceClock":
      return `advanceClock ${step.ms} ms`;
    case "vanish":
      return `vanish ${step.who.user}/${step.who.device}`;
    case "closeStream":
      return `closeStream ${step.who.user}/${step.who.device}`;
    case "restartServer":
      return "restartServer";
  }
}

// The facade driver: each device is its own `TencentCloudChat.create({SDKAppID, baseUrl, instanceID, transport})`
// instance, called exactly as an application calls the official SDK. Its transport is the device's cuttable
// connection, so `vanish` is a lost network, not a logout. The facade is loaded at run time, so a facade that fails
// to load fails the facade cases without stopping the rpc ones.
import type { Transport } from "@connectrpc/connect";
import { EVENT, TSignaling } from "../../../client/generated/constants.js";
import { createCuttableTransport } from "../cuttable-transport.js";
import { EventLog } from "../event-log.js";
import { show } from "../match.js";
import type { Device, DeviceOptions, Driver, Outcome } from "./driver.js";

/** What the suite uses of a facade instance, as the official SDK documents it. */
interface ChatInstance {
  on(eventName: string, handler: (event: { name: string; data: unknown }) => void): void;
  destroy(): Promise<unknown>;
  setLogLevel?(level: number): void;
  [method: string]: unknown;
}

/** What the suite uses of the facade's default export. */
export interface TencentCloudChatStatic {
  create(options: { SDKAppID: number; baseUrl: string; instanceID: string; transport?: Transport; deviceID?: string }): ChatInstance;
}

const READY_TIMEOUT_MS = 5_000;
const CALL_TIMEOUT_MS = 10_000;
const DESTROY_TIMEOUT_MS = 1_000;
const nameOfValue = new Map<string, string>(Object.entries(EVENT).map(([key, value]) => [value, key]));
/** TSignaling event value → key; these events reach listeners added with addSignalingListener. */
const signalingNameOfValue = new Map<string, string>(
  Object.entries(TSignaling).flatMap(([key, value]) => (typeof value === "string" ? [[value, key] as [string, string]] : [])),
);
let instances = 0;

/** Loads the facade (client/index). */
export async function loadFacade(): Promise<TencentCloudChatStatic> {
  // Typed as the suite sees it, not as the facade declares itself: the suite must not share the code it checks.
  const module = (await import("../../../client/index.js")) as unknown as { default?: TencentCloudChatStatic };
  if (typeof module.default?.create !== "function") throw new Error("client/index does not default-export TencentCloudChat with create()");
  return module.default;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms).unref()),
  ]);
}

class FacadeDevice implements Device {
  readonly log = new EventLog();
  private readonly connection: ReturnType<typeof createCuttableTransport>;
  private readonly chat: ChatInstance;

  constructor(
    facade: TencentCloudChatStatic,
    private readonly options: DeviceOptions,
  ) {
    this.connection = createCuttableTransport(options.baseUrl);
    this.chat = facade.create({
      SDKAppID: options.sdkAppID,
      baseUrl: options.baseUrl,
      instanceID: `conformance-${options.label}-${++instances}`,
      transport: this.connection.transport,
      // Chatwire's option naming the device at login, so both drivers' devices have the same Easemob resource key.
      deviceID: `web_${options.device}`,
    });
    this.chat.setLogLevel?.(4);
    for (const value of new Set(Object.values(EVENT))) {
      this.chat.on(value, (event) => {
        const name = nameOfValue.get(event?.name ?? value) ?? value;
        options.trace.add(options.label, "event", `${name} ${show(event?.data)}`);
        this.log.push(name, event?.data, options.trace.now());
      });
    }
    const addSignalingListener = this.chat.addSignalingListener as ((name: string, handler: (event: { data: unknown }) => void) => void) | undefined;
    for (const [value, name] of signalingNameOfValue) {
      try {
        addSignalingListener?.call(this.chat, value, (event) => {
          options.trace.add(options.label, "event", `${name} ${show(event?.data)}`);
          this.log.push(name, event?.data, options.trace.now());
        });
      } catch (err) {
        // A facade without signaling listeners fails the cases that expect TSignaling events, not every case.
        options.trace.add(options.label, "event", `addSignalingListener failed: ${show(err)}`);
      }
    }
  }

  get label(): string {
    return this.options.label;
  }

  async call(method: string, args: readonly unknown[]): Promise<Outcome> {
    const fn = this.chat[method];
    if (typeof fn !== "function") return { code: -1, message: `the facade has no method ${method}` };
    const from = this.log.events.length;
    let response: { code?: number; data?: unknown } | undefined;
    if (/^create\w*Message$/.test(method)) {
      // create*Message builds the message synchronously (or throws the official error).
      try {
        return { code: 0, data: fn.apply(this.chat, args) };
      } catch (err) {
        const e = err as { code?: unknown; message?: unknown };
        return { code: typeof e?.code === "number" ? e.code : -1, message: String(e?.message ?? err) };
      }
    }
    try {
      const pending = fn.apply(this.chat, args) as Promise<typeof response>;
      response = await withTimeout(Promise.resolve(pending), CALL_TIMEOUT_MS, method);
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown };
      return typeof e?.code === "number"
        ? { code: e.code, message: String(e.message ?? "") }
        : { code: -1, message: `rejected without an official code: ${err instanceof Error ? err.stack : show(err)}` };
    }
    if (method === "login") {
      const ready = await this.log.waitFor((e) => e.name === "SDK_READY", READY_TIMEOUT_MS, from);
      if (!ready) return { code: -1, message: `login resolved but SDK_READY did not follow within ${READY_TIMEOUT_MS} ms` };
    }
    return { code: response?.code ?? 0, data: response?.data };
  }

  async vanish(): Promise<void> {
    this.connection.cut();
  }

  async close(): Promise<void> {
    // Cut first: destroy() then cannot reach the server, so closing a device never logs it out.
    this.connection.cut();
    await withTimeout(Promise.resolve(this.chat.destroy()), DESTROY_TIMEOUT_MS, "destroy").catch(() => {});
  }
}

/** The facade driver over a loaded facade. */
export function facadeDriver(facade: TencentCloudChatStatic): Driver {
  return {
    name: "facade",
    openDevice: async (options) => new FacadeDevice(facade, options),
  };
}

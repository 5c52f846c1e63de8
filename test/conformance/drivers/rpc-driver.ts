// The rpc driver: each device is a raw Connect client (binary, HTTP/2) that maps an official method to its RPC through
// the generated `rpcMethods` table, converts the official options to the request and the response back to the
// official shape (official-shape.ts), and streams its events after login. It checks the server alone, without the
// facade in between.
import type { DescMethodUnary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { eventVariants, rpcMethods } from "../../../client/generated/methods.js";
import { ErrorDetailSchema } from "../../../gen/chatwire/v1/error_code_pb.js";
import { EventSchema, EventService, type Event, type StreamEventsResponse } from "../../../gen/chatwire/v1/event_pb.js";
import { SessionService } from "../../../gen/chatwire/v1/session_pb.js";
import { createCuttableTransport } from "../cuttable-transport.js";
import { EventLog } from "../event-log.js";
import { show } from "../match.js";
import { toMessageInit, toOfficial } from "../official-shape.js";
import type { Device, DeviceOptions, Driver, Outcome } from "./driver.js";

type Obj = Record<string, unknown>;

/** Where the facade's result differs from the response message: it resolves setSelfStatus with the status itself. */
const RESULT_OVERRIDES: Record<string, (data: Obj) => unknown> = {
  setSelfStatus: (data) => data.status,
};

/** Where the facade's event data differs from the event message: USER_STATUS_UPDATED carries the list itself. */
const EVENT_OVERRIDES: Record<string, (data: Obj) => unknown> = {
  userStatusUpdated: (data) => data.userStatusList,
};

/** RPCs of the wire that no official method binds (the facade calls them itself), callable as `Service.Method`. */
export const WIRE_ONLY_CALLS: Record<string, DescMethodUnary> = {
  "SessionService.Heartbeat": SessionService.method.heartbeat,
  "SessionService.GetServerTime": SessionService.method.getServerTime,
};

const CALL_TIMEOUT_MS = 10_000;
const READY_TIMEOUT_MS = 5_000;

/** A call's error in the official shape: the ErrorDetail's code, or -1 when the server sent none. */
export function outcomeOfError(err: unknown): Outcome {
  const error = ConnectError.from(err);
  const detail = error.findDetails(ErrorDetailSchema)[0];
  if (detail) return { code: detail.code, message: detail.message };
  return { code: -1, message: `no chatwire.v1.ErrorDetail: [${Code[error.code]}] ${error.rawMessage}` };
}

/** The official EVENT key and data of an event. */
export function officialEvent(event: Event): { name: string; data: unknown } {
  const variant = event.payload.case;
  if (variant === undefined) return { name: "?", data: undefined };
  const field = EventSchema.fields.find((f) => f.localName === variant)!;
  const data = toOfficial(field.message!, event.payload.value as unknown as Obj);
  return {
    name: (eventVariants as Record<string, string>)[variant] ?? `?${variant}`,
    data: EVENT_OVERRIDES[variant]?.(data) ?? data,
  };
}

class RpcDevice implements Device {
  readonly log = new EventLog();
  private readonly connection: ReturnType<typeof createCuttableTransport>;
  private token: string | undefined;
  private stream: AbortController | undefined;

  constructor(private readonly options: DeviceOptions) {
    this.connection = createCuttableTransport(options.baseUrl);
  }

  get label(): string {
    return this.options.label;
  }

  private headers(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  async call(method: string, args: unknown): Promise<Outcome> {
    const rpc = (rpcMethods.find((m) => m.name === method)?.method ?? WIRE_ONLY_CALLS[method]) as DescMethodUnary | undefined;
    if (!rpc) return { code: -1, message: `no RPC binds ${method}` };
    const input = toMessageInit(rpc.input, (args ?? {}) as Obj);
    if (method === "login") Object.assign(input, { deviceId: (args as Obj).deviceID ?? `web_${this.options.device}`, platform: "web" });
    let message: Obj;
    try {
      const response = await this.connection.transport.unary(rpc, undefined, CALL_TIMEOUT_MS, this.headers(), input as never);
      message = response.message as unknown as Obj;
    } catch (err) {
      return outcomeOfError(err);
    }
    if (method === "login") {
      this.token = message.sessionToken as string;
      const ready = await this.openStream(message.eventSequence as bigint);
      if (ready) return ready;
    }
    if (method === "logout") this.token = undefined;
    const data = toOfficial(rpc.output, message);
    return { code: 0, data: RESULT_OVERRIDES[method]?.(data) ?? data };
  }

  /** Opens the event stream from the login's sequence and waits for its first frame; returns an outcome on failure. */
  private async openStream(afterSequence: bigint): Promise<Outcome | undefined> {
    const { trace, label } = this.options;
    let iterator: AsyncIterator<StreamEventsResponse>;
    this.stream?.abort();
    this.stream = new AbortController();
    try {
      const response = await this.connection.transport.stream(
        EventService.method.streamEvents,
        this.stream.signal,
        undefined,
        this.headers(),
        (async function* () {
          yield { afterSequence };
        })(),
      );
      iterator = response.message[Symbol.asyncIterator]();
      const first = await Promise.race([
        iterator.next(),
        new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), READY_TIMEOUT_MS).unref()),
      ]);
      if (first === "timeout") return { code: -1, message: `no first frame on the event stream within ${READY_TIMEOUT_MS} ms` };
      if (first.done) return { code: -1, message: "the event stream ended before its first frame" };
      trace.add(label, "stream", `open after sequence ${afterSequence}`);
      this.receive(first.value);
    } catch (err) {
      const outcome = outcomeOfError(err);
      return { code: outcome.code, message: `StreamEvents failed: ${outcome.message}` };
    }
    void (async () => {
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done) break;
          this.receive(next.value);
        }
        trace.add(label, "stream", "ended by the server");
      } catch (err) {
        trace.add(label, "stream", `ended: ${ConnectError.from(err).message}`);
      }
    })();
    return undefined;
  }

  private receive(frame: StreamEventsResponse): void {
    for (const event of frame.events) {
      const { name, data } = officialEvent(event);
      this.options.trace.add(this.label, "event", `${name} #${event.sequence} ${show(data)}`);
      this.log.push(name, data, this.options.trace.now());
    }
  }

  async vanish(): Promise<void> {
    this.connection.cut();
  }

  async closeStream(): Promise<void> {
    this.stream?.abort();
  }

  async close(): Promise<void> {
    this.connection.cut();
  }
}

export const rpcDriver: Driver = {
  name: "rpc",
  openDevice: async (options) => new RpcDevice(options),
};

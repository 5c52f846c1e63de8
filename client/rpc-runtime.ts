// The one runtime every RPC-bound facade method goes through: official arguments → options object → trimmed
// lists → request message → Connect call with the session's bearer token → response message → `{code: 0, data}`
// in the official shape, or a ChatError. Per-method adapters override only the two mapping steps.
import type { DescMessage, DescMethod, DescMethodServerStreaming, DescMethodUnary, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { Transport } from "@connectrpc/connect";
import { createAsyncIterable } from "@connectrpc/connect/protocol";
import { methodAdapters } from "./adapters/registry.js";
import { toChatError } from "./errors.js";
import type { RpcMethodBinding } from "./generated/methods.js";
import type { Logger } from "./logger.js";
import { optionsFromArgs } from "./official-args.js";
import { officialKeyOf, toMessageInit, toOfficial, type OfficialObject } from "./official-shape.js";

/** What async facade methods resolve with. */
export interface ChatResponse<T = unknown> {
  code: 0;
  data: T;
}

/** What the runtime needs from the instance. */
export interface RpcRuntimeDeps {
  transport: () => Promise<Transport>;
  /** The session token to send as `authorization: Bearer`, if logged in. */
  token: () => string | undefined;
  logger: Logger;
}

/** The result of one bound call: the raw response for lifecycle hooks, and the official result. */
export interface InvokeResult {
  response: Record<string, unknown>;
  result: ChatResponse;
}

/** Trims the lists of `options` that exceed the binding's `truncate` limits, warning like the official SDK. */
export function truncateLists(binding: RpcMethodBinding, options: OfficialObject, logger: Logger): OfficialObject {
  let trimmed = options;
  for (const [localName, limit] of Object.entries(binding.truncate)) {
    const field = binding.method.input.field[localName];
    if (!field) continue;
    const key = officialKeyOf(field);
    const list = trimmed[key];
    if (Array.isArray(list) && list.length > limit) {
      logger.warn(`${binding.name} the length of ${key} cannot exceed ${limit}`);
      trimmed = { ...trimmed, [key]: list.slice(0, limit) };
    }
  }
  return trimmed;
}

function assertUnary(method: DescMethod): asserts method is DescMethodUnary {
  if (method.methodKind !== "unary") throw new TypeError(`${method.parent.typeName}.${method.name} is not unary`);
}

/** Calls Chatwire RPCs on behalf of one facade instance. */
export class RpcRuntime {
  constructor(private readonly deps: RpcRuntimeDeps) {}

  /** Calls a unary RPC; rejects with a ChatError. */
  async unary<I extends DescMessage, O extends DescMessage>(
    method: DescMethodUnary<I, O>,
    input: MessageInitShape<I>,
  ): Promise<MessageShape<O>> {
    try {
      const transport = await this.deps.transport();
      const response = await transport.unary(method, undefined, undefined, this.headers(), input);
      return response.message;
    } catch (err) {
      throw toChatError(err);
    }
  }

  /** Opens a server stream; resolves once the response headers arrive, rejects with the raw Connect error. */
  async serverStream<I extends DescMessage, O extends DescMessage>(
    method: DescMethodServerStreaming<I, O>,
    input: MessageInitShape<I>,
    signal: AbortSignal,
  ): Promise<AsyncIterable<MessageShape<O>>> {
    const transport = await this.deps.transport();
    const response = await transport.stream(method, signal, undefined, this.headers(), createAsyncIterable([input]));
    return response.message;
  }

  /** Runs official method `binding.name` with its official arguments; `extra` adds request fields. */
  async invoke(binding: RpcMethodBinding, args: readonly unknown[], extra: Record<string, unknown> = {}): Promise<InvokeResult> {
    const method = binding.method;
    assertUnary(method);
    const adapter = methodAdapters[binding.name] ?? {};
    const options = truncateLists(binding, optionsFromArgs(binding.name, args), this.deps.logger);
    const init = { ...(adapter.request ? adapter.request(options, method.input) : toMessageInit(method.input, options)), ...extra };
    const response = (await this.unary(method, init as MessageInitShape<DescMessage>)) as Record<string, unknown>;
    const data = adapter.response ? adapter.response(response as never, options) : toOfficial(method.output, response);
    return { response, result: { code: 0, data } };
  }

  private headers(): HeadersInit | undefined {
    const token = this.deps.token();
    return token ? { authorization: `Bearer ${token}` } : undefined;
  }
}

// Builds the object `TencentCloudChat.create()` returns: like the official one, a null-prototype object holding
// every official method, each wrapped in the middleware. An implementation is, in order: a local one
// (local-methods.ts), the generic RPC runtime for any method the spec binds to an RPC, or a 990001 failure.
import { clientBindings, rpcBindings } from "./bindings.js";
import type { ChatCore } from "./chat-core.js";
import type { ChatInstance } from "./chat-types.js";
import { notImplemented } from "./errors.js";
import { localMethods, type MethodImpl } from "./local-methods.js";
import { guard } from "./middleware.js";
import { officialMethods, type OfficialMethod } from "./official-methods.js";

const official = officialMethods as Readonly<Record<string, OfficialMethod>>;

/** Every method name the facade carries: the official 149 plus anything the spec binds beyond them. */
export function facadeMethodNames(): string[] {
  return [...new Set([...Object.keys(official), ...rpcBindings.keys(), ...clientBindings.keys()])];
}

function specOf(name: string): OfficialMethod {
  const base = official[name] ?? { domain: "", allowedBeforeReady: false, sync: false, params: ["options"], schema: null };
  const bound = rpcBindings.get(name) ?? clientBindings.get(name);
  return bound ? { ...base, allowedBeforeReady: bound.allowedBeforeReady } : base;
}

function unimplemented(name: string, sync: boolean): MethodImpl {
  return sync
    ? () => {
        throw notImplemented(name);
      }
    : () => Promise.reject(notImplemented(name));
}

/** Returns the facade object over `core`. */
export function createChatInstance(core: ChatCore): ChatInstance {
  const facade = Object.create(null) as Record<string, MethodImpl>;
  const local = localMethods(core, () => facade);
  for (const name of facadeMethodNames()) {
    const spec = specOf(name);
    const binding = rpcBindings.get(name);
    const impl: MethodImpl =
      local[name] ??
      (binding ? (...args) => core.runtime.invoke(binding, args).then((r) => r.result) : unimplemented(name, spec.sync));
    facade[name] = guard(name, spec, impl, core);
  }
  return facade as unknown as ChatInstance;
}

// The wrapper the official SDK puts around every instance method: while not ready, a method outside the
// allow-list returns a rejected Promise (even a synchronous one) and emits EVENT.ERROR; then the arguments are
// validated (a failure throws synchronously); then the implementation runs.
import type { ChatCore } from "./chat-core.js";
import type { MethodImpl } from "./local-methods.js";
import type { OfficialMethod } from "./official-methods.js";
import { validateParams } from "./param-validation.js";

/** Wraps implementation `impl` of official method `name` in the ready check and the parameter validation. */
export function guard(name: string, spec: OfficialMethod, impl: MethodImpl, core: ChatCore): MethodImpl {
  return (...args) => {
    if (!core.isReady() && !spec.allowedBeforeReady) return core.rejectNotReady(name);
    validateParams(name, args, spec.schema, core.logger);
    return impl(...args);
  };
}

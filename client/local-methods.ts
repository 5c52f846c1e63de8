// Facade methods implemented on the client: the client methods of the spec, plus login and logout, which are
// RPC-bound but drive the session lifecycle around their call.
import type { ChatCore } from "./chat-core.js";
import type { ChatEventHandler } from "./emitter.js";
import { signalingMethods } from "./signaling.js";

/** An official method's implementation (before the middleware). */
export type MethodImpl = (...args: unknown[]) => unknown;

/** Returns the local implementations by official method name; `self` is the facade (the default `once` context). */
export function localMethods(core: ChatCore, self: () => object): Readonly<Record<string, MethodImpl>> {
  return {
    ...signalingMethods(core),
    login: (...args) => core.login(args),
    logout: () => core.logout(),
    destroy: () => core.destroy(),
    getLoginUser: () => core.getLoginUser(),
    getServerTime: () => core.clock.serverNow(),
    isReady: () => core.isReady(),
    on: (eventName, handler, context) => core.emitter.on(eventName as string, handler as ChatEventHandler, context),
    once: (eventName, handler, context) =>
      core.emitter.once(eventName as string, handler as ChatEventHandler, context ?? self()),
    off: (eventName, handler, context, once) =>
      core.emitter.off(eventName as string, handler as ChatEventHandler, context, once as boolean | undefined),
    setLogLevel: (level) => {
      core.logger.level = Number(level);
    },
    registerPlugin: (plugins) => {
      Object.assign(core.plugins, plugins);
    },
  };
}

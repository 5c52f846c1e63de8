// Facade methods implemented on the client: the client methods of the spec, plus login and logout, which are
// RPC-bound but drive the session lifecycle around their call.
import { ErrorCode } from "../gen/chatwire/v1/error_code_pb.js";
import { rpcBinding } from "./bindings.js";
import type { ChatCore } from "./chat-core.js";
import { ChatError } from "./errors.js";
import type { ChatEventHandler } from "./emitter.js";
import { signalingMethods } from "./signaling.js";

/** An official method's implementation (before the middleware). */
export type MethodImpl = (...args: unknown[]) => unknown;

/** Returns the local implementations by official method name; `self` is the facade (the default `once` context). */
export function localMethods(core: ChatCore, self: () => object): Readonly<Record<string, MethodImpl>> {
  const state = core.state;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Obj = Record<string, any>;
  const methods: Record<string, MethodImpl> = {};
  for (const kind of ["Text", "TextAt", "Image", "Audio", "Video", "File", "Custom", "Face", "Location", "Merger", "Forward"]) {
    methods[`create${kind}Message`] = (options) => state.create(kind, options as Obj);
  }
  // Methods whose results carry messages the cache keeps (revokeMessage completes the message passed in).
  for (const name of ["getMessageList", "getMessageListHopping", "deleteMessage", "modifyMessage", "getMessageReadReceiptList"]) {
    methods[name] = (...args) => state.call(name, args);
  }
  return {
    ...signalingMethods(core),
    ...methods,
    sendMessage: (message, options) => state.send(message as Obj, options as Obj | undefined),
    resendMessage: (message, options) =>
      state.known.has(message as Obj)
        ? state.send(Object.assign(message as Obj, { isResend: true }), options as Obj | undefined)
        : Promise.reject(new ChatError({ code: ErrorCode.MSG_INSTANCE_REQUIRED })),
    revokeMessage: (message) => state.call("revokeMessage", [message], message as Obj),
    findMessage: (id) => state.find(id),
    setConversationDraft: (options) => state.draft(options as Obj),
    // The array form lists conversation IDs (an empty one resolves an empty list without a call).
    getConversationList: (options) =>
      Array.isArray(options) && options.length === 0
        ? Promise.resolve({ code: 0, data: { conversationList: [], isSyncCompleted: true } })
        : state.call("getConversationList", [Array.isArray(options) ? { conversationIDList: options } : options]),
    getConversationGroupList: () => state.call("getConversationGroupList", []).then((r) => ({ code: 0, data: (r.data as Obj).groupNameList })),
    // Declared with one parameter named options, it takes the merger message and resolves the full message.
    downloadMergerMessage: (message) =>
      state.call("downloadMergerMessage", [{ message }]).then((r) => ({ code: 0, data: (r.data as Obj).message })),
    getTotalUnreadMessageCount: () => state.total,
    // The keys the UIKit engine calls are answered here (Chatwire gates no ability behind a paid package and
    // builds every module in); the other keys go to the server (search.proto).
    callExperimentalAPI: (key, options) =>
      key === "isCommercialAbilityEnabled" || key === "statTUIKeyFeatures"
        ? Promise.resolve({ code: 0, data: { enabled: true } })
        : core.runtime.invoke(rpcBinding("callExperimentalAPI"), [key, options]).then((r) => ({ code: 0, data: (r.result as Obj).data.data })),
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

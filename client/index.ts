// Chatwire's drop-in for @tencentcloud/chat: `import TencentCloudChat from "chatwire/client"` and pass `baseUrl`.
import { TencentCloudChat } from "./tencent-cloud-chat.js";

export default TencentCloudChat;
export { TencentCloudChat, TIM, VERSION } from "./tencent-cloud-chat.js";
export { TYPES, EVENT, TSignaling } from "./generated/constants.js";
export { ChatError } from "./errors.js";
export type { ChatOptions, ChatInstance, ChatInstanceMethods, LoginResult } from "./chat-types.js";
export type { ChatEvent, ChatEventHandler } from "./emitter.js";
export type { ChatResponse } from "./rpc-runtime.js";
export type { OfficialUserStatus, OfficialUserStatusFailure } from "./adapters/user-status.js";
export type { Timers, TimerHandle } from "./timers.js";
export type { OfficialMethodName } from "./official-methods.js";

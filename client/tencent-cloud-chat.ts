// The `TencentCloudChat` namespace: create() plus the official constant tables. create() returns one instance per
// (SDKAppID, baseUrl, instanceID) until that instance's destroy().
import { ChatCore } from "./chat-core.js";
import { createChatInstance } from "./chat-instance.js";
import type { ChatInstance, ChatOptions } from "./chat-types.js";
import { EVENT, TSignaling, TYPES } from "./generated/constants.js";
import { createLogger } from "./logger.js";
import { systemTimers } from "./timers.js";
import { defaultBaseUrl, isNodeRuntime, lazyTransport } from "./transport.js";

/** The official package version the facade mirrors. */
export const VERSION = "3.6.6";

const instances = new Map<string, ChatInstance>();

function parseSDKAppID(value: unknown): number | undefined {
  if (typeof value === "number" && !Number.isNaN(value)) return value;
  if (typeof value !== "string" || value.trim() === "" || Number.isNaN(Number(value))) return undefined;
  return parseInt(value, 10);
}

/**
 * Returns the chat instance for `options`: the existing one for the same SDKAppID, baseUrl and instanceID, or a new
 * one. Like the official SDK, returns null (and logs) when SDKAppID is not a number — and, like the official
 * declarations, is typed as never null, so code written against `@tencentcloud/chat` type-checks unchanged under
 * strictNullChecks.
 */
function create(options: ChatOptions): ChatInstance {
  const logger = createLogger(options.logLevel ?? 0);
  const SDKAppID = parseSDKAppID(options.SDKAppID);
  if (SDKAppID === undefined) {
    logger.error("TencentCloudChat.create failed. Failed to parse the SDKAppID, please check the arguments");
    return null as unknown as ChatInstance;
  }
  const baseUrl = options.baseUrl ?? (options.transport ? "" : defaultBaseUrl());
  const key = JSON.stringify([SDKAppID, baseUrl, options.instanceID ?? ""]);
  const existing = instances.get(key);
  if (existing) return existing;
  const core = new ChatCore({
    SDKAppID,
    transport: lazyTransport({ transport: options.transport, baseUrl }),
    timers: options.timers ?? systemTimers,
    now: options.now ?? Date.now,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 30_000,
    reconnectDelayMs: { initial: options.reconnectDelayMs?.initial ?? 1_000, max: options.reconnectDelayMs?.max ?? 30_000 },
    deviceID: options.deviceID ?? "",
    platform: options.platform ?? (isNodeRuntime() ? "node" : "web"),
    logger,
    baseUrl,
    eventThrottling: options.eventThrottling !== false,
    onDestroyed: () => instances.delete(key),
  });
  const chat = createChatInstance(core);
  instances.set(key, chat);
  return chat;
}

/** The facade namespace, shaped like the official package's default export. */
export const TencentCloudChat = { create, TYPES, EVENT, TSignaling, VERSION };

/** The same namespace under the name tim-js-sdk (v2) code imports. */
export const TIM = TencentCloudChat;

// A facade instance wired to a FakeServer and FakeTimers, plus small event helpers.
import TencentCloudChat, { EVENT, type ChatEvent, type ChatInstance, type ChatOptions } from "../../../client/index.js";
import { FakeServer, type FakeServerOptions } from "./fake-server.js";
import { FakeTimers } from "./fake-timers.js";

export const SDK_APP_ID = 1400000001;

let instances = 0;

/** A fresh instance (its own instanceID) over a fake server, with hand-driven timers and logging off. */
export function newChat(
  options: { server?: FakeServerOptions; create?: Partial<ChatOptions> } = {},
): { chat: ChatInstance; server: FakeServer; timers: FakeTimers } {
  const timers = new FakeTimers();
  const server = new FakeServer({ serverTime: () => timers.now() + 5_000, ...options.server });
  const chat = TencentCloudChat.create({
    SDKAppID: SDK_APP_ID,
    instanceID: `test-${++instances}`,
    transport: server.transport,
    timers,
    now: timers.now,
    logLevel: 4,
    ...options.create,
  });
  if (!chat) throw new Error("create returned null");
  return { chat, server, timers };
}

/** Records every listed event the instance emits. */
export function recordEvents(chat: ChatInstance, names: readonly string[]): ChatEvent[] {
  const log: ChatEvent[] = [];
  for (const name of names) chat.on(name, (event) => log.push(event));
  return log;
}

/** Resolves with the next `name` event. */
export function nextEvent(chat: ChatInstance, name: string): Promise<ChatEvent> {
  return new Promise((resolve) => {
    const handler = (event: ChatEvent) => {
      chat.off(name, handler);
      resolve(event);
    };
    chat.on(name, handler);
  });
}

/** Logs in and lets the event stream open; resolves with login's result once SDK_READY was emitted. */
export async function loginReady(chat: ChatInstance, timers: FakeTimers, userID = "alice") {
  const result = await chat.login({ userID, userSig: "sig" });
  const ready = nextEvent(chat, EVENT.SDK_READY);
  await timers.advance(0);
  await ready;
  return result;
}

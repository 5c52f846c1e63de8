// The instance's event emitter. Like the official SDK (eventemitter3 behind a "safety callback" wrapper), every
// listener receives one `{name, data}` object, runs with the `context` it was registered with, and cannot break
// the emitter by throwing.
import type { Logger } from "./logger.js";

/** What every listener receives. */
export interface ChatEvent<T = unknown> {
  /** The event name, a value of `TencentCloudChat.EVENT`. */
  name: string;
  /** The payload; undefined for SDK_READY and SDK_NOT_READY. */
  data: T;
}

/** A listener of one event. */
export type ChatEventHandler<T = unknown> = (event: ChatEvent<T>) => void;

interface Listener {
  readonly handler: ChatEventHandler;
  readonly context: unknown;
  readonly once: boolean;
}

/** Listeners by event name; emits `{name, data}` to each in registration order. */
export class Emitter {
  private readonly listeners = new Map<string, Listener[]>();

  constructor(private readonly logger: Logger) {}

  on(name: string, handler: ChatEventHandler, context?: unknown): void {
    this.add(name, { handler, context, once: false });
  }

  once(name: string, handler: ChatEventHandler, context?: unknown): void {
    this.add(name, { handler, context, once: true });
  }

  /** Removes the listeners of `name` using `handler` (only those with `context`, or only one-shot ones, if given). */
  off(name: string, handler: ChatEventHandler, context?: unknown, once?: boolean): void {
    const list = this.listeners.get(name);
    if (!list) return;
    const kept = list.filter(
      (l) => l.handler !== handler || (once === true && !l.once) || (context !== undefined && l.context !== context),
    );
    if (kept.length > 0) this.listeners.set(name, kept);
    else this.listeners.delete(name);
  }

  emit(name: string, data?: unknown): void {
    const list = this.listeners.get(name);
    if (!list) return;
    for (const listener of [...list]) {
      if (listener.once) this.remove(name, listener);
      try {
        listener.handler.call(listener.context, { name, data });
      } catch (err) {
        this.logger.error(`listener of ${name} threw:`, err);
      }
    }
  }

  /** Removes every listener. */
  clear(): void {
    this.listeners.clear();
  }

  private remove(name: string, listener: Listener): void {
    const kept = (this.listeners.get(name) ?? []).filter((l) => l !== listener);
    if (kept.length > 0) this.listeners.set(name, kept);
    else this.listeners.delete(name);
  }

  private add(name: string, listener: Listener): void {
    const list = this.listeners.get(name);
    if (list) list.push(listener);
    else this.listeners.set(name, [listener]);
  }
}

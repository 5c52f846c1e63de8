// The record of one case run: every step, call, response, event and clock move with its time since the case
// started. It is printed when a case fails, so a failure explains itself without a rerun.
import { performance } from "node:perf_hooks";
import { show } from "./match.js";

export interface TraceEntry {
  /** Milliseconds since the case started. */
  at: number;
  /** Who acted or received: a device (alice/main), "admin", "clock" or "runner". */
  who: string;
  /** What happened: step, call, result, event, stream, admin, rest, clock, barrier, note. */
  kind: string;
  text: string;
}

export class Trace {
  private readonly start = performance.now();
  readonly entries: TraceEntry[] = [];

  /** Milliseconds since the case started. */
  now(): number {
    return Math.round((performance.now() - this.start) * 10) / 10;
  }

  add(who: string, kind: string, text: string | unknown): void {
    this.entries.push({ at: this.now(), who, kind, text: typeof text === "string" ? text : show(text, 2000) });
  }

  format(): string {
    return this.entries.map((e) => `${`+${e.at.toFixed(1)}ms`.padStart(11)} ${e.who.padEnd(16)} ${e.kind.padEnd(7)} ${e.text}`).join("\n");
  }
}

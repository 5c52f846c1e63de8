// Process-wide safety net: an unhandled rejection or an uncaught exception is a bug. It is logged with its stack and
// counted — never swallowed silently, never a silent exit — so tests (and operators) see it. The server keeps
// serving: every request path already answers its own errors, so what lands here escaped one and is reported.
import type { Logger } from "pino";

export interface ProcessFaults {
  unhandledRejections: number;
  uncaughtExceptions: number;
}

const counts: ProcessFaults = { unhandledRejections: 0, uncaughtExceptions: 0 };
const loggers = new Set<Logger>();
let installed = false;

function report(kind: keyof ProcessFaults, err: unknown): void {
  counts[kind]++;
  const message = kind === "unhandledRejections" ? "unhandled promise rejection" : "uncaught exception";
  if (loggers.size === 0) console.error(`chatwire: ${message}`, err);
  for (const logger of loggers) logger.fatal({ err }, message);
}

/** Installs the process handlers once; `logger` receives reports until the returned function is called. */
export function watchProcessFaults(logger: Logger): () => void {
  if (!installed) {
    installed = true;
    process.on("unhandledRejection", (reason) => report("unhandledRejections", reason));
    process.on("uncaughtException", (err) => report("uncaughtExceptions", err));
  }
  loggers.add(logger);
  return () => void loggers.delete(logger);
}

/** The faults counted so far in this process. */
export function processFaults(): ProcessFaults {
  return { ...counts };
}

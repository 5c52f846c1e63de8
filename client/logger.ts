// Console logging with the official SDK's levels: 0 everything, 1 release (info and up), 2 warnings and errors,
// 3 errors only, 4 nothing. `chat.setLogLevel(n)` changes the level of one instance.

/** A leveled console logger. */
export interface Logger {
  level: number;
  log(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

const PREFIX = "Chat";

/** Returns a logger printing to the console at `level` and above. */
export function createLogger(level = 0): Logger {
  return {
    level,
    log(...args) {
      if (this.level <= 0) console.log(PREFIX, ...args);
    },
    info(...args) {
      if (this.level <= 1) console.info(PREFIX, ...args);
    },
    warn(...args) {
      if (this.level <= 2) console.warn(PREFIX, ...args);
    },
    error(...args) {
      if (this.level <= 3) console.error(PREFIX, ...args);
    },
  };
}

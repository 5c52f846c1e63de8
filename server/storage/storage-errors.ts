// What storage failures look like to the rest of the server: one error type, never a driver's own, so callers can
// answer with a clear code (990004, "storage unavailable") and log once instead of crashing.

/** The database could not serve a call: locked by another process too long, unreachable, or failing. */
export class StorageUnavailableError extends Error {
  override readonly name: string = "StorageUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Another process held SQLite's write lock past the deadline. */
export class StorageBusyError extends StorageUnavailableError {
  override readonly name = "StorageBusyError";
  constructor(deadlineMs: number, cause: unknown) {
    super(`the database stayed locked by another process for ${deadlineMs} ms`, { cause });
  }
}

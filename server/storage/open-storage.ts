// Picks the back end from one string, so the CLI and the environment need a single setting (`--storage`, CHATWIRE_STORAGE).
import { createMemoryStorage } from "./memory.js";
import { openPostgresStorage } from "./postgres.js";
import { openSqliteStorage } from "./sqlite.js";
import type { Storage } from "./storage.js";

/** Where the server keeps its data when no storage is configured. */
export const DEFAULT_SQLITE_PATH = "./data/chatwire.db";

/** Opens "memory", a postgres:// or postgresql:// URL, or else a SQLite file path (default ./data/chatwire.db). */
export async function openStorage(spec: string | undefined): Promise<Storage> {
  if (spec === undefined || spec === "") return openSqliteStorage(DEFAULT_SQLITE_PATH);
  if (spec === "memory") return createMemoryStorage();
  if (/^postgres(ql)?:\/\//i.test(spec)) return openPostgresStorage(spec);
  return openSqliteStorage(spec);
}

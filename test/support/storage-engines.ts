// The storage engines every storage-touching test runs on, from one test body: SQLite in memory (`memory`), a fresh
// SQLite file, and PostgreSQL (a fresh schema of database `test` on 127.0.0.1:5432, dropped after). Without a
// reachable PostgreSQL the PostgreSQL runs are skipped locally; when `CI` is set they fail instead.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export type EngineName = "memory" | "sqlite" | "postgres";
export const ENGINES: readonly EngineName[] = ["memory", "sqlite", "postgres"];

/** A place to keep data: the storage setting a server or `openDatabase` takes, and how to remove it. */
export interface StorageSlot {
  engine: EngineName;
  /** The storage setting (`memory`, a file path, a postgres URL with its own search_path). */
  storage: string;
  /** Whether reopening `storage` finds the same data (false for memory). */
  durable: boolean;
  dispose(): Promise<void>;
}

export const PG_URL = process.env.CHATWIRE_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/test";

let pgReachable: Promise<string | undefined> | undefined;

/** undefined when PostgreSQL answers, else why not. */
export function postgresUnavailable(): Promise<string | undefined> {
  pgReachable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      return undefined;
    } catch (err) {
      return `PostgreSQL not reachable at ${PG_URL}: ${(err as Error).message}`;
    }
  })();
  return pgReachable;
}

/** The reason to skip an engine here, or undefined to run it; throws when CI requires the engine. */
export async function skipReason(engine: EngineName): Promise<string | undefined> {
  if (engine !== "postgres") return undefined;
  const why = await postgresUnavailable();
  if (why && process.env.CI) throw new Error(`${why} (CI is set, so PostgreSQL tests must run)`);
  return why;
}

let counter = 0;
let tmpRoot: string | undefined;

function tmp(): string {
  if (!tmpRoot) {
    tmpRoot = mkdtempSync(join(tmpdir(), "chatwire-test-"));
    process.once("exit", () => rmSync(tmpRoot!, { recursive: true, force: true }));
  }
  return tmpRoot;
}

let swept: Promise<void> | undefined;

/** Drops the schemas of test processes that are gone (killed runs leave them behind). */
function sweepStaleSchemas(admin: pg.Client): Promise<void> {
  swept ??= (async () => {
    const { rows } = await admin.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'cw\\_%'`);
    for (const { nspname } of rows) {
      const pid = Number(/^cw_(\d+)_/.exec(nspname)?.[1]);
      if (!pid || isAlive(pid)) continue;
      await admin.query(`DROP SCHEMA IF EXISTS ${nspname} CASCADE`).catch(() => {});
    }
  })();
  return swept;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A fresh, empty storage on `engine`. */
export async function freshStorage(engine: EngineName): Promise<StorageSlot> {
  const n = counter++;
  switch (engine) {
    case "memory":
      return { engine, storage: "memory", durable: false, dispose: async () => {} };
    case "sqlite": {
      const dir = join(tmp(), `db-${process.pid}-${n}`);
      return {
        engine,
        storage: join(dir, "nested", "chatwire.db"),
        durable: true,
        dispose: async () => rmSync(dir, { recursive: true, force: true }),
      };
    }
    case "postgres": {
      const schema = `cw_${process.pid}_${n}_${Math.random().toString(36).slice(2, 8)}`;
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      try {
        await sweepStaleSchemas(admin);
        await admin.query(`CREATE SCHEMA ${schema}`);
      } finally {
        await admin.end();
      }
      const url = new URL(PG_URL);
      url.searchParams.set("options", `-c search_path=${schema}`);
      return {
        engine,
        storage: url.toString(),
        durable: true,
        async dispose() {
          const client = new pg.Client({ connectionString: PG_URL });
          await client.connect();
          try {
            await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          } finally {
            await client.end();
          }
        },
      };
    }
  }
}

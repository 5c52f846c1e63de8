// Opens the database named by one string, so the CLI, the config file and the environment need a single setting
// (`--storage`, CHATWIRE_STORAGE): "memory" (SQLite in memory), a postgres:// URL, or a SQLite file path. Anything
// that looks like a URL of another kind is refused rather than taken for a file name. Opening migrates.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Kysely, PostgresDialect, type CompiledQuery, type DatabaseConnection, type Dialect, type Driver } from "kysely";
import pg from "pg";
import type { Database } from "./database.js";
import { createDb, type Db, type Engine } from "./db.js";
import { migrateToLatest } from "./migrations/migrate.js";
import { createSqliteDialect, isSqliteBusy } from "./sqlite-dialect.js";
import { StorageBusyError, StorageUnavailableError } from "./storage-errors.js";

/** Where the server keeps its data when no storage is configured. */
export const DEFAULT_SQLITE_PATH = "./data/chatwire.db";

export interface StorageOptions {
  /** How long a SQLite transaction waits for another process's write lock. Default 5 s. */
  busyDeadlineMs?: number;
  /** The most PostgreSQL connections. Default 10. */
  poolSize?: number;
  /** How long to wait for a PostgreSQL connection. Default 5 s. */
  connectTimeoutMs?: number;
}

/** A storage setting that cannot be used. */
export class StorageConfigError extends Error {
  override readonly name = "StorageConfigError";
}

export type StorageTarget = { engine: "sqlite"; path: string } | { engine: "postgres"; url: string };

/** Parses a storage setting; throws StorageConfigError for anything that is neither SQLite nor PostgreSQL. */
export function parseStorage(spec: string | undefined): StorageTarget {
  if (spec === undefined || spec.trim() === "") return { engine: "sqlite", path: DEFAULT_SQLITE_PATH };
  const value = spec.trim();
  if (value === "memory" || value === ":memory:") return { engine: "sqlite", path: ":memory:" };
  if (/^postgres(ql)?:\/\//i.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new StorageConfigError(`storage URL ${redact(value)} is not a valid URL`);
    }
    return { engine: "postgres", url: value };
  }
  // A scheme ("mysql://…", "postgress://…", "sqlite:…") is a typo or an unsupported engine, never a file name.
  if (/^[a-z][a-z0-9+.-]+:/i.test(value)) {
    throw new StorageConfigError(`unsupported storage "${redact(value)}": use "memory", a SQLite file path, or a postgres:// URL`);
  }
  return { engine: "sqlite", path: value };
}

/** A URL with its password replaced, for logs and messages. */
export function redact(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]+:)[^@]*@/i, "$1***@");
}

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH"]);

/** Whether a driver error means the database cannot be reached (as opposed to a bad query). */
function isUnavailable(err: unknown): boolean {
  const code = String((err as { code?: unknown } | null)?.code ?? "");
  if (CONNECTION_CODES.has(code) || code.startsWith("08") || code.startsWith("57P") || code === "53300") return true;
  const message = err instanceof Error ? err.message : "";
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(message);
}

function mapError(err: unknown): unknown {
  if (err instanceof StorageUnavailableError) return err;
  if (isSqliteBusy(err)) return new StorageBusyError(0, err);
  if (isUnavailable(err)) return new StorageUnavailableError(`the database is unreachable: ${(err as Error).message}`, { cause: err });
  return err;
}

/** Wraps a dialect so every driver failure that means "unavailable" surfaces as a StorageUnavailableError. */
function mappingErrors(dialect: Dialect): Dialect {
  const wrapConnection = (connection: DatabaseConnection): DatabaseConnection => ({
    executeQuery: <R>(query: CompiledQuery) => connection.executeQuery<R>(query).catch((err: unknown): never => {
      throw mapError(err);
    }),
    streamQuery: (query, chunkSize) => connection.streamQuery(query, chunkSize),
  });
  const wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const original = new WeakMap<DatabaseConnection, DatabaseConnection>();
  return {
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createDriver(): Driver {
      const driver = dialect.createDriver();
      const inner = (c: DatabaseConnection) => original.get(c) ?? c;
      const guard = async <T>(run: () => Promise<T>): Promise<T> => {
        try {
          return await run();
        } catch (err) {
          throw mapError(err);
        }
      };
      return {
        init: () => guard(() => driver.init()),
        async acquireConnection() {
          const connection = await guard(() => driver.acquireConnection());
          let outer = wrapped.get(connection);
          if (!outer) {
            outer = wrapConnection(connection);
            wrapped.set(connection, outer);
            original.set(outer, connection);
          }
          return outer;
        },
        beginTransaction: (c, settings) => guard(() => driver.beginTransaction(inner(c), settings)),
        commitTransaction: (c) => guard(() => driver.commitTransaction(inner(c))),
        rollbackTransaction: (c) => guard(() => driver.rollbackTransaction(inner(c))),
        savepoint: driver.savepoint && ((c, name, compile) => guard(() => driver.savepoint!(inner(c), name, compile))),
        rollbackToSavepoint:
          driver.rollbackToSavepoint && ((c, name, compile) => guard(() => driver.rollbackToSavepoint!(inner(c), name, compile))),
        releaseSavepoint:
          driver.releaseSavepoint && ((c, name, compile) => guard(() => driver.releaseSavepoint!(inner(c), name, compile))),
        releaseConnection: (c) => driver.releaseConnection(inner(c)),
        destroy: () => driver.destroy(),
      };
    },
  };
}

/** pg returns BIGINT (int8) and COUNT as strings; every such value here is a time, a count or a sequence < 2^53. */
const pgTypes = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

function openPostgres(url: string, options: StorageOptions): Dialect {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    types: pgTypes,
  });
  // An idle client that loses its connection emits on the pool; unhandled, that event would end the process.
  pool.on("error", () => {});
  return new PostgresDialect({ pool });
}

/** Opens and migrates the database a storage setting names. */
export async function openDatabase(spec: string | undefined, options: StorageOptions = {}): Promise<Db> {
  const target = parseStorage(spec);
  let engine: Engine;
  let location: string;
  let dialect: Dialect;
  if (target.engine === "sqlite") {
    if (target.path !== ":memory:") mkdirSync(dirname(target.path), { recursive: true });
    engine = "sqlite";
    location = target.path;
    dialect = createSqliteDialect(target.path, { busyDeadlineMs: options.busyDeadlineMs ?? 5_000 }).dialect;
  } else {
    engine = "postgres";
    location = redact(target.url);
    dialect = openPostgres(target.url, options);
  }
  const kysely = new Kysely<Database>({ dialect: mappingErrors(dialect) });
  try {
    await migrateToLatest(kysely, engine);
  } catch (err) {
    await kysely.destroy().catch(() => {});
    throw err;
  }
  return createDb(engine, location, kysely);
}

// Kysely's own SQLite dialect over better-sqlite3, with three changes the server needs (why not the stock driver:
// docs/decisions.md, "Storage"):
// - prepared statements are cached by SQL text (the stock driver prepares every query anew, which costs more than
//   running it);
// - every transaction is BEGIN IMMEDIATE: it takes the write lock up front, so two processes sharing a file never
//   deadlock on a lock upgrade; migrations run in such transactions, so two servers opening one file cannot both
//   apply one;
// - `busy_timeout` is 0 and a locked database is waited for asynchronously, with backoff up to a deadline, instead
//   of inside SQLite, which would block the whole event loop while another process holds the lock.
import Database from "better-sqlite3";
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Kysely,
  type SqliteDatabase,
  type SqliteStatement,
} from "kysely";
import { StorageBusyError } from "./storage-errors.js";

/** How many distinct statements stay prepared; past it the cache starts over (dynamic IN lists vary the SQL). */
const STATEMENT_CACHE_SIZE = 512;

export interface SqliteDialectOptions {
  /** How long to wait for another process's write lock before failing the transaction. */
  busyDeadlineMs: number;
}

/** Whether an error is SQLite's "database is locked". */
export function isSqliteBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "SQLITE_BUSY" || code === "SQLITE_BUSY_SNAPSHOT" || code === "SQLITE_LOCKED";
}

/** better-sqlite3 behind Kysely's SqliteDatabase interface, with its statements cached by SQL text. */
function cachingDatabase(db: Database.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => db.close(),
    prepare(sql) {
      let statement = cache.get(sql);
      if (!statement) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
        statement = db.prepare(sql) as unknown as SqliteStatement;
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

const BEGIN = CompiledQuery.raw("begin immediate");

/** SQLite's DDL is transactional; saying so makes Kysely's Migrator run each migration in an immediate transaction. */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  constructor(
    database: SqliteDatabase,
    private readonly options: SqliteDialectOptions,
  ) {
    super({ database });
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const deadline = Date.now() + this.options.busyDeadlineMs;
    for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
      try {
        await connection.executeQuery(BEGIN);
        return;
      } catch (err) {
        if (!isSqliteBusy(err)) throw err;
        if (Date.now() + delay > deadline) throw new StorageBusyError(this.options.busyDeadlineMs, err);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

/** Opens a better-sqlite3 database (WAL, synchronous=NORMAL, busy_timeout=0) and returns it with its dialect. */
export function createSqliteDialect(path: string, options: SqliteDialectOptions): { dialect: Dialect; raw: Database.Database } {
  const raw = new Database(path);
  try {
    raw.pragma("journal_mode = WAL");
    raw.pragma("synchronous = NORMAL");
    raw.pragma("busy_timeout = 0");
    raw.pragma("foreign_keys = ON");
  } catch (err) {
    raw.close();
    throw err;
  }
  const database = cachingDatabase(raw);
  const dialect: Dialect = {
    createAdapter: () => new TransactionalDdlSqliteAdapter(),
    createDriver: () => new ImmediateSqliteDriver(database, options),
    createIntrospector: (db: Kysely<any>) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
  return { dialect, raw };
}

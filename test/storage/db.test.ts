// The database handle itself, on every engine: group commit (one transaction per tick, a failing write fails only
// its caller), prepared queries, migrations applied once by concurrent openers, the storage setting, and — SQLite
// only — a write lock held by another process waited for without blocking the event loop.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import Database from "better-sqlite3";
import { sql } from "kysely";
import { openDatabase, parseStorage, StorageConfigError } from "../../server/storage/open-storage.js";
import { StorageBusyError, StorageUnavailableError } from "../../server/storage/storage-errors.js";
import { ENGINES, freshStorage, skipReason, type EngineName, type StorageSlot } from "../support/storage-engines.js";

function onEngines(title: string, body: (slot: StorageSlot) => Promise<void>, engines: readonly EngineName[] = ENGINES): void {
  describe(title, () => {
    for (const engine of engines) {
      test(engine, async (t) => {
        const skip = await skipReason(engine);
        if (skip) return t.skip(skip);
        const slot = await freshStorage(engine);
        try {
          await body(slot);
        } finally {
          await slot.dispose();
        }
      });
    }
  });
}

onEngines("batch: writes queued in one tick share one transaction and all resolve after it commits", async (slot) => {
  const db = await openDatabase(slot.storage);
  try {
    const ids = Array.from({ length: 20 }, (_, i) => `u${i}`);
    const txids = await Promise.all(
      ids.map((id) =>
        db.batch(async (trx) => {
          await trx.insertInto("account").values({ user_id: id, create_time: 1 }).execute();
          // The transaction's own identity: the same for every write of one batch.
          return db.engine === "postgres"
            ? String((await sql<{ x: string }>`select txid_current()::text as x`.execute(trx)).rows[0]!.x)
            : "sqlite";
        }),
      ),
    );
    assert.equal(new Set(txids).size, 1);
    const rows = await db.kysely.selectFrom("account").select("user_id").execute();
    assert.equal(rows.length, 20);
  } finally {
    await db.close();
  }
});

onEngines("batch: a failing write fails only its own caller; the others commit", async (slot) => {
  const db = await openDatabase(slot.storage);
  try {
    const results = await Promise.allSettled([
      db.batch((trx) => trx.insertInto("account").values({ user_id: "a", create_time: 1 }).execute()),
      db.batch(async (trx) => {
        await trx.insertInto("account").values({ user_id: "b", create_time: 1 }).execute();
        throw new Error("refused");
      }),
      db.batch((trx) => trx.insertInto("account").values({ user_id: "c", create_time: 1 }).execute()),
    ]);
    assert.deepEqual(results.map((r) => r.status), ["fulfilled", "rejected", "fulfilled"]);
    assert.equal((results[1] as PromiseRejectedResult).reason.message, "refused");
    const rows = await db.kysely.selectFrom("account").select("user_id").orderBy("user_id").execute();
    assert.deepEqual(rows.map((r) => r.user_id), ["a", "c"]);
  } finally {
    await db.close();
  }
});

onEngines("prepare: one statement, new parameters per call, inside and outside transactions", async (slot) => {
  const db = await openDatabase(slot.storage);
  try {
    const insert = db.prepare<{ id: string; t: number }, never>((k, p) => k.insertInto("account").values({ user_id: p("id"), create_time: p("t") }));
    const select = db.prepare<{ id: string }, { create_time: number }>((k, p) =>
      k.selectFrom("account").select("create_time").where("user_id", "=", p<string>("id")),
    );
    await db.transact(async (trx) => {
      await insert.execute(trx, { id: "x", t: 10 });
      await insert.execute(trx, { id: "y", t: 20 });
    });
    assert.deepEqual(await select.execute(db.kysely, { id: "y" }), [{ create_time: 20 }]);
    assert.deepEqual(await select.execute(db.kysely, { id: "x" }), [{ create_time: 10 }]);
    assert.deepEqual(await select.execute(db.kysely, { id: "z" }), []);
  } finally {
    await db.close();
  }
});

onEngines(
  "migrations: two openers at once apply each migration once, and reopening applies nothing",
  async (slot) => {
    const [a, b] = await Promise.all([openDatabase(slot.storage), openDatabase(slot.storage)]);
    try {
      const applied = await a.kysely.selectFrom("kysely_migration" as never).select("name" as never).execute();
      assert.deepEqual(
        (applied as { name: string }[]).map((r) => r.name),
        ["20251122T000000Z-init", "20261128T000000Z-timers"],
      );
      await b.kysely.insertInto("account").values({ user_id: "z", create_time: 1 }).execute();
    } finally {
      await a.close();
      await b.close();
    }
    const again = await openDatabase(slot.storage);
    try {
      assert.equal((await again.kysely.selectFrom("account").selectAll().execute()).length, 1);
    } finally {
      await again.close();
    }
  },
  ["sqlite", "postgres"],
);

onEngines("a storage error is a StorageUnavailableError once the database is gone, never a crash", async (slot) => {
  const db = await openDatabase(slot.storage);
  await db.close();
  await assert.rejects(db.batch(async () => undefined), StorageUnavailableError);
});

describe("the storage setting", () => {
  test("memory, paths and postgres URLs are accepted", () => {
    assert.deepEqual(parseStorage("memory"), { engine: "sqlite", path: ":memory:" });
    assert.deepEqual(parseStorage(undefined), { engine: "sqlite", path: "./data/chatwire.db" });
    assert.deepEqual(parseStorage("/var/lib/chatwire/chat.db"), { engine: "sqlite", path: "/var/lib/chatwire/chat.db" });
    assert.deepEqual(parseStorage("data/x.db"), { engine: "sqlite", path: "data/x.db" });
    assert.equal(parseStorage("postgres://u:p@db:5432/chat").engine, "postgres");
    assert.equal(parseStorage("postgresql://db/chat").engine, "postgres");
  });

  test("anything else is refused with a clear message, never taken for a file", () => {
    for (const bad of ["postgress://db/chat", "mysql://db/chat", "sqlite:chat.db", "redis://x", "file:chat.db"]) {
      assert.throws(() => parseStorage(bad), (err: unknown) => err instanceof StorageConfigError && /unsupported storage/.test((err as Error).message), bad);
    }
    assert.throws(
      () => parseStorage("mysql://root:hunter2@db/chat"),
      (err: unknown) => !(err as Error).message.includes("hunter2"),
      "the password is not echoed",
    );
  });

  test("an unreachable PostgreSQL fails to open with a StorageUnavailableError", async () => {
    await assert.rejects(openDatabase("postgres://127.0.0.1:1/none", { connectTimeoutMs: 500 }), StorageUnavailableError);
  });
});

describe("SQLite held by another process", () => {
  const dir = mkdtempSync(join(tmpdir(), "chatwire-busy-"));
  test.after(() => rmSync(dir, { recursive: true, force: true }));

  test("a write waits for the lock without blocking the event loop, then commits", async () => {
    const path = join(dir, "wait.db");
    const db = await openDatabase(path);
    const other = new Database(path);
    try {
      other.exec("BEGIN IMMEDIATE");
      const write = db.batch((trx) => trx.insertInto("account").values({ user_id: "w", create_time: 1 }).execute());
      // The event loop keeps turning while the write waits.
      let turns = 0;
      while (turns < 20) await new Promise<void>((resolve) => setImmediate(() => resolve(void turns++)));
      other.exec("COMMIT");
      await write;
      assert.equal((await db.kysely.selectFrom("account").selectAll().execute()).length, 1);
    } finally {
      other.close();
      await db.close();
    }
  });

  test("past the deadline the write fails with StorageBusyError and the handle keeps working", async () => {
    const path = join(dir, "deadline.db");
    const db = await openDatabase(path, { busyDeadlineMs: 50 });
    const other = new Database(path);
    try {
      other.exec("BEGIN IMMEDIATE");
      await assert.rejects(
        db.batch((trx) => trx.insertInto("account").values({ user_id: "late", create_time: 1 }).execute()),
        StorageBusyError,
      );
      other.exec("ROLLBACK");
      await db.batch((trx) => trx.insertInto("account").values({ user_id: "ok", create_time: 1 }).execute());
      assert.deepEqual((await db.kysely.selectFrom("account").select("user_id").execute()).map((r) => r.user_id), ["ok"]);
    } finally {
      other.close();
      await db.close();
    }
  });

  test("a database made by the pre-Kysely server is adopted with its data", async () => {
    const path = join(dir, "legacy.db");
    const legacy = new Database(path);
    legacy.exec(`
      CREATE TABLE schema_migrations (id TEXT PRIMARY KEY, applied_at INTEGER NOT NULL);
      INSERT INTO schema_migrations VALUES ('20251122T000000Z-init', 1);
      CREATE TABLE account (user_id TEXT PRIMARY KEY, create_time INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE presence (user_id TEXT PRIMARY KEY, custom_status TEXT NOT NULL, devices TEXT NOT NULL CHECK (json_valid(devices)),
        logged_out INTEGER NOT NULL, last_active_time INTEGER NOT NULL, update_time INTEGER NOT NULL) WITHOUT ROWID;
      CREATE TABLE subscription (subscriber_id TEXT NOT NULL, target_id TEXT NOT NULL, expire_time INTEGER NOT NULL,
        create_time INTEGER NOT NULL, PRIMARY KEY (subscriber_id, target_id)) WITHOUT ROWID;
      CREATE INDEX subscription_age ON subscription (subscriber_id, create_time, target_id);
      INSERT INTO account VALUES ('old', 5);
    `);
    legacy.close();
    const db = await openDatabase(path);
    try {
      assert.deepEqual(await db.kysely.selectFrom("account").selectAll().execute(), [{ user_id: "old", create_time: 5 }]);
      await db.kysely.insertInto("timer").values({ kind: "k", key: "x", due_time: 1, payload: "" }).execute();
    } finally {
      await db.close();
    }
  });
});

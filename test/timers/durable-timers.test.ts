// Durable timers on every engine: they fire once at their due time on the server's clock, survive a restart, fire
// once even when two processes arm them, and a cancelled or moved timer does not fire at its old time.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createManualClock, type ManualClock } from "../../server/clock.js";
import type { Db } from "../../server/storage/db.js";
import { openDatabase } from "../../server/storage/open-storage.js";
import { DurableTimers } from "../../server/timers/durable-timers.js";
import { createTimerStore } from "../../server/timers/timer-store.js";
import { ENGINES, freshStorage, skipReason, type StorageSlot } from "../support/storage-engines.js";

const KIND = "test.kind";

/** A timers instance whose handler records a fired key as an account row (its effect), claiming in the same transaction. */
function timersOn(db: Db, clock: ManualClock, fired: string[]): DurableTimers {
  const timers = new DurableTimers(createTimerStore(db), clock, { horizonMs: 60_000 });
  timers.on(KIND, async (firing) => {
    const owned = await db.transact(async (trx) => {
      if (!(await firing.claim(trx))) return false;
      await trx.insertInto("account").values({ user_id: `${firing.key}:${firing.payload}`, create_time: clock.now() }).execute();
      return true;
    });
    if (owned) fired.push(firing.key);
  });
  return timers;
}

async function effects(db: Db): Promise<string[]> {
  return (await db.kysely.selectFrom("account").select("user_id").orderBy("user_id").execute()).map((r) => r.user_id);
}

function onEngines(title: string, body: (slot: StorageSlot) => Promise<void>): void {
  describe(title, () => {
    for (const engine of ENGINES) {
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

onEngines("fires once at its due time, with its payload", async (slot) => {
  const db = await openDatabase(slot.storage);
  const clock = createManualClock();
  const fired: string[] = [];
  const timers = timersOn(db, clock, fired);
  try {
    await timers.start();
    await timers.schedule(KIND, "a", clock.now() + 30_000, "p");
    clock.advance(29_999);
    await timers.settled();
    assert.deepEqual(fired, []);
    clock.advance(1);
    await timers.settled();
    assert.deepEqual(fired, ["a"]);
    assert.deepEqual(await effects(db), ["a:p"]);
    assert.equal((await db.kysely.selectFrom("timer").selectAll().execute()).length, 0);
  } finally {
    timers.stop();
    await db.close();
  }
});

onEngines("cancelled timers do not fire; moved timers fire at the new time only", async (slot) => {
  const db = await openDatabase(slot.storage);
  const clock = createManualClock();
  const fired: string[] = [];
  const timers = timersOn(db, clock, fired);
  try {
    await timers.start();
    await timers.schedule(KIND, "cancelled", clock.now() + 1000);
    await timers.schedule(KIND, "moved", clock.now() + 1000);
    await timers.cancel(KIND, "cancelled");
    await timers.schedule(KIND, "moved", clock.now() + 5000);
    clock.advance(4999);
    await timers.settled();
    assert.deepEqual(fired, []);
    clock.advance(1);
    await timers.settled();
    assert.deepEqual(fired, ["moved"]);
  } finally {
    timers.stop();
    await db.close();
  }
});

onEngines("a timer survives a restart, including one due while the server was down", async (slot) => {
  if (!slot.durable) return;
  const clock = createManualClock();
  let db = await openDatabase(slot.storage);
  let timers = timersOn(db, clock, []);
  await timers.start();
  await timers.schedule(KIND, "during", clock.now() + 10_000);
  await timers.schedule(KIND, "after", clock.now() + 50_000);
  timers.stop();
  await db.close();

  clock.advance(20_000); // the server is down when "during" is due
  db = await openDatabase(slot.storage);
  const fired: string[] = [];
  timers = timersOn(db, clock, fired);
  try {
    await timers.start();
    clock.advance(0);
    await timers.settled();
    assert.deepEqual(fired, ["during"]);
    clock.advance(30_000);
    await timers.settled();
    assert.deepEqual(fired, ["during", "after"]);
  } finally {
    timers.stop();
    await db.close();
  }
});

onEngines("two processes arming the same timer apply its effect once", async (slot) => {
  if (!slot.durable) return;
  const clock = createManualClock();
  const [dbA, dbB] = [await openDatabase(slot.storage), await openDatabase(slot.storage)];
  const [firedA, firedB]: string[][] = [[], []];
  const [a, b] = [timersOn(dbA, clock, firedA), timersOn(dbB, clock, firedB)];
  try {
    await a.start();
    await a.schedule(KIND, "shared", clock.now() + 1000);
    await b.start(); // loads the stored timer
    assert.ok(b.isArmed(KIND, "shared"));
    clock.advance(1000);
    await a.settled();
    await b.settled();
    assert.equal(firedA.length + firedB.length, 1);
    assert.deepEqual(await effects(dbA), ["shared:"]);
  } finally {
    a.stop();
    b.stop();
    await dbA.close();
    await dbB.close();
  }
});

onEngines("timers beyond the horizon are armed when the clock comes near", async (slot) => {
  const db = await openDatabase(slot.storage);
  const clock = createManualClock();
  const fired: string[] = [];
  const timers = timersOn(db, clock, fired);
  try {
    await timers.start();
    await timers.schedule(KIND, "far", clock.now() + 10 * 60_000);
    assert.equal(timers.isArmed(KIND, "far"), false);
    for (let i = 0; i < 20 && fired.length === 0; i++) {
      clock.advance(30_000);
      await timers.settled();
    }
    assert.deepEqual(fired, ["far"]);
  } finally {
    timers.stop();
    await db.close();
  }
});

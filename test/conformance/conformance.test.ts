// `npm test` runs every case of every suite on both drivers and every storage engine (SQLite in memory, a SQLite
// file, PostgreSQL), each case against its own in-process server (manual clock, a fresh database, port 0), as
// node:test subtests named engine › driver/suite/case. PostgreSQL runs skip locally when no server answers on
// 127.0.0.1:5432 and fail when CI is set.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadKnownFailing, unusedEntries } from "./known-failing.js";
import { loadSuites } from "./load-suites.js";
import { judge, loadDrivers, planCases } from "./run.js";
import { runCase } from "./runner.js";
import { DRIVERS, type DriverName } from "./schema.js";
import { inProcessTargets } from "./targets.js";
import { ENGINES, skipReason, type EngineName } from "../support/storage-engines.js";

const suites = loadSuites();
const drivers = await loadDrivers(DRIVERS);
/** Every case on one driver against one engine's in-process servers. */
function driverSuite(engine: EngineName, name: DriverName): void {
  const driver = drivers.get(name)!;
  const targets = inProcessTargets(engine);
  const known = loadKnownFailing(name);
  const plan = planCases(suites, [name]);
  describe(name, () => {
    it(`${name}/known-failing-list-names-existing-cases`, () => {
      const stale = unusedEntries(known, plan.map((p) => p.testCase.fullName));
      assert.deepEqual(stale.map((e) => `${known.file}:${e.line} ${e.pattern}`), [], "entries that match no case");
    });
    for (const { testCase, fullName } of plan) {
      it(fullName, async (t) => {
        const verdict = judge(await runCase(testCase, driver, targets), testCase, known);
        switch (verdict.verdict) {
          case "pass":
            return;
          case "skip":
            t.skip(verdict.message);
            return;
          case "known-failing":
            t.diagnostic(`${verdict.message} — fails with: ${verdict.result.reason}`);
            return;
          case "unexpected-pass":
            assert.fail(verdict.message);
            break;
          case "fail":
            assert.fail(`${verdict.message}\n\ntrace:\n${verdict.result.trace ?? ""}`);
        }
      });
    }
  });
}

for (const engine of ENGINES) {
  const skip = await skipReason(engine);
  describe(engine, { skip: skip ?? false }, () => {
    for (const name of DRIVERS) driverSuite(engine, name);
  });
}

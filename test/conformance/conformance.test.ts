// `npm test` runs every case of every suite on both drivers, each against its own in-process server (manual
// clock, memory storage, port 0), as node:test subtests named driver/suite/case. Cases that restart the server
// run on the durable engines instead, once each: SQLite (a temp file) and PostgreSQL (a schema of their own on
// CHATWIRE_TEST_PG_URL, skipped when unreachable unless CI is set, where they must run).
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { loadKnownFailing, unusedEntries } from "./known-failing.js";
import { loadSuites } from "./load-suites.js";
import { judge, loadDrivers, planCases } from "./run.js";
import { runCase } from "./runner.js";
import { DRIVERS, type TestCase } from "./schema.js";
import { inProcessTargets, postgresUnavailable, type StorageEngine, type TargetFactory } from "./targets.js";

const suites = loadSuites();
const drivers = await loadDrivers(DRIVERS);
const memory = inProcessTargets();
const pgUnavailable = await postgresUnavailable();
const durable: { engine: StorageEngine; targets: TargetFactory; unavailable?: string }[] = [
  { engine: "sqlite", targets: inProcessTargets({ storage: "sqlite" }) },
  { engine: "postgres", targets: inProcessTargets({ storage: "postgres" }), unavailable: pgUnavailable },
];
after(() => Promise.all([memory, ...durable.map((d) => d.targets)].map((t) => t.close())));

/** The targets a case runs on: memory, or each durable engine when it restarts the server. */
function targetsOf(testCase: TestCase): { label: string; targets: TargetFactory; unavailable?: string }[] {
  if (!testCase.requires.includes("restart")) return [{ label: "", targets: memory }];
  return durable.map((d) => ({ label: ` [${d.engine}]`, targets: d.targets, unavailable: d.unavailable }));
}

for (const name of DRIVERS) {
  const driver = drivers.get(name)!;
  const known = loadKnownFailing(name);
  const plan = planCases(suites, [name]);
  describe(name, () => {
    it(`${name}/known-failing-list-names-existing-cases`, () => {
      const stale = unusedEntries(known, plan.map((p) => p.testCase.fullName));
      assert.deepEqual(stale.map((e) => `${known.file}:${e.line} ${e.pattern}`), [], "entries that match no case");
    });
    for (const { testCase, fullName } of plan) {
      for (const { label, targets, unavailable } of targetsOf(testCase)) {
        const skip = typeof driver === "string" ? driver : unavailable !== undefined && !process.env.CI ? unavailable : false;
        it(`${fullName}${label}`, { skip }, async (t) => {
          if (typeof driver === "string") return;
          if (unavailable) assert.fail(`CI is set, so this case must run: ${unavailable}`);
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
    }
  });
}
